"""What a measured value is about: money, percentages, durations, lengths, magnitudes.

:func:`measured` reads the parse around a value with a unit: what it is of, in or for ("80% of
the vote", "$225,000 in speaking fees", "19 hours of talks"), the noun it modifies ("a 9% pay
rise", "a 24-hour strike"), a dimension adjective ("two metres wide"), a distance and from where
("75 kilometers west of Manokwari"), the thing a verb of level or change names ("turnout
reached 93.87 percent") or the verb of paying or costing ("the tunnel cost £3.1 billion").
The rules are in docs/claims.md; spaCy is imported for typing only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb
from storylens.enrich.nouns import (
    CHANGES,
    PLACEHOLDERS,
    event,
    is_name,
    is_who,
    noun_phrase,
    of_object,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from storylens.enrich.phrases import Phrase

_AMOUNT_VERBS = {
    "cost": "cost", "spend": "spending", "lose": "loss", "raise": "funds raised", "fine": "fine",
    "charge": "charge", "save": "savings", "pay": "payment", "earn": "earnings",
    "lend": "loan", "borrow": "borrowing", "owe": "debt", "donate": "donation",
    "award": "award", "bill": "bill", "invest": "investment", "collect": "collected",
    "seek": "sought", "demand": "demand", "offer": "offer", "steal": "stolen",
    "propose": "proposal", "promise": "promise", "table": "offer", "give": "donation",
    "contribute": "contribution", "grant": "grant",
    "embezzle": "embezzled", "budget": "budget", "fund": "funding", "cut": "cut",
    "slice": "cut", "trim": "cut", "slash": "cut", "reduce": "cut",
}  # fmt: skip


_VOTE_VERBS = {"win", "take", "get", "receive", "secure", "poll", "gain", "garner"}


LEADS = {"lead", "trail", "beat", "top", "edge", "outpace", "outpoll"}


_REFERENCE = {"capacity", "average", "total", "supply", "normal", "level", "target", "budget",
              "output", "gdp", "value", "income", "revenue", "population"}  # fmt: skip


_DIMENSIONS = {"wide": "width", "long": "length", "high": "height", "tall": "height",
               "deep": "depth", "thick": "thickness", "across": "width"}  # fmt: skip


LEVEL_VERBS = {"reach", "rise", "fall", "stand", "peak", "hit", "top", "measure", "exceed",
                "climb", "drop", "grow", "swell", "sink", "remain"}  # fmt: skip


_DEPTH_WORDS = {"beneath", "below", "underground", "deep", "under", "down"}


_DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast",
               "southwest", "north-east", "north-west", "south-east", "south-west", "off",
               "from", "away", "offshore", "inland", "outside", "beyond", "short"}  # fmt: skip


_FAMILY_NOUN = {"length": "length", "mass": "weight", "area": "area", "volume": "volume",
                "time": "duration"}  # fmt: skip


_SPEND = {"cost", "spend", "pay", "earn", "raise", "lose", "charge", "save", "owe", "invest",
          "receive", "collect", "bring", "donate", "award", "fine", "bill", "make", "generate",
          "get", "take", "seek", "demand", "offer", "give", "win", "lend", "borrow"}  # fmt: skip


_CUTS = {"cut", "slice", "trim", "shave", "slash", "reduce", "save"}


_COSTS = {"cost", "total", "amount", "run", "come"}  # the subject is the thing that costs


_OFFERS = {"offer", "demand", "seek", "propose", "award", "give", "promise", "table"}


def measured(toks: list[Token], p: Phrase) -> str | None:
    """What a measured value (money, %, time, length, magnitude …) is about."""
    anchor = toks[p.anchor]
    family = p.family
    dimension = "magnitude" if p.unit == "magnitude" else _FAMILY_NOUN.get(family)
    if p.unit == "caliber":
        dimension = "caliber"
    by = anchor.head if anchor.dep_ == "pobj" and anchor.head.lower_ == "by" else None
    if family in ("percent", "points") and by is not None and by.head.lemma_.lower() in LEADS:
        return "lead"  # "Biden leads by 7 points in the poll"
    level = _level_subject(anchor) if family in ("percent", "points", "money") else None
    if level is not None:
        return level  # "turnout reached 93.87 percent in the election"
    found = _complement(toks, p, anchor)
    if found is None and toks[p.last] != anchor and p.unit is not None:
        found = _complement(toks, p, toks[p.last])  # "thousands of tonnes of plastic"
    if found is not None:
        prep, obj = found
        lemma = obj.lemma_.lower()
        if family == "time":
            if prep == "in":
                return f"duration in {obj.text if obj.pos_ == 'PROPN' else obj.lower_}"
            return f"{event(obj)} duration"
        if lemma == "vote" and family == "percent":
            return "vote share"
        if lemma in _DIMENSIONS.values():
            return _with_head(anchor, lemma)  # "10 to 40 centimeters in height"
        if lemma in _REFERENCE and family in ("percent", "points", "money"):
            return _from_clause(anchor, family, dimension) or noun_phrase(obj, plural=False)
        if family == "length" and prep == "of" and p.qualifier in ("within", "up to"):
            return f"distance from {noun_phrase(obj, plural=False)}"  # "within 2 km of X"
        if lemma in ("each", "every") and of_object(obj) is not None:
            obj = of_object(obj) or obj  # "$225,000 for each of three speeches"
        if prep in ("for", "on") and family == "money":
            paid = _amount_noun(anchor.head) if anchor.head.pos_ == "VERB" else None
            what = noun_phrase(obj, plural=obj.tag_ in ("NNS", "NNPS"))
            return f"{paid} {prep} {what}" if paid else what  # "spending on advertising"
        measured_share = family in ("money", "percent", "points") or prep == "of"
        if prep in ("of", "in", "for", "on") and lemma not in _REFERENCE and measured_share:
            return noun_phrase(obj, plural=obj.tag_ in ("NNS", "NNPS"))
    head = anchor.head
    modifies = anchor.dep_ in ("compound", "amod", "nmod", "nummod", "npadvmod")
    modified = modifies and head.pos_ in ("NOUN", "PROPN") and head.i > anchor.i
    if modified and head.lower_ == "worth":
        return _worth(head)  # "£400,000 worth of equipment"
    if modified and not nb.unit_of(head.lower_) and not is_name(head):
        if family == "time":
            return f"{event(head, compounds=True)} duration"
        noun = noun_phrase(head, plural=False)  # "a 14.2-km rail tunnel", "a 9% pay rise"
        return f"{noun} magnitude" if dimension == "magnitude" else noun
    if head.lower_ in ("behind", "late", "overdue") and family == "time":
        return "delay"  # "opened two years behind schedule"
    if head.lower_ in ("over", "above", "below", "under") and family in ("percent", "money"):
        over = next((c for c in head.children if c.dep_ == "pobj"), None)
        if over is not None and over.pos_ == "NOUN":  # "40% over its original budget"
            return f"{head.lower_} {noun_phrase(over, plural=False)}"
    if head.pos_ == "ADJ" and anchor.dep_ in ("npadvmod", "advmod", "dobj"):
        adjective = head.lower_
        if adjective in _DIMENSIONS:  # "two metres wide"
            return _with_head(head, _DIMENSIONS[adjective])
        if adjective == "worth":
            return _worth(head)  # "bonuses worth £2.4m", "a deal which could be worth $150m"
        if head.tag_ == "JJ":
            return adjective  # "99.9 percent certain"
    if family == "length":
        where = _distance(anchor)
        if where is not None:
            return where
    if anchor.dep_ in ("conj", "appos") and (head.like_num or nb.unit_of(head.lower_)):
        return None
    if anchor.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
        whole = head.head
        vague = nb.vague([whole.lower_]) is not None or whole.lower_ in nb.SCALE_WORDS
        if not is_who(whole) and whole.lemma_.lower() not in PLACEHOLDERS and not vague:
            noun = noun_phrase(whole, plural=False)
            if (
                whole.dep_ == "pobj"
                and whole.head.lower_ == "of"
                and whole.head.head.pos_ == "NOUN"
            ):
                noun = f"{noun_phrase(whole.head.head, plural=False)} of {noun}"  # margin of error
            return _with_dimension(noun, dimension, family)
    if family == "money" and anchor.dep_ == "pobj" and head.lower_ == "for":
        verb = head.head
        if verb.pos_ == "VERB":  # "sold the house for $5m", "signed him for £40m"
            sold = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if sold is not None and sold.pos_ == "NOUN" and not is_who(sold):
                return f"{noun_phrase(sold, plural=False)} price"
            return "price"
    return _from_clause(anchor, family, dimension)


def _amount_noun(verb: Token) -> str | None:
    """The noun of a verb of paying, earning or costing ("paid" → payment, "fined" → fine);
    the lemmatiser's slips ("fined" → "fin") are read from the word as written."""
    w = verb.lower_
    for cand in (verb.lemma_.lower(), w, w[:-1], w[:-2], w[:-3]):
        if cand in _AMOUNT_VERBS:
            return _AMOUNT_VERBS[cand]
    return None


