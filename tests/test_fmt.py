"""Exact-string tests for the UI number formatting in both languages."""

import numpy as np
import pytest

from kam_sandbox.base import fmt

NAN = float("nan")


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (0, "¥0", "¥0"),
        (7, "¥7", "¥7"),
        (1234, "¥1,234", "¥1,234"),
        (1234.5, "¥1,235", "¥1,235"),  # half-up, not banker's rounding
        (9999.4, "¥9,999", "¥9,999"),
        (9999.6, "¥1.0万", "¥10.0k"),  # tier chosen after rounding
        (10_000, "¥1.0万", "¥10.0k"),
        (12_345, "¥1.2万", "¥12.3k"),
        (99_999, "¥10.0万", "¥100.0k"),
        (123_456, "¥12.3万", "¥123.5k"),
        (999_999, "¥100.0万", "¥1.00M"),
        (1_234_567, "¥123.5万", "¥1.23M"),
        (99_999_999, "¥1.00亿", "¥100.00M"),
        (123_456_789, "¥1.23亿", "¥123.46M"),
        (999_999_999, "¥10.00亿", "¥1.0B"),
        (1_234_000_000, "¥12.34亿", "¥1.2B"),
        (-52_000, "-¥5.2万", "-¥52.0k"),
        (-800, "-¥800", "-¥800"),
        (-0.4, "¥0", "¥0"),  # rounds to zero: no minus sign
        (NAN, "—", "—"),
        (float("inf"), "—", "—"),
    ],
)
def test_money(value, zh, en):
    assert fmt.money(value, "zh") == zh
    assert fmt.money(value, "en") == en


def test_numpy_scalars_and_non_numbers():
    assert fmt.money(np.float64(52_000), "zh") == "¥5.2万"
    assert fmt.percent(np.float32(0.25)) == "25%"
    assert fmt.score(np.int64(72)) == "72"
    assert fmt.money(None, "en") == "—"  # type: ignore[arg-type]


def test_money_currencies_and_lang_variants():
    assert fmt.money(1234, "en", "USD") == "$1,234"
    assert fmt.money(52_000, "zh", "EUR") == "€5.2万"
    assert fmt.money(-1_500_000, "en", "usd") == "-$1.50M"
    assert fmt.money(1234, "en", "GBP") == "GBP 1,234"
    assert fmt.money(52_000, "zh-CN") == "¥5.2万"
    assert fmt.money(52_000, "fr") == "¥52.0k"  # unknown languages fall back to English


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (52_000, "+¥5.2万", "+¥52.0k"),
        (-52_000, "-¥5.2万", "-¥52.0k"),
        (300, "+¥300", "+¥300"),
        (0, "±¥0", "±¥0"),
        (-0.3, "±¥0", "±¥0"),
        (9999.6, "+¥1.0万", "+¥10.0k"),
        (NAN, "—", "—"),
    ],
)
def test_delta_money(value, zh, en):
    assert fmt.delta_money(value, "zh") == zh
    assert fmt.delta_money(value, "en") == en


def test_delta_money_currency():
    assert fmt.delta_money(-1234, "en", "USD") == "-$1,234"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.253, 0, "25%"),
        (0.255, 0, "26%"),
        (0.125, 1, "12.5%"),
        (1.0, 0, "100%"),
        (0, 0, "0%"),
        (-0.05, 0, "-5%"),
        (-0.001, 0, "0%"),
        (0.12345, 2, "12.35%"),
        (NAN, 0, "—"),
    ],
)
def test_percent(value, digits, expected):
    assert fmt.percent(value, digits) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.031, 1, "+3.1%"),
        (-0.031, 1, "-3.1%"),
        (0.0, 1, "±0.0%"),
        (-0.0004, 1, "±0.0%"),
        (0.25, 0, "+25%"),
        (NAN, 1, "—"),
    ],
)
def test_signed_percent(value, digits, expected):
    assert fmt.signed_percent(value, digits) == expected


