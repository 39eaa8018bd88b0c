"""Entities: who and what an article names, one canonical entity per real thing.

Within an article, a person named in full once ("President Alexander Lukashenko of Belarus")
and by surname later ("Lukashenko") is one entity: titles are dropped, and a one-word name is
read as the full name in the same article that ends (or starts) with it: the one of that
surname the article names most, of the gender a title gives ("Mrs Clinton"), even when the
model tagged the surname as something else ("Boyette" as an organisation). A person's key
leaves out middle initials, so "Kimani D. Gray" and "Kimani Gray" are one person in every
article. Across the store, :func:`storylens.store.entities.fold_people` folds a surname-only
person into the full name the store knows. Names that are countries or cities are places
whatever label the model gave them ("Belarus" is sometimes tagged ORG).

For the quotes, each person also gets what the article says of them: a gender (a title, a
gendered noun beside the name, else the first name's, see :mod:`storylens.enrich.gender`) and
roles ("spokesman", "official", "doctor") from the words around the name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storylens.enrich import gender as names
from storylens.enrich.places import lookup
from storylens.models import Entity, Mention, entity_key

if TYPE_CHECKING:
    from spacy.tokens import Span

LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART"}
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
BIG_CITY = 1_000_000
TITLES = re.compile(
    r"^(?:(?:former|late|then|acting|outgoing|incumbent|embattled|opposition)\s+)*"
    r"(?:(?:vice|deputy|prime|foreign|interior|defence|defense|finance|health|chief|"
    r"general|lord|lady|sir|dame|mr|mrs|ms|miss|dr|prof|professor|president|minister|"
    r"chancellor|senator|sen|rep|gov|governor|mayor|king|queen|prince|princess|pope|"
    r"judge|justice|gen|col|capt|lt|sgt|officer|detective|inspector|coach|rev|father|"
    r"sister|brother|saint|st|leader|secretary|spokesman|spokeswoman|spokesperson|"
    r"ambassador|chairman|chairwoman|ceo|director|commissioner|premier|"
    r"mp|mep|congressman|congresswoman|speaker|archbishop|bishop|cardinal|rabbi|imam|"
    r"sheikh|emir|sultan|tsar|czar|nobel|laureate|adm|admiral|brig|brigadier|maj|major|"
    r"lieutenant|colonel|captain|cmdr|commander|sergeant|cpl|corporal|supt|superintendent|"
    r"councilman|councilwoman|councillor|assemblyman|assemblywoman|pensioner|doctor|"
    r"madam|lord|baroness|baron|duke|duchess|earl|countess|sheriff|marshal|constable|"
    r"coroner|magistrate)\.?\s+)+",
    re.IGNORECASE,
)
FEMALE_TITLES = frozenset("mrs ms miss lady dame madam queen princess duchess baroness".split())
MALE_TITLES = frozenset("mr sir lord king prince duke baron earl".split())
PERSON_TITLE = re.compile(r"^(?:mr|mrs|ms|miss|dr|sir|lady|dame|lord)\.?\s+[A-Z]", re.IGNORECASE)
MIDDLE_INITIAL = re.compile(r"(?<=\S)\s+[A-Z]\.?(?=\s+\S)")
OF_PLACE = re.compile(r"\s+of\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*$")
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def clean_name(text: str, label: str) -> str:
    """The name without titles, possessive, a leading "the" or a trailing "of Belarus"."""
    name = " ".join(text.split())
    name = POSSESSIVE.sub("", name).strip(" ,.;:\"'“”‘’()")
    if label in ("ORG", "EVENT", "FAC", "LAW", "WORK_OF_ART") or label in PLACE_LABELS:
        name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    if label == "PERSON":
        stripped = TITLES.sub("", name)
        name = OF_PLACE.sub("", stripped) or name
    return name


def person_key_name(name: str) -> str:
    """The form of a person's name the key is made from: without middle initials ("Kimani D.
    Gray" → "Kimani Gray"), so the same person has one key however an outlet writes them."""
    return MIDDLE_INITIAL.sub("", name)


@dataclass(slots=True)
class PersonInfo:
    """What an article says of one person: the name, a gender ("f", "m" or None) and roles."""

    name: str
    gender: str | None = None
    roles: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Raw:
    sentence: int
    start: int
    end: int
    text: str
    label: str
    name: str
    gender: str | None = None  # from a title or a gendered noun beside the name
    roles: set[str] = field(default_factory=set)


def _context(ent: Span) -> tuple[str | None, set[str]]:
    """The gender a title or noun beside a person's name gives, and its roles."""
    from storylens.enrich.speakers import FEMALE_WORDS, MALE_WORDS, roles_of

    doc = ent.doc
    words = [t.lower_.rstrip(".") for t in ent]
    if ent.start > 0:
        words.insert(0, doc[ent.start - 1].lower_.rstrip("."))
    roles = roles_of(ent.root)
    near = set(words) | roles
    gender = None
    if near & (FEMALE_TITLES | FEMALE_WORDS) and not near & (MALE_TITLES | MALE_WORDS):
        gender = "f"
    elif near & (MALE_TITLES | MALE_WORDS) and not near & (FEMALE_TITLES | FEMALE_WORDS):
        gender = "m"
    stripped = TITLES.match(ent.text)
    if stripped:
        roles |= {w.lower().rstrip(".") for w in stripped.group().split()}
    for c in ent.root.children:  # "Tiffany-Anne Brislane, 23," is "the 23-year-old" later
        if c.dep_ == "appos" and c.like_num and c.text.isdigit() and 0 < int(c.text) < 120:
            roles.add(f"age:{int(c.text)}")
    return gender, roles