def _level_subject(anchor: Token) -> str | None:
    """The thing whose level a value is, when a verb of level or change says so: "turnout
    reached 93.87 percent", "inflation fell to 2.4%", "the deficit rose to $5bn"."""
    verb = anchor.head.head if anchor.dep_ == "pobj" and anchor.head.pos_ == "ADP" else anchor.head
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in LEVEL_VERBS | CHANGES:
        return None
    if anchor.dep_ not in ("dobj", "pobj", "npadvmod", "attr"):
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ != "NOUN" or is_who(subject):
        return None
    if subject.lemma_.lower() in PLACEHOLDERS:
        return None
    return noun_phrase(subject, plural=subject.tag_ == "NNS")


def _complement(toks: list[Token], p: Phrase, anchor: Token) -> tuple[str, Token] | None:
    """(preposition, noun) of what a value is of, in or for: "80% of the vote", "$225,000 in
    speaking fees" or "1.5 billion rupiah ($A195,900) in aid" (the preposition may hang from a
    verb of paying or earning), "19 hours of talks", "three days in Dubai"."""
    money = p.family in ("money", "percent", "points")
    preps = ("of", "in", "for", "on") if money else ("of", "in")

    def usable(obj: Token | None) -> bool:
        if obj is None or obj.pos_ not in ("NOUN", "PROPN", "VERB") or nb.unit_of(obj.lower_):
            return False
        if obj.lower_ in ("each", "every"):
            return False
        if p.family == "time" and obj.ent_type_ in ("GPE", "LOC", "FAC"):
            return True  # "three days in Dubai"
        if obj.ent_type_ == "NORP":
            return True  # "31 percent of Americans"
        return not is_who(obj) and obj.lemma_.lower() not in ("time", "way")

    def pobj(prep: Token) -> Token | None:
        obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if obj is not None and obj.lower_ in ("each", "every"):
            obj = of_object(obj)  # "$225,000 for each of three speeches"
        return obj if usable(obj) else None

    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            obj = pobj(child)
            if obj is not None:
                return child.lower_, obj
    j = p.last + 1
    if j < len(toks) and toks[j].text == "(":  # past a conversion in parentheses
        while j < len(toks) and toks[j].text != ")":
            j += 1
        j += 1
    nxt = toks[j] if j < len(toks) else None
    verb = anchor.head
    if p.family == "time" and nxt is not None and nxt.lower_ == "in" and nxt.head == verb:
        obj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
        if usable(obj) and obj is not None:
            return "in", obj  # "spent three days in Dubai"
    paying = _amount_noun(verb) or verb.lemma_.lower() in _SPEND
    if money and nxt is not None and nxt.dep_ == "prep" and nxt.head == verb and paying:
        obj = pobj(nxt) if nxt.lower_ in preps else None
        if obj is not None:
            return nxt.lower_, obj
    if money and anchor.dep_ == "nsubjpass" and _amount_noun(verb):
        for child in verb.children:  # "$44 million was spent on advertising"
            if child.dep_ == "prep" and child.lower_ in preps and child.i > anchor.i:
                obj = pobj(child)
                if obj is not None:
                    return child.lower_, obj
    return None


