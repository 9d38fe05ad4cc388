"""The player's settings (language, window, UI scale, first-time hints), kept on disk.

They live in ``settings.json`` in the same data folder as the saves
(``game.saves.default_folder()``; ``$KAM_SANDBOX_DATA`` overrides it). Reading never fails:
a missing, unreadable or corrupt file gives the defaults, and a single bad value falls back
to its own default without losing the others. Writing is atomic (a temp file in the same
folder, fsynced, then ``os.replace``), so a crash mid-write leaves the old file intact.

The running game keeps them as ``app.settings``; ``save_user_settings`` and
``switch_language`` are how the screens change and keep them.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from kam_sandbox.base import i18n
from kam_sandbox.base.storage import remove_stale_temp_files, write_atomically

FILE_NAME = "settings.json"
#: Window sizes the settings screen offers.
WINDOW_SIZES: tuple[tuple[int, int], ...] = ((1280, 720), (1600, 900), (1920, 1080))
#: UI scales the settings screen offers.
UI_SCALES: tuple[float, ...] = (1.0, 1.25, 1.5)
#: The smallest canvas the screens are laid out for: a UI scale draws on a canvas the window
#: divided by the scale, never smaller than this.
BASE_SIZE = (1280, 720)
#: Sizes outside this range in a hand-edited file are refused.
MIN_SIZE, MAX_SIZE = (800, 600), (7680, 4320)
MIN_SCALE, MAX_SCALE = 0.5, 3.0


@dataclass
class Settings:
    """What the player chose; the defaults are what a first start uses."""

    lang: str
    width: int = 1280
    height: int = 720
    fullscreen: bool = False
    ui_scale: float = 1.0
    tutorial_seen: bool = False

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


def offered_sizes(desktop: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The window sizes to offer on a screen of ``desktop`` pixels: those that fit it (a
    window larger than the screen would hang off its edge), at least the smallest."""

    if desktop is None or not all(desktop):
        return list(WINDOW_SIZES)
    fits = [s for s in WINDOW_SIZES if s[0] <= desktop[0] and s[1] <= desktop[1]]
    return fits or [WINDOW_SIZES[0]]


def max_scale(size: tuple[int, int]) -> float:
    """The largest UI scale a window of ``size`` can show (its canvas stays at least
    ``BASE_SIZE``)."""

    return max(1.0, min(size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1]))


def default_settings() -> Settings:
    return Settings(lang=i18n.system_language())


def default_folder() -> Path:
    """The data folder shared with the saves."""

    from .saves import default_folder as saves_folder

    return saves_folder()


def settings_path(folder: Path | str | None = None) -> Path:
    return Path(folder if folder is not None else default_folder()) / FILE_NAME


def load_settings(folder: Path | str | None = None) -> Settings:
    """The settings in ``folder`` (default: the data folder); defaults where anything is wrong."""

    settings = default_settings()
    try:
        raw = settings_path(folder).read_bytes()
        data = json.loads(raw.decode("utf-8-sig"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8 or not JSON
        return settings
    if not isinstance(data, dict):
        return settings

    lang = data.get("lang")
    if lang in i18n.LANGUAGES:
        settings.lang = lang
    width, height = data.get("width"), data.get("height")
    if (_is_int(width) and _is_int(height) and MIN_SIZE[0] <= width <= MAX_SIZE[0]
            and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
        settings.width, settings.height = width, height
    if isinstance(data.get("fullscreen"), bool):
        settings.fullscreen = data["fullscreen"]
    scale = data.get("ui_scale")
    if (isinstance(scale, (int, float)) and not isinstance(scale, bool) and math.isfinite(scale)
            and MIN_SCALE <= scale <= MAX_SCALE):
        settings.ui_scale = float(scale)
    if isinstance(data.get("tutorial_seen"), bool):
        settings.tutorial_seen = data["tutorial_seen"]
    return settings


def save_settings(folder: Path | str | None, settings: Settings) -> None:
    """Write ``settings`` atomically; SaveError (the old file untouched) if that fails."""

    path = settings_path(folder)
    payload = json.dumps(asdict(settings), ensure_ascii=False, indent=2).encode("utf-8")
    remove_stale_temp_files(path)
    write_atomically(path, payload)


def save_user_settings(app) -> str | None:
    """Write ``app.settings`` to the data folder; the error text if that failed."""

    settings = getattr(app, "settings", None)
    if settings is None:
        return None
    try:
        save_settings(getattr(app, "data_folder", None), settings)
    except Exception as exc:  # a read-only disk must not end the game; the player is told
        return str(exc)
    return None


def switch_language(app, lang: str) -> str | None:
    """Show the interface in ``lang`` and remember it; the error text if saving failed."""

    settings = getattr(app, "settings", None)
    if settings is not None:
        settings.lang = lang
    error = save_user_settings(app)
    app.set_language(lang)
    return error


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
