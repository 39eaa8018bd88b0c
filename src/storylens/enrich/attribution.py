"""Speakers resolved within an article: pronouns, descriptions, surnames, continued quotes.

Quotes are resolved in the order they appear, so each can lean on the ones before:

- ``he`` / ``she`` is the speaker of the quote just before (within a few sentences) when the
  gender fits, unless a person of that gender was named in between; else the last person
  named whose gender fits. Gender comes from titles and gendered nouns in the text (``Mr``,
  ``Mrs``, ``fisherman's wife``, ``spokeswoman``) and else from the first name
  (:mod:`storylens.enrich.gender`); a person of unknown gender fits both. So "she said" never
  goes to the last man named.
- ``they`` / ``it`` is the speaker before when that one is no man or woman (``police``, ``the
  army``, ``an NYPD spokesperson``).
- A definite description (``the official``, ``the doctor``, ``South Sudan's president``) is
  the person the article gave that role (``Fauzi, an official from …``, ``President Salva
  Kiir``); ``the company`` is the company the article named.
- A name is the entity the article's mentions resolve it to (surnames to the full name); a
  quote that continues another takes its speaker; a pull quote takes the speaker of the same
  words said later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storylens.enrich import gender as names
from storylens.enrich.entities import PersonInfo, clean_name, person_key_name
from storylens.enrich.places import lookup
from storylens.enrich.quotes import FoundQuote
from storylens.enrich.speakers import DOCUMENTS, Who
from storylens.models import Enrichment, Entity, Mention, Quote, QuoteKind, Sentence, entity_key

WINDOW = 6  # sentences back to the quote whose speaker a pronoun continues
PULL_QUOTE_SHARE = 0.8  # shared words for a quote to repeat another
ABSTRACT_ENDINGS = ("ment", "tion", "sion", "ness", "ity", "ance", "ence", "ing")
ORG_WINDOW = 2  # sentences back for "the firm said" to mean the last organisation named
ODD_LABELS = frozenset({"WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})  # no speaker is one of these
GENERIC_ORGS = frozenset(
    "company firm group agency ministry government operator utility authority union council "
    "party department club".split()
)


@dataclass(slots=True)
class Speaker:
    """A resolved speaker."""

    name: str | None
    key: str | None
    gender: str | None = None
    person: bool = False  # a man or a woman (not a body, a group or a pronoun left open)
    roles: set[str] = field(default_factory=set)
    head: str = ""


@dataclass(slots=True)
class _Article:
    """What resolving one article's speakers reads."""

    e: Enrichment
    people: dict[str, PersonInfo]
    quoted: dict[int, list[tuple[int, int]]]  # direct quote ranges by sentence
    subjects: set[tuple[int, int]]  # person mentions that are a clause's subject


@dataclass(slots=True)
class _Said:
    quote: FoundQuote
    sentence: int
    start: int  # offsets in the sentence
    speaker: Speaker | None


def resolve_quotes(
    e: Enrichment,
    found: Sequence[FoundQuote],
    positions: Sequence[int],
    people: dict[str, PersonInfo],
    subjects: set[tuple[int, int]] | None = None,
) -> list[Quote]:
    """The article's quotes with their speakers. ``positions`` maps a FoundQuote's paragraph
    position to the article's paragraph index; ``subjects`` holds the (sentence, start) of the
    person mentions that are a clause's subject."""
    art = _Article(e, people, _quoted_ranges(e, found, positions), subjects or set())
    said: list[_Said] = []
    by_id: dict[int, _Said] = {}
    for q in found:
        sentence = _sentence_at(e, positions[q.paragraph], q.start) or _sentence_at(
            e, positions[q.paragraph], q.end - 1
        )
        index = sentence.index if sentence else 0
        start = q.start - sentence.start if sentence else 0
        item = _Said(q, index, start, None)
        said.append(item)
        by_id[id(q)] = item
    history: list[_Said] = []
    for item in said:
        q = item.quote
        if q.who is not None:
            item.speaker = _resolve(art, item, q.who, positions, history)
        elif q.follows is not None and id(q.follows) in by_id:
            item.speaker = by_id[id(q.follows)].speaker
        if item.speaker is not None:
            history.append(item)
    for item in said:  # pull quotes: the same words said, with a speaker, elsewhere
        q = item.quote
        if item.speaker is None and q.who is None:
            source = by_id.get(id(q.follows)) if q.follows is not None else None
            item.speaker = (source.speaker if source else None) or _repeated(item, said)
    _relabel_people(e, [item.speaker for item in said if item.speaker is not None])
    out = []
    for item in said:
        q = item.quote
        if (q.who is None and item.speaker is None) or not q.shown:
            continue  # quoted words no one in the article is said to have said
        s = item.speaker or Speaker(None, None)
        kind: QuoteKind = "direct" if q.kind == "direct" else "indirect"
        out.append(Quote(item.sentence, q.text, s.name, kind, q.cue, s.key,
                         item.start, item.start + len(q.text)))  # fmt: skip
    return out


