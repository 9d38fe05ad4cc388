"""Warnings for scenario files: legal, but probably not what the author meant.

``engine.loader.check_scenario`` runs ``lint`` on every scenario that validates and reports
each finding as a ``Problem`` with severity ``"warning"`` at its YAML line and column. A
warning never stops a file from loading; every message ends with a concrete suggestion.

The checks (see ``RULES``):

- **unreachable account**: what an account decides on is the influence-weighted need
  profile of its buying center (the account's needs blended with each person's role and
  personal needs, as ``engine.model`` does). Influence is scaled to add up to 1 per
  account, so "every stakeholder has near-zero influence" cannot happen; an account is
  *unreachable* when the actions offered (and affordable with ``resources``) serve less
  than ``UNREACHABLE`` of that profile, e.g. an account that weighs only quality (fixed by
  ``model.quality``) and delivery in a case without ``supply``. Nothing the player does
  then moves its value, trust or satisfaction.
- **near-zero influence**: a stakeholder with less than ``MIN_INFLUENCE`` of the account's
  total influence.
- **events that cannot matter**: an ``own_event`` (scripted, library or random) without
  ``event_support`` to answer it; a ``shortage`` without ``supply`` to share the stock
  out; a ``complaint`` that neither ``feedback`` nor ``support_days`` can resolve; a
  ``competitor_attack``, ``need_shift``, ``service_failure`` or ``shortage`` of strength 0;
  a ``default``, ``late_payment`` or ``stakeholder_change`` without ``account`` (it hits
  every account at once); a ``shortage`` naming an ``account`` (it cuts the whole supply).
- **ignored strength**: an event whose type does not use ``strength`` with a ``strength``
  other than the default 0.5 written out (the author expects it to change something).
- **one-language text**: a ``zh`` with no Chinese character, an ``en`` with Chinese
  characters or full-width punctuation, or ``zh`` and ``en`` identical.
- **font coverage**: characters of player-facing text missing from the game's font,
  pygame_gui's ``NotoSansSC-Regular.otf`` (read with a small OpenType cmap reader here,
  without importing pygame); they would show as boxes.
- **numbers**: starting credit terms above ``limits.max_credit_days``; ``season.demand``
  not averaging 1 (± 0.15); ``limits.max_discount`` above the lowest account margin (a
  full discount sells at a loss); one scorecard metric with more than 60 % of the weight
  (only when the scorecard has two metrics or more); peak quarters with ``capacity`` 1, or
  a ``capacity`` below 1 with no peak quarter.

``lint_balance`` adds the checks that need simulation (benchmark out of reach or too
easy, reference strategies within a whisker of each other); it is opt-in
(``kam-sandbox validate --deep``); ``loader.deep_problems`` returns them as located Problems.
"""

from __future__ import annotations

import math
import os
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .scenario import NEEDS, Scenario, Text

Loc = tuple[Any, ...]
Finding = tuple[Loc, str]

#: Below this share of its buying center's need profile served by the actions offered,
#: an account is unreachable.
UNREACHABLE = 0.10
#: Below this share of the account's total influence, a stakeholder barely counts.
MIN_INFLUENCE = 0.02
#: Largest share of the scorecard's weight one metric may carry without a warning.
MAX_WEIGHT = 0.60
#: ``season.demand`` may average 1 ± this.
SEASON_TOLERANCE = 0.15

#: Event types whose effect ``strength`` scales (engine.model: attack push, need mix,
#: trust lost, stock cut). The other types ignore it.
STRENGTH_TYPES = ("competitor_attack", "need_shift", "service_failure", "shortage")
DEFAULT_STRENGTH = 0.5
#: Event types that should name the account they hit.
NEEDS_ACCOUNT = {
    "default": "bankrupts every account at once",
    "late_payment": "makes every account pay late at once",
    "stakeholder_change": "makes someone leave at every account at once",
}

#: The actions that serve each need dimension (docs/scenario-format.md 3.11).
SERVES: dict[str, tuple[str, ...]] = {
    "price": ("discount", "credit_days"),
    "quality": (),
    "delivery": ("supply",),
    "support": ("support_days",),
    "innovation": ("trial",),
    "training": ("training_days",),
    "promotion": ("promotion", "event_support"),
    "relationship": ("am_days", "exec_days", "event_support", "conference", "info_sharing"),
}

FONT_FILE = "NotoSansSC-Regular.otf"


