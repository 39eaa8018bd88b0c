"""Publication dates: any of the forms seen in news data, to an aware UTC datetime."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from storylens.errors import InputError
from storylens.models import Precision

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{4}/\d{2}/\d{2}$|^\d{8}$")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)


def parse_published(
    value: str | datetime | None, fmt: str | None, zone: ZoneInfo
) -> tuple[datetime | None, Precision | None, str | None]:
    """Return (UTC datetime, precision, note). A value that is not a date raises InputError.

    Dates without a zone are read in ``zone`` (the ``ingest.timezone`` setting), and the note
    says so. Date-only values have day precision and stand at midnight UTC of that day.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None, None
    note = None
    if isinstance(value, datetime):
        parsed = value
        precision: Precision = "minute"
    else:
        text = value.strip()
        try:
            parsed, precision = _parse_text(text, fmt)
        except (ValueError, ArithmeticError, TypeError, OSError):
            raise InputError(f"unparseable date {text[:60]!r}") from None
    try:
        if precision == "day":
            day = parsed.date() if isinstance(parsed, datetime) else parsed
            parsed = datetime(day.year, day.month, day.day, tzinfo=UTC)
        elif parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
            note = f"date has no time zone: read as {zone.key}"
        parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InputError(f"date {str(value)[:60]!r} is out of range") from None
    latest = datetime.now(UTC) + timedelta(days=2)
    if not EARLIEST <= parsed <= latest:
        raise InputError(f"date {parsed.date().isoformat()} is out of range (in the future?)")
    return parsed, precision, note


def _parse_text(text: str, fmt: str | None) -> tuple[datetime, Precision]:
    if fmt:
        parsed = datetime.strptime(text, fmt)
        return parsed, ("minute" if "%H" in fmt else "day")
    if _DATE_ONLY.match(text):
        digits = re.sub(r"\D", "", text)
        return datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:8])), "day"
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")), "minute"
    except ValueError:
        pass
    if re.match(r"^[A-Za-z]{3},? ", text) or re.search(r"[+-]\d{4}$|GMT$|UT$", text):
        try:
            return parsedate_to_datetime(text), "minute"
        except (TypeError, ValueError, IndexError):
            pass
    if text.isdigit() and len(text) >= 9:  # Unix timestamp (seconds or milliseconds)
        seconds = int(text) / (1000 if len(text) >= 12 else 1)
        return datetime.fromtimestamp(seconds, UTC), "minute"
    parsed = dateutil_parser.parse(text, default=datetime(1, 1, 1))
    if parsed.year == 1:
        raise ValueError("no year")
    return parsed, ("minute" if _HAS_TIME.search(text) else "day")