def _distance(anchor: Token) -> str | None:
    """ "75 kilometers west of Manokwari", "some 13 nautical miles away", "10 km beneath the
    surface", "431 kilometres off Banda Aceh": a distance, and from where."""
    cands = [c for c in anchor.children if c.lower_ in _DIRECTIONS | _DEPTH_WORDS]
    head = anchor.head
    if head.lower_ in _DIRECTIONS | _DEPTH_WORDS:
        cands.append(head)
    for word in cands:
        if word.lower_ in _DEPTH_WORDS:
            return "depth"
        obj = of_object(word, ("of", "from", "off"))
        where = word.lower_ if obj is None else f"{word.lower_} {obj.head.lower_}"
        if obj is None and word.lower_ in ("off", "from"):
            obj = next((c for c in word.children if c.dep_ == "pobj"), None)
        if obj is not None and word.lower_ != "away":
            name = obj.text if obj.pos_ == "PROPN" else noun_phrase(obj, plural=False)
            return f"distance {where} {name}"
        return "distance"
    return None


def _worth(worth: Token) -> str | None:
    """What is worth a sum: the noun "worth" follows ("bonuses worth £2.4m"), the thing of
    "worth of" ("£400,000 worth of equipment"), or the subject of "be worth" (a "which" read
    as the noun it stands for)."""
    what = of_object(worth)
    if what is not None and what.pos_ == "NOUN":
        return noun_phrase(what, plural=what.tag_ == "NNS")
    head = worth.head
    if head.pos_ == "NOUN" and head.i < worth.i:
        return noun_phrase(head)
    if head.pos_ in ("AUX", "VERB"):
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ in ("which", "that") and head.dep_ == "relcl":
            subject = head.head
        if subject is not None and subject.pos_ == "NOUN":
            return noun_phrase(subject, plural=subject.tag_ == "NNS")
    return None