# --- helpers --------------------------------------------------------------------------------


def _pct(x: float) -> str:
    """A share as a percentage: '3 %', or '0.4 %' below 1 %."""
    return f"{x:.1%}".replace("%", " %") if 0 < x < 0.01 else f"{x:.0%}".replace("%", " %")


def _num(x: float) -> str:
    return f"{x:g}"


def _normal(values: list[float]) -> list[float]:
    """Non-negative weights scaled to add up to 1 (all zeros stay zeros); overflow-safe."""
    top = max(values, default=0.0)
    if not top > 0 or not math.isfinite(top):
        return [0.0] * len(values)
    scaled = [v / top for v in values]
    total = sum(scaled)
    return [v / total for v in scaled]


def _weights(d: dict[str, float]) -> list[float]:
    return [float(d.get(n, 0.0)) for n in NEEDS]


def _unavailable(sc: Scenario, action: str) -> tuple[str, str] | None:
    """Why the player cannot use ``action`` at all in this case, and the fix; None if usable."""
    if action not in sc.actions:
        return f"{action} is not among the actions", f"add {action} to `actions`"
    r, c = sc.resources, sc.costs

    def short(resource: str, cost: float = 0.0) -> tuple[str, str] | None:
        if getattr(r, resource) <= 0:
            return f"resources.{resource} is 0", f"raise resources.{resource}"
        if cost > 0 and r.budget <= 0:
            return "resources.budget is 0", "raise resources.budget"
        return None

    def price(cost: float, what: str) -> tuple[str, str] | None:
        if cost > r.budget:
            return (
                f"one {what} costs {_num(cost)}, more than resources.budget ({_num(r.budget)})",
                f"lower costs.{what} or raise resources.budget",
            )
        return None

    if action == "am_days":
        return short("am_days", c.am_day)
    if action == "exec_days":
        return short("exec_days", c.exec_day)
    if action == "support_days":
        return short("support_days", c.support_day)
    if action == "training_days":
        return short("support_days", c.training_day)
    if action in ("promotion", "event_support"):
        return short("budget")
    if action in ("trial", "survey", "feedback", "conference", "data_analysis", "info_sharing"):
        return price(getattr(c, action), action)
    if action == "discount" and sc.limits.max_discount <= 0:
        return "limits.max_discount is 0", "raise limits.max_discount"
    return None


def _stock_can_run_short(sc: Scenario) -> bool:
    peak = bool(sc.supply.peak_quarters) and sc.supply.capacity < 1.0
    return peak or any(e.type == "shortage" and e.strength > 0 for e in sc.events)


def _servable(sc: Scenario) -> dict[str, list[str]]:
    """Need dimension -> the usable actions that serve it (an empty list: none)."""
    m = sc.model
    # Actions that exist but whose model constant switches their effect off.
    off = {
        "trial": m.trial_effort <= 0,
        "discount": m.discount_effort <= 0,
        "credit_days": m.credit_effort <= 0 or sc.limits.max_credit_days <= 0,
        "conference": m.conference_effort <= 0,
        "info_sharing": m.info_effort <= 0,
        "supply": not _stock_can_run_short(sc),
    }
    usable = {a for a in sc.actions if _unavailable(sc, a) is None and not off.get(a, False)}
    return {need: [a for a in acts if a in usable] for need, acts in SERVES.items()}


def _profile(sc: Scenario, i: int) -> list[float]:
    """Influence-weighted need profile of account ``i``'s buying center (engine.model)."""
    acc = sc.accounts[i]
    roles = {r.id: r for r in sc.roles}
    spread = sc.model.stakeholder_spread
    base = _normal(_weights(acc.needs))
    influence = _normal([sh.influence for sh in acc.stakeholders])
    out = [0.0] * len(NEEDS)
    for sh, w in zip(acc.stakeholders, influence):
        role = roles.get(sh.role)
        role_needs = _normal(_weights(role.needs)) if role else [0.0] * len(NEEDS)
        bias = _normal([a + b for a, b in zip(role_needs, _weights(sh.needs))])
        for d in range(len(NEEDS)):
            out[d] += w * (base[d] + spread * bias[d]) / (1.0 + spread)
    return out


def _is_set(model: Any, *path: str | int) -> bool:
    """Whether the author wrote ``path`` (field names and list indices), not a default."""
    for part in path:
        if isinstance(part, int):
            model = model[part]
        elif part not in model.model_fields_set:
            return False
        else:
            model = getattr(model, part)
    return True