def test_signed_percent_default_digits():
    assert fmt.signed_percent(0.031) == "+3.1%"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_number(lang):
    assert fmt.number(1234567, lang) == "1,234,567"
    assert fmt.number(12345.678, lang, 1) == "12,345.7"
    assert fmt.number(2.5, lang) == "3"
    assert fmt.number(-1234.5, lang) == "-1,235"
    assert fmt.number(-0.4, lang) == "0"
    assert fmt.number(0, lang, 2) == "0.00"
    assert fmt.number(NAN, lang) == "—"


@pytest.mark.parametrize(
    ("turn", "start", "zh", "en"),
    [
        (1, 1, "第1年 Q1", "Year 1 Q1"),
        (1, 2, "第1年 Q2", "Year 1 Q2"),
        (3, 2, "第1年 Q4", "Year 1 Q4"),
        (4, 2, "第2年 Q1", "Year 2 Q1"),
        (8, 1, "第2年 Q4", "Year 2 Q4"),
        (9, 1, "第3年 Q1", "Year 3 Q1"),
        (2, 4, "第2年 Q1", "Year 2 Q1"),
    ],
)
def test_quarter_label(turn, start, zh, en):
    assert fmt.quarter_label(turn, start, "zh") == zh
    assert fmt.quarter_label(turn, start, "en") == en


@pytest.mark.parametrize(("turn", "start"), [(0, 1), (1, 0), (1, 5)])
def test_quarter_label_rejects_bad_input(turn, start):
    with pytest.raises(ValueError):
        fmt.quarter_label(turn, start, "en")


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (3.5, "3.5 天", "3.5 days"),
        (3, "3 天", "3 days"),
        (2.96, "3 天", "3 days"),
        (1, "1 天", "1 day"),
        (0, "0 天", "0 days"),
        (45.25, "45.3 天", "45.3 days"),
        (1200, "1,200 天", "1,200 days"),
        (NAN, "—", "—"),
    ],
)
def test_days(value, zh, en):
    assert fmt.days(value, "zh") == zh
    assert fmt.days(value, "en") == en


@pytest.mark.parametrize(
    ("value", "expected"),
    [(72, "72"), (71.5, "72"), (72.4, "72"), (0, "0"), (-0.3, "0"), (100.0, "100"), (NAN, "—")],
)
def test_score(value, expected):
    assert fmt.score(value) == expected


@pytest.mark.parametrize("value,en,zh", [
    (500, "¥500", "¥500"),
    (2_500, "¥2.5k", "¥0.25万"),
    (8_000, "¥8.0k", "¥0.80万"),
    (90_000, "¥90.0k", "¥9.00万"),
    (237_500, "¥237.5k", "¥23.75万"),
    (5_000_000, "¥5.00M", "¥500.00万"),
])
def test_money_short_from_writes_a_screen_in_one_format(value, en, zh):
    """Issue 11 item 16: not "¥90.0k" beside "¥8,000", and budget left + spent adds up."""
    assert fmt.money(value, "en", short_from=1000) == en
    assert fmt.money(value, "zh", short_from=1000) == zh
    left, spent = 240_000 - 12_500, 12_500
    for lang in ("en", "zh"):
        shown = [fmt.money(v, lang, short_from=1000) for v in (left, spent, 240_000)]
        numbers = [float(s.strip("¥k万").replace(",", "")) for s in shown]
        assert numbers[0] + numbers[1] == pytest.approx(numbers[2])


@pytest.mark.parametrize("value,lang,written", [
    (3750, "zh", 3800.0), (3750, "en", 3800.0), (750, "zh", 800.0), (36_249.0, "en", 36_200.0),
    (40, "zh", 40.0),
    (-3750, "en", -3800.0), (1_234_567, "en", 1_230_000.0), (NAN, "en", NAN),
])
def test_money_as_written_is_the_amount_the_text_stands_for(value, lang, written):
    got = fmt.money_as_written(value, lang, short_from=fmt.SHORT_FROM)
    assert got == pytest.approx(written, nan_ok=True)
    if written == written:  # the text of the amount as written is the same text
        same = fmt.SHORT_FROM
        assert fmt.money(got, lang, short_from=same) == fmt.money(value, lang, short_from=same)
