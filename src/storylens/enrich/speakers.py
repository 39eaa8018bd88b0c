"""Who is speaking: the speaker's phrase read off the parse, before it is resolved to an entity.

The subject of a reporting verb is turned into a :class:`Who`: a name ("Mahnefah Gray"), a
description ("police", "a senior fire department official"), or a pronoun. The words around it
say more: a role ("Fauzi, an official from the local disaster agency"; "national disaster agency
spokesman Sutopo"), a gender ("fisherman's wife Mapahai"; "Mr Ging"), whether a description
points back at someone already named ("the official", "the doctor", "South Sudan's president").
:mod:`storylens.enrich.attribution` uses all of it to resolve the speaker within the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

AGE = re.compile(r"(\d{1,3})\s*-\s*years?\s*-\s*old$", re.IGNORECASE)
PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them", "we", "i", "you"})
# relative and partitive subjects stand for the noun they hang from: "workers, all of whom said"
PARTITIVES = frozenset("all some many most none each both several one two three few".split())
# what a source wrote rather than who: "Willoughby's letter continued", "the NYPD's statement"
DOCUMENTS = frozenset(
    "statement letter release report tweet post message memo email note account accounts "
    "filing communique communiqué".split()
)
# English nouns and titles that carry a gender (a grammatical fact, not a list of names)
FEMALE_WORDS = frozenset(
    "she her woman women wife mother sister daughter girl widow grandmother aunt niece lady "
    "mrs ms miss madam dame queen princess duchess actress spokeswoman chairwoman "
    "businesswoman congresswoman policewoman sportswoman councilwoman mum mom grandma "
    "girlfriend bride nun".split()
)
MALE_WORDS = frozenset(
    "he him man men husband father brother son boy widower grandfather uncle nephew sir lord mr "
    "king prince duke actor spokesman chairman businessman congressman policeman sportsman "
    "councilman dad grandpa boyfriend groom monk".split()
)


@dataclass(slots=True)
class Who:
    """A speaker as the text gives it, with what the words around it tell."""

    text: str | None  # as written, without titles; None for a pronoun
    paragraph: int  # where its head word is (the paragraph's position in the article)
    at: int  # paragraph offset of the head word, or of the person's name in the phrase
    pronoun: str | None = None  # "he", "she", "they", "it", "we", "i"
    definite: bool = False  # "the official", "South Sudan's president": someone named before
    head: str = ""  # lemma of the head noun, lower case ("official", "police")
    plural: bool = False
    gender: str | None = None  # "f" / "m" from the phrase's own words
    roles: set[str] = field(default_factory=set)  # role nouns of the phrase ("official")
    person: bool = False  # the phrase holds a name the model tagged as a person
    proper: bool = False  # a name (a proper noun head), not a description
    start: int = -1  # paragraph offset of a name the model did not tag
    capital: bool = False  # a description written with a capital ("Trump replied")
    phrase: tuple[int, int] = (-1, -1)  # paragraph offsets of a description's modifiers


def who_of(subject: Token, paragraph: int) -> Who:
    """The speaker phrase headed by ``subject`` (the subject of a reporting verb)."""
    subject = _antecedent(subject)
    low = subject.lower_
    if low in PRONOUNS:
        pronoun = {"him": "he", "her": "she", "them": "they"}.get(low, low)
        return Who(None, paragraph, subject.idx, pronoun=pronoun, head=pronoun,
                   plural=pronoun in ("they", "we"),
                   gender={"he": "m", "she": "f"}.get(pronoun))  # fmt: skip
    if low in ("one", "another") and not list(subject.children):
        # "Customers rounded on him, with one saying …"; "… one commented, … another wrote"
        before = subject.sent[: subject.i - subject.sent.start]
        group = next(
            (t for t in reversed(before)
             if t.tag_ == "NNS" and t.pos_ == "NOUN" and t.dep_ in ("nsubj", "nsubjpass", "ROOT")
             and sum(x.is_quote for x in before if x.i > t.i) % 2 == 0),
            None,
        )  # fmt: skip
        if group is not None:
            noun = group.lemma_.lower()
            text = f"one of the {group.lower_}" if low == "one" else f"another {noun}"
            return Who(text, paragraph, subject.idx, head=noun)
        return Who(low, paragraph, subject.idx, head=low, pronoun=low)
    owner = _document_owner(subject)
    if owner is not None:
        subject = owner
    person = person_in(subject)
    roles = roles_of(subject)
    gender = _gender_of_words(subject)
    if person is None and subject.pos_ == "NOUN":
        # "fisherman's wife Mapahai", "Pensioner Bayram-aga": the name the model missed
        named = [
            c
            for c in subject.children
            if c.dep_ in ("appos", "compound") and c.pos_ == "PROPN" and c.is_title
            and c.i > subject.i
        ]  # fmt: skip
        if named:
            name, start = _proper_chain(named[0])
            return Who(name, paragraph, named[0].idx, head=subject.lemma_.lower(),
                       gender=gender, roles=roles | {subject.lemma_.lower()}, proper=True,
                       start=start)  # fmt: skip
    if person is not None:
        roles |= roles_of(person.root)
        text = person.text
        return Who(text, paragraph, person.root.idx, head=subject.lemma_.lower(),
                   gender=gender, roles=roles, person=True, proper=True)  # fmt: skip
    if subject.pos_ == "PROPN" and _all_titles(subject):
        definite = True  # "the Health Secretary said"
        return Who(describe(subject).lower(), paragraph, subject.idx, definite=True,
                   head=subject.lemma_.lower(), gender=gender, roles=roles)  # fmt: skip
    if subject.pos_ == "PROPN" and subject.ent_type_ and subject.ent_iob_ in ("B", "I"):
        ent = next((e for e in subject.doc.ents if e.start <= subject.i < e.end), None)
        if ent is not None:
            return Who(ent.text, paragraph, subject.idx, head=subject.lemma_.lower(),
                       gender=gender, roles=roles, proper=True,
                       plural=subject.tag_ in ("NNS", "NNPS"))  # fmt: skip
    if subject.pos_ == "PROPN" and not _all_titles(subject):
        name, start = _proper_chain(subject)
        return Who(name, paragraph, subject.idx, head=subject.lemma_.lower(), gender=gender,
                   roles=roles, proper=True, start=start)  # fmt: skip
    if subject.pos_ == "ADJ":  # "The 47-year-old said"
        words = [t for t in subject.subtree if t.dep_ != "det"]
        text = subject.doc[words[0].i : words[-1].i + 1].text if words else subject.text
        age = AGE.match(text)
        head = f"age:{int(age.group(1))}" if age else subject.lemma_.lower()
        return Who(text.lower(), paragraph, subject.idx, definite=True, head=head,
                   gender=gender, roles=roles)  # fmt: skip
    definite = any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that")) or c.dep_ == "poss"
        for c in subject.children
    )
    lefts = [t for t in subject.lefts if t.dep_ in ("compound", "amod", "nmod", "poss")]
    return Who(
        describe(subject),
        paragraph,
        subject.idx,
        capital=subject.is_title and not definite,
        definite=definite,
        head=subject.lemma_.lower(),
        plural=subject.tag_ in ("NNS", "NNPS"),
        gender=gender,
        roles=roles,
        phrase=(lefts[0].left_edge.idx if lefts else subject.idx, subject.idx),
    )


def _antecedent(subject: Token) -> Token:
    """What a relative or partitive subject stands for: "the official who said" → official;
    "aid workers, all of whom said" → workers."""
    verb = subject.head
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        return verb.head
    if subject.lower_ in PARTITIVES:
        of = next((c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        if (
            pobj is not None
            and pobj.lower_ in ("whom", "which")
            and verb.dep_
            in (
                "relcl",
                "advcl",
            )
        ):
            return verb.head if verb.dep_ == "relcl" else _noun_before(pobj)
        appos = next((c for c in subject.children if c.dep_ == "appos"), None)
        if appos is not None:
            return appos
    return subject


def _noun_before(tok: Token) -> Token:
    """The noun a ", all of whom" clause follows."""
    for t in reversed(tok.doc[: tok.i]):
        if t.pos_ in ("NOUN", "PROPN") and t.i < tok.i - 2:
            return t
    return tok


def _document_owner(subject: Token) -> Token | None:
    """ "Willoughby's letter", "the ministry's statement": the one who wrote it."""
    if subject.lemma_.lower() not in DOCUMENTS:
        return None
    return next(
        (c for c in subject.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")), None
    )


def person_in(head: Token) -> Span | None:
    """A person named in the subject's own phrase (compounds and appositions), the longest."""
    lo = min(t.i for t in head.subtree)
    hi = max(t.i for t in head.subtree)
    best = None
    for ent in head.doc.ents:
        inside = ent.label_ == "PERSON" and lo <= ent.start and ent.end - 1 <= hi
        if not inside or not any(t.pos_ == "PROPN" and t.is_title for t in ent):
            continue
        # the name itself, or a name right beside the head word ("union leader X", "the
        # governor, X"), not a name deeper in the phrase ("Jameson, who … with wife Amy")
        root = ent.root
        near = (
            root == head or root.head == head or (root.dep_ == "appos" and root.head.head == head)
        )
        if near and (best is None or len(ent) > len(best)):
            best = ent
    return best