def _written(sc: Scenario, *paths: Loc) -> Loc:
    """The first of ``paths`` the author wrote (so the warning points at a real line);
    the first one if none was."""
    return next((p for p in paths if _is_set(sc, *p)), paths[0])


# --- the rules ------------------------------------------------------------------------------


def unreachable_accounts(sc: Scenario) -> Iterator[Finding]:
    served = _servable(sc)
    for i in range(len(sc.accounts)):
        profile = _profile(sc, i)
        reach = sum(w for need, w in zip(NEEDS, profile) if served[need])
        if reach >= UNREACHABLE:
            continue
        unserved = sorted(
            ((w, need) for need, w in zip(NEEDS, profile) if not served[need] and w > 0),
            reverse=True,
        )
        top = ", ".join(f"{need} {_pct(w)}" for w, need in unserved[:3])
        fixes: list[str] = []
        for _, need in unserved:
            for a in SERVES[need]:
                if a == "supply" and not _stock_can_run_short(sc):
                    fixes.append(
                        "add a peak quarter short of stock so that supply matters"
                        if a in sc.actions
                        else "offer supply with a peak quarter short of stock"
                    )
                else:
                    fixes.append(f"offer {a}")
        fixes = list(dict.fromkeys(fixes))[:3]
        offer = f"{' or '.join(fixes)}, or " if fixes else ""
        fixed = " (no action serves quality)" if any(n == "quality" for _, n in unserved) else ""
        yield (
            ("accounts", i, "needs"),
            f"no allowed action can move this account: the actions offered serve only "
            f"{_pct(reach)} of what its buying center weighs ({top}); {offer}give it needs "
            f"the player can serve{fixed}",
        )


def weak_stakeholders(sc: Scenario) -> Iterator[Finding]:
    for i, acc in enumerate(sc.accounts):
        shares = _normal([sh.influence for sh in acc.stakeholders])
        for j, share in enumerate(shares):
            if share >= MIN_INFLUENCE:
                continue
            others = sum(s.influence for k, s in enumerate(acc.stakeholders) if k != j)
            enough = others * 0.05 / 0.95  # 5 % of the total once raised
            yield (
                ("accounts", i, "stakeholders", j, "influence"),
                f"influence is {_pct(share)} of the account's total: this person has next to "
                f"no say in the decision; raise it to at least {enough:.2g} or remove the "
                f"stakeholder",
            )


def pointless_events(sc: Scenario) -> Iterator[Finding]:
    event_support = _unavailable(sc, "event_support")
    supply = _unavailable(sc, "supply")
    feedback, support = (_unavailable(sc, a) for a in ("feedback", "support_days"))
    unresolvable = None
    if feedback and support:
        offered = {"feedback", "support_days"} & set(sc.actions)
        why = (
            f"{feedback[0]}; {support[0]}" if offered
            else "neither feedback nor support_days is among the actions"
        )
        unresolvable = why, feedback[1]
    for i, ev in enumerate(sc.events):
        if ev.type == "own_event" and event_support:
            why, fix = event_support
            yield (
                ("events", i, "type"),
                f"an own_event only makes event_support count more, and {why}, so this event "
                f"changes nothing; {fix} or remove the event",
            )
        if ev.type == "shortage" and supply:
            why, fix = supply
            yield (
                ("events", i, "type"),
                f"the player cannot decide who gets the short stock: {why}; {fix} or remove "
                f"the event",
            )
        if ev.type == "complaint" and unresolvable:
            why, fix = unresolvable
            yield (
                ("events", i, "type"),
                f"the player can never resolve this complaint ({why}), so it costs trust "
                f"every quarter to the end; {fix} or remove the event",
            )
        if ev.type in STRENGTH_TYPES and ev.strength == 0:
            yield (
                ("events", i, "strength"),
                f"strength 0 makes this {ev.type} do nothing; use a strength above 0 "
                f"(0.5 is a typical {ev.type}) or remove the event",
            )
        if ev.type in NEEDS_ACCOUNT and ev.account is None:
            yield (
                ("events", i, "type"),
                f"a {ev.type} without `account` {NEEDS_ACCOUNT[ev.type]}; name the account "
                f"it hits with `account:`",
            )
        if ev.type == "shortage" and ev.account is not None:
            yield (
                ("events", i, "account"),
                "a shortage cuts our whole supply whichever account it names; remove "
                "`account`",
            )
    rates = sc.random_events
    if rates.own_event > 0 and event_support:
        why, fix = event_support
        yield (
            _written(sc, ("random_events", "own_event"), ("random_events",), ("actions",)),
            f"random own events (random_events.own_event {_num(rates.own_event)}) change "
            f"nothing because {why}; set random_events.own_event to 0 or {fix}",
        )
    if rates.complaint > 0 and unresolvable:
        why, fix = unresolvable
        yield (
            _written(sc, ("random_events", "complaint"), ("random_events",), ("actions",)),
            f"random complaints (random_events.complaint {_num(rates.complaint)}) can never "
            f"be resolved ({why}) and cost trust every quarter to the end; set "
            f"random_events.complaint to 0 or {fix}",
        )


