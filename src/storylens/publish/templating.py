"""The one way storylens renders templates, for the web app and the static site alike: every
value escaped (article text is untrusted input), undefined names an error, tidy whitespace."""

from __future__ import annotations

from typing import Any


def environment(package: str) -> Any:
    """A Jinja2 environment over the ``templates`` folder of ``package``."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
