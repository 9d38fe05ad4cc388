"""What changed between two balance reports of a case: the file and the results.

A report carries its own figures and the case it was run on as JSON in a hidden element
(``data_block``), so that the next report written to the same path can say what the author
changed in the file since, and how the lessons and scores moved (``compare``).
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from pathlib import Path
from typing import Any

#: Version of the embedded data; a report with another one is not compared.
FORMAT = 1
_BLOCK = re.compile(r'<div hidden id="kam-report-data" data-json="([^"]*)"></div>')
#: At most this many changed fields of the file are listed.
MAX_FIELDS = 25


def report_data(scenario, lessons, results_means: dict[str, float], seeds: list[int],
                date: str | None) -> dict:
    """The figures a later report compares with: the case, lesson verdicts, mean scores."""
    return {
        "format": FORMAT,
        "date": date,
        "scenario": scenario.id,
        "version": scenario.version,
        "runs": len(seeds),
        "seed": seeds[0] if seeds else None,
        "case": scenario.model_dump(mode="json"),
        "lessons": {x["id"]: {"holds": x["holds"], "diff": x.get("diff")}
                    for x in lessons or []},
        "scores": results_means,
    }


def data_block(data: dict) -> str:
    """``data`` as an inert, escaped HTML element (no script: the page stays script-free)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False, default=str)
    return f'<div hidden id="kam-report-data" data-json="{escape(text)}"></div>'


def read_previous(path: str | Path) -> dict | None:
    """The data of the report at ``path``, or None (no file, not a report, another format)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _BLOCK.search(text)
    if not match:
        return None
    try:
        data = json.loads(unescape(match.group(1)))
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def _keyed(items: list) -> dict | list:
    """A list of mappings with ids, keyed by id (so a reordered or inserted account is
    reported by name, not as every later index changing)."""
    if items and all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in items):
        ids = [x["id"] for x in items]
        if len(set(ids)) == len(ids):
            return {x["id"]: x for x in items}
    return items


def field_changes(before: Any, after: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every leaf that differs, as (dotted path, before, after); a missing side is None.
    Lists of mappings with ids are compared by id (``accounts[jinggong].credit.pd``)."""
    if isinstance(before, list) and isinstance(after, list):
        b, a = _keyed(before), _keyed(after)
        if isinstance(b, dict) and isinstance(a, dict):
            before, after = b, a
        else:
            before, after = dict(enumerate(before)), dict(enumerate(after))
        out = []
        for key in [*before, *(k for k in after if k not in before)]:
            out += field_changes(before.get(key), after.get(key), f"{path}[{key}]")
        return out
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in [*before, *(k for k in after if k not in before)]:
            sub = f"{path}.{key}" if path else str(key)
            out += field_changes(before.get(key), after.get(key), sub)
        return out
    return [] if before == after else [(path, before, after)]


def compare(previous: dict, current: dict) -> dict:
    """What moved from ``previous`` to ``current`` (both ``report_data``): ``fields``
    (changed fields of the case, at most MAX_FIELDS, and ``more``), ``lessons`` (id, before,
    after holds and diffs, for checks whose verdict or difference changed), ``scores``
    (policy, before, after mean score), and ``same_case`` (False when the case id differs)."""
    fields = field_changes(previous.get("case"), current.get("case"))
    lessons = []
    for lid, now in current.get("lessons", {}).items():
        was = previous.get("lessons", {}).get(lid)
        if was is None or was.get("holds") != now["holds"] or was.get("diff") != now["diff"]:
            lessons.append({"id": lid, "before": was, "after": now})
    scores = [(p, previous.get("scores", {}).get(p), s) for p, s in current["scores"].items()]
    return {
        "same_case": previous.get("scenario") == current.get("scenario"),
        "date": previous.get("date"),
        "fields": fields[:MAX_FIELDS],
        "more": max(len(fields) - MAX_FIELDS, 0),
        "lessons": lessons,
        "scores": [s for s in scores if s[1] != s[2]],
    }
