"""Explain the syntax mistakes authors make, instead of the YAML parser's own words.

Three kinds, each located at its own line and column with the fix:

- **bytes that are not UTF-8** (``decode``): the first bad byte's line and column, and
  the encoding the file was probably saved in (GBK from Windows Notepad's "ANSI", Big5,
  UTF-16), tried by decoding the whole file with each.
- **look-alike characters** (``lookalikes``): a full-width colon ``：`` (U+FF1A) after a
  key, a full-width space ``　`` (U+3000) or a tab in the indentation. A Chinese input
  method types them; YAML reads none of them as syntax. Checked before parsing, since
  the parser's error for them points at the wrong line or at none.
- **indentation** (``indentation``): after the parser failed, the line near its error
  that is indented more than the line above it, at a column no enclosing key or list
  uses, or a list item out of line with the item before it — named with the line to line
  it up with.

- **the parser's error** (``explain``): besides indentation, a ': ' inside unquoted text,
  a '{' left open (named with its line), a ' #' inside braces, ``key:value`` with no space;
  anything else keeps the parser's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .messages import Msg

Pos = tuple[int, int]
Found = tuple[Pos, Msg]

#: Guesses for a file that is not UTF-8, most likely first for a Chinese author.
_ENCODINGS = (("gbk", "GBK / GB18030"), ("big5", "Big5"), ("gb18030", "GB18030"))
#: Share of the non-ASCII characters of a GBK reading that must be common simplified
#: characters (GB2312) for GBK to beat Big5, whose bytes GBK often decodes into rare ones.
_COMMON_SHARE = 0.9

# A mapping key written in ASCII (optionally as a list item), then what follows it.
_KEY = re.compile(r"^(?P<lead>[ \t\u3000]*(?:-[ \t\u3000]+)?)(?P<key>[A-Za-z_][\w-]*)[ \t]*(?P<colon>[:：])")


def decode(raw: bytes) -> tuple[str | None, Found | None]:
    """The text of ``raw`` (a UTF-8 BOM dropped), or None and the located problem."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, ((1, 1), Msg("file.utf16"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, (_byte_pos(raw, e.start), _not_utf8(raw, e.start))
    if "\x00" in text:
        at = raw.index(b"\x00")
        if raw.count(b"\x00") > len(raw) // 4:  # every other byte: UTF-16 without a BOM
            return None, ((1, 1), Msg("file.utf16"))
        return None, (_byte_pos(raw, at), Msg("file.nul", offset=at))
    return text, None


def _byte_pos(raw: bytes, offset: int) -> Pos:
    start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[start:offset].decode("utf-8", errors="replace").removeprefix("\ufeff")
    return raw.count(b"\n", 0, offset) + 1, len(before) + 1


def _not_utf8(raw: bytes, offset: int) -> Msg:
    byte = f"0x{raw[offset]:02x}"
    if raw.count(b"\x00") > len(raw) // 4:
        return Msg("file.not_utf8_guess", byte=byte, encoding="UTF-16")
    readings = {}
    for codec, name in _ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):  # a binary file decodes too, into control characters
            readings[codec] = (name, text)
    if "gbk" in readings and "big5" in readings and not _mostly_simplified(readings["gbk"][1]):
        del readings["gbk"]
    if readings:
        return Msg("file.not_utf8_guess", byte=byte, encoding=next(iter(readings.values()))[0])
    return Msg("file.not_utf8", byte=byte)


def _mostly_simplified(text: str) -> bool:
    wide = [c for c in text if ord(c) > 127]
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return not wide or common >= _COMMON_SHARE * len(wide)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def lookalikes(text: str) -> list[Found]:
    """Every full-width colon after a key, and the first full-width space or tab in the
    indentation of each key's line (text in block scalars is left alone: the line must
    look like ``key:``)."""
    out: list[Found] = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _KEY.match(line)
        if m is None:
            continue
        lead = m["lead"]
        for col, ch in enumerate(lead, 1):
            if ch == "\u3000":
                out.append(((n, col), Msg("syntax.fullwidth_space")))
                break
            if ch == "\t":
                out.append(((n, col), Msg("syntax.tab_indent")))
                break
        if m["colon"] == "：":
            out.append(((n, m.start("colon") + 1), Msg("syntax.fullwidth_colon", key=m["key"])))
    return out


