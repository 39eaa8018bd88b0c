"""What a number counts or measures, read from the dependency parse.

:func:`subject_of` gives the subject of one :class:`~storylens.enrich.phrases.Phrase`: for a
count, the noun the number quantifies with its modifiers ("assault rifles", "Somali pirates"),
or, for a generic noun ("people", "others") or a number standing alone, the verb or state
that says what is counted ("killed", "injured", "taken into custody"); for a measured value,
what it is of, in or for ("speaking fees", "vote share", "depth", "quake magnitude", "strike
duration"). It returns "" when the parse names nothing: such a claim has no subject and must
not be lined up with others on its value alone. Never a placeholder ("amount", "figure") and
never a person's name. The rules are in docs/claims.md; spaCy is imported for typing only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb

if TYPE_CHECKING:
    from spacy.tokens import Token

    from storylens.enrich.phrases import Phrase

_NOUNS = ("NOUN", "PROPN")
_MASS = {"staff", "personnel", "police", "livestock", "cattle", "crew", "equipment", "aid"}
GENERIC = {"people", "person", "persons", "individual", "individuals", "other", "others",
           "one", "ones", "those"}  # fmt: skip
_SYNONYMS = {"protestors": "protesters"}  # spelling variants only (see docs/claims.md)
_CROWD_VERBS = {"march", "protest", "demonstrate", "rally"}
_STATES = {"dead", "injured", "missing", "hurt", "wounded", "homeless", "displaced", "alive",
           "unaccounted", "critical", "sick", "trapped", "killed", "arrested"}  # fmt: skip
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this",
             "these", "those", "them"}  # fmt: skip
_NOT_MODIFIERS = {
    "other", "more", "several", "many", "few", "additional", "further", "extra", "such", "same",
    "total", "last", "first", "next", "only", "own", "various", "numerous", "least", "some",
    "approximate", "estimated", "entire", "whole", "another", "further", "fewer", "much",
    "overall", "combined", "respective", "different", "certain", "latest", "previous",
}  # fmt: skip
_PLACEHOLDERS = {"number", "total", "figure", "count", "amount", "sum", "tally"}
_CHANGES = {"rise", "fall", "increase", "decrease", "drop", "decline", "growth", "jump", "cut",
            "reduction", "gain", "loss", "hike", "surge", "slump", "climb", "plunge",
            "tumble", "soar", "slide", "grow", "shrink"}  # fmt: skip
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
_LEADS = {"lead", "trail", "beat", "top", "edge", "outpace", "outpoll"}
_REFERENCE = {"capacity", "average", "total", "supply", "normal", "level", "target", "budget",
              "output", "gdp", "value", "income", "revenue", "population"}  # fmt: skip
_DIMENSIONS = {"wide": "width", "long": "length", "high": "height", "tall": "height",
               "deep": "depth", "thick": "thickness", "across": "width"}  # fmt: skip
_PARTICLES = {"forward", "out", "away", "back", "home", "off", "up", "down", "over", "in"}
_LEVEL_VERBS = {"reach", "rise", "fall", "stand", "peak", "hit", "top", "measure", "exceed",
                "climb", "drop", "grow", "swell", "sink", "remain"}  # fmt: skip
_DEPTH_WORDS = {"beneath", "below", "underground", "deep", "under", "down"}
_DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast",
               "southwest", "north-east", "north-west", "south-east", "south-west", "off",
               "from", "away", "offshore", "inland", "outside", "beyond", "short"}  # fmt: skip
_FAMILY_NOUN = {"length": "length", "mass": "weight", "area": "area", "volume": "volume",
                "time": "duration"}  # fmt: skip
_IRREGULAR = {
    "flee": "fled", "take": "taken", "hit": "hit", "shoot": "shot", "bring": "brought",
    "hold": "held", "leave": "left", "seize": "seized", "find": "found", "catch": "caught",
    "put": "put", "send": "sent", "keep": "kept", "lose": "lost", "give": "given",
    "throw": "thrown", "drive": "driven", "fall": "fallen", "die": "died", "sell": "sold",
    "buy": "bought", "build": "built", "feel": "felt", "run": "run", "get": "got",
    "make": "made", "see": "seen", "tell": "told", "say": "said", "hurt": "hurt", "cut": "cut",
    "go": "gone", "come": "come", "bear": "borne", "steal": "stolen", "beat": "beaten",
}  # fmt: skip


def participle(verb: Token) -> str:
    """The verb as a past participle: "killed", "taken", "fled" ("were killed", "killing")."""
    if verb.tag_ in ("VBN", "VBD") and verb.lemma_.lower() not in _IRREGULAR:
        return verb.lower_
    lemma = verb.lemma_.lower()
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma[:-1] + "ied"
    vowels = "aeiou"
    if len(lemma) <= 4 and lemma[-1] not in vowels + "wxy" and lemma[-2:-1] in vowels:
        if lemma[-3:-2] not in vowels:
            return lemma + lemma[-1] + "ed"  # trap -> trapped
    return lemma + "ed"


def _plural(lemma: str) -> str:
    irregular = {"person": "people", "man": "men", "woman": "women", "child": "children"}
    if lemma in irregular:
        return irregular[lemma]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma[:-1] + "ies"
    if lemma.endswith(("s", "x", "ch", "sh")):
        return lemma if lemma.endswith("s") else lemma + "es"
    return lemma + "s"


def _noun(tok: Token, plural: bool = True) -> str:
    """A counted noun, normalised: lemma, plural, spelling variants and synonyms merged."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PROPN":
        return tok.text
    if tok.tag_ in ("NNS", "NNPS") or tok.pos_ not in ("NOUN", "PROPN") or lemma in _MASS:
        word = tok.lower_  # already plural, or "four of the injured"
    else:
        word = _plural(lemma) if plural else lemma
    return _SYNONYMS.get(word, word)