def ignored_strength(sc: Scenario) -> Iterator[Finding]:
    for i, ev in enumerate(sc.events):
        if (
            ev.type not in STRENGTH_TYPES
            and "strength" in ev.model_fields_set
            and ev.strength != DEFAULT_STRENGTH
        ):
            yield (
                ("events", i, "strength"),
                f"strength has no effect for this type ({ev.type}); remove it (only "
                f"{', '.join(STRENGTH_TYPES[:-1])} and {STRENGTH_TYPES[-1]} use strength)",
            )


def texts(model: BaseModel, path: Loc = ()) -> Iterator[tuple[Loc, Text]]:
    """Every bilingual text the author wrote, with its path (defaults left out)."""
    for name in type(model).model_fields:
        if name not in model.model_fields_set:
            continue
        value = getattr(model, name)
        items: Iterable[tuple[Loc, Any]]
        if isinstance(value, list):
            items = (((*path, name, i), v) for i, v in enumerate(value))
        else:
            items = [((*path, name), value)]
        for where, v in items:
            if isinstance(v, Text):
                yield where, v
            elif isinstance(v, BaseModel):
                yield from texts(v, where)


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3134F
    )


def _is_cjk(ch: str) -> bool:
    """A Chinese character, CJK punctuation, kana, or a full-width form such as '，'."""
    o = ord(ch)
    return _is_han(ch) or 0x3000 <= o <= 0x30FF or 0xFF00 <= o <= 0xFFEF


def _show_chars(chars: Iterable[str], limit: int = 5) -> str:
    chars = list(dict.fromkeys(chars))
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def one_language_texts(sc: Scenario) -> Iterator[Finding]:
    for path, text in texts(sc):
        zh_han = any(_is_han(c) for c in text.zh)
        if text.zh.strip() == text.en.strip():
            if zh_han:
                yield (*path, "en"), "en is the same text as zh; write the English version here"
            else:
                yield (*path, "zh"), "zh is the same text as en; write the Chinese version here"
            continue
        if not zh_han:
            yield (
                (*path, "zh"),
                "zh has no Chinese characters; write the Chinese text here (or swap zh and en "
                "if they are the wrong way round)",
            )
        cjk = [c for c in text.en if _is_cjk(c)]
        if cjk:
            yield (
                (*path, "en"),
                f"en contains Chinese characters or full-width punctuation "
                f"({_show_chars(cjk)}); write it in English with ASCII punctuation",
            )


# --- the font -------------------------------------------------------------------------------


