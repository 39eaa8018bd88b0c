"""Wire credits: "(With AP inputs)", "Reuters", "— AFP", "MINSK (Reuters) -" …

Credit lines leave the body and the agency goes to ``Article.credits``.
"""

from __future__ import annotations

import re

from storylens.models import Paragraph

AGENCIES: dict[str, str] = {
    "ap": "AP", "associated press": "AP", "the associated press": "AP",
    "reuters": "Reuters", "thomson reuters": "Reuters",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP",
    "pa": "PA", "press association": "PA", "pa media": "PA",
    "dpa": "dpa", "ansa": "ANSA", "efe": "EFE", "upi": "UPI", "xinhua": "Xinhua",
    "pti": "PTI", "ani": "ANI", "ians": "IANS", "bloomberg": "Bloomberg", "tass": "TASS",
    "ria": "RIA Novosti", "interfax": "Interfax", "kyodo": "Kyodo", "yonhap": "Yonhap",
}  # fmt: skip

_NAMES = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))
_AGENCY_LIST = rf"(?:{_NAMES})(?:\s*(?:,|and|&|/)\s*(?:{_NAMES}))*"
# A paragraph that is only a credit.
_CREDIT_LINE = re.compile(
    rf"^[\(\[]?\s*(?:[-–—]\s*)?(?:with\s+(?:inputs?\s+from\s+)?|additional\s+reporting\s+by\s+|"
    rf"source:\s*|inputs?\s+from\s+)?(?:the\s+)?({_AGENCY_LIST})(?:\s+inputs?)?\s*[\)\]]?\.?$",
    re.IGNORECASE,
)
# "MINSK (Reuters) - " or "(AP) — " opening the first paragraph.
_DATELINE = re.compile(
    rf"^(?:[A-Z][A-Za-z .'-]{{1,40}}(?:,\s*[A-Za-z0-9 .'-]{{1,30}})?,?\s+)?"
    rf"\(({_AGENCY_LIST})\)\s*[-–—:]\s*",
    re.IGNORECASE,
)
# "(Reporting by …; Editing by …)" staff lines of a wire report.
_STAFF_LINE = re.compile(
    r"^\((?:reporting|writing|editing|additional reporting)\b[^)]*\)\.?$", re.I
)


def _agencies(text: str) -> list[str]:
    found = []
    for part in re.split(r"\s*(?:,|\band\b|&|/)\s*", text, flags=re.IGNORECASE):
        name = AGENCIES.get(part.strip().lower().removeprefix("the ").strip())
        if name is None:
            name = AGENCIES.get(part.strip().lower())
        if name and name not in found:
            found.append(name)
    return found


def take_credits(
    paragraphs: list[Paragraph], numbers: list[int] | None = None
) -> tuple[list[Paragraph], list[str], list[str]]:
    """Remove credit lines; return (paragraphs, agencies, notes).

    ``numbers`` are the paragraphs' numbers in the input, for the notes; when given, the list
    is updated in place to the numbers of the paragraphs kept.
    """
    numbers = numbers if numbers is not None else list(range(1, len(paragraphs) + 1))
    kept_numbers: list[int] = []
    credits: list[str] = []
    notes: list[str] = []
    kept: list[Paragraph] = []
    for index, para in enumerate(paragraphs):
        text = para.text.strip()
        match = _CREDIT_LINE.match(text) if len(text) < 80 else None
        if match:
            for name in _agencies(match.group(1)):
                if name not in credits:
                    credits.append(name)
            notes.append(f"credit line removed from paragraph {numbers[index]}: {text!r}")
            continue
        if _STAFF_LINE.match(text):
            notes.append(f"wire staff line removed from paragraph {numbers[index]}: {text!r}")
            continue
        if not kept:
            lead = _DATELINE.match(text)
            if lead:
                for name in _agencies(lead.group(1)):
                    if name not in credits:
                        credits.append(name)
                prefix = lead.group(0).strip()
                notes.append(f"wire dateline {prefix!r} removed from paragraph {numbers[index]}")
                para = Paragraph(text[lead.end() :], para.kind)
        kept.append(para)
        kept_numbers.append(numbers[index])
    numbers[:] = kept_numbers
    return kept, credits, notes


