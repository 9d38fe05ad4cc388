"""Who holds each seat of a buying center: the scenario's people, then their successors.

A random or scripted ``stakeholder_change`` replaces the person in a stakeholder slot; the
state counts the replacements per slot (``State.generation``). The successor is a new
person: a new name (drawn here from the game's seed, the account, the slot and the
generation, so the same game always meets the same people), the same job title, a role
and stance the player has yet to find out. Generation 0 is the scenario's own person.
"""

from __future__ import annotations

import hashlib

from .scenario import Scenario

# Common Chinese surnames and given names with their pinyin, as the scenarios write names
# in English ("Shen Jianhua").
SURNAMES = (("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
            ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
            ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
            ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"),
            ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"))
GIVEN = (("建国", "Jianguo"), ("晓梅", "Xiaomei"), ("志刚", "Zhigang"), ("丽娟", "Lijuan"),
         ("海涛", "Haitao"), ("婷婷", "Tingting"), ("伟", "Wei"), ("静", "Jing"),
         ("俊杰", "Junjie"), ("雪莹", "Xueying"), ("文博", "Wenbo"), ("佳慧", "Jiahui"),
         ("振宇", "Zhenyu"), ("思远", "Siyuan"), ("慧敏", "Huimin"), ("国平", "Guoping"),
         ("春燕", "Chunyan"), ("明轩", "Mingxuan"), ("凯", "Kai"), ("雅琴", "Yaqin"))


def person_name(scenario: Scenario, seed: int, account: int, slot: int,
                generation: int) -> dict[str, str]:
    """``{"zh": …, "en": …}``: the name of whoever holds ``slot`` of account ``account``
    after ``generation`` replacements in the game of ``seed`` (deterministic)."""

    acc = scenario.accounts[account]
    sh = acc.stakeholders[slot]
    if generation <= 0:
        return {"zh": sh.name.zh, "en": sh.name.en}
    taken = {p.name.zh for p in acc.stakeholders}
    for attempt in range(len(SURNAMES) * len(GIVEN)):
        key = f"{int(seed)}:{acc.id}:{sh.id}:{int(generation)}:{attempt}".encode()
        digest = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        (family_zh, family_en), (given_zh, given_en) = (
            SURNAMES[digest % len(SURNAMES)], GIVEN[digest // len(SURNAMES) % len(GIVEN)])
        zh = family_zh + given_zh
        if zh not in taken:  # never the namesake of someone at the same table
            return {"zh": zh, "en": f"{family_en} {given_en}"}
    raise AssertionError("unreachable: more people at one account than names")  # pragma: no cover
