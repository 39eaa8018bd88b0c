"""The one way storylens renders templates, for the web app and the static site alike: every
value escaped (article text is untrusted input), every bidirectional control character shown
as a visible mark (:mod:`storylens.publish.bidi`), undefined names an error, tidy whitespace.

A value that must go back to the server exactly as stored (an ``<option value>``) is written
``{{ name | verbatim }}``: escaped, but its bidi controls kept (an attribute is not shown).
"""

from __future__ import annotations

from typing import Any

from storylens.models import UNKNOWN_OUTLET
from storylens.publish.bidi import neutralise


class Verbatim(str):
    """A value the template's finalize step leaves as it is (see :func:`verbatim`)."""


def verbatim(value: Any) -> Verbatim:
    return Verbatim(value)


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Verbatim):
        return neutralise(value)
    return value


def environment(package: str) -> Any:
    """A Jinja2 environment over the ``templates`` folder of ``package``."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["verbatim"] = verbatim
    env.globals["unknown_outlet"] = UNKNOWN_OUTLET  # how a report of no known outlet is named
    return env