def _proper_chain(head: Token) -> tuple[str, int]:
    """A name the model did not tag: the head's proper-noun compounds and the pieces joined to
    them without spaces ("Bayram-aga"), titles left out; and its paragraph offset."""
    from storylens.enrich.entities import clean_name

    tokens = [head]
    for t in reversed(list(head.lefts)):
        if t.dep_ in ("compound", "flat") and t.pos_ == "PROPN" and t.i == tokens[0].i - 1:
            tokens.insert(0, t)
    doc = head.doc
    end = head.i + 1
    while end + 1 < len(doc) and not doc[end - 1].whitespace_ and doc[end].text in ("-", "'"):
        end += 2
    span = doc[tokens[0].i : end]
    name = clean_name(span.text, "PERSON") or span.text
    at = span.text.find(name)
    return name, span.start_char + max(0, at)


def _all_titles(head: Token) -> bool:
    """ "the Health Secretary": a role written in capitals, not a name."""
    from storylens.enrich.entities import TITLES

    words = [t for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [head]
    return all(TITLES.match(t.text + " ") for t in words)


def describe(head: Token) -> str:
    """A description as the text gives it, without its article ("the defence ministry" →
    "defence ministry", "the baby's uncle" → "baby's uncle"); common nouns in lower case."""
    words = {head}
    for t in head.lefts:
        if t.dep_ in ("compound", "amod", "nmod", "poss", "nummod", "quantmod"):
            words.update(t.subtree)
    for prep in (t for t in head.rights if t.dep_ == "prep" and t.lower_ == "of"):
        words.update(prep.subtree)
    ordered = sorted((t for t in words if t.dep_ != "det"), key=lambda t: t.i)[:10]
    doc = head.doc
    if ordered and ordered[-1].i - ordered[0].i + 1 == len(ordered):
        text = doc[ordered[0].i : ordered[-1].i + 1].text
    else:
        text = " ".join(t.text for t in ordered)
    return text if head.pos_ == "PROPN" else text.lower()


def roles_of(head: Token) -> set[str]:
    """Role nouns a phrase gives its person: the noun right before the name ("national disaster
    agency spokesman Sutopo" → spokesman), appositions ("Fauzi, an official"; "Ema Suryani, a
    doctor"; "the governor, Taban Deng")."""
    from storylens.enrich.entities import TITLES

    roles = set()
    titles = [
        t
        for t in head.lefts
        if t.dep_ == "compound"
        and t.ent_type_ != "PERSON"
        and (t.pos_ == "NOUN" or (t.pos_ == "PROPN" and TITLES.match(t.text + " ")))
    ]
    if titles:
        roles.add(titles[-1].lemma_.lower())
    roles |= {t.lemma_.lower() for t in own_appositions(head) if t.pos_ == "NOUN"}
    if head.dep_ == "appos" and head.head.pos_ == "NOUN":
        roles.add(head.head.lemma_.lower())
    if head.pos_ == "NOUN":
        roles.add(head.lemma_.lower())
    return roles


def own_appositions(head: Token) -> list[Token]:
    """The appositions that say what the head is ("Fauzi, an official"), not a clause about
    someone else that hangs from it ("Linda Bilyeu, whose ex-husband, Randy Bilyeu, …")."""
    appositions = [c for c in head.children if c.dep_ == "appos"]
    if any(t.lower_ == "whose" or t.dep_ == "relcl" for c in appositions for t in c.subtree):
        return []
    return appositions


def _gender_of_words(head: Token) -> str | None:
    """ "she" / "he" words in the head's own phrase: the words before it, its appositions."""
    words = {t.lower_ for t in head.lefts for t in t.subtree} | {head.lower_}
    words |= {t.lower_ for c in own_appositions(head) for t in c.subtree}
    female, male = bool(words & FEMALE_WORDS), bool(words & MALE_WORDS)
    if female != male:
        return "f" if female else "m"
    return None
