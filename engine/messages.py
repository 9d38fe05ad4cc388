"""Bilingual messages for scenario problems: one id, its English and Chinese templates.

Why here and not in ``base/locales``: the engine is the bottom layer and imports nothing
of the project, yet it composes its messages from nested parts (a reason, a fix, a
"did you mean"), and the game, the workshop host and the CLI all show them. So a
``Msg`` *is* its English text (a ``str``, so every existing caller keeps working) and
also keeps its id and parameters; ``Msg.render("zh")`` fills the Chinese template of
the same id, rendering parameters that are themselves ``Msg`` in the same language.
Each message has exactly one entry in ``CATALOG`` with both languages side by side — the
one truth — and tests check that both templates of an id take the same parameters.
The catalog's entries live in ``engine/messages_catalog.py`` (data only).
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

from .messages_catalog import CATALOG

LANGS = ("en", "zh")
_LANG_INDEX = {"en": 0, "zh": 1}


class Msg(str):
    """A problem message: the English text, plus ``code`` and ``params`` to render it anew."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Msg:
        if code not in CATALOG:
            raise KeyError(f"no message {code!r} in the catalog")
        obj = super().__new__(cls, _fill(code, "en", params))
        obj.code = code
        obj.params = params
        return obj

    def render(self, lang: str) -> str:
        """This message in ``lang`` ("en" or "zh"; anything else reads as English)."""
        return _fill(self.code, lang, self.params)

    def __reduce__(self):  # pickling (worker processes) keeps the id and parameters
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict[str, Any]) -> Msg:
    return Msg(code, **params)


class Said(str):
    """A message already rendered in each language (e.g. as a workshop host sent it): its
    English text, and ``render(lang)`` like a ``Msg``."""

    texts: dict[str, str]

    def __new__(cls, texts: dict[str, str]) -> Said:
        obj = super().__new__(cls, texts.get("en") or next(iter(texts.values()), ""))
        obj.texts = dict(texts)
        return obj

    def render(self, lang: str) -> str:
        return self.texts.get(lang) or str(self)


def every_language(text: str) -> dict[str, str]:
    """``text`` rendered in each language, to send where the reader's language is unknown."""
    return {lang: render(text, lang) for lang in LANGS}


def render(text: str, lang: str) -> str:
    """``text`` in ``lang`` if it is a ``Msg`` or ``Said``; plain text as it is."""
    return text.render(lang) if isinstance(text, (Msg, Said)) else str(text)


def _value(value: Any, lang: str) -> str:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        sep = CATALOG["sep.or"][_LANG_INDEX.get(lang, 0)]
        return sep.join(_value(v, lang) for v in value)
    return str(value)


def _fill(code: str, lang: str, params: dict[str, Any]) -> str:
    template = CATALOG[code][_LANG_INDEX.get(lang, 0)]
    return template.format(**{k: _value(v, lang) for k, v in params.items()})


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields a template fills."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def any_of(items: Iterable[Any]) -> tuple[Any, ...]:
    """Items a message lists as alternatives ("a or b" / "a或b")."""
    return tuple(items)
