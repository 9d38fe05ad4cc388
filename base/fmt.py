"""Locale-aware number formatting for every front end: the Pygame game, exports, reports.

Every number a person reads goes through here so that the two languages stay
consistent and a panel never shows ``nan``, ``-0`` or ``¥9,999.6``.  The
module is pure Python (no pygame), shared by the game, the workshop's exports and
the authoring report.

Conventions:

* ``lang`` is ``"zh"`` or ``"en"``; anything starting with ``"zh"`` (``zh-CN``,
  ``zh_Hans``) counts as Chinese, everything else as English.
* Rounding is half-up on the shortest decimal form of the float, which is what a
  player expects (``2.5 -> 3``, ``0.125 -> 0.13``); Python's ``round`` and
  ``format`` round half-to-even on the binary value instead.
* The unit tier (plain, 万/k, 亿/M, B) is chosen *after* rounding, so 9,999.6
  reads ``¥1.0万`` rather than ``¥10,000``.
* Not-a-number (and infinity) is shown as an em dash, ``—``.
* Zero never carries a minus sign; explicitly signed values show ``±`` for
  zero so "no change" is visibly different from a missing ``+``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "MISSING",
    "CURRENCY_SYMBOLS",
    "SHORT_FROM",
    "money",
    "money_as_written",
    "delta_money",
    "percent",
    "signed_percent",
    "number",
    "quarter_label",
    "days",
    "score",
]

MISSING = "—"
"""Shown instead of NaN/inf: a blank would look like a rendering bug."""

CURRENCY_SYMBOLS: dict[str, str] = {"CNY": "¥", "USD": "$", "EUR": "€"}

SHORT_FROM = 100
"""The ``short_from`` of a screen's money: from ¥100 up every amount a screen shows is
written in k / 万 to the ¥100 (``¥0.8k`` beside ``¥8.9k`` and ``¥14.05M``, never ``¥8,922``
or ``¥750``): one format per screen, whose parts add up to its sums as written."""

# (threshold, divisor, suffix, decimals), ascending.  Chinese groups by 10^4
# (万) and 10^8 (亿); English by thousands.  Both start compacting at 10,000
# so four-digit amounts stay exact in either language.
_ZH_TIERS = ((0, 1, "", 0), (10**4, 10**4, "万", 1), (10**8, 10**8, "亿", 2))
_EN_TIERS = ((0, 1, "", 0), (10**4, 10**3, "k", 1), (10**6, 10**6, "M", 2), (10**9, 10**9, "B", 1))


def _is_zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except TypeError:
        return False


def _round(value: float, digits: int) -> Decimal:
    """Half-up rounding of the value as the player would read it."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _group(d: Decimal, digits: int) -> str:
    return f"{d:,.{digits}f}"


def _sign(rounded: Decimal, explicit: bool) -> str:
    if rounded < 0:
        return "-"
    if not explicit:
        return ""
    return "+" if rounded > 0 else "±"


def _compact(magnitude: float, lang: str, short_from: float | None = None
             ) -> tuple[Decimal, str, int]:
    """Return (rounded scaled magnitude, formatted text, the tier's divisor) using the
    right tier.

    A tier is skipped when its rounded value would reach the next tier's
    threshold (99,999,999 -> ``1.00亿``, not ``10000.0万``). From ``short_from``
    up to the next tier, amounts are written in the first abbreviation (k / 万)
    to the nearest ¥100 (``¥8.0k``, ``¥237.5k`` / ``¥0.80万``, ``¥23.75万``), so a screen
    whose amounts are added up reads in one format and its sums add up.
    """
    tiers = _ZH_TIERS if _is_zh(lang) else _EN_TIERS
    _, divisor, suffix, _ = tiers[1]
    if short_from is not None and short_from <= magnitude < tiers[2][0]:
        decimals = round(math.log10(divisor)) - 2
        scaled = _round(magnitude / divisor, decimals)
        return scaled, _group(scaled, decimals) + suffix, divisor
    for i, (_, divisor, suffix, decimals) in enumerate(tiers):
        scaled = _round(magnitude / divisor, decimals)
        is_last = i + 1 == len(tiers)
        if is_last or scaled * divisor < tiers[i + 1][0]:
            return scaled, _group(scaled, decimals) + suffix, divisor
    raise AssertionError("unreachable")  # pragma: no cover


def _money(value: float, lang: str, currency: str, explicit_sign: bool,
           short_from: float | None = None) -> str:
    if not _finite(value):
        return MISSING
    scaled, text, _ = _compact(abs(value), lang, short_from)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    body = f"{symbol}{text}" if symbol else f"{currency.upper()} {text}"
    signed = scaled if value >= 0 else -scaled
    return _sign(signed, explicit_sign) + body