def _resolve(
    art: _Article, item: _Said, who: Who, positions: Sequence[int], history: list[_Said]
) -> Speaker | None:
    e, people = art.e, art.people
    if who.pronoun in ("he", "she"):
        return _pronoun(art, item, who.gender, history)
    if who.pronoun in ("one", "another"):
        # "… one commented. … another wrote": one more of the same kind as the speaker before
        prev = _previous(item, history)
        if prev is not None and prev.key is None and prev.name and prev.head:
            kind = prev.name
            if kind.startswith(("one of the ", "another ", "one ")):
                kind = prev.head  # one more of the same kind
            text = f"another {kind}" if who.pronoun == "another" else f"one {kind}"
            return Speaker(text, None, None, True, set(), prev.head)
        return Speaker(who.pronoun, None, None, True, set(), who.pronoun)
    if who.pronoun is not None:
        prev = _previous(item, history)
        if prev is not None and not (prev.person and prev.gender):
            return prev
        return None
    at = _sentence_at(e, positions[who.paragraph], who.at)
    mention = _mention_at(e.mentions, at.index, who.at - at.start) if at else None
    if mention is not None:
        return _entity_speaker(e, mention.entity, people, who)
    text = who.text or ""
    if who.proper or who.capital:
        key = _person_named(text, people)
        if key is not None:
            return _entity_speaker(e, key, people, who)
    if who.proper:
        gender = who.gender or names.of_name(text, alone=names.SURE)
        key = _add_person(e, who, people, gender) if at is not None else None
        return Speaker(text, key, gender, True, set(who.roles), who.head)
    if who.definite and not who.plural:
        match = _by_role(art, who.head, item, history)
        if match is not None:
            return match
    if text.islower():
        org = _organisation(e.mentions, item.sentence, text)
        if org is not None:  # "the company said" → the company the article named
            return Speaker(_name(e, org.entity), org.entity, None, False, set(), who.head)
    body = _body_of(e, who, at.index) if at is not None else None
    return Speaker(text or None, body, who.gender, _person_like(who, item.quote.cue),
                   set(who.roles), who.head)  # fmt: skip


def _body_of(e: Enrichment, who: Who, sentence: int) -> str | None:
    """The organisation a description speaks for, when its own words name it ("a Hapag-Lloyd
    spokeswoman", "UNHCR officials"): the key the comparison lines their words up by."""
    lo, hi = who.phrase
    if lo < 0:
        return None
    at = next((s for s in e.sentences if s.index == sentence), None)
    if at is None:
        return None
    for m in e.mentions:
        start = at.start + m.start
        if m.sentence == sentence and m.label == "ORG" and lo <= start < hi:
            return m.entity
    return None


def _person_like(who: Who, cue: str) -> bool:
    """Whether a description is a man or a woman that "he" or "she" can go back to: one
    person, not a document, a text that reads, or an abstract noun ("the investigation")."""
    if who.plural or who.head in DOCUMENTS or cue == "read":
        return False
    if who.gender is not None:
        return True
    return not who.head.endswith(ABSTRACT_ENDINGS)


def _entity_speaker(e: Enrichment, key: str, people: dict[str, PersonInfo], who: Who) -> Speaker:
    info = people.get(key)
    name = _name(e, key) or clean_name(who.text or "", "PERSON")
    if info is None:
        # a name the model tagged as a place or a body: a person when the words around it
        # say so ("fisherman's wife Mapahai", "Fauzi, an official") or it is a first name;
        # a speaker tagged as a work of art or a product is a person the model misread
        odd = key.split(":", 1)[0] in ODD_LABELS
        if odd:
            name = clean_name(name, "PERSON")
        one_word = " " not in name
        lexicon = names.of_name(name, alone=names.SURE) if who.proper and one_word else None
        gender = who.gender or lexicon
        person = who.proper and (odd or (one_word and (gender is not None or bool(who.roles))))
        return Speaker(name, key, gender if person else None, person, set(who.roles), who.head)
    return Speaker(name, key, info.gender or who.gender, True, info.roles | who.roles, who.head)