def _with_head(tok: Token, dimension: str) -> str:
    """A dimension with the noun it belongs to: "crater width", "tsunamis height"."""
    for cand in (tok.head, tok.head.head):
        if cand.pos_ == "NOUN" and not nb.unit_of(cand.lower_):
            return f"{cand.lower_} {dimension}"
    return dimension


def _with_dimension(noun: str, dimension: str | None, family: str) -> str:
    if not dimension or family in ("money", "percent", "points"):
        return noun
    if noun.split()[-1] in (dimension, "depth", "distance", "height", "width", "length"):
        return noun
    return f"{noun} {dimension}"


def _from_clause(anchor: Token, family: str, dimension: str | None) -> str | None:
    """The subject from the clause a value stands in: "inflation fell to 2.4%" → inflation,
    "the tunnel cost £3.1 billion" → tunnel cost, "cut its rate by 25 basis points" → rate,
    "won 80%" → vote share, "the river reached 6.8 metres" → river, "walked seven days" → walk
    duration. Otherwise a duration is a "duration", a length a "distance"."""
    verb = anchor.head
    while verb.dep_ in ("prep", "advmod", "quantmod", "npadvmod") and verb.head.i != verb.i:
        if verb.pos_ in ("VERB", "AUX"):
            break
        verb = verb.head  # "fined up to £1,000", "fell to 2.4%"
    if anchor.dep_ == "pobj" and verb.pos_ == "ADP":
        verb = verb.head
    if verb.pos_ == "ADJ" and verb.head.pos_ == "NOUN":  # "bonuses worth £2.4m"
        return noun_phrase(verb.head)
    lemma = verb.lemma_.lower()
    fallback = {"time": "duration", "length": "distance", "speed": "speed"}.get(family)
    if verb.pos_ not in ("VERB", "AUX"):
        return fallback or (dimension if dimension in ("magnitude", "caliber") else None)
    if family == "percent" and lemma in _VOTE_VERBS:
        return "vote share"
    if family in ("percent", "points") and lemma in LEADS:
        return "lead"  # "Biden leads by 7 points"
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN" and dimension == "magnitude":
        return f"{verb.head.lower_} magnitude"  # "an earthquake measuring 7.2"
    children = list(verb.children)
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("from", "to", "by") and family == "time":
        obj = next((c for c in children if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
        if obj is not None and not is_who(obj):  # "cut the trip from 2 hours 40 minutes"
            return f"{event(obj)} duration"
    if family in ("money", "percent", "points") and anchor.dep_ != "dobj":
        for c in children:
            if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.i != anchor.i and not is_who(c):
                if c.lemma_.lower() in PLACEHOLDERS:
                    of = of_object(c)  # "put the figure at $4.2bn": which figure is not said
                    return noun_phrase(of, plural=False) if of is not None else None
                return noun_phrase(c, plural=False)  # "cut its interest rate by 25 points"
    subject = next(
        (c for c in children if c.dep_ in ("nsubj", "nsubjpass") and c.i != anchor.i), None
    )
    if subject is not None and subject.lower_ in ("which", "that") and verb.dep_ == "relcl":
        subject = verb.head
    if subject is not None and subject.lemma_.lower() in PLACEHOLDERS:
        subject = of_object(subject)
    thing = subject if subject is not None and subject.pos_ in ("NOUN", "PROPN") else None
    if thing is not None and is_who(thing):
        thing = None
    if family == "money" and lemma in _CUTS:
        source = of_object(verb, ("from",))
        if source is not None and source.pos_ == "NOUN":
            return f"{noun_phrase(source, plural=False)} cut"  # "slice 30bn euros from its deficit"
    is_object = anchor.dep_ in ("dobj", "attr", "oprd", "pobj", "dative", "npadvmod")
    if family == "percent" and lemma in _OFFERS and is_object:
        return _AMOUNT_VERBS.get(lemma, lemma)  # "the authority has offered 3.5%"
    stance = any(c.dep_ in ("dobj", "xcomp", "ccomp") for c in children)
    if family == "percent" and anchor.dep_ in ("nsubj", "nsubjpass") and stance:
        words = [verb.lower_]  # "58% expected sales to fall", "46 percent approve of him"
        obj = next((c for c in children if c.dep_ in ("dobj", "attr")), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
            words.append(noun_phrase(obj, plural=obj.tag_ in ("NNS", "NNPS")))
        return " ".join(words)
    if family == "money" and _amount_noun(verb) and is_object:
        noun = _amount_noun(verb) or ""
        if thing is not None and lemma in _COSTS:
            return f"{noun_phrase(thing, plural=False)} {noun}"  # "the tunnel cost £3.1bn"
        to = of_object(verb, ("to",))
        if to is not None and to.pos_ in ("NOUN", "PROPN") and to.ent_type_ != "PERSON":
            return f"{noun} to {noun_phrase(to, plural=False)}"  # "gave $180,000 to the PAC"
        return noun
    if family == "time":
        if thing is not None and lemma in ("last", "take", "be", "continue", "run"):
            return f"{event(thing)} duration"  # "the battles lasted five hours"
        return f"{lemma} duration" if lemma not in ("be", "have", "do") else "duration"
    if family == "length" and (lemma not in LEVEL_VERBS or thing is None):
        return "distance"
    if family == "length" and thing is not None:
        return f"{noun_phrase(thing, plural=False)} level"  # "the river reached 6.8 metres"
    if thing is not None:
        return _with_dimension(noun_phrase(thing, plural=False), dimension, family)
    if dimension in ("magnitude", "caliber"):
        return dimension
    return fallback