def font_path() -> Path | None:
    """The game's font file, found without importing pygame_gui (which imports pygame)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pygame_gui")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / FONT_FILE
        if path.is_file():
            return path
    return None


def read_cmap(data: bytes) -> frozenset[int]:
    """The code points an OpenType/TrueType font maps to a glyph (cmap formats 4 and 12).

    Raises ValueError if the font has no usable Unicode cmap subtable.
    """

    def u16(off: int) -> int:
        return struct.unpack_from(">H", data, off)[0]

    def u32(off: int) -> int:
        return struct.unpack_from(">I", data, off)[0]

    try:
        num_tables = u16(4)
        cmap = None
        for t in range(num_tables):
            rec = 12 + 16 * t
            if data[rec : rec + 4] == b"cmap":
                cmap = u32(rec + 8)
                break
        if cmap is None:
            raise ValueError("the font has no cmap table")
        # Unicode subtables, best first: full repertoire (format 12) before BMP (format 4).
        found: dict[tuple[int, int], int] = {}
        for s in range(u16(cmap + 2)):
            rec = cmap + 4 + 8 * s
            found[(u16(rec), u16(rec + 2))] = cmap + u32(rec + 4)
        for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
            if key not in found:
                continue
            off = found[key]
            fmt = u16(off)
            if fmt == 12:
                return _cmap12(data, off)
            if fmt == 4:
                return _cmap4(data, off)
    except struct.error as e:
        raise ValueError(f"truncated font file: {e}") from e
    raise ValueError("the font has no Unicode cmap subtable of format 4 or 12")


def _cmap12(data: bytes, off: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", data, off + 12)
    out: set[int] = set()
    for g in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, off + 16 + 12 * g)
        if glyph == 0:  # the first code point maps to .notdef
            start += 1
        out.update(range(start, min(end, 0x10FFFF) + 1))
    return frozenset(out)


def _cmap4(data: bytes, off: int) -> frozenset[int]:
    seg = struct.unpack_from(">H", data, off + 6)[0] // 2
    ends = struct.unpack_from(f">{seg}H", data, off + 14)
    starts = struct.unpack_from(f">{seg}H", data, off + 16 + 2 * seg)
    deltas = struct.unpack_from(f">{seg}h", data, off + 16 + 4 * seg)
    range_base = off + 16 + 6 * seg
    ranges = struct.unpack_from(f">{seg}H", data, range_base)
    out: set[int] = set()
    for i in range(seg):
        for c in range(starts[i], ends[i] + 1):
            if c == 0xFFFF:
                continue
            if ranges[i] == 0:
                glyph = (c + deltas[i]) & 0xFFFF
            else:
                at = range_base + 2 * i + ranges[i] + 2 * (c - starts[i])
                glyph = struct.unpack_from(">H", data, at)[0]
                if glyph:
                    glyph = (glyph + deltas[i]) & 0xFFFF
            if glyph:
                out.add(c)
    return frozenset(out)


@cache
def font_coverage(path: str | os.PathLike[str] | None = None) -> frozenset[int] | None:
    """Code points the game's font (or the font at ``path``) can show; None if unreadable."""
    file = Path(path) if path is not None else font_path()
    if file is None:
        return None
    try:
        return read_cmap(file.read_bytes())
    except (OSError, ValueError):
        return None


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cc"


def unshowable_characters(sc: Scenario) -> Iterator[Finding]:
    covered = font_coverage()
    if covered is None:  # pygame_gui not installed: nothing to check against
        return
    for path, text in texts(sc):
        for lang in ("zh", "en"):
            missing = [c for c in getattr(text, lang) if ord(c) not in covered and not _invisible(c)]
            if missing:
                yield (
                    (*path, lang),
                    f"the game's font ({FONT_FILE}) has no glyph for {_show_chars(missing)}: "
                    f"it would show as a box; replace it with a common character",
                )


# --- numbers --------------------------------------------------------------------------------


def credit_terms(sc: Scenario) -> Iterator[Finding]:
    if "credit_days" not in sc.actions:
        return  # the starting terms stay for good; the limit never applies
    top = sc.limits.max_credit_days
    for i, acc in enumerate(sc.accounts):
        if acc.credit.terms > top:
            yield (
                _written(sc, ("accounts", i, "credit", "terms"), ("limits", "max_credit_days")),
                f"starting terms of {acc.credit.terms} days are above limits.max_credit_days "
                f"({top}): once the player changes them they can never be offered again; "
                f"lower terms to {top} or less, or raise limits.max_credit_days",
            )


def season_mean(sc: Scenario) -> Iterator[Finding]:
    demand = sc.season.demand
    mean = sum(demand) / len(demand)
    if abs(mean - 1.0) <= SEASON_TOLERANCE:
        return
    scaled = ", ".join(_num(round(d / mean, 2)) for d in demand)
    more = "more" if mean > 1 else "less"
    yield (
        ("season", "demand"),
        f"the four quarters average {mean:.2f}, not 1: every account buys {_pct(abs(mean - 1))} "
        f"{more} a year than its `wallet` says; scale them to average 1, e.g. [{scaled}]",
    )


