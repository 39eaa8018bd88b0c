"""Entities: who and what an article names, one canonical entity per real thing.

Within an article, a person named in full once ("President Alexander Lukashenko of Belarus")
and by surname later ("Lukashenko") is one entity: titles are dropped, and a one-word name is
read as the full name in the same article that ends (or starts) with it. Across the store, the
store's own pass (:func:`storylens.store.enrich.merge_surnames`) folds a surname-only person
into the full name most articles give. Names that are countries or cities are places whatever
label the model gave them ("Belarus" is sometimes tagged ORG).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

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
    r"sheikh|emir|sultan|tsar|czar|nobel|laureate)\.?\s+)+",
    re.IGNORECASE,
)
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
        # sentence, start, end, text, label, cleaned name
        self.raw: list[tuple[int, int, int, str, str, str]] = []

    def add(self, sentence: int, sent_start: int, ent: Span) -> None:
        label = ent.label_
        if label not in LABELS:
            return
        name = clean_name(ent.text, label)
        if not name or not any(ch.isalpha() for ch in name):
            return
        if label == "PERSON" and not any(t.pos_ == "PROPN" for t in ent):
            return  # "Turnout was 41.2%": a common noun at the start of a sentence, no one
        label = relabel(name, label)
        start = ent.start_char - sent_start
        self.raw.append((sentence, start, start + len(ent.text), ent.text, label, name))

    def resolve(self) -> tuple[list[Mention], list[Entity]]:
        """Mentions with canonical keys, and the article's entities (name, label, aliases)."""
        full_people = Counter(
            name for _, _, _, _, label, name in self.raw if label == "PERSON" and " " in name
        )
        by_part: dict[str, Counter[str]] = {}
        for full, n in full_people.items():
            parts = full.split()
            for part in (parts[-1], parts[0]):
                by_part.setdefault(part.lower(), Counter())[full] += n
        mentions: list[Mention] = []
        entities: dict[str, Entity] = {}
        for sentence, start, end, text, label, name in self.raw:
            canonical = name
            if label == "PERSON" and " " not in name and name.lower() in by_part:
                canonical = by_part[name.lower()].most_common(1)[0][0]
            key, entity = self._entity(label, canonical, entities)
            if text not in entity.aliases:
                entity.aliases.append(text)
            mentions.append(Mention(sentence, start, end, text, label, key))
        return mentions, list(entities.values())

    @staticmethod
    def _entity(label: str, name: str, entities: dict[str, Entity]) -> tuple[str, Entity]:
        place = lookup(name) if label in PLACE_LABELS else None
        if place is not None:
            name = place.name
        key = entity_key(label, name)
        if key not in entities:
            entities[key] = Entity(
                key, name, "PLACE" if label in PLACE_LABELS else label, [],
                place.country if place else None,
                place.lat if place else None, place.lon if place else None,
            )  # fmt: skip
        return key, entities[key]
