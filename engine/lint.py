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

from .errors import dotted
from .messages import Msg, any_of
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
#: Event types that should name the account they hit (else they hit every account at once).
NEEDS_ACCOUNT = ("default", "late_payment", "stakeholder_change")

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


def _unavailable(sc: Scenario, action: str) -> tuple[Msg, Msg] | None:
    """Why the player cannot use ``action`` at all in this case, and the fix; None if usable."""
    if action not in sc.actions:
        return Msg("why.not_offered", action=action), Msg("fix.add_action", action=action)
    r, c = sc.resources, sc.costs

    def short(resource: str, cost: float = 0.0) -> tuple[Msg, Msg] | None:
        if getattr(r, resource) <= 0:
            return Msg("why.zero", name=f"resources.{resource}"), Msg(
                "fix.raise", name=f"resources.{resource}")
        if cost > 0 and r.budget <= 0:
            return Msg("why.zero", name="resources.budget"), Msg("fix.raise",
                                                                 name="resources.budget")
        return None

    def price(cost: float, what: str) -> tuple[Msg, Msg] | None:
        if cost > r.budget:
            return (
                Msg("why.too_dear", what=what, cost=_num(cost), budget=_num(r.budget)),
                Msg("fix.cheaper", what=what),
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
        return Msg("why.zero", name="limits.max_discount"), Msg("fix.raise",
                                                                name="limits.max_discount")
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
        fixes: list[Msg] = []
        for _, need in unserved:
            fixes += [_serve_fix(sc, a) for a in SERVES[need]]
        fixes = list(dict.fromkeys(fixes))[:3]
        yield (
            ("accounts", i, "needs"),
            Msg(
                "lint.unreachable", reach=_pct(reach), top=top,
                offer=Msg("lint.unreachable_offer", fixes=any_of(fixes)) if fixes else "",
                quality=Msg("lint.no_quality")
                if any(n == "quality" for _, n in unserved) else "",
            ),
        )


#: Model constants that switch an action's effect off at 0.
_EFFECT = {"trial": "trial_effort", "discount": "discount_effort",
           "credit_days": "credit_effort", "conference": "conference_effort",
           "info_sharing": "info_effort"}


def _serve_fix(sc: Scenario, action: str) -> Msg:
    """How to make ``action`` serve a need: offer it, or, when it is offered already,
    remove what stops it (a zero resource, a price above the budget, a zero constant)."""
    if action == "supply" and not _stock_can_run_short(sc):
        return Msg("fix.peak" if action in sc.actions else "fix.offer_supply")
    blocked = _unavailable(sc, action)
    if blocked is not None:
        return blocked[1]
    if action == "credit_days" and sc.limits.max_credit_days <= 0:
        return Msg("fix.raise", name="limits.max_credit_days")
    if action in _EFFECT:
        return Msg("fix.raise", name=f"model.{_EFFECT[action]}")
    return Msg("fix.add_action", action=action)


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
                Msg("lint.weak_stakeholder", share=_pct(share), enough=f"{enough:.2g}"),
            )


def pointless_events(sc: Scenario) -> Iterator[Finding]:
    event_support = _unavailable(sc, "event_support")
    supply = _unavailable(sc, "supply")
    feedback, support = (_unavailable(sc, a) for a in ("feedback", "support_days"))
    unresolvable = None
    if feedback and support:
        offered = {"feedback", "support_days"} & set(sc.actions)
        why = (
            Msg("why.both", first=feedback[0], second=support[0]) if offered
            else Msg("why.no_complaint_action")
        )
        unresolvable = why, feedback[1]
    for i, ev in enumerate(sc.events):
        if ev.type == "own_event" and event_support:
            why, fix = event_support
            yield ("events", i, "type"), Msg("lint.own_event", why=why, fix=fix)
        if ev.type == "shortage" and supply:
            why, fix = supply
            yield ("events", i, "type"), Msg("lint.shortage", why=why, fix=fix)
        if ev.type == "complaint" and unresolvable:
            why, fix = unresolvable
            yield ("events", i, "type"), Msg("lint.complaint", why=why, fix=fix)
        if ev.type in STRENGTH_TYPES and ev.strength == 0:
            yield ("events", i, "strength"), Msg("lint.strength_zero", type=ev.type)
        if ev.type in NEEDS_ACCOUNT and ev.account is None:
            yield ("events", i, "type"), Msg(f"lint.no_account.{ev.type}")
        if ev.type == "shortage" and ev.account is not None:
            yield ("events", i, "account"), Msg("lint.shortage_account")
    rates = sc.random_events
    if rates.own_event > 0 and event_support:
        why, fix = event_support
        yield (
            _written(sc, ("random_events", "own_event"), ("random_events",), ("actions",)),
            Msg("lint.random_own_event", rate=_num(rates.own_event), why=why, fix=fix),
        )
    if rates.complaint > 0 and unresolvable:
        why, fix = unresolvable
        yield (
            _written(sc, ("random_events", "complaint"), ("random_events",), ("actions",)),
            Msg("lint.random_complaint", rate=_num(rates.complaint), why=why, fix=fix),
        )