def discount_above_margin(sc: Scenario) -> Iterator[Finding]:
    if "discount" not in sc.actions or not sc.accounts:
        return
    cap = sc.limits.max_discount
    i = min(range(len(sc.accounts)), key=lambda k: sc.accounts[k].margin)
    acc = sc.accounts[i]
    if cap <= acc.margin:
        return
    yield (
        _written(sc, ("limits", "max_discount"), ("accounts", i, "margin"), ("accounts", i)),
        f"limits.max_discount ({_num(cap)}) is above the margin of account {acc.id!r} "
        f"({_num(acc.margin)}): a full discount there sells at a loss; lower "
        f"limits.max_discount to {_num(acc.margin)} or less, or raise that margin",
    )


def scorecard_balance(sc: Scenario) -> Iterator[Finding]:
    items = sc.scorecard
    if len(items) < 2:
        return  # a single metric is a choice, not a weighting mistake
    total = sum(item.weight for item in items)
    for i, item in enumerate(items):
        share = item.weight / total if total > 0 else 0.0
        if share > MAX_WEIGHT:
            others = total - item.weight
            yield (
                ("scorecard", i, "weight"),
                f"{item.metric} carries {_pct(share)} of the scorecard's weight, so the grade "
                f"is mostly this one number; lower its weight to {others * 1.5:.3g} or less "
                f"(60 %) or weigh other metrics more",
            )


def supply_settings(sc: Scenario) -> Iterator[Finding]:
    sup = sc.supply
    if sup.peak_quarters and sup.capacity >= 1.0:
        yield (
            _written(sc, ("supply", "capacity"), ("supply", "peak_quarters")),
            "peak quarters with capacity 1 are not short of stock at all; set capacity below "
            "1 (e.g. 0.8) or remove peak_quarters",
        )
    if not sup.peak_quarters and sup.capacity < 1.0:
        yield (
            ("supply", "capacity"),
            "capacity applies only in peak_quarters, and none is listed; list the peak "
            "quarters (e.g. peak_quarters: [4]) or remove capacity",
        )


RULES: tuple[Callable[[Scenario], Iterable[Finding]], ...] = (
    unreachable_accounts,
    weak_stakeholders,
    pointless_events,
    ignored_strength,
    one_language_texts,
    unshowable_characters,
    credit_terms,
    season_mean,
    discount_above_margin,
    scorecard_balance,
    supply_settings,
)


def lint(scenario: Scenario) -> list[Finding]:
    """Every warning for a valid scenario, as (path, message); a bug in a check becomes a
    warning too rather than stopping the file from loading."""
    out: list[Finding] = []
    for rule in RULES:
        try:
            out.extend(rule(scenario))
        except Exception as e:  # never let a lint bug make a valid file unloadable
            out.append(((), f"internal error in check {rule.__name__}: {type(e).__name__}: {e}"))
    return out


# --- the deep checks: simulation ------------------------------------------------------------

#: Best reference policy's mean score outside this range: benchmark too hard / too easy.
SCORE_RANGE = (40.0, 97.0)
#: Best minus worst reference policy's mean score below this: the case teaches nothing.
MIN_SPREAD = 8.0


def lint_balance(scenario: Scenario, runs: int = 60, seed: int = 1) -> list[Finding]:
    """Warnings that need play: every built-in policy on ``runs`` common seeds from ``seed``."""
    from .errors import KamError
    from .simulate import balance

    if runs < 1:
        raise KamError("runs must be at least 1")
    results = balance(scenario, list(range(seed, seed + runs)))
    means = {name: float(r["score"].mean()) for name, r in results.items()}
    best = max(means, key=means.__getitem__)
    worst = min(means, key=means.__getitem__)
    out: list[Finding] = []
    low, high = SCORE_RANGE
    if means[best] < low:
        out.append((
            ("scorecard",),
            f"the best reference strategy ({best}) scores only {means[best]:.0f} on average "
            f"over {runs} games: the benchmark is out of reach; move the scorecard targets "
            f"down towards what `kam-sandbox balance` shows for {best}",
        ))
    elif means[best] > high:
        out.append((
            ("scorecard",),
            f"the best reference strategy ({best}) scores {means[best]:.0f} on average over "
            f"{runs} games: the benchmark is too easy; move the scorecard targets up so that "
            f"good play scores about 80",
        ))
    spread = means[best] - means[worst]
    if spread < MIN_SPREAD:
        out.append((
            ("scorecard",),
            f"the reference strategies all score within {spread:.1f} points of each other "
            f"({worst} {means[worst]:.0f}, {best} {means[best]:.0f}): the grade barely "
            f"depends on how the case is played; put floors near what random scores and "
            f"targets near what needs scores, or make the accounts differ more",
        ))
    return out
