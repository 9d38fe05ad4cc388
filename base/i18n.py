"""Interface strings in Chinese and English.

Strings live in ``game/locales/<area>.<lang>.json`` (one file per screen area, so each
area's strings stay together) as flat ``"area.key": "text"`` maps with ``{name}``
placeholders. ``tr(key, **values)`` looks a key up in the current language; a
missing key is a bug that tests catch (both files must hold the same keys), so at run time
it falls back to English and then to the key itself rather than crashing a session.
"""

from __future__ import annotations

import json
import locale
import os
from functools import cache
from importlib import resources

LANGUAGES = ("zh", "en")
_current = "en"


@cache
def strings(lang: str) -> dict[str, str]:
    """Every string of ``lang``, merged from all areas' files."""

    merged: dict[str, str] = {}
    folder = resources.files("kam_sandbox.base").joinpath("locales")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(f".{lang}.json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def system_language() -> str:
    """zh when the system locale is Chinese, else en."""

    for var in ("KAM_SANDBOX_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if code.lower().startswith("zh") else "en"


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    _current = lang


def language() -> str:
    return _current


def tr(key: str, /, lang: str | None = None, **values: object) -> str:
    """``key``'s text in ``lang`` (default: the current language) with ``values`` filled in."""

    text = strings(lang or _current).get(key) or strings("en").get(key) or key
    return text.format(**values) if values else text


def pick(text: dict | object, lang: str | None = None) -> str:
    """A bilingual {zh, en} text (a dict or a pydantic Text) in ``lang`` (default: current)."""

    lang = lang or _current
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or ""
    return getattr(text, lang, None) or getattr(text, "en", "")


def strategy_name(name: str, lang: str | None = None) -> str:
    """A built-in strategy's name (``needs`` → "Needs-led"), its id if it has none."""

    key = f"strategy.{name.replace('-', '_')}"
    return tr(key, lang) if key in strings("en") else name


def strategy_tip(name: str, lang: str | None = None) -> str:
    """What a built-in strategy does, in a sentence ("" if it has none)."""

    key = f"strategy.tip.{name.replace('-', '_')}"
    return tr(key, lang) if key in strings("en") else ""
