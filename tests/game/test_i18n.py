"""Every string the UI can show exists in both languages, and the bundled font draws every
character of the UI strings and of the shipped scenarios (no boxes)."""

from __future__ import annotations

import json
import re
import string
from importlib import resources
from pathlib import Path

import pygame
import pytest
import yaml

from kam_sandbox.base import i18n
from kam_sandbox.engine import shipped_scenarios
from kam_sandbox.engine.scenario import ACTIONS, NEEDS, STAGES
from kam_sandbox.game.fonts import font

LOCALES = resources.files("kam_sandbox.base").joinpath("locales")
GAME = Path(__file__).resolve().parents[2] / "game"


def areas() -> list[str]:
    return sorted({e.name.split(".")[0] for e in LOCALES.iterdir() if e.name.endswith(".json")})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("area", areas())
def test_both_languages_have_the_same_keys_and_placeholders(area):
    zh = json.loads(LOCALES.joinpath(f"{area}.zh.json").read_text(encoding="utf-8"))
    en = json.loads(LOCALES.joinpath(f"{area}.en.json").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys()
    for key in en:
        assert placeholders(zh[key]) == placeholders(en[key]), key
        assert zh[key].strip() and en[key].strip(), key


def test_no_key_is_defined_in_two_areas():
    seen: dict[str, str] = {}
    for area in areas():
        for key in json.loads(LOCALES.joinpath(f"{area}.en.json").read_text(encoding="utf-8")):
            assert key not in seen, f"{key} in both {seen[key]} and {area}"
            seen[key] = area


def test_every_literal_key_in_the_code_exists():
    keys = set(i18n.strings("en"))
    used = set()
    for path in GAME.rglob("*.py"):
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text()))
    missing = sorted(used - keys)
    assert not missing, missing


def test_key_families_built_at_run_time_exist():
    keys = set(i18n.strings("en"))
    families = [f"action.{a}" for a in ACTIONS] + [f"action.{a}.tip" for a in ACTIONS]
    families += [f"stage.{s}" for s in STAGES] + [f"need.{n}" for n in NEEDS]
    families += [f"resource.{r}" for r in ("budget", "am_days", "exec_days", "support_days")]
    missing = [k for k in families if k not in keys]
    assert not missing, missing


def scenario_texts() -> str:
    chars = []

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"zh", "en"}:
                chars.extend([node["zh"], node["en"]])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in shipped_scenarios():
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return "".join(chars)


def test_the_bundled_font_draws_every_character():
    pygame.font.init()
    texts = scenario_texts()
    for lang in i18n.LANGUAGES:
        texts += "".join(i18n.strings(lang).values())
    # Symbols written straight into the code (markers, arrows) must be drawable too.
    for path in GAME.rglob("*.py"):
        for literal in re.findall(r"\"([^\"\n]*)\"", path.read_text(encoding="utf-8")):
            texts += "".join(ch for ch in literal if ord(ch) > 127)
    f = font(16)
    tofu = pygame.image.tobytes(f.render("\ue000", True, (0, 0, 0)), "RGBA")
    missing = sorted({ch for ch in set(texts) if not ch.isspace() and
                      pygame.image.tobytes(f.render(ch, True, (0, 0, 0)), "RGBA") == tofu})
    assert not missing, "characters the font cannot show: " + "".join(missing)


@pytest.mark.parametrize("element", ["button", "label", "text_box", "tool_tip",
                                     "text_entry_line", "drop_down_menu"])
def test_widgets_draw_chinese_in_the_english_interface(element):
    """pygame_gui picks fonts per widget type and locale: in English it would fall back to a
    Latin-only font and show Chinese names as boxes unless the theme names ours."""

    from kam_sandbox.game.app import App

    i18n.set_language("en")
    app = App()
    theme_font = app.ui.get_theme().get_font([element])
    tofu = theme_font.render_premul("\ue000", (0, 0, 0, 255))
    glyph = theme_font.render_premul("中", (0, 0, 0, 255))
    assert pygame.image.tobytes(glyph, "RGBA") != pygame.image.tobytes(tofu, "RGBA")
    app.close()