def money(value: float, lang: str, currency: str = "CNY", *,
          short_from: float | None = None) -> str:
    """Compact money: ``¥1,234``, ``¥12.3万`` / ``¥12.3k``, ``¥1.23亿`` / ``¥1.23M``.

    With ``short_from`` (say 1000), amounts from there up are all written in
    thousands (``¥8.0k``, ``¥90.0k``) or 万 (``¥0.80万``, ``¥9.00万``) to the
    nearest ¥100: a screen whose amounts sit side by side and add up (budget
    left, costs, spend) passes it. Unknown currency codes fall back to
    the code itself (``GBP 1,234``).
    """
    return _money(value, lang, currency, explicit_sign=False, short_from=short_from)


def money_as_written(value: float, lang: str, *, short_from: float | None = None) -> float:
    """The amount ``money`` writes for ``value``, as a number: ``3750`` is written
    ``¥0.38万`` (``short_from=1000``), which stands for 3800. A screen that shows a sum and
    its parts derives one from the others as written, so they add up as read."""

    if not _finite(value):
        return value
    scaled, _, divisor = _compact(abs(value), lang, short_from)
    return math.copysign(float(scaled * divisor), value)


def delta_money(value: float, lang: str, currency: str = "CNY", *,
                short_from: float | None = None) -> str:
    """Money change with an explicit sign (``+¥5.2万``, ``-¥300``, ``±¥0``); ``short_from``
    as for ``money``."""
    return _money(value, lang, currency, explicit_sign=True, short_from=short_from)


def _percent(value: float, digits: int, explicit_sign: bool) -> str:
    if not _finite(value):
        return MISSING
    rounded = _round(value * 100, digits)
    return f"{_sign(rounded, explicit_sign)}{abs(rounded):.{digits}f}%"


def percent(value: float, digits: int = 0) -> str:
    """A ratio as a percentage: ``0.253 -> 25%``."""
    return _percent(value, digits, explicit_sign=False)


def signed_percent(value: float, digits: int = 1) -> str:
    """A ratio change with an explicit sign: ``0.031 -> +3.1%``, zero -> ``±0.0%``."""
    return _percent(value, digits, explicit_sign=True)


def number(value: float, lang: str, digits: int = 0) -> str:
    """A plain grouped number (``12,345.6``), never compacted.

    zh-CN and en both group by thousands with ``,`` and use ``.`` for decimals,
    so ``lang`` only keeps the signature uniform with the other helpers.
    """
    del lang  # same conventions in both supported languages
    if not _finite(value):
        return MISSING
    rounded = _round(value, digits)
    return _sign(rounded, False) + _group(abs(rounded), digits)


def quarter_label(turn: int, start_quarter: int, lang: str) -> str:
    """Label for a 1-based turn when the game starts in ``start_quarter``.

    One turn is one quarter, so quarters roll over into the next year:
    turn 4 from Q2 is ``Year 2 Q1`` (``第2年 Q1``).
    """
    if turn < 1:
        raise ValueError(f"turn is 1-based, got {turn}")
    if not 1 <= start_quarter <= 4:
        raise ValueError(f"start_quarter must be 1..4, got {start_quarter}")
    index = (start_quarter - 1) + (turn - 1)
    year, quarter = index // 4 + 1, index % 4 + 1
    return f"第{year}年 Q{quarter}" if _is_zh(lang) else f"Year {year} Q{quarter}"


def days(value: float, lang: str, digits: int = 1) -> str:
    """A duration in days: ``3.5 天`` / ``3.5 days``; a whole number drops ``.0``."""
    if not _finite(value):
        return MISSING
    rounded = _round(value, digits)
    text = number(float(rounded), lang, digits)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if _is_zh(lang):
        return f"{text} 天"
    return f"{text} day" if abs(rounded) == 1 else f"{text} days"


def score(value: float) -> str:
    """A score as a whole number (``71.5 -> 72``)."""
    if not _finite(value):
        return MISSING
    rounded = _round(value, 0)
    return _sign(rounded, False) + str(abs(int(rounded)))


def delta_score(value: float) -> str:
    """A change of score in whole points with an explicit sign (``+8``, ``-3``, ``±0``)."""
    if not _finite(value):
        return MISSING
    rounded = _round(value, 0)
    return _sign(rounded, True) + str(abs(int(rounded)))


def compact(v: float, digits: int = 2) -> str:
    """A language-neutral figure for reports and exports: 1234567 → '1.23 M', 45600 → '45.6 k'."""

    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.{digits}f} G"
    if a >= 1e6:
        return f"{v / 1e6:.{digits}f} M"
    if a >= 1e4:
        return f"{v / 1e3:.{max(digits - 1, 0)}f} k"
    if a >= 100 or a == 0:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}" if a < 1 else f"{v:.1f}"