def _relabel_people(e: Enrichment, speakers: list[Speaker]) -> None:
    """A speaker the words show to be a person ("fisherman's wife Mapahai") whom the model
    tagged as a place or a body becomes a person entity, so every outlet's quotes of them
    share one key."""
    moved: dict[str, str] = {}
    for s in speakers:
        if s.key is None or not s.person or s.key.startswith("PERSON:") or s.key in moved:
            continue
        name = s.name or ""
        if name.lower() not in s.key.split(":", 1)[1]:
            continue  # a description speaking for the entity ("a Hapag-Lloyd spokeswoman")
        several = " " in name and s.key.split(":", 1)[0] not in ODD_LABELS
        if several or name.isupper() or lookup(name) is not None:
            continue  # a known place, an acronym, or a body's name of several words
        moved[s.key] = entity_key("PERSON", person_key_name(name))
    if not moved:
        return
    for s in speakers:
        if s.key in moved:
            s.key = moved[s.key]
    for m in e.mentions:
        if m.entity in moved:
            m.entity, m.label = moved[m.entity], "PERSON"
    kept: dict[str, Entity] = {}
    for ent in e.entities:
        if ent.key in moved:
            ent.key, ent.label, ent.country, ent.lat, ent.lon = (
                moved[ent.key],
                "PERSON",
                None,
                None,
                None,
            )
        if ent.key in kept:
            kept[ent.key].aliases.extend(a for a in ent.aliases if a not in kept[ent.key].aliases)
        else:
            kept[ent.key] = ent
    e.entities = list(kept.values())


def _previous(item: _Said, history: list[_Said]) -> Speaker | None:
    for prev in reversed(history):
        if item.sentence - prev.sentence > WINDOW:
            return None
        if prev.speaker is not None:
            return prev.speaker
    return None


def _fits(gender: str | None, wanted: str | None) -> bool:
    return gender is None or wanted is None or gender == wanted


def _pronoun(
    art: _Article, item: _Said, wanted: str | None, history: list[_Said]
) -> Speaker | None:
    """he / she: the previous speaker, unless someone of that gender was named since; else
    the last person named whose gender fits."""
    prev_item = next(
        (h for h in reversed(history) if h.speaker is not None and h.speaker.person), None
    )
    e, people = art.e, art.people
    in_window = prev_item is not None and item.sentence - prev_item.sentence <= WINDOW
    named = _people_before(art, item)
    if prev_item is not None and in_window and prev_item.speaker is not None:
        prev = prev_item.speaker
        if _fits(prev.gender, wanted):
            # someone else of that gender, the subject of the sentence just before the quote
            # or of its own sentence ("Merkel disagreed. '…,' she said.")
            since = (prev_item.sentence, prev_item.start)
            for m in reversed(named):
                if (m.sentence, m.start) <= since or m.sentence < item.sentence - 1:
                    break
                info = people.get(m.entity)
                subject = (m.sentence, m.start) in art.subjects
                if subject and info and info.gender == wanted and m.entity != prev.key and wanted:
                    return _entity_speaker(e, m.entity, people, _no_who(wanted))
            return prev
    fitting = [m for m in named if _fits(g.gender if (g := people.get(m.entity)) else None, wanted)]
    if not fitting:
        return None
    # the last sentence that names someone who fits: its subject ("Among those paying tribute
    # was Paul, who was coached by Mr Ratana. He said: …"), else the last one named
    last = [m for m in fitting if m.sentence == fitting[-1].sentence]
    chosen = next((m for m in last if (m.sentence, m.start) in art.subjects), last[-1])
    return _entity_speaker(e, chosen.entity, people, _no_who(wanted))


def _no_who(gender: str | None) -> Who:
    return Who(None, 0, 0, gender=gender)


def _people_before(art: _Article, item: _Said) -> list[Mention]:
    """Person mentions before the quote, outside quoted words, in text order."""
    out = []
    for m in art.e.mentions:
        if m.label != "PERSON":
            continue
        if m.sentence > item.sentence or (m.sentence == item.sentence and m.start >= item.start):
            continue
        if any(lo <= m.start < hi for lo, hi in art.quoted.get(m.sentence, [])):
            continue
        out.append(m)
    return out