def _model(tok: Token) -> bool:
    """A model or type name with digits ("AK-47", "F-16"), or a number word in a chain."""
    text = tok.text
    if nb.glued_currency(tok.lower_) is not None:
        return False
    return tok.pos_ == "NUM" or (any(c.isdigit() for c in text) and any(c.isalpha() for c in text))


def _modifiers(tok: Token) -> list[Token]:
    """The compounds and adjectives before a noun that say which kind it is ("assault" rifles,
    "Somali" pirates, "speaking" fees), without quantity words, numbers and units."""
    out = []
    for t in tok.lefts:
        if any(c.isdigit() for c in t.text) and not (_model(t) and not t.like_num):
            continue
        if t.lower_ in nb.SCALE_WORDS or t.lower_ in nb.SMALL or t.like_num:
            continue
        if t.dep_ in ("nummod", "compound") and _model(t) and not t.like_num:
            out.append(t)  # "AK-47 assault rifles"
        elif t.dep_ == "compound" and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ"):
            if t.like_num or nb.unit_of(t.lower_) or t.ent_type_ in ("PERSON", "DATE", "TIME"):
                continue
            out += [*_modifiers(t), t]
        elif t.dep_ in ("amod", "nmod") and t.pos_ in ("ADJ", "VERB", "NOUN", "PROPN"):
            if t.lower_ in _NOT_MODIFIERS or t.like_num or t.tag_ in ("JJS", "JJR"):
                continue
            if nb.unit_of(t.lower_) or t.lower_.endswith(("-year", "-old")) or "-" in t.text:
                continue
            if t.ent_type_ in ("PERSON", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"):
                continue
            out.append(t)
    return out


def noun_phrase(tok: Token, plural: bool = True) -> str:
    """A noun with its modifiers: "assault rifles", "effective federal tax rate"; a change
    with what changes: "fall in real wages"."""
    words = [t.text if t.pos_ == "PROPN" else t.lower_ for t in _modifiers(tok)]
    phrase = " ".join([*words, _noun(tok, plural)])
    if tok.lemma_.lower() in _CHANGES:
        what = _of_object(tok, ("in", "of"))
        if what is not None and what.pos_ in ("NOUN", "PROPN") and not _is_who(what):
            phrase += f" {what.head.lower_} {noun_phrase(what, plural=what.tag_ == 'NNS')}"
    return phrase


def _is_name(tok: Token) -> bool:
    """A person's name or a pronoun: never a subject."""
    person = tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN"
    return person or tok.lower_ in _PRONOUNS or tok.pos_ == "PRON"


def _is_who(tok: Token) -> bool:
    """A name of a person, organisation or place, a pronoun or a date: who or when, not what."""
    named = tok.pos_ == "PROPN" and tok.ent_type_ in ("ORG", "GPE", "NORP", "PERSON", "LOC")
    return _is_name(tok) or named or tok.ent_type_ in ("DATE", "TIME")


def _of_object(tok: Token, preps: tuple[str, ...] = ("of",)) -> Token | None:
    """X in "<tok> of X" (or another preposition)."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def subject_of(toks: list[Token], p: Phrase) -> str:
    """The subject of a number phrase, or "" when the parse names none."""
    anchor = toks[p.anchor]
    if p.side is not None and p.side.startswith("votes"):
        return p.side
    if p.side is not None and p.side.startswith("poll"):
        return _poll_side(toks, p) or ""
    if p.family == "ordinal":
        return _ordinal_subject(anchor)
    if p.share:
        return _share(toks, p) or ""
    if p.family == "count":
        return counted(toks, p) or ""
    return measured(toks, p) or ""


def _poll_side(toks: list[Token], p: Phrase) -> str | None:
    """ "Biden leads Trump 48 percent to 42 percent": each figure is the support of one side, the
    first the subject of the verb, the second its object."""
    verb = next((t for t in toks if t.lemma_.lower() in _LEADS), None)
    if verb is None:
        return None
    dep = ("nsubj",) if p.side == "poll first" else ("dobj", "pobj")
    side = next((c for c in verb.children if c.dep_ in dep), None)
    if side is None or side.pos_ not in ("PROPN", "NOUN"):
        return None
    name = side.text if side.pos_ == "PROPN" else noun_phrase(side, plural=False)
    return f"support for {name}"


# --- counts ---------------------------------------------------------------------------------


def counted(toks: list[Token], p: Phrase) -> str | None:
    """What a plain count counts."""
    anchor = toks[p.anchor]
    if anchor.lower_ == "times" and anchor.head.pos_ in ("VERB", "AUX"):
        return f"times {participle(anchor.head)}"  # "shot eleven times"
    noun = _counted_noun(anchor)
    if noun is not None:
        if _is_name(noun) or nb.unit_of(noun.lower_):
            return None
        if noun.lower_ in GENERIC or noun.lemma_.lower() in GENERIC:
            return _generic(anchor, noun)
        if noun.pos_ == "ADJ" or noun.lower_ in _STATES:
            return noun.lower_  # "24 dead"
        return noun_phrase(noun, plural=p.lo != 1 or p.hi != 1)
    return _elided(toks, p, anchor)


def _counted_noun(anchor: Token) -> Token | None:
    """The noun the number quantifies: its head ("23 pirates"), the object of "of" ("thousands
    of people", "three of the nine members"), or a state it stands with ("24 dead")."""
    doc = anchor.doc
    if anchor.i + 2 < len(doc) and doc[anchor.i + 1].text == "-" and anchor.whitespace_ == "":
        after = doc[anchor.i + 2]  # "three-story hotels", "a 300-seat parliament"
        if after.pos_ == "NOUN" and after.i < anchor.sent.end and not nb.unit_of(after.lower_):
            return after
    head = anchor.head
    modifies = anchor.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
    while modifies and _model(head) and head.head.i > head.i and head.head.pos_ in _NOUNS:
        head = head.head  # "seven AK-47 assault rifles"
    if modifies and head.i > anchor.i and head.pos_ in ("NOUN", "PROPN", "ADJ"):
        while head.lower_ in ("dozen", "hundred", "thousand", "million") and head.head.i > head.i:
            head = head.head
        while (
            head.dep_ in ("amod", "compound", "nmod")
            and head.head.i > head.i
            and head.head.pos_ in ("NOUN", "PROPN")
            and head.lower_ not in _STATES
        ):
            head = head.head  # "Two plainclothes NYPD officers"
        if nb.glued_currency(head.lower_) is not None:
            return None
        if head.pos_ != "ADJ" or head.lower_ in _STATES:
            return head
    obj = _of_object(anchor)
    if obj is not None and obj.pos_ != "PRON":
        return obj
    for child in anchor.children:  # "200 injured", "two others missing"
        if child.dep_ in ("amod", "acl", "acomp") and child.lower_ in _STATES:
            return child
    return None


def _generic(anchor: Token, noun: Token) -> str:
    """A generic noun ("people", "others") takes what the clause says about it: a state
    ("injured"), the verb of a relative clause, or the verb it is subject or object of."""
    for child in noun.children:
        if child.dep_ in ("amod", "acl", "acomp") and child.lower_ in _STATES:
            return child.lower_  # "the 19 people injured", "two others missing"
    for child in noun.children:
        if child.dep_ == "relcl" and child.pos_ in ("VERB", "AUX"):
            return _verb_phrase(child, noun)  # "people who fled fighting"
        if child.dep_ == "amod" and child.pos_ == "ADJ" and child.i > noun.i:
            return f"people {child.lower_}"  # "the 2.5 million people eligible"
    acl = next((c for c in noun.children if c.dep_ == "acl" and c.pos_ == "VERB"), None)
    if acl is not None and noun.dep_ not in ("nsubj", "nsubjpass"):
        return _verb_phrase(acl, noun)  # "thousands of people living in tents"
    governor = noun.head
    holder = noun
    if noun.dep_ == "pobj" and governor.head.i == anchor.i:  # "thousands of people"
        governor, holder = anchor.head, anchor
    elif noun.dep_ == "pobj" and governor.lower_ == "of" and governor.head.pos_ == "NOUN":
        group = governor.head  # "a group of about 130 people", "a city of 160,000 people"
        if group.head.pos_ in ("VERB", "AUX") and group.dep_ in ("nsubj", "nsubjpass"):
            return _verb_phrase(group.head, group)
        return noun_phrase(group, plural=False)
    if holder.dep_ == "pobj" and governor.pos_ == "ADP" and governor.head.pos_ == "VERB":
        found = _clause_noun(governor.head, holder)
        if found is not None:
            return found  # "police put the march at roughly 30,000 people"
    if governor.pos_ in ("VERB", "AUX") and holder.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
        return _verb_phrase(governor, holder)
    if acl is not None:
        return _verb_phrase(acl, noun)
    return "others" if noun.lower_ == "others" else "people"


# Verbs that say what happened to the people counted: their participle alone is the subject
# ("killed", "injured", "detained"); any other verb keeps "people" ("people sheltering in the
# school", "people took to streets").
_FATES = {"kill", "injure", "wound", "hurt", "arrest", "detain", "evacuate", "displace",
          "rescue", "trap", "miss", "hospitalise", "hospitalize", "jail", "imprison", "charge",
          "convict", "sentence", "deport", "abduct", "kidnap", "execute", "shoot", "stab",
          "infect", "affect", "strand", "bury", "maim", "behead", "capture"}  # fmt: skip


def _verb_phrase(verb: Token, noun: Token | None = None) -> str:
    """What a verb says about the people counted: a state ("left 24 dead" → dead), taking part
    (participants), a fate ("killed", "arrested"), else "people" with the verb as written and
    its complement ("people sheltering in the school", "people fled homes")."""
    while verb.lemma_.lower() in ("have", "need", "begin", "continue", "start") and any(
        c.dep_ == "xcomp" for c in verb.children
    ):
        verb = next(c for c in verb.children if c.dep_ == "xcomp")  # "had to be ushered"
    if verb.lemma_.lower() in ("report", "say", "believe", "think", "estimate", "feared"):
        inner = next((c for c in verb.children if c.dep_ in ("advcl", "xcomp")), None)
        if inner is None:
            prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"), None)
            inner = next((c for c in prep.children if c.pos_ == "VERB"), None) if prep else None
        if inner is not None:
            verb = inner  # "10,000 people are reported as marching"
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ in ("acomp", "oprd", "xcomp") and child.lower_ in _STATES:
            return child.lower_
    if lemma in ("take", "turn") and any(c.lower_ in ("part", "out") for c in verb.children):
        return "participants"
    if lemma == "die":
        return "died"
    if lemma in ("be", "remain", "stay"):
        for child in verb.children:
            if child.dep_ in ("acomp", "attr") and child.i > verb.i:
                return child.lower_ if child.pos_ == "ADJ" else _noun(child)
            if child.dep_ == "prep" and child.lower_ in ("in", "at", "on", "under"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.pos_ == "NOUN":  # "two remained in intensive care"
                    return f"{child.lower_} {noun_phrase(obj, plural=False)}"
        return "people"
    if lemma in _FATES:
        return participle(verb)
    words = [verb.lower_]
    for child in verb.children:
        if child.dep_ == "prt" or (child.dep_ == "advmod" and child.lower_ in _PARTICLES):
            words.append(child.lower_)
    obj = next((c for c in verb.children if c.dep_ == "dobj" and (noun is None or c != noun)), None)
    if obj is not None and obj.pos_ == "NOUN" and not obj.like_num:
        words.append(noun_phrase(obj, plural=obj.tag_ == "NNS"))
    else:
        after = noun.i if noun is not None and noun.i > verb.i else verb.i
        prep = next((c for c in verb.children if c.dep_ == "prep" and c.i > after), None)
        pobj = _of_object(verb, (prep.lower_,)) if prep is not None else None
        if prep is not None and pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
            words += [prep.lower_, noun_phrase(pobj, plural=pobj.tag_ == "NNS")]
    return " ".join(["people", *words])


def _elided(toks: list[Token], p: Phrase, anchor: Token) -> str | None:
    """A number standing alone ("46 were arrested", "took 23 into custody", "four from friendly
    fire", "put the toll at 40"): the noun of an earlier count in the sentence, the verb."""
    head = anchor.head
    if anchor.dep_ in ("conj", "appos") and head.like_num:
        earlier = _counted_noun(head)
        if earlier is not None and not _is_name(earlier):
            return noun_phrase(earlier)
    verb = head
    while verb.dep_ in ("prep", "advmod", "quantmod", "npadvmod") and verb.head.i != verb.i:
        verb = verb.head if verb.pos_ != "VERB" else verb
        if verb.pos_ == "VERB":
            break
    if anchor.dep_ == "pobj" and head.pos_ == "ADP":
        if head.head.pos_ == "NOUN" and head.lower_ == "of":  # "a majority of 160"
            return noun_phrase(head.head, plural=False)
        verb = head.head
    if verb.pos_ in ("VERB", "AUX"):
        found = _clause_noun(verb, anchor)
        if found is not None:
            return found
    antecedent = _earlier_count(toks, p)
    if verb.pos_ in ("VERB", "AUX") and anchor.dep_ in ("nsubj", "nsubjpass", "dobj"):
        said = _verb_phrase(verb)
        return f"{antecedent} {said}" if antecedent else said
    return antecedent


def _clause_noun(verb: Token, anchor: Token) -> str | None:
    """ "put the death toll at 40", "the toll rose to 24", "the toll was 40", "raised the number
    of seats from 65": the noun the clause says the number is the value of."""
    if anchor.dep_ == "pobj":
        wanted = ("dobj", "nsubj", "nsubjpass")
    elif anchor.dep_ == "attr":
        wanted = ("nsubj",)
    else:
        return None
    for dep in wanted:
        for c in verb.children:
            if c.i == anchor.i or c.dep_ != dep:
                continue
            noun = c
            if noun.lemma_.lower() in _PLACEHOLDERS:
                noun = _of_object(noun) or noun
            if noun.pos_ == "NOUN" and noun.lemma_.lower() not in _PLACEHOLDERS:
                return noun_phrase(noun)
    return None


def _earlier_count(toks: list[Token], p: Phrase) -> str | None:
    """The noun counted by the nearest earlier number of the sentence ("Five bombs were
    dropped, of which four exploded" → bombs)."""
    for j in range(p.first - 1, -1, -1):
        t = toks[j]
        if t.like_num and t.dep_ == "nummod" and t.head.pos_ == "NOUN" and t.head.i < p.first:
            if nb.unit_of(t.head.lower_):
                continue
            if t.head.lower_ not in GENERIC and not _is_name(t.head):
                return noun_phrase(t.head)
    return None


# --- measured values ------------------------------------------------------------------------


def measured(toks: list[Token], p: Phrase) -> str | None:
    """What a measured value (money, %, time, length, magnitude …) is about."""
    anchor = toks[p.anchor]
    family = p.family
    dimension = "magnitude" if p.unit == "magnitude" else _FAMILY_NOUN.get(family)
    if p.unit == "caliber":
        dimension = "caliber"
    level = _level_subject(anchor) if family in ("percent", "points", "money") else None
    if level is not None:
        return level  # "turnout reached 93.87 percent in the election"
    found = _complement(toks, p, anchor)
    if found is not None:
        prep, obj = found
        lemma = obj.lemma_.lower()
        if family == "time":
            if prep == "in":
                return f"duration in {obj.text if obj.pos_ == 'PROPN' else obj.lower_}"
            return f"{_event(obj)} duration"
        if lemma == "vote" and family == "percent":
            return "vote share"
        if lemma in _DIMENSIONS.values():
            return _with_head(anchor, lemma)  # "10 to 40 centimeters in height"
        if lemma in _REFERENCE and family in ("percent", "points", "money"):
            return _from_clause(anchor, family, dimension) or noun_phrase(obj, plural=False)
        if family == "length" and prep == "of" and p.qualifier in ("within", "up to"):
            return f"distance from {noun_phrase(obj, plural=False)}"  # "within 2 km of X"
        if lemma in ("each", "every") and _of_object(obj) is not None:
            obj = _of_object(obj) or obj  # "$225,000 for each of three speeches"
        if prep in ("for", "on") and family == "money":
            paid = _amount_noun(anchor.head) if anchor.head.pos_ == "VERB" else None
            what = noun_phrase(obj, plural=obj.tag_ in ("NNS", "NNPS"))
            return f"{paid} {prep} {what}" if paid else what  # "spending on advertising"
        if prep in ("of", "in", "for", "on") and lemma not in _REFERENCE:
            if family in ("money", "percent", "points") or prep == "of":
                return noun_phrase(obj, plural=obj.tag_ in ("NNS", "NNPS"))
    head = anchor.head
    modifies = anchor.dep_ in ("compound", "amod", "nmod", "nummod", "npadvmod")
    if modifies and head.pos_ in ("NOUN", "PROPN") and head.i > anchor.i:
        if not nb.unit_of(head.lower_) and not _is_name(head):
            if family == "time":
                return f"{_event(head, compounds=True)} duration"
            noun = noun_phrase(head, plural=False)  # "a 14.2-km rail tunnel", "a 9% pay rise"
            return f"{noun} magnitude" if dimension == "magnitude" else noun
    if head.lower_ in ("behind", "late", "overdue") and family == "time":
        return "delay"  # "opened two years behind schedule"
    if head.lower_ in ("over", "above", "below", "under") and family in ("percent", "money"):
        obj = next((c for c in head.children if c.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ == "NOUN":  # "40% over its original budget"
            return f"{head.lower_} {noun_phrase(obj, plural=False)}"
    if head.pos_ == "ADJ" and anchor.dep_ in ("npadvmod", "advmod", "dobj"):
        adjective = head.lower_
        if adjective in _DIMENSIONS:  # "two metres wide"
            return _with_head(head, _DIMENSIONS[adjective])
        if adjective == "worth" and head.head.pos_ == "NOUN":
            return noun_phrase(head.head)  # "bonuses worth £2.4m"
        if head.tag_ == "JJ":
            return adjective  # "99.9 percent certain"
    if family == "length":
        where = _distance(anchor)
        if where is not None:
            return where
    if anchor.dep_ in ("conj", "appos") and (head.like_num or nb.unit_of(head.lower_)):
        return None
    if anchor.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
        noun = head.head
        vague = nb.vague([noun.lower_]) is not None or noun.lower_ in nb.SCALE_WORDS
        if not _is_who(noun) and noun.lemma_.lower() not in _PLACEHOLDERS and not vague:
            return _with_dimension(noun_phrase(noun, plural=False), dimension, family)
    return _from_clause(anchor, family, dimension)


_SPEND = {"cost", "spend", "pay", "earn", "raise", "lose", "charge", "save", "owe", "invest",
          "receive", "collect", "bring", "donate", "award", "fine", "bill", "make", "generate",
          "get", "take", "seek", "demand", "offer", "give", "win", "lend", "borrow"}  # fmt: skip
_CUTS = {"cut", "slice", "trim", "shave", "slash", "reduce", "save"}
_COSTS = {"cost", "total", "amount", "run", "come"}  # the subject is the thing that costs
_OFFERS = {"offer", "demand", "seek", "propose", "award", "give", "promise", "table"}


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
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in _LEVEL_VERBS | _CHANGES:
        return None
    if anchor.dep_ not in ("dobj", "pobj", "npadvmod", "attr"):
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ != "NOUN" or _is_who(subject):
        return None
    if subject.lemma_.lower() in _PLACEHOLDERS:
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
        return not _is_who(obj) and obj.lemma_.lower() not in ("time", "way")

    def pobj(prep: Token) -> Token | None:
        obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if obj is not None and obj.lower_ in ("each", "every"):
            obj = _of_object(obj)  # "$225,000 for each of three speeches"
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
    if money and nxt is not None and nxt.dep_ == "prep" and nxt.head == verb:
        if nxt.lower_ in preps and (_amount_noun(verb) or verb.lemma_.lower() in _SPEND):
            obj = pobj(nxt)
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
        obj = _of_object(word, ("of", "from", "off"))
        where = word.lower_ if obj is None else f"{word.lower_} {obj.head.lower_}"
        if obj is None and word.lower_ in ("off", "from"):
            obj = next((c for c in word.children if c.dep_ == "pobj"), None)
        if obj is not None and word.lower_ != "away":
            name = obj.text if obj.pos_ == "PROPN" else noun_phrase(obj, plural=False)
            return f"distance {where} {name}"
        return "distance"
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
    fallback = {"time": "duration", "length": "distance"}.get(family)
    if verb.pos_ not in ("VERB", "AUX"):
        return fallback or (dimension if dimension in ("magnitude", "caliber") else None)
    if family == "percent" and lemma in _VOTE_VERBS:
        return "vote share"
    if family in ("percent", "points") and lemma in _LEADS:
        return "lead"  # "Biden leads by 7 points"
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN" and dimension == "magnitude":
        return f"{verb.head.lower_} magnitude"  # "an earthquake measuring 7.2"
    children = list(verb.children)
    if family in ("money", "percent", "points") and anchor.dep_ != "dobj":
        for c in children:
            if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.i != anchor.i and not _is_who(c):
                if c.lemma_.lower() in _PLACEHOLDERS:
                    of = _of_object(c)  # "put the figure at $4.2bn": which figure is not said
                    return noun_phrase(of, plural=False) if of is not None else None
                return noun_phrase(c, plural=False)  # "cut its interest rate by 25 points"
    subject = next(
        (c for c in children if c.dep_ in ("nsubj", "nsubjpass") and c.i != anchor.i), None
    )
    if subject is not None and subject.lower_ in ("which", "that") and verb.dep_ == "relcl":
        subject = verb.head
    if subject is not None and subject.lemma_.lower() in _PLACEHOLDERS:
        subject = _of_object(subject)
    thing = subject if subject is not None and subject.pos_ in ("NOUN", "PROPN") else None
    if thing is not None and _is_who(thing):
        thing = None
    if family == "money" and lemma in _CUTS:
        source = _of_object(verb, ("from",))
        if source is not None and source.pos_ == "NOUN":
            return f"{noun_phrase(source, plural=False)} cut"  # "slice 30bn euros from its deficit"
    is_object = anchor.dep_ in ("dobj", "attr", "oprd", "pobj", "dative")
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
        to = _of_object(verb, ("to",))
        if to is not None and to.pos_ in ("NOUN", "PROPN") and to.ent_type_ != "PERSON":
            return f"{noun} to {noun_phrase(to, plural=False)}"  # "gave $180,000 to the PAC"
        return noun
    if family == "time":
        if thing is not None and lemma in ("last", "take", "be", "continue", "run"):
            return f"{_event(thing)} duration"  # "the battles lasted five hours"
        return f"{lemma} duration" if lemma not in ("be", "have", "do") else "duration"
    if family == "length" and (lemma not in _LEVEL_VERBS or thing is None):
        return "distance"
    if family == "length" and thing is not None:
        return f"{noun_phrase(thing, plural=False)} level"  # "the river reached 6.8 metres"
    if thing is not None:
        return _with_dimension(noun_phrase(thing, plural=False), dimension, family)
    if dimension in ("magnitude", "caliber"):
        return dimension
    return fallback


def _share(toks: list[Token], p: Phrase) -> str | None:
    """What a fraction or odds is a share of: "two-thirds of the members" → members, "a
    one-in-three chance" → chance, "more than half are members" → members."""
    anchor = toks[p.anchor]
    obj = _of_object(anchor)
    if obj is not None and not _is_name(obj):
        return noun_phrase(obj)
    nxt = toks[p.last + 1] if p.last + 1 < len(toks) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and not _is_name(nxt):
        return noun_phrase(nxt) if p.qualifier == "odds" else noun_phrase(nxt)
    head = anchor.head
    if anchor.dep_ in ("nummod", "compound", "amod", "nmod") and head.pos_ == "NOUN":
        return noun_phrase(head, plural=head.tag_ == "NNS")
    if head.lower_ == "of" and head.head.pos_ == "NOUN":
        return noun_phrase(head.head, plural=False)
    if anchor.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("AUX", "VERB"):
        for c in head.children:
            if c.dep_ in ("attr", "dobj") and c.pos_ == "NOUN":
                return noun_phrase(c)
    return measured(toks, p)


def _ordinal_subject(anchor: Token) -> str:
    """ "Belarus protests entered its sixth week" -> "protest duration"."""
    event = _of_object(anchor)
    if event is None and anchor.dep_ in ("dobj", "pobj"):
        verb = anchor.head if anchor.dep_ == "dobj" else anchor.head.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects and subjects[0].pos_ in ("NOUN", "PROPN"):
            event = subjects[0]
        elif verb.dep_ == "relcl" and verb.head.pos_ == "NOUN":
            event = verb.head
    if event is None or event.pos_ not in ("NOUN", "PROPN"):
        return "duration"
    return f"{_event(event)} duration"


_EVENTS = {"walkout": "strike", "stoppage": "strike", "demonstration": "protest",
           "rally": "protest"}  # fmt: skip


def _event(tok: Token, compounds: bool = False) -> str:
    """An event noun, merged: strike / walkout / stoppage -> strike; protests -> protest."""
    word = tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.text
    word = _EVENTS.get(word, word)
    if compounds:
        parts = [t for t in tok.lefts if t.dep_ == "compound" and not nb.unit_of(t.lower_)]
        return " ".join([*(t.lower_ for t in parts), word])
    return word
