"""Which of the plan's actions serve which need: the model's levers, for the player to learn.

Read off ``model.step``: discount and credit terms make the price effort; support days,
training days, trials and promotion money (and event support) fill the effort stocks of
their needs; people's days, the conference, information sharing and event support build
relationships; the peak-season supply share sets the delivery fill. Quality is mostly the
product's own (``Model.quality``); a feedback visit acted on closes part of the gap for its
account (``Model.quality_reach``, ``Model.feedback_quality``).
tests/test_levers.py plays each lever and checks that it moves its need.
"""

from __future__ import annotations

from .scenario import NEEDS

NEED_ACTIONS: dict[str, tuple[str, ...]] = {
    "price": ("discount", "credit_days"),
    "quality": ("feedback",),  # on top of the product's own quality (Model.quality)
    "delivery": ("supply",),  # in a peak quarter; otherwise normal delivery (Model.reliability)
    "support": ("support_days",),
    "innovation": ("trial",),
    "training": ("training_days",),
    "promotion": ("promotion", "event_support"),
    "relationship": ("am_days", "exec_days", "conference", "info_sharing", "event_support"),
}
assert tuple(NEED_ACTIONS) == NEEDS  # one entry per need, in NEEDS order


def needs_served_by(action: str) -> tuple[str, ...]:
    """The needs ``action`` serves (none for a survey, feedback or data analysis)."""

    return tuple(need for need, actions in NEED_ACTIONS.items() if action in actions)
