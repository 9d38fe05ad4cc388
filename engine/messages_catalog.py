"""Every scenario-problem message, id -> (English, Chinese); see ``engine.messages``.

Both templates of an id take the same ``{name}`` fields (tests/test_messages.py checks
it). Fields named ``hint``, ``fix``, ``offer`` and ``quality`` are optional parts that
bring their own leading space or punctuation, or are empty.
"""

from __future__ import annotations

CATALOG: dict[str, tuple[str, str]] = {
    # --- glue -----------------------------------------------------------------------------
    "severity.warning": ("warning: ", "警告："),
    "sep.or": (" or ", "，或"),
    "hint.did_you_mean": (" (did you mean {word}?)", "（是不是 {word}？）"),
    # --- the file ---------------------------------------------------------------------------
    "file.empty": ("file is empty", "文件是空的"),
    "file.too_large": (
        "file is too large (the limit is {limit} bytes)",
        "文件太大（上限 {limit} 字节）",
    ),
    "file.cannot_read": ("cannot read file: {reason}", "无法读取文件：{reason}"),
    "file.not_found": (
        "cannot read file: No such file or directory", "无法读取文件：找不到该文件"
    ),
    "scenario.no_file": ("no scenario file {path}", "没有情景文件 {path}"),
    "scenario.unknown": (
        "unknown scenario {id}{hint}; shipped: {shipped}",
        "未知的情景 {id}{hint}；自带情景：{shipped}",
    ),
    "file.not_utf8": (
        "not a UTF-8 text file (byte {byte} here); save it as UTF-8",
        "不是 UTF-8 文本文件（此处字节 {byte}）；请另存为 UTF-8 编码",
    ),
    "file.not_utf8_guess": (
        "not a UTF-8 text file (byte {byte} here): it looks saved as {encoding}; "
        "save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)",
        "不是 UTF-8 文本文件（此处字节 {byte}）：看起来是以 {encoding} 编码保存的；"
        "请另存为 UTF-8（记事本：另存为，编码选 UTF-8）",
    ),
    "file.utf16": (
        "not a UTF-8 text file: it is saved as UTF-16; save it as UTF-8",
        "不是 UTF-8 文本文件：它以 UTF-16 编码保存；请另存为 UTF-8",
    ),
    "file.nul": (
        "not a UTF-8 text file (byte 0x00 at offset {offset}); save it as UTF-8",
        "不是 UTF-8 文本文件（偏移 {offset} 处有字节 0x00）；请另存为 UTF-8",
    ),
    # --- syntax: what authors type by mistake -------------------------------------------------
    "syntax.fullwidth_colon": (
        "full-width colon '：' (U+FF1A) after {key}: YAML needs the ASCII colon ':' "
        "followed by a space, e.g. {key}: 0.35",
        "{key} 后面是全角冒号“：”（U+FF1A）：YAML 要用半角冒号“:”再加一个空格，"
        "例如 {key}: 0.35",
    ),
    "syntax.fullwidth_space": (
        "full-width space '　' (U+3000) in the indentation: indent with ASCII spaces only",
        "缩进里有全角空格“　”（U+3000）：缩进只能用半角空格",
    ),
    "syntax.tab_indent": (
        "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces",
        "缩进里有制表符（Tab）：YAML 只能用空格缩进；请把 Tab 换成空格",
    ),
    "syntax.over_indented": (
        "this line is indented {got} spaces, more than line {line} above it ({wanted}): "
        "keys of one mapping must line up; indent it by {wanted} spaces",
        "这一行缩进了 {got} 个空格，比上面第 {line} 行（{wanted} 个）多：同一层的键必须对齐；"
        "请缩进 {wanted} 个空格",
    ),
    "syntax.dedented": (
        "this line is indented {got} spaces, less than the lines around it (lines {before} "
        "and {after} have {wanted}): keys of one mapping must line up; indent it by {wanted} "
        "spaces",
        "这一行缩进了 {got} 个空格，比前后两行（第 {before} 和第 {after} 行：{wanted} 个）少："
        "同一层的键必须对齐；请缩进 {wanted} 个空格",
    ),
    "syntax.first_key": (
        "this line is indented {got} spaces but the keys after it (line {after}) are "
        "indented {wanted}: keys of one mapping must line up; indent it by {wanted} spaces",
        "这一行缩进了 {got} 个空格，而它后面的键（第 {after} 行）缩进 {wanted} 个："
        "同一层的键必须对齐；请缩进 {wanted} 个空格",
    ),
    "syntax.misaligned": (
        "this line is indented {got} spaces, which lines up with no line above it; "
        "line {line} is indented {wanted}: indent it by {wanted} spaces to belong there",
        "这一行缩进了 {got} 个空格，和上面任何一行都对不齐；第 {line} 行缩进 {wanted} 个："
        "若属于那里，请缩进 {wanted} 个空格",
    ),
    "syntax.item_misaligned": (
        "this list item is indented {got} spaces but the item before it (line {line}) is "
        "indented {wanted}: items of one list must line up; indent its '-' by {wanted} spaces",
        "这个列表项缩进了 {got} 个空格，而前一项（第 {line} 行）缩进 {wanted} 个："
        "同一列表的各项必须对齐；请把“-”缩进 {wanted} 个空格",
    ),
    "syntax.no_space": (
        "no space after the ':' of {key}: YAML needs one, e.g. {key}: 4",
        "{key} 的冒号后面没有空格：YAML 需要一个空格，例如 {key}: 4",
    ),
    "syntax.colon_in_text": (
        "': ' inside unquoted text reads as a new key; put the text in quotes, e.g. "
        "en: \"Minimal case: a test\"",
        "未加引号的文字里有“: ”，会被当成新的键；请给文字加引号，例如 en: \"Minimal case: a test\"",
    ),
    "syntax.unclosed_brace": (
        "the '{{' on line {line} is not closed; end it with '}}' on that line",
        "第 {line} 行的“{{”没有闭合；请在那一行末尾加上“}}”",
    ),
    "syntax.hash_in_flow": (
        "' #' starts a comment, which cuts the text and the closing brace; put the text "
        "in quotes, e.g. en: \"No. #1 client\"",
        "“ #”开始一段注释，把文字和右花括号都截掉了；请给文字加引号，例如 en: \"No. #1 client\"",
    ),
    # --- YAML ---------------------------------------------------------------------------
    "yaml.syntax": ("{detail}", "YAML 语法错误：{detail}"),
    "yaml.top_not_mapping": (
        "the top level must be a mapping of keys to values",
        "最外层必须是“键: 值”的映射",
    ),
    "yaml.bad_char": (
        "unacceptable character #x{code}: {reason}",
        "不可接受的字符 #x{code}：{reason}",
    ),
    "yaml.tag": ("unsupported YAML tag {tag}", "不支持的 YAML 标签 {tag}"),
    "yaml.key_not_text": ("a key must be plain text", "键必须是普通文字"),
    "yaml.duplicate_key": (
        "duplicate key {key} (first at line {line})",
        "重复的键 {key}（第一次出现在第 {line} 行）",
    ),
    "yaml.cannot_read": ("cannot read {value}: {error}", "无法读取 {value}：{error}"),
    "yaml.alias": ("YAML aliases (*name) are not allowed", "不允许使用 YAML 别名（*name）"),
    "yaml.anchor": ("YAML anchors (&name) are not allowed", "不允许使用 YAML 锚点（&name）"),
    "yaml.too_many_nodes": (
        "too many YAML nodes (the limit is {limit})",
        "YAML 节点太多（上限 {limit}）",
    ),
    "yaml.too_deep": ("nested deeper than {limit} levels", "嵌套超过 {limit} 层"),
    "internal.read": ("internal error while reading: {error}", "读取时的内部错误：{error}"),
    "internal.check": (
        "internal error in check {check}: {error}",
        "检查 {check} 的内部错误：{error}",
    ),
    # --- the schema -----------------------------------------------------------------------
    "kind.text": ("text", "文字"),
    "kind.whole": ("a whole number", "整数"),
    "kind.number": ("a number", "数字"),
    "kind.bool": ("true or false", "布尔值 true 或 false"),
    "kind.mapping": ("a mapping", "映射（键: 值）"),
    "kind.list": ("a list", "列表"),
    "schema.expected": ("expected {kind}, got {value}{fix}", "应为{kind}，实际是 {value}{fix}"),
    "schema.unknown_key": ("unknown key {key}{hint}", "未知的键 {key}{hint}"),
    "schema.unknown_key_one_of": (
        "unknown key {key}; expected one of {allowed}{hint}",
        "未知的键 {key}；应为以下之一：{allowed}{hint}",
    ),
    "schema.comma_in_text": (
        "unknown key {key}: a comma inside {{…}} ends the text before it; put the text in "
        "quotes, e.g. en: \"Guoxin Bank, Ltd.\"",
        "未知的键 {key}：{{…}} 里的逗号把前面的文字截断了；请给文字加引号，"
        "例如 en: \"Guoxin Bank, Ltd.\"",
    ),
    "schema.missing": ("missing required key {key}", "缺少必填的键 {key}"),
    "schema.invalid_value": (
        "invalid value {value}; expected one of {allowed}{hint}",
        "无效的值 {value}；应为以下之一：{allowed}{hint}",
    ),
    "schema.too_short": (
        "must have at least {limit} items, got {got}",
        "至少要有 {limit} 项，实际 {got} 项",
    ),
    "schema.too_short_one": (
        "must have at least {limit} item, got {got}",
        "至少要有 {limit} 项，实际 {got} 项",
    ),
    "schema.too_long": (
        "must have at most {limit} items, got {got}",
        "最多 {limit} 项，实际 {got} 项",
    ),
    "schema.too_long_one": (
        "must have at most {limit} item, got {got}",
        "最多 {limit} 项，实际 {got} 项",
    ),
    "schema.empty": ("must not be empty", "不能为空"),
    "schema.text_too_long": (
        "is {got} characters long, more than the screen shows ({limit} at most); shorten it",
        "长 {got} 个字符，超出屏幕能显示的长度（最多 {limit} 个）；请缩短",
    ),
    "schema.ge": (
        "must be greater than or equal to {limit}, got {value}{fix}",
        "必须大于或等于 {limit}，实际是 {value}{fix}",
    ),
    "schema.gt": ("must be greater than {limit}, got {value}{fix}", "必须大于 {limit}，实际是 {value}{fix}"),
    "schema.le": (
        "must be less than or equal to {limit}, got {value}{fix}",
        "必须小于或等于 {limit}，实际是 {value}{fix}",
    ),
    "schema.lt": ("must be less than {limit}, got {value}{fix}", "必须小于 {limit}，实际是 {value}{fix}"),
    "schema.finite": ("must be a finite number, got {value}", "必须是有限的数，实际是 {value}"),
    "schema.pattern": (
        "must match pattern {pattern}, got {value}",
        "必须符合格式 {pattern}，实际是 {value}",
    ),
    "schema.other": ("{text}", "{text}"),
    "schema.needs_positive": (
        "needs must give at least one dimension a positive weight",
        "needs 至少要给一个维度正的权重",
    ),
    "schema.toward_only_need_shift": (
        "only need_shift events take `toward`",
        "只有 need_shift 事件可以写 `toward`",
    ),
    "schema.toward_positive": (
        "toward must give at least one need a positive weight",
        "toward 至少要给一个需求正的权重",
    ),
    "schema.floor_is_target": ("floor and target must differ", "floor 和 target 不能相同"),
    # --- fixes --------------------------------------------------------------------------
    "fix.quote": (" (put it in quotes to make it text)", "（加引号使它成为文字）"),
    "fix.no_commas": (
        "; write it without separators: {number}", "；请去掉数字中的分隔符：{number}"
    ),
    "fix.percent": (
        "; write a share as a fraction: {value} is {number}",
        "；比例请写成小数：{value} 应写作 {number}",
    ),
    "fix.unquote": (
        "; remove the quotes: a number in quotes is text ({number})",
        "；请去掉引号：加了引号的数字是文字（{number}）",
    ),
    "fix.bool": (
        "; write true or false ({word} is text in YAML 1.2, which the editor uses too)",
        "；请写 true 或 false（在 YAML 1.2 中 {word} 是文字，编辑器也这样读）",
    ),
    "fix.fraction": (
        "; a share is a fraction from 0 to 1: for {value} % write {number}",
        "；比例是 0 到 1 之间的小数：{value}% 应写作 {number}",
    ),
    "fix.add_action": ("add {action} to `actions`", "把 {action} 加进 `actions`"),
    "fix.raise": ("raise {name}", "调高 {name}"),
    "fix.cheaper": ("lower costs.{what} or raise resources.budget", "调低 costs.{what} 或调高 resources.budget"),
    "fix.peak": (
        "add a peak quarter short of stock so that supply matters",
        "加一个缺货的旺季季度，让 supply 起作用",
    ),
    "fix.offer_supply": (
        "offer supply with a peak quarter short of stock",
        "提供 supply 并加一个缺货的旺季季度",
    ),
    # --- plans: why a quarter's plan cannot be played --------------------------------------
    "plan.not_finite": ("{name}: amounts must be finite numbers", "{name}：数量必须是有限的数字"),
    "plan.negative": ("{name}: amounts cannot be negative", "{name}：数量不能为负"),
    "plan.not_allowed": (
        "{name}: this action is not allowed in scenario {scenario}",
        "{name}：案例 {scenario} 不允许这个动作",
    ),
    "plan.empty_slot": (
        "{name}: days given to a stakeholder slot that is empty",
        "{name}：把人天分给了一个空缺的联系人位置",
    ),
    "plan.on_off": ("{name}: must be on or off", "{name}：只能是开或关"),
    "plan.max_discount": (
        "discount: at most {limit} in this scenario", "discount：本案例的折扣最多 {limit}"
    ),
    "plan.discount_over_margin": (
        "{account}.discount: {discount} is above the account's margin ({margin}); a discount "
        "may not exceed the margin (every sale a loss)",
        "{account}.discount：{discount} 高于该客户的毛利率（{margin}）；折扣不能超过毛利率"
        "（否则每笔销售都亏损）",
    ),
    "plan.token_contact": (
        "{where}: {days} days is less than the {minimum} days that count as contact with a "
        "person (limits.min_contact_days); give at least that, or none",
        "{where}：{days} 人天少于算作一次接触所需的 {minimum} 人天（limits.min_contact_days）；"
        "要么至少给这么多，要么不给",
    ),
    "plan.conference_interval": (
        "conference: the last one was in quarter {last}; the key-account conference is held "
        "at most once every {gap} quarters (limits.conference_interval), so the next can be "
        "in quarter {next} at the earliest",
        "conference：上一次在第 {last} 季度；大客户大会最多每 {gap} 个季度举办一次"
        "（limits.conference_interval），下一次最早在第 {next} 季度",
    ),
    "plan.max_credit_days": (
        "credit_days: at most {limit} days in this scenario",
        "credit_days：本案例的账期最多 {limit} 天",
    ),
    "plan.supply_over": (
        "supply: the shares of peak-season capacity add up to more than 100 %",
        "supply：分配的旺季产能份额加起来超过了 100%",
    ),
    "plan.over_budget": (
        "{resource}: the plan uses {used} but only {available} is available per quarter",
        "{resource}：计划用了 {used}，但每季度只有 {available}",
    ),
    "plan.not_a_number": ("{where}: expected a number, got {value}", "{where}：这里要填数字，现在是 {value}"),
    "plan.huge_number": (
        "{where}: a number of {digits} digits is far beyond any budget",
        "{where}：{digits} 位数的数字远超任何预算",
    ),
    "plan.not_finite_number": (
        "{where}: expected a finite number, got {value}", "{where}：这里要填有限的数字，现在是 {value}"
    ),
    "plan.negative_number": (
        "{where}: cannot be negative (got {value})", "{where}：不能为负（现在是 {value}）"
    ),
    "plan.not_a_flag": (
        "{where}: expected true or false, got {value}", "{where}：这里要填 true 或 false，现在是 {value}"
    ),
    "plan.not_a_mapping": ("a plan must be a mapping, got {kind}", "计划必须是映射（键值对），现在是 {kind}"),
    "plan.unknown_section": ("unknown plan section {key}{hint}", "未知的计划部分 {key}{hint}"),
    "plan.accounts_mapping": (
        "accounts: expected a mapping of account id to actions",
        "accounts：这里要填“客户编号 → 动作”的映射",
    ),
    "plan.unknown_account": ("unknown account {account}{hint}", "未知的客户 {account}{hint}"),
    "plan.account_mapping": (
        "{account}: expected a mapping of action to amount", "{account}：这里要填“动作 → 数量”的映射"
    ),
    "plan.unknown_action": ("{where}: unknown action {action}{hint}", "{where}：未知的动作 {action}{hint}"),
    "plan.stakeholder_mapping": (
        "{where}: expected a mapping of stakeholder id to days",
        "{where}：这里要填“联系人编号 → 人天”的映射",
    ),
    "plan.unknown_stakeholder": (
        "{where}: unknown stakeholder {stakeholder}{hint}", "{where}：未知的联系人 {stakeholder}{hint}"
    ),
    "plan.portfolio_mapping": (
        "portfolio: expected a mapping of action to true/false",
        "portfolio：这里要填“动作 → true/false”的映射",
    ),
    "plan.unknown_event": ("unknown event {event}{hint}", "未知的事件 {event}{hint}"),
    "plan.player": ("player {player}: {reason}", "玩家 {player}：{reason}"),
    # --- lesson checks the case does not exercise (balance, the report) ---------------------
    "lesson.not_offered": (
        "{actions} is not an action in this scenario", "本案例没有 {actions} 这个行动"
    ),
    "lesson.one_account": (
        "a single account: there is nothing to focus on", "只有一个客户：无所谓聚焦"
    ),
    "lesson.no_shortage": (
        "no peak-season shortage in this scenario (supply.capacity 1 or no peak quarter)",
        "本案例没有旺季缺货（supply.capacity 为 1，或没有旺季季度）",
    ),
    "lesson.short_for_drift": (
        "four quarters or fewer: a reading cannot go stale and a fresh one pay back",
        "四个季度或更短：调研读数来不及过时，重新调研也来不及收回成本",
    ),
    "lesson.one_quarter": ("a one-quarter game cannot be paced", "只有一个季度的游戏谈不上投入节奏"),
    "lesson.no_discount": ("limits.max_discount is 0", "limits.max_discount 为 0"),
    "lesson.same_play": (
        "{variant} plays exactly like {reference} here: nothing to compare",
        "在本案例中 {variant} 与 {reference} 的打法完全相同：无从比较",
    ),
    # --- kam-sandbox new ---------------------------------------------------------------
    "new.invalid_name": (
        "invalid scenario name {name}: use a letter, then letters, digits, _ or - "
        "(at most 40 characters), e.g. my-case",
        "无效的案例名 {name}：以英文字母开头，只用字母、数字、_ 或 -（最多 40 个字符），"
        "例如 my-case",
    ),
    "new.shipped_name": (
        "{name} is the id of a shipped scenario; choose another name so that games of the "
        "two are never mixed up",
        "{name} 是自带案例的编号；请另起一个名字，以免两个案例的对局混淆",
    ),
    "new.no_id_line": (
        "the source scenario has no top-level `id:` line to replace",
        "源案例没有可替换的顶层 `id:` 行",
    ),
    "new.exists": (
        "{path} already exists; choose another name or move it away",
        "{path} 已经存在；请换一个名字，或先把它移走",
    ),
    "new.cannot_write": ("cannot write {path}: {reason}", "无法写入 {path}：{reason}"),
    "new.cannot_write_schema": (
        "wrote {path} but cannot write {schema}: {reason}",
        "已写入 {path}，但无法写入 {schema}：{reason}",
    ),
    # --- references ---------------------------------------------------------------------
    "ref.duplicate_id": ("duplicate id {id} in {where}", "{where} 中的 id {id} 重复"),
    "ref.unknown_role_typo": ("unknown role {role}{hint}", "未知的角色 {role}{hint}"),
    "ref.unknown_role": (
        "unknown role {role}; use one of the roles under roles: ({roles}) or add it there",
        "未知的角色 {role}；请使用 roles: 下的角色（{roles}），或把它加到 roles: 下",
    ),
    "ref.unknown_role_no_roles": (
        "unknown role {role}: without roles: the case has the five standard roles "
        "({roles}); to use {role}, add it under roles: (then list the standard ones you "
        "use too)",
        "未知的角色 {role}：没有写 roles: 时案例只有五个标准角色（{roles}）；"
        "要用 {role}，请把它加到 roles: 下（并同时列出你用到的标准角色）",
    ),
    "ref.turn_after_end": (
        "turn {turn} is after the last quarter ({turns})",
        "第 {turn} 季度在最后一个季度（{turns}）之后",
    ),
    "ref.unknown_account": ("unknown account {account}{hint}", "未知的客户 {account}{hint}"),
    "ref.stakeholder_wrong_type": (
        "only stakeholder_change events name a stakeholder",
        "只有 stakeholder_change 事件可以指定联系人",
    ),
    "ref.stakeholder_no_account": ("a stakeholder needs its account", "指定联系人时必须写出其客户 account"),
    "ref.unknown_stakeholder": (
        "unknown stakeholder {stakeholder} in account {account}{hint}",
        "客户 {account} 中没有联系人 {stakeholder}{hint}",
    ),
    "ref.metric_twice": ("metric {metric} is scored twice", "指标 {metric} 计分了两次"),
    # --- warnings the parser sees -------------------------------------------------------
    "warn.text_cut": (
        "the text ends at ' #' ({text}…): the rest of the line is a comment; put the "
        "whole text in quotes",
        "文字在“ #”处截断（{text}…）：这一行余下的部分成了注释；请给整段文字加引号",
    ),
    "warn.id_not_file_name": (
        "id {id} differs from the file name {stem}.yaml: the library lists the case by id "
        "and `kam-sandbox` finds it by file name; make them the same",
        "id {id} 与文件名 {stem}.yaml 不同：案例库按 id 列出案例，`kam-sandbox` 按文件名查找；"
        "请让两者一致",
    ),
    # --- lint: why an action cannot be used ---------------------------------------------
    "why.not_offered": ("{action} is not among the actions", "{action} 不在 actions 中"),
    "why.zero": ("{name} is 0", "{name} 为 0"),
    "why.too_dear": (
        "one {what} costs {cost}, more than resources.budget ({budget})",
        "一次 {what} 花费 {cost}，超过 resources.budget（{budget}）",
    ),
    "why.both": ("{first}; {second}", "{first}；{second}"),
    "why.no_complaint_action": (
        "neither feedback nor support_days is among the actions",
        "actions 中既没有 feedback 也没有 support_days",
    ),
    # --- lint -----------------------------------------------------------------------------
    "lint.unreachable": (
        "no allowed action can move this account: the actions offered serve only {reach} "
        "of what its buying center weighs ({top}); {offer}give it needs the player can "
        "serve{quality}",
        "玩家的任何行动都无法影响这个客户：所提供的行动只覆盖其采购中心所看重内容的 {reach}"
        "（{top}）；{offer}给它玩家能满足的需求{quality}",
    ),
    "lint.unreachable_offer": ("{fixes}, or ", "{fixes}，或"),
    "lint.no_quality": (" (no action serves quality)", "（没有行动能满足 quality）"),
    "lint.weak_stakeholder": (
        "influence is {share} of the account's total: this person has next to no say in "
        "the decision; raise it to at least {enough} or remove the stakeholder",
        "影响力只占该客户总量的 {share}：此人对决策几乎没有发言权；"
        "请调高到至少 {enough}，或删去此联系人",
    ),
    "lint.own_event": (
        "an own_event only makes event_support count more, and {why}, so this event "
        "changes nothing; {fix} or remove the event",
        "own_event 只会让 event_support 更有效，而 {why}，所以这个事件不起作用；"
        "请{fix}，或删去该事件",
    ),
    "lint.shortage": (
        "the player cannot decide who gets the short stock: {why}; {fix} or remove the event",
        "玩家无法决定短缺的货给谁：{why}；请{fix}，或删去该事件",
    ),
    "lint.complaint": (
        "the player can never resolve this complaint ({why}), so it costs trust every "
        "quarter to the end; {fix} or remove the event",
        "玩家永远无法解决这个投诉（{why}），它会一直损失信任直到结束；请{fix}，或删去该事件",
    ),
    "lint.strength_zero": (
        "strength 0 makes this {type} do nothing; use a strength above 0 (0.5 is a typical "
        "{type}) or remove the event",
        "strength 为 0 使这个 {type} 不起作用；请用大于 0 的 strength（典型的 {type} 为 0.5），"
        "或删去该事件",
    ),
    "lint.no_account.default": (
        "a default without `account` bankrupts every account at once; name the account it "
        "hits with `account:`",
        "没有 `account` 的 default 会让所有客户同时破产；请用 `account:` 指明受影响的客户",
    ),
    "lint.no_account.late_payment": (
        "a late_payment without `account` makes every account pay late at once; name the "
        "account it hits with `account:`",
        "没有 `account` 的 late_payment 会让所有客户同时延迟付款；请用 `account:` 指明受影响的客户",
    ),
    "lint.no_account.stakeholder_change": (
        "a stakeholder_change without `account` makes someone leave at every account at "
        "once; name the account it hits with `account:`",
        "没有 `account` 的 stakeholder_change 会让每个客户同时有人离职；"
        "请用 `account:` 指明受影响的客户",
    ),
    "lint.shortage_account": (
        "a shortage cuts our whole supply whichever account it names; remove `account`",
        "无论指定哪个客户，shortage 都会削减我们的全部供货；请删去 `account`",
    ),
    "lint.random_own_event": (
        "random own events (random_events.own_event {rate}) change nothing because {why}; "
        "set random_events.own_event to 0 or {fix}",
        "随机的客户自办活动（random_events.own_event {rate}）不起作用，因为 {why}；"
        "请把 random_events.own_event 设为 0，或{fix}",
    ),
    "lint.random_complaint": (
        "random complaints (random_events.complaint {rate}) can never be resolved ({why}) "
        "and cost trust every quarter to the end; set random_events.complaint to 0 or {fix}",
        "随机投诉（random_events.complaint {rate}）永远无法解决（{why}），会一直损失信任直到结束；"
        "请把 random_events.complaint 设为 0，或{fix}",
    ),
    "lint.strength_ignored": (
        "strength has no effect for this type ({type}); remove it (only {types} and {last} "
        "use strength)",
        "strength 对这种类型（{type}）不起作用；请删去（只有 {types} 和 {last} 使用 strength）",
    ),
    "lint.en_same": (
        "en is the same text as zh; write the English version here",
        "en 与 zh 的文字相同；请在这里写英文",
    ),
    "lint.zh_same": (
        "zh is the same text as en; write the Chinese version here",
        "zh 与 en 的文字相同；请在这里写中文",
    ),
    "lint.zh_not_chinese": (
        "zh has no Chinese characters; write the Chinese text here (or swap zh and en if "
        "they are the wrong way round)",
        "zh 中没有汉字；请在这里写中文（如果 zh 和 en 写反了，请交换）",
    ),
    "lint.en_chinese": (
        "en contains Chinese characters or full-width punctuation ({chars}); write it in "
        "English with ASCII punctuation",
        "en 中有汉字或全角标点（{chars}）；请用英文和半角标点书写",
    ),
    "lint.font": (
        "the game's font ({font}) has no glyph for {chars}: it would show as a box; "
        "replace it with a common character (in {fields})",
        "游戏字体（{font}）没有 {chars} 的字形：会显示成方框；请换成常用字符（位于 {fields}）",
    ),
    "lint.credit_terms": (
        "starting terms of {terms} days are above limits.max_credit_days ({top}): once the "
        "player changes them they can never be offered again; lower terms to {top} or less, "
        "or raise limits.max_credit_days",
        "初始账期 {terms} 天超过 limits.max_credit_days（{top}）：玩家一旦改动就再也无法恢复；"
        "请把 terms 降到 {top} 或以下，或调高 limits.max_credit_days",
    ),
    "lint.season_more": (
        "the four quarters average {mean}, not 1: every account buys {gap} more a year "
        "than its `wallet` says; scale them to average 1, e.g. [{scaled}]",
        "四个季度的平均值是 {mean}，不是 1：每个客户一年的采购比 `wallet` 多 {gap}；"
        "请按比例调整使平均为 1，例如 [{scaled}]",
    ),
    "lint.season_less": (
        "the four quarters average {mean}, not 1: every account buys {gap} less a year "
        "than its `wallet` says; scale them to average 1, e.g. [{scaled}]",
        "四个季度的平均值是 {mean}，不是 1：每个客户一年的采购比 `wallet` 少 {gap}；"
        "请按比例调整使平均为 1，例如 [{scaled}]",
    ),
    "lint.discount": (
        "limits.max_discount ({cap}) is above the margin of account {account} ({margin}): "
        "a full discount there sells at a loss; lower limits.max_discount to {margin} or "
        "less, or raise that margin",
        "limits.max_discount（{cap}）高于客户 {account} 的毛利率（{margin}）：给足折扣就会亏本；"
        "请把 limits.max_discount 降到 {margin} 或以下，或调高该毛利率",
    ),
    "lint.scorecard": (
        "{metric} carries {share} of the scorecard's weight, so the grade is mostly this one "
        "number; lower its weight to {weight} or less (60 %) or weigh other metrics more",
        "{metric} 占计分卡权重的 {share}，成绩几乎只取决于这一个数；"
        "请把它的 weight 降到 {weight} 或以下（60 %），或加大其他指标的权重",
    ),
    "lint.peak_full": (
        "peak quarters with capacity 1 are not short of stock at all; set capacity below 1 "
        "(e.g. 0.8) or remove peak_quarters",
        "capacity 为 1 的旺季根本不缺货；请把 capacity 设为小于 1（例如 0.8），或删去 peak_quarters",
    ),
    "lint.capacity_no_peak": (
        "capacity applies only in peak_quarters, and none is listed; list the peak quarters "
        "(e.g. peak_quarters: [4]) or remove capacity",
        "capacity 只在 peak_quarters 中生效，而这里没有列出旺季；"
        "请列出旺季（例如 peak_quarters: [4]），或删去 capacity",
    ),
    "lint.pd": (
        "pd {pd} means a {pct} chance a year that this account defaults, above the "
        "plausible {limit}; write {fraction} if you meant {pd} % (pd is a fraction)",
        "pd {pd} 表示该客户每年有 {pct} 的违约概率，超出合理范围（{limit}）；"
        "若指 {pd}%，请写 {fraction}（pd 是小数）",
    ),
    "lint.out_of_reach": (
        "the best reference strategy ({best}) scores only {score} on average over {runs} "
        "games: the benchmark is out of reach; move the scorecard targets down towards what "
        "`kam-sandbox balance` shows for {best}",
        "最好的参考策略（{best}）在 {runs} 局中平均只得 {score} 分：基准遥不可及；"
        "请把计分卡的 target 调低，接近 `kam-sandbox balance` 显示的 {best} 成绩",
    ),
    "lint.too_easy": (
        "the best reference strategy ({best}) scores {score} on average over {runs} games: "
        "the benchmark is too easy; move the scorecard targets up so that good play scores "
        "about 80",
        "最好的参考策略（{best}）在 {runs} 局中平均得 {score} 分：基准太容易；"
        "请调高计分卡的 target，使好的打法得 80 分左右",
    ),
    "lint.no_spread": (
        "the reference strategies all score within {spread} points of each other ({worst} "
        "{worst_score}, {best} {best_score}): the grade barely depends on how the case is "
        "played; put floors near what random scores and targets near what needs scores, or "
        "make the accounts differ more",
        "各参考策略的得分相差不到 {spread} 分（{worst} {worst_score}，{best} {best_score}）："
        "成绩几乎与打法无关；请把 floor 设在 random 的得分附近、target 设在 needs 的得分附近，"
        "或让各客户差别更大",
    ),
}