_TAB_AFTER_COLON = re.compile(r"^([ ]*(?:-[ ]+)?[A-Za-z_][\w-]*:)(\t+)", re.M)


def tabs_after_colons(text: str) -> str:
    """``key:<TAB>value`` as ``key:<SPACE>value`` (same columns): YAML 1.2 allows a tab
    as the separator there, PyYAML does not, and validate must accept what the editor does."""
    return _TAB_AFTER_COLON.sub(lambda m: m[1] + " " * len(m[2]), text)


# --- the parser's errors ------------------------------------------------------------------


def explain(e: yaml.MarkedYAMLError, text: str) -> Found:
    """Where the parser failed and why, in the author's terms when the mistake is known."""
    mark = e.problem_mark or e.context_mark
    where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    lines = text.splitlines()
    for explained in (_hash_in_flow(e, lines, where), _colon_in_text(e, lines),
                      _no_space(e, lines)):
        if explained is not None:
            return explained
    if e.problem and re.search(r"expected <block end>|mapping values are not allowed|"
                               r"could not find expected ':'", e.problem):
        found = indentation(text, where[0])
        if found is not None:
            return found
    detail = e.problem or e.context or "invalid YAML"
    if e.problem and e.context:
        # "while parsing X" says where the broken construct began; others read as a lead-in.
        if e.context.startswith("while") and e.context_mark is not None:
            detail += f" ({e.context} at line {e.context_mark.line + 1})"
        else:
            detail = f"{e.context}, {e.problem}"
    return where, Msg("yaml.syntax", detail=detail)


def _hash_in_flow(e: yaml.MarkedYAMLError, lines: list[str], where: Pos) -> Found | None:
    """A ' #' inside {…}: the comment swallowed the rest of the braces on that line."""
    if not (e.context and "flow" in e.context and e.context_mark is not None):
        return None
    for n in range(e.context_mark.line, min(where[0], len(lines))):
        if " #" in lines[n]:
            return (n + 1, lines[n].index(" #") + 2), Msg("syntax.hash_in_flow")
    return None


def _colon_in_text(e: yaml.MarkedYAMLError, lines: list[str]) -> Found | None:
    """A ': ' inside unquoted text (a second key on the line), or a `{` left open."""
    mark = e.problem_mark
    if mark is None or not e.problem:
        return None
    line = lines[mark.line] if mark.line < len(lines) else ""
    where = (mark.line + 1, mark.column + 1)
    in_flow = "flow mapping" in (e.context or "") and "but got ':'" in e.problem
    opened = e.context_mark
    # A new key at the start of a later line: the { opened above was never closed.
    if (in_flow and opened is not None and opened.line != mark.line
            and re.match(r"\s*(- )?[\w-]+$", line[: mark.column])):
        return where, Msg("syntax.unclosed_brace", line=opened.line + 1)
    if (in_flow or e.problem.startswith("mapping values are not allowed")) and re.search(
        r"[\w)\]]:\s", line[: mark.column]
    ):
        return where, Msg("syntax.colon_in_text")
    return None


def _no_space(e: yaml.MarkedYAMLError, lines: list[str]) -> Found | None:
    """``turns:4``: with no space after the colon YAML reads one word, not a key."""
    if not (e.problem and "could not find expected ':'" in e.problem and e.context_mark):
        return None
    line = lines[e.context_mark.line] if e.context_mark.line < len(lines) else ""
    glued = re.match(r"(\s*(?:- )?)([A-Za-z_][\w-]*):\S", line)
    if glued is None:
        return None
    return (e.context_mark.line + 1, glued.end(2) + 1), Msg("syntax.no_space", key=glued[2])


# --- indentation -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int  # columns before the first character (the dash of a list item)
    item: bool  # a list item "- …"
    opens: bool  # ends with ":" (a block follows) or is a bare "-"
    continues: bool  # leaves a flow collection ({…} or […]) open on the next line

    @property
    def content(self) -> int:
        """Column of the line's mapping key: after "- " for a list item."""
        return self.indent + 2 if self.item else self.indent