_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# What bylines carry after the name: the day ("Jane Doe Monday, 18 November 2019"), a date,
# the writer's role ("Staff Writer", "Moscow Correspondent"), or the agency they write for.
_AFTER_NAME = re.compile(
    rf"(?:[\s,|–—-]+(?:{_WEEKDAY}|{_MONTH}\s*\d|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\d{{4}}\b|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|updated|published|posted)\b.*"
    r"|[\s,|–—-]+(?:(?:senior|chief|staff|political|business|sports?|foreign|special|"
    r"contributing|associate|deputy|news|science|health|tech(?:nology)?|education|crime|"
    r"legal|city|local|entertainment|travel)\s+)*(?:writer|reporter|correspondent|editor|"
    r"columnist|contributor|journalist|photographer|producer)s?"
    r"|[\s,|–—-]+(?-i:[A-Z][a-z]+)\s+(?:correspondent|bureau chief))$",
    re.IGNORECASE,
)
_BY = re.compile(r"^(?:by|from|written by|words by)[:\s]+", re.IGNORECASE)
_AGENCY_TAIL = re.compile(
    rf"(?:[\s,|–—-]+|\s+for\s+)(?:the\s+)?({_AGENCY_LIST})(?:\s+(?:writer|reporter|"
    r"correspondent)s?)?\.?$",
    re.IGNORECASE,
)


def clean_authors(names: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Authors as people: (names, wire agencies, notes).

    "Associated Press" or "Reuters" as an author is a credit; "Jane Doe, Staff Writer" is Jane
    Doe, and "Jane Doe Monday, 18 November 2019" too (the byline ran into the date).
    """
    authors: list[str] = []
    agencies: list[str] = []
    notes: list[str] = []
    for raw in names:
        name = _BY.sub("", raw.strip()).strip(" ,;|")
        whole = _CREDIT_LINE.match(name) if len(name) < 80 else None
        if whole:
            for agency in _agencies(whole.group(1)):
                if agency not in agencies:
                    agencies.append(agency)
            notes.append(f"author {raw!r} is a wire agency: moved to the credits")
            continue
        if _AFTER_NAME.fullmatch(" " + name):  # "Staff Writer", "Monday": a byline's tail
            notes.append(f"author {raw!r} is not a name: dropped")
            continue
        tail = _AGENCY_TAIL.search(name)
        if tail and tail.start() > 0:
            for agency in _agencies(tail.group(1)):
                if agency not in agencies:
                    agencies.append(agency)
            name = name[: tail.start()]
        for _ in range(3):  # "Jane Doe, Staff Writer, Monday": one piece at a time
            cut = _AFTER_NAME.search(name)
            if cut is None or len(name[: cut.start()].split()) < 2:
                break
            name = name[: cut.start()]
        name = name.strip(" ,;|–—-")
        if name != _BY.sub("", raw.strip()).strip(" ,;|–—-"):
            notes.append(f"author {raw!r} read as {name!r}")
        if name and name not in authors:
            authors.append(name)
    return authors, agencies, notes


_ROLE_LINE = re.compile(
    r"^(?:[A-Z][\w.'-]*\s+){0,3}(?:writer|reporter|correspondent|editor|columnist|"
    r"contributor|journalist)s?$",
    re.IGNORECASE,
)
_BYLINE_LINE = re.compile(r"^(?:by|written by|words by)\s+(?-i:[A-Z])", re.IGNORECASE)


def take_byline(
    paragraphs: list[Paragraph], numbers: list[int] | None = None
) -> tuple[list[Paragraph], list[str], list[str]]:
    """A byline line near the top ("By Ann Moss, Staff Writer") leaves the text; returns
    (paragraphs, the names it gives, notes). ``numbers`` as for :func:`take_credits`."""
    numbers = numbers if numbers is not None else list(range(1, len(paragraphs) + 1))
    for index, para in enumerate(paragraphs[:4]):
        text = para.text.strip()
        if _BYLINE_LINE.match(text) and len(text.split()) <= 14 and not text.endswith("."):
            names = [n for part in re.split(r"\s+and\s+|\s*&\s*", text) if (n := part.strip())]
            notes = [f"byline removed from paragraph {numbers[index]}: {text!r}"]
            taken = 1
            nxt = paragraphs[index + 1].text.strip() if index + 1 < len(paragraphs) else ""
            if nxt and _ROLE_LINE.match(nxt):  # "Courier Staff Writer" on a line of its own
                notes.append(f"byline removed from paragraph {numbers[index + 1]}: {nxt!r}")
                taken = 2
            del numbers[index : index + taken]
            return paragraphs[:index] + paragraphs[index + taken :], names, notes
    return paragraphs, [], []
