"""What a number counts, read from the dependency parse.

:func:`subject_of` gives the subject of one :class:`~storylens.enrich.phrases.Phrase`: for a
count, the noun the number quantifies with its modifiers ("assault rifles", "Somali pirates"),
or, for a generic noun ("people", "others") or a number standing alone, the verb or state
that says what is counted ("killed", "injured", "people taken into custody"); for a measured
value, :func:`storylens.enrich.measures.measured`. It returns "" when the parse names nothing:
such a claim has no subject and must not be lined up with others on its value alone. Never a
placeholder ("amount", "figure") and never a person's name. The rules are in docs/claims.md;
spaCy is imported for typing only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb
from storylens.enrich.measures import LEADS, measured
from storylens.enrich.nouns import (
    GENERIC,
    NOUNS,
    PLACEHOLDERS,
    STATES,
    event,
    is_model,
    is_name,
    noun_phrase,
    noun_word,
    of_object,
    participle,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from storylens.enrich.phrases import Phrase

_PARTICLES = {"forward", "out", "away", "back", "home", "off", "up", "down", "over", "in"}


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
    verb = next((t for t in toks if t.lemma_.lower() in LEADS), None)
    if verb is None:
        return None
    dep = ("nsubj",) if p.side == "poll first" else ("dobj", "pobj")
    side = next((c for c in verb.children if c.dep_ in dep), None)
    if side is None or side.pos_ not in ("PROPN", "NOUN"):
        return None
    name = side.text if side.pos_ == "PROPN" else noun_phrase(side, plural=False)
    return f"support for {name}"


# --- counts ---------------------------------------------------------------------------------


# places whose size in people is their population: "a city of 160,000 people"
SETTLEMENTS = frozenset(
    "city town village country nation state province region island district capital "
    "municipality county metropolis suburb settlement".split()
)


def counted(toks: list[Token], p: Phrase) -> str | None:
    """What a plain count counts."""
    anchor = toks[p.anchor]
    before = toks[p.first - 1] if p.first > 0 else None
    if anchor.head.lemma_.lower() == "population" or (
        before is not None and before.lemma_.lower() == "population"
    ):
        return "population"  # "the town, population 12,500", "a city of population 167,000"
    parent = anchor.head.lower_.split("-")[0]
    if parent in _PARENTS and any(
        t.lower_ == "of" for t in toks[anchor.head.i - toks[0].i : p.first]
    ):
        return _PARENTS[parent]  # "the father-of-three"
    if anchor.lower_ == "times" and anchor.head.pos_ in ("VERB", "AUX"):
        return f"times {participle(anchor.head)}"  # "shot eleven times"
    noun = _counted_noun(anchor)
    if noun is not None:
        if is_name(noun) or nb.unit_of(noun.lower_):
            return None
        if noun.lower_ in GENERIC or noun.lemma_.lower() in GENERIC:
            return _generic(anchor, noun)
        if noun.pos_ == "ADJ" or noun.lower_ in STATES:
            return noun.lower_  # "24 dead"
        if noun.lower_.endswith("olds"):  # "thousands of 18-year-olds"
            start = noun.i
            while start > noun.sent.start and noun.doc[start - 1].whitespace_ == "":
                start -= 1
            return noun.doc[start : noun.i + 1].text.lower()
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
    while modifies and is_model(head) and head.head.i > head.i and head.head.pos_ in NOUNS:
        head = head.head  # "seven AK-47 assault rifles"
    if modifies and head.i > anchor.i and head.pos_ in ("NOUN", "PROPN", "ADJ"):
        while head.lower_ in ("dozen", "hundred", "thousand", "million") and head.head.i > head.i:
            head = head.head
        while (
            head.dep_ in ("amod", "compound", "nmod")
            and head.head.i > head.i
            and head.head.pos_ in ("NOUN", "PROPN")
            and head.lower_ not in STATES
        ):
            head = head.head  # "Two plainclothes NYPD officers"
        if nb.glued_currency(head.lower_) is not None:
            return None
        if head.pos_ != "ADJ" or head.lower_ in STATES:
            return head
    obj = of_object(anchor)
    if obj is not None and obj.pos_ != "PRON":
        return obj
    for child in anchor.children:  # "200 injured", "two others missing"
        if child.dep_ in ("amod", "acl", "acomp") and child.lower_ in STATES:
            return child
    state = doc[anchor.i + 1] if anchor.i + 1 < anchor.sent.end else None
    if state is not None and state.lower_ in STATES:
        return state  # "left 24 people dead and over 200 injured": a parse that lost the link
    return None


def _generic(anchor: Token, noun: Token) -> str:
    """A generic noun ("people", "others") takes what the clause says about it: a state
    ("injured"), the verb of a relative clause, or the verb it is subject or object of."""
    for child in noun.children:
        if child.dep_ in ("amod", "acl", "acomp") and child.lower_ in STATES:
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
        if group.lemma_.lower() in SETTLEMENTS:
            return "population"
        if group.head.pos_ in ("VERB", "AUX") and group.dep_ in ("nsubj", "nsubjpass"):
            return _verb_phrase(group.head, group)
        return noun_phrase(group, plural=False)
    if governor.lower_ == "to" and governor.head.lower_ == "home" and noun.lower_ == "people":
        return "population"  # "the city is home to over 170,000 people"
    if holder.dep_ == "pobj" and governor.pos_ == "ADP" and governor.head.pos_ == "VERB":
        found = _clause_noun(governor.head, holder)
        if found is not None:
            return found  # "police put the march at roughly 30,000 people"
    if governor.pos_ in ("VERB", "AUX") and holder.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
        return _verb_phrase(governor, holder)
    if acl is not None:
        return _verb_phrase(acl, noun)
    return "others" if noun.lower_ == "others" else "people"


_PARENTS = {"father": "children", "mother": "children", "parent": "children", "dad": "children",
            "mum": "children", "mom": "children", "grandfather": "grandchildren",
            "grandmother": "grandchildren", "grandparent": "grandchildren"}  # fmt: skip
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
        if child.dep_ in ("acomp", "oprd", "xcomp") and child.lower_ in STATES:
            return child.lower_
    if lemma in ("take", "turn") and any(c.lower_ in ("part", "out") for c in verb.children):
        return "participants"
    if lemma == "die":
        return "died"
    if lemma in ("be", "remain", "stay"):
        for child in verb.children:
            if child.dep_ in ("acomp", "attr") and child.i > verb.i:
                return child.lower_ if child.pos_ == "ADJ" else noun_word(child)
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
        pobj = of_object(verb, (prep.lower_,)) if prep is not None else None
        if prep is not None and pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
            words += [prep.lower_, noun_phrase(pobj, plural=pobj.tag_ == "NNS")]
    return " ".join(["people", *words])


def _elided(toks: list[Token], p: Phrase, anchor: Token) -> str | None:
    """A number standing alone ("46 were arrested", "took 23 into custody", "four from friendly
    fire", "put the toll at 40"): the noun of an earlier count in the sentence, the verb."""
    head = anchor.head
    if anchor.dep_ in ("conj", "appos") and head.like_num:
        earlier = _counted_noun(head)
        if earlier is not None and not is_name(earlier):
            return noun_phrase(earlier)
    verb = head
    while verb.dep_ in ("prep", "advmod", "quantmod", "npadvmod") and verb.head.i != verb.i:
        verb = verb.head if verb.pos_ != "VERB" else verb
        if verb.pos_ == "VERB":
            break
    if anchor.dep_ == "pobj" and head.pos_ == "ADP":
        if head.head.pos_ == "NOUN" and head.lower_ == "of":  # "a majority of 160"
            parent = head.head.lower_.split("-")[0]
            if parent in _PARENTS:
                return _PARENTS[parent]  # "a father-of-three"
            return noun_phrase(head.head, plural=False)
        verb = head.head
    if verb.pos_ in ("VERB", "AUX"):
        found = _clause_noun(verb, anchor)
        if found is not None:
            return found
    antecedent = _earlier_count(toks, p)
    if verb.pos_ in ("VERB", "AUX") and anchor.dep_ in ("nsubj", "nsubjpass", "dobj"):
        said = _verb_phrase(verb)
        if not antecedent:
            return said
        # "Three other bombs exploded outside the camp: two landed near the airfield" → the
        # bombs that landed (what is counted is the earlier noun, the verb says which of them)
        done = said.removeprefix("people ")
        return f"{antecedent} that {done}" if done != said else f"{antecedent} {said}"
    return antecedent


def _clause_noun(verb: Token, anchor: Token) -> str | None:
    """ "put the death toll at 40", "the toll rose to 24", "the toll was 40", "raised the number
    of seats from 65": the noun the clause says the number is the value of."""
    wanted: tuple[str, ...]
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
            if noun.lemma_.lower() in PLACEHOLDERS:
                noun = of_object(noun) or noun
            if noun.pos_ == "NOUN" and noun.lemma_.lower() not in PLACEHOLDERS:
                return noun_phrase(noun, plural=noun.tag_ == "NNS")
    return None


def _earlier_count(toks: list[Token], p: Phrase) -> str | None:
    """The noun counted by the nearest earlier number of the sentence ("Five bombs were
    dropped, of which four exploded" → bombs)."""
    for j in range(p.first - 1, -1, -1):
        t = toks[j]
        if t.like_num and t.dep_ == "nummod" and t.head.pos_ == "NOUN" and t.head.i < p.first:
            if nb.unit_of(t.head.lower_):
                continue
            if t.head.lower_ in GENERIC or is_name(t.head):
                return None  # "five people were killed and hundreds injured": people, not a thing
            return noun_phrase(t.head)
    return None


def _share(toks: list[Token], p: Phrase) -> str | None:
    """What a fraction or odds is a share of: "two-thirds of the members" → members, "a
    one-in-three chance" → chance, "more than half are members" → members."""
    anchor = toks[p.anchor]
    inside = [t for t in toks[p.first : p.last] if t.pos_ in NOUNS and not t.like_num]
    if p.qualifier == "odds" and inside:  # "one Briton in five"
        return noun_phrase(inside[0], plural=True)
    obj = of_object(anchor)
    if obj is not None and not is_name(obj):
        return noun_phrase(obj, plural=obj.tag_ in ("NNS", "NNPS"))
    nxt = toks[p.last + 1] if p.last + 1 < len(toks) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and not is_name(nxt):
        return noun_phrase(nxt, plural=nxt.tag_ in ("NNS", "NNPS"))
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
    what = of_object(anchor)
    if what is None and anchor.dep_ in ("dobj", "pobj"):
        verb = anchor.head if anchor.dep_ == "dobj" else anchor.head.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects and subjects[0].pos_ in ("NOUN", "PROPN"):
            what = subjects[0]
        elif verb.dep_ == "relcl" and verb.head.pos_ == "NOUN":
            what = verb.head
    if what is None or what.pos_ not in ("NOUN", "PROPN"):
        return "duration"
    return f"{event(what)} duration"
