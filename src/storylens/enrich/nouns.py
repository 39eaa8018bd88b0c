"""The nouns and verbs a claim's subject is made of, read from the parse: a noun with its
modifiers ("assault rifles", "effective federal tax rate"), a verb as a participle ("killed",
"taken"), whether a token is a name (a person, an organisation, a place, a date) and so who or
when rather than what. Used by :mod:`storylens.enrich.subjects` and
:mod:`storylens.enrich.measures`; spaCy is imported for typing only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb

if TYPE_CHECKING:
    from spacy.tokens import Token

NOUNS = ("NOUN", "PROPN")


_MASS = {"staff", "personnel", "police", "livestock", "cattle", "crew", "equipment", "aid"}


GENERIC = {"people", "person", "persons", "individual", "individuals", "other", "others",
           "one", "ones", "those"}  # fmt: skip


# Nouns merged so that reports of one crowd or one fleet share a subject (docs/claims.md).
_SYNONYMS = {"protestors": "protesters", "ships": "vessels"}


STATES = {"dead", "injured", "missing", "hurt", "wounded", "homeless", "displaced", "alive",
           "unaccounted", "critical", "sick", "trapped", "killed", "arrested"}  # fmt: skip


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this",
             "these", "those", "them"}  # fmt: skip


_NOT_MODIFIERS = {
    "other", "more", "several", "many", "few", "additional", "further", "extra", "such", "same",
    "total", "last", "first", "next", "only", "own", "various", "numerous", "least", "some",
    "approximate", "estimated", "entire", "whole", "another", "fewer", "much",
    "overall", "combined", "respective", "different", "certain", "latest", "previous",
}  # fmt: skip


PLACEHOLDERS = {"number", "total", "figure", "count", "amount", "sum", "tally"}


CHANGES = {"rise", "fall", "increase", "decrease", "drop", "decline", "growth", "jump", "cut",
            "reduction", "gain", "loss", "hike", "surge", "slump", "climb", "plunge",
            "tumble", "soar", "slide", "grow", "shrink"}  # fmt: skip


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
    short = len(lemma) <= 4 and lemma[-1] not in vowels + "wxy" and lemma[-2:-1] in vowels
    if short and lemma[-3:-2] not in vowels:
        return lemma + lemma[-1] + "ed"  # trap -> trapped
    return lemma + "ed"


def plural_of(lemma: str) -> str:
    irregular = {"person": "people", "man": "men", "woman": "women", "child": "children"}
    if lemma in irregular:
        return irregular[lemma]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma[:-1] + "ies"
    if lemma.endswith(("s", "x", "ch", "sh")):
        return lemma if lemma.endswith("s") else lemma + "es"
    return lemma + "s"


def noun_word(tok: Token, plural: bool = True) -> str:
    """A counted noun, normalised: lemma, plural, spelling variants and synonyms merged."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PROPN":
        return tok.text
    if tok.tag_ in ("NNS", "NNPS") or tok.pos_ not in ("NOUN", "PROPN") or lemma in _MASS:
        word = tok.lower_  # already plural, or "four of the injured"
    else:
        word = plural_of(lemma) if plural else lemma
    return _SYNONYMS.get(word, word)


def is_model(tok: Token) -> bool:
    """A model or type name with digits ("AK-47", "F-16"), or a number word in a chain."""
    text = tok.text
    if nb.glued_currency(tok.lower_) is not None:
        return False
    return tok.pos_ == "NUM" or (any(c.isdigit() for c in text) and any(c.isalpha() for c in text))


def _model_name(tok: Token) -> bool:
    text = tok.text
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text) and not tok.like_num


def modifiers(tok: Token) -> list[Token]:
    """The compounds and adjectives before a noun that say which kind it is ("assault" rifles,
    "Somali" pirates, "speaking" fees), without quantity words, numbers and units."""
    out = [t for t in tok.subtree if t.i < tok.i and t.dep_ in ("case", "compound", "nmod")
           and _model_name(t) and t.head != tok]  # fmt: skip
    for t in tok.lefts:
        if any(c.isdigit() for c in t.text) and not (is_model(t) and not t.like_num):
            continue
        if t.lower_ in nb.SCALE_WORDS or t.lower_ in nb.SMALL or t.like_num:
            continue
        if t.dep_ in ("nummod", "compound", "amod", "nmod") and is_model(t) and not t.like_num:
            out.append(t)  # "AK-47 assault rifles"
        elif t.dep_ == "compound" and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ"):
            if t.like_num or nb.unit_of(t.lower_) or t.ent_type_ in ("PERSON", "DATE", "TIME"):
                continue
            out += [*modifiers(t), t]
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
    words = [t.text if t.pos_ == "PROPN" or _model_name(t) else t.lower_ for t in modifiers(tok)]
    phrase = " ".join([*words, noun_word(tok, plural)])
    if tok.lemma_.lower() in CHANGES:
        what = of_object(tok, ("in", "of"))
        unit = what is not None and (nb.unit_of(what.lower_) is not None or what.like_num)
        if what is not None and what.pos_ in ("NOUN", "PROPN") and not is_who(what) and not unit:
            phrase += f" {what.head.lower_} {noun_phrase(what, plural=what.tag_ == 'NNS')}"
    return phrase


def is_name(tok: Token) -> bool:
    """A person's name or a pronoun: never a subject."""
    person = tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN"
    return person or tok.lower_ in _PRONOUNS or tok.pos_ == "PRON"


def is_who(tok: Token) -> bool:
    """A name of a person, organisation or place, a pronoun or a date: who or when, not what."""
    named = tok.pos_ == "PROPN" and tok.ent_type_ in ("ORG", "GPE", "NORP", "PERSON", "LOC")
    return is_name(tok) or named or tok.ent_type_ in ("DATE", "TIME")


def of_object(tok: Token, preps: tuple[str, ...] = ("of",)) -> Token | None:
    """X in "<tok> of X" (or another preposition)."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


_EVENTS = {"walkout": "strike", "stoppage": "strike", "demonstration": "protest",
           "rally": "protest"}  # fmt: skip


def event(tok: Token, compounds: bool = False) -> str:
    """An event noun, merged: strike / walkout / stoppage -> strike; protests -> protest."""
    word = tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.text
    word = _EVENTS.get(word, word)
    if compounds:
        parts = [t for t in tok.lefts if t.dep_ == "compound" and not nb.unit_of(t.lower_)]
        return " ".join([*(t.lower_ for t in parts), word])
    return word