def ignored_strength(sc: Scenario) -> Iterator[Finding]:
    for i, ev in enumerate(sc.events):
        if (
            ev.type not in STRENGTH_TYPES
            and "strength" in ev.model_fields_set
            and ev.strength != DEFAULT_STRENGTH
        ):
            yield ("events", i, "strength"), Msg(
                "lint.strength_ignored", type=ev.type, types=", ".join(STRENGTH_TYPES[:-1]),
                last=STRENGTH_TYPES[-1],
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
                yield (*path, "en"), Msg("lint.en_same")
            else:
                yield (*path, "zh"), Msg("lint.zh_same")
            continue
        if not zh_han:
            yield (*path, "zh"), Msg("lint.zh_not_chinese")
        cjk = [c for c in text.en if _is_cjk(c)]
        if cjk:
            yield (*path, "en"), Msg("lint.en_chinese", chars=_show_chars(cjk))


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
    """One warning per file (at the first field), listing every field with such a character."""
    covered = font_coverage()
    if covered is None:  # pygame_gui not installed: nothing to check against
        return
    fields: list[Loc] = []
    missing: list[str] = []
    for path, text in texts(sc):
        for lang in ("zh", "en"):
            here = [c for c in getattr(text, lang) if ord(c) not in covered and not _invisible(c)]
            if here:
                fields.append((*path, lang))
                missing += here
    if fields:
        listed = ", ".join(dotted(f) for f in fields[:6])
        more = f" (+{len(fields) - 6})" if len(fields) > 6 else ""
        yield fields[0], Msg("lint.font", font=FONT_FILE, chars=_show_chars(missing),
                             fields=listed + more)


# --- numbers --------------------------------------------------------------------------------


def credit_terms(sc: Scenario) -> Iterator[Finding]:
    if "credit_days" not in sc.actions:
        return  # the starting terms stay for good; the limit never applies
    top = sc.limits.max_credit_days
    for i, acc in enumerate(sc.accounts):
        if acc.credit.terms > top:
            yield (
                _written(sc, ("accounts", i, "credit", "terms"), ("limits", "max_credit_days")),
                Msg("lint.credit_terms", terms=acc.credit.terms, top=top),
            )


def season_mean(sc: Scenario) -> Iterator[Finding]:
    demand = sc.season.demand
    mean = sum(demand) / len(demand)
    if abs(mean - 1.0) <= SEASON_TOLERANCE:
        return
    scaled = ", ".join(_num(round(d / mean, 2)) for d in demand)
    more = "more" if mean > 1 else "less"
    yield ("season", "demand"), Msg(f"lint.season_{more}", mean=f"{mean:.2f}",
                                    gap=_pct(abs(mean - 1)), scaled=scaled)


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
        Msg("lint.discount", cap=_num(cap), account=repr(acc.id), margin=_num(acc.margin)),
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
            yield ("scorecard", i, "weight"), Msg(
                "lint.scorecard", metric=item.metric, share=_pct(share),
                weight=f"{others * 1.5:.3g}")


def supply_settings(sc: Scenario) -> Iterator[Finding]:
    sup = sc.supply
    if sup.peak_quarters and sup.capacity >= 1.0:
        yield (
            _written(sc, ("supply", "capacity"), ("supply", "peak_quarters")),
            Msg("lint.peak_full"),
        )
    if not sup.peak_quarters and sup.capacity < 1.0:
        yield ("supply", "capacity"), Msg("lint.capacity_no_peak")


#: An annual probability of default above this is probably a percentage or a typo.
MAX_PD = 0.3


def default_odds(sc: Scenario) -> Iterator[Finding]:
    for i, acc in enumerate(sc.accounts):
        if acc.credit.pd > MAX_PD:
            yield ("accounts", i, "credit", "pd"), Msg(
                "lint.pd", pd=_num(acc.credit.pd), pct=_pct(acc.credit.pd),
                limit=_pct(MAX_PD), fraction=_num(acc.credit.pd / 100))


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
    default_odds,
)


def lint(scenario: Scenario) -> list[Finding]:
    """Every warning for a valid scenario, as (path, message); a bug in a check becomes a
    warning too rather than stopping the file from loading."""
    out: list[Finding] = []
    for rule in RULES:
        try:
            out.extend(rule(scenario))
        except Exception as e:  # never let a lint bug make a valid file unloadable
            out.append(((), Msg("internal.check", check=rule.__name__,
                                error=f"{type(e).__name__}: {e}")))
    return out


# --- the deep checks: simulation ------------------------------------------------------------

#: Best reference policy's mean score against the fixed targets (no ceiling: ``open_score``)
#: outside this range: the targets are far from expert play (100), too hard / too easy.
SCORE_RANGE = (80.0, 120.0)
#: Best minus worst reference policy's mean score below this: the case teaches nothing.
MIN_SPREAD = 8.0


def lint_balance(scenario: Scenario, runs: int = 60, seed: int = 1) -> list[Finding]:
    """Warnings that need play: every built-in policy on ``runs`` common seeds from ``seed``,
    scored against the scorecard's fixed targets (a player's grade is against the expert in
    the same world; these targets set each item's span and the luck shown beside it)."""
    from .errors import KamError
    from .simulate import balance

    if runs < 1:
        raise KamError("runs must be at least 1")
    results = balance(scenario, list(range(seed, seed + runs)))
    means = {name: float(r["open_score"].mean()) for name, r in results.items()}
    best = max(means, key=means.__getitem__)
    worst = min(means, key=means.__getitem__)
    out: list[Finding] = []
    low, high = SCORE_RANGE
    if means[best] < low:
        out.append((("scorecard",), Msg("lint.out_of_reach", best=best,
                                         score=f"{means[best]:.0f}", runs=runs)))
    elif means[best] > high:
        out.append((("scorecard",), Msg("lint.too_easy", best=best,
                                         score=f"{means[best]:.0f}", runs=runs)))
    spread = means[best] - means[worst]
    if spread < MIN_SPREAD:
        out.append((("scorecard",), Msg(
            "lint.no_spread", spread=f"{spread:.1f}", worst=worst,
            worst_score=f"{means[worst]:.0f}", best=best, best_score=f"{means[best]:.0f}")))
    return out