def _lines(text: str) -> list[_Line]:
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        body = raw.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        code = re.sub(r"\s+#.*$", "", body).rstrip()
        item = code == "-" or code.startswith("- ")
        opens = code.endswith(":") or code == "-" or bool(re.search(r":\s*[|>][-+0-9]*$", code))
        depth = code.count("{") + code.count("[") - code.count("}") - code.count("]")
        out.append(_Line(n, len(raw) - len(body), item, opens, depth > 0))
    return out


def indentation(text: str, error_line: int) -> Found | None:
    """The indentation mistake that most likely made the parser fail at ``error_line``."""
    lines = _lines(text)
    candidates = [i for i, ln in enumerate(lines) if error_line - 3 <= ln.number <= error_line]
    for i in reversed(candidates):
        found = _misplaced(lines, i)
        if found is not None:
            return found
    return None


def _misplaced(lines: list[_Line], i: int) -> Found | None:
    line = lines[i]
    if i == 0:
        return None
    prev = lines[i - 1]
    if prev.continues:
        return None  # inside a flow collection any indentation goes
    here = (line.number, line.indent + 1)
    if line.item:
        item = _item_before(lines, i)
        if item is not None and item.indent != line.indent and not prev.opens:
            return here, Msg(
                "syntax.item_misaligned", line=item.number, wanted=item.indent, got=line.indent
            )
    if line.indent > prev.content and not prev.opens:
        # The line above may be the one that slipped left: its neighbours line up.
        before = lines[i - 2] if i > 1 else None
        if (before is not None and not before.opens and not before.continues
                and before.indent == line.indent and before.item == line.item):
            return (prev.number, prev.indent + 1), Msg(
                "syntax.dedented", before=before.number, after=line.number,
                wanted=line.indent, got=prev.indent,
            )
        return here, Msg(
            "syntax.over_indented", line=prev.number, wanted=prev.content, got=line.indent
        )
    if line.indent < prev.content:
        keys, dashes = _open_levels(lines, i)
        allowed = keys | dashes if line.item else keys
        after = lines[i + 1] if i + 1 < len(lines) else None
        if (line.indent not in allowed and i > 1 and lines[i - 2].opens and not prev.item
                and lines[i - 2].content < line.indent < prev.indent
                and after is not None and after.indent == line.indent):
            # The first key under a block stepped too far right; the keys after it agree.
            return (prev.number, prev.indent + 1), Msg(
                "syntax.first_key", after=line.number, wanted=line.indent, got=prev.indent
            )
        if line.indent not in allowed:
            above = [lv for lv in keys if lv > line.indent]
            wanted = min(above) if above else max(lv for lv in keys if lv < line.indent)
            match = next(
                (ln.number for ln in reversed(lines[:i]) if ln.content == wanted), prev.number
            )
            return here, Msg("syntax.misaligned", line=match, wanted=wanted, got=line.indent)
    return None


def _item_before(lines: list[_Line], i: int) -> _Line | None:
    """The list item that ``lines[i]`` (an item) most likely follows in the same list: the
    nearest earlier item, near its indent, with only that item's own lines (deeper) between."""
    deepest_between = None
    for earlier in reversed(lines[:i]):
        if earlier.item and abs(earlier.indent - lines[i].indent) <= 4:
            if deepest_between is None or deepest_between > earlier.indent:
                return earlier
            return None
        shallow = earlier.indent if deepest_between is None else min(deepest_between,
                                                                       earlier.indent)
        deepest_between = shallow
        if shallow < lines[i].indent - 4:
            return None
    return None


def _open_levels(lines: list[_Line], i: int) -> tuple[set[int], set[int]]:
    """Where a line after ``lines[:i]`` may start: the key columns of the enclosing
    mappings (walking back through ever smaller indents, and the top level), and the
    dash columns of the enclosing lists (where only another item may start)."""
    keys, dashes = {0}, set()
    limit = lines[i - 1].content + 1
    for ln in reversed(lines[:i]):
        if ln.indent < limit:
            keys.add(ln.content)
            (dashes if ln.item else keys).add(ln.indent)
            limit = ln.indent
        if limit == 0:
            break
    return keys, dashes