def relabel(name: str, label: str) -> str:
    """The label to keep: a country's name is a place, not an organisation or a person, and so
    is a one-word name of a big city ("Minsk" tagged ORG when it stands for the government)."""
    if label in ("ORG", "PERSON"):
        place = lookup(name)
        if place is not None and (
            place.kind == "country" or (" " not in name and place.population >= BIG_CITY)
        ):
            return "GPE"
    return label


class ArticleEntities:
    """Collects the entity mentions of one article and resolves them to canonical names."""

    def __init__(self) -> None:
        self.raw: list[_Raw] = []
        self.people: dict[str, PersonInfo] = {}  # by entity key, filled by :meth:`resolve`
        self.subjects: set[tuple[int, int]] = set()  # (sentence, start) of subject persons

    def add(self, sentence: int, sent_start: int, ent: Span) -> None:
        label = ent.label_
        if label not in LABELS:
            return
        name = clean_name(ent.text, label)
        if not name or not any(ch.isalpha() for ch in name):
            return
        if label == "PERSON" and not any(t.pos_ == "PROPN" and t.text[:1].isupper() for t in ent):
            return  # "Turnout was 41.2%", "medical marijuana card": common nouns, no one
        if label != "PERSON" and PERSON_TITLE.match(ent.text):
            label, name = "PERSON", clean_name(ent.text, "PERSON")  # "Ms Stone" tagged ORG
        label = relabel(name, label)
        start = ent.start_char - sent_start
        raw = _Raw(sentence, start, start + len(ent.text), ent.text, label, name)
        if label == "PERSON":
            raw.gender, raw.roles = _context(ent)
            if ent.root.dep_ in ("nsubj", "nsubjpass", "attr"):
                self.subjects.add((sentence, start))
        self.raw.append(raw)

    def resolve(self) -> tuple[list[Mention], list[Entity]]:
        """Mentions with canonical keys, and the article's entities (name, label, aliases)."""
        full_people = Counter(r.name for r in self.raw if r.label == "PERSON" and " " in r.name)
        hints: dict[str, Counter[str]] = {}
        for r in self.raw:
            if r.label == "PERSON" and " " in r.name and r.gender:
                hints.setdefault(r.name, Counter())[r.gender] += 1
        by_part: dict[str, Counter[str]] = {}
        for full, n in full_people.items():
            parts = full.split()
            for part in (parts[-1], parts[0]):
                by_part.setdefault(part.lower(), Counter())[full] += n
        surnames = {full.split()[-1].lower() for full in full_people}
        surnames |= {r.name.lower() for r in self.raw if r.label == "PERSON" and " " not in r.name}
        # "Fox" after "Fox News" is the broadcaster, whatever person is called Fox
        surnames -= {
            r.name.split()[0].lower() for r in self.raw if r.label == "ORG" and " " in r.name
        }
        mentions: list[Mention] = []
        entities: dict[str, Entity] = {}
        seen: dict[str, int] = {}  # full name → the last sentence it was named in
        for r in self.raw:
            if r.label == "PERSON" and " " in r.name:
                seen[r.name] = r.sentence
            label, canonical = r.label, r.name
            one_word = " " not in r.name
            if one_word and label != "PERSON" and r.name.lower() in surnames:
                place = lookup(r.name)
                if place is None or place.kind != "country":
                    label = "PERSON"  # "Boyette" tagged as an organisation after "Ryan Boyette"
            if label == "PERSON" and one_word and r.name.lower() in by_part:
                canonical = self._full_name(by_part[r.name.lower()], r.gender, hints, seen)
            key, entity = self._entity(label, canonical, entities)
            if r.text not in entity.aliases:
                entity.aliases.append(r.text)
            mentions.append(Mention(r.sentence, r.start, r.end, r.text, label, key))
            if label == "PERSON":
                info = self.people.setdefault(key, PersonInfo(canonical))
                info.roles |= r.roles
                if r.gender:
                    hints.setdefault(canonical, Counter())[r.gender] += 1
        for info in self.people.values():
            votes = hints.get(info.name)
            if votes and len(votes) == 1:
                info.gender = next(iter(votes))
            elif " " in info.name:
                info.gender = names.of_name(info.name)
        return mentions, list(entities.values())

    @staticmethod
    def _full_name(
        candidates: Counter[str],
        gender: str | None,
        hints: dict[str, Counter[str]],
        seen: dict[str, int],
    ) -> str:
        """The person a surname means: the one of that surname the article names most (not a
        relative or a former president named in passing), the one named last when two are
        named as often, of the gender the surname's title gives ("Mrs Clinton", not her
        husband)."""
        if gender is not None:
            fitting = Counter(
                {
                    full: n
                    for full, n in candidates.items()
                    if _gender_of(full, hints) in (gender, None)
                }
            )
            if fitting:
                candidates = fitting
        return max(candidates, key=lambda full: (candidates[full], seen.get(full, -1)))

    @staticmethod
    def _entity(label: str, name: str, entities: dict[str, Entity]) -> tuple[str, Entity]:
        place = lookup(name) if label in PLACE_LABELS else None
        if place is not None:
            name = place.name
        key = entity_key(label, person_key_name(name) if label == "PERSON" else name)
        if key not in entities:
            entities[key] = Entity(
                key, name, "PLACE" if label in PLACE_LABELS else label, [],
                place.country if place else None,
                place.lat if place else None, place.lon if place else None,
            )  # fmt: skip
        return key, entities[key]


def _gender_of(full: str, hints: dict[str, Counter[str]]) -> str | None:
    votes = hints.get(full)
    if votes and len(votes) == 1:
        return next(iter(votes))
    return names.of_name(full)