def _by_role(art: _Article, head: str, item: _Said, history: list[_Said]) -> Speaker | None:
    """ "the official", "the doctor": the speaker before with that role or head noun, or the
    last person the article gave that role."""
    for prev in reversed(history):
        s = prev.speaker
        if s is not None and (head in s.roles or (s.head == head and s.name)):
            return s
    for m in reversed(_people_before(art, item)):
        info = art.people.get(m.entity)
        if info is not None and head in info.roles:
            return _entity_speaker(art.e, m.entity, art.people, _no_who(None))
    return None


def _add_person(
    e: Enrichment, who: Who, people: dict[str, PersonInfo], gender: str | None
) -> str | None:
    """A speaker's name the model did not tag ("Queensland veterinarian Dr Holly Goldring
    said"): a person mention of its own, so every report of them has one key."""
    text = who.text or ""
    if who.start < 0 or not text[:1].isupper() or text.isupper() or lookup(text) is not None:
        return None
    at = next(
        (s for s in e.sentences if s.paragraph == who.paragraph and s.start <= who.start < s.end),
        None,
    )
    if at is None:
        return None
    start = who.start - at.start
    if at.text[start : start + len(text)] != text:
        return None
    if any(m.sentence == at.index and m.start < start + len(text) and start < m.end
           for m in e.mentions):  # fmt: skip
        return None
    key = entity_key("PERSON", person_key_name(text))
    e.mentions.append(Mention(at.index, start, start + len(text), text, "PERSON", key))
    e.mentions.sort(key=lambda m: (m.sentence, m.start))
    entity = next((x for x in e.entities if x.key == key), None)
    if entity is None:
        e.entities.append(Entity(key, text, "PERSON", [text]))
    elif text not in entity.aliases:
        entity.aliases.append(text)
    people.setdefault(key, PersonInfo(text, gender, set(who.roles)))
    return key


def _person_named(text: str, people: dict[str, PersonInfo]) -> str | None:
    """A person of the article whose name holds ``text`` as its first or last word (a name
    the model did not tag in this sentence)."""
    words = text.lower().split()
    if len(words) != 1:
        return None
    matches = [k for k, p in people.items() if words[0] in (p.name.lower().split()[0],
               p.name.lower().split()[-1])]  # fmt: skip
    return matches[0] if len(matches) == 1 else None


def _repeated(item: _Said, said: list[_Said]) -> Speaker | None:
    words = set(re.findall(r"\w+", item.quote.text.lower()))
    if not words:
        return None
    for other in said:
        if other is item or other.speaker is None or other.quote.kind != "direct":
            continue
        theirs = set(re.findall(r"\w+", other.quote.text.lower()))
        if theirs and len(words & theirs) / len(words | theirs) >= PULL_QUOTE_SHARE:
            return other.speaker
    return None


def _quoted_ranges(
    e: Enrichment, found: Sequence[FoundQuote], positions: Sequence[int]
) -> dict[int, list[tuple[int, int]]]:
    """Direct quote units by sentence, in sentence offsets: names said inside them are no
    antecedents."""
    out: dict[int, list[tuple[int, int]]] = {}
    for q in found:
        if q.kind != "direct":
            continue
        s = _sentence_at(e, positions[q.paragraph], q.start)
        if s is not None:
            out.setdefault(s.index, []).append((q.start - s.start, q.end - s.start))
    return out


def _organisation(mentions: list[Mention], sentence: int, description: str) -> Mention | None:
    """The organisation a description such as "the company" or "the union" stands for: the
    last one named up to ``sentence`` whose name holds the noun ("Saltmere Dockworkers' Union"
    for "union"), or, for a generic noun, the last one named."""
    words = description.split()
    if not words or len(words) > 2:
        return None
    noun = words[-1]
    named = [m for m in mentions if m.label == "ORG" and m.sentence <= sentence]
    for m in reversed(named):
        if noun in m.text.lower().split():
            return m
    recent = [m for m in named if sentence - m.sentence <= ORG_WINDOW]
    return recent[-1] if recent and noun in GENERIC_ORGS else None


def _sentence_at(e: Enrichment, paragraph: int, offset: int) -> Sentence | None:
    for s in e.sentences:
        if s.paragraph == paragraph and s.start <= offset < s.end + 1:
            return s
    return None


def _mention_at(mentions: list[Mention], sentence: int, offset: int) -> Mention | None:
    for m in mentions:
        if m.sentence == sentence and m.start <= offset < m.end:
            return m
    return None


def _name(e: Enrichment, key: str) -> str | None:
    return next((ent.name for ent in e.entities if ent.key == key), None)
