"""The game's colours, in one place: the ink, lines and accents every screen draws with, the
colours that carry a meaning (grade bands, a stakeholder's stance, a team's own colour).

Pure constants and two small colour rules, no imports: the splash screen uses it before the
toolkit loads. The charts keep their own Okabe–Ito palette (``game.charts``).
"""

from __future__ import annotations

RGB = tuple[int, int, int]

BACKGROUND: RGB = (246, 247, 250)  # behind every screen
WHITE: RGB = (255, 255, 255)  # cards and bars
INK: RGB = (31, 41, 51)  # text
MUTED: RGB = (91, 101, 115)  # secondary text
MUTED_HTML = "#5B6573"  # MUTED in a pygame_gui text box's markup
GOOD_HTML = "#007A5A"  # what went well, in a text box's markup
BAD_HTML = "#B03A2E"  # what went badly, in a text box's markup
LINE: RGB = (201, 209, 219)  # card borders and separators
RULE: RGB = (221, 226, 232)  # quiet rules and empty meters
ACCENT: RGB = (47, 111, 176)  # the game's blue: the top stripe, selections
SOFT: RGB = (234, 241, 250)  # a selected card's fill
WARN: RGB = (176, 58, 46)  # errors, overspending, time up
SUCCESS: RGB = (0, 122, 90)  # good grades, an open round, a submitted plan
CAUTION: RGB = (160, 100, 0)  # a fair grade, a paused round, a draft
NO_COLOUR: RGB = (140, 146, 158)  # a team without a colour, an absent team
FILLED_IN: RGB = (138, 55, 0)  # rounds a built-in strategy played for a team

#: The grade bands on the scorecard's absolute 0-100 scale (engine.kpis.grade_band).
BAND_COLOURS: dict[str, RGB] = {"excellent": SUCCESS, "good": SUCCESS, "fair": CAUTION,
                                "weak": WARN}


def stance_colour(stance: float | None) -> RGB:
    """Okabe–Ito blue / orange / vermillion for supportive / neutral / hostile; grey unknown."""

    if stance is None:
        return (170, 178, 189)
    if stance >= 0.25:
        return (0, 114, 178)
    if stance <= -0.25:
        return (213, 94, 0)
    return (230, 159, 0)


def hex_colour(value: str | None, fallback: RGB = NO_COLOUR) -> RGB:
    """A colour written ``#0072B2`` (a team's) as RGB; ``fallback`` when it is missing or
    malformed."""

    try:
        value = str(value).lstrip("#")
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    except (ValueError, IndexError):
        return fallback
