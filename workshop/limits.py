"""How often a client may try something: a sliding window of recent events per key.

Used by the ``Host`` for failed joins (per client address and per session: guessing the
join code or a team's secret) and for a team's drafts and submissions (faster than a person
can is a script). Hand-written rather than the ``limits`` package because its clock is the
wall clock: here the clock is the caller's (tests move it by hand).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Hashable

from .session import WorkshopError


class TooMany(WorkshopError):
    """Refused for now: ``retry_after`` whole seconds until it may be tried again."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            return deque()
        cutoff = self.clock() - self.window
        while events and events[0] <= cutoff:
            events.popleft()
        if not events:
            del self._events[key]
        return events

    def wait(self, key: Hashable) -> int:
        """Seconds until ``key`` may act again (0: now)."""

        events = self._recent(key)
        if len(events) < self.limit:
            return 0
        return max(1, math.ceil(events[len(events) - self.limit] + self.window - self.clock()))

    def add(self, key: Hashable) -> None:
        self._recent(key)
        self._events.setdefault(key, deque()).append(self.clock())
        if len(self._events) > 10_000:  # a flood of addresses: forget the quietest
            self._events.pop(next(iter(self._events)))


__all__ = ["SlidingWindow", "TooMany"]
