"""The facilitator console's access dialog: who may play for each team.

A team's first device claims it; a further device needs the team's secret (shown on the
team's own screen) or the facilitator's approval. This dialog lists the devices waiting for
approval (Approve / Refuse), the devices playing for each team (Revoke one; Reset a team:
every device out and a new team secret) and gives the room a new join code. Each button is
one ``Host`` action through the console's ``act``. Mixed into ``scenes.console.ConsoleScene``
like ``console_dialogs.Dialogs``.
"""

from __future__ import annotations

from pygame import Rect

from kam_sandbox.base.i18n import tr

from .draw import text
from .palette import INK, MUTED, WARN

ROW_H = 34
MAX_ROWS = 12  # the dialog shows this many lines of requests and devices


class AccessDialog:
    """The console's access dialog (see the module docstring)."""

    def waiting(self) -> list[dict]:
        return (self.status or {}).get("requests", [])

    def access_lines(self) -> list[tuple[str, dict]]:
        """The dialog's lines: ("request", r) for each waiting device, then ("device", d)."""

        st = self.status or {}
        lines = [("request", r) for r in st.get("requests", [])]
        lines += [("device", d) for d in st.get("devices", [])]
        return lines[:MAX_ROWS]

    def access_rect(self) -> Rect:
        return self.modal_rect(820, 150 + ROW_H * max(1, len(self.access_lines())) + 70)

    def open_access(self) -> None:
        self.modal, self.modal_error = "access", None
        self.app.rebuild()

    def _build_access(self) -> None:
        r = self.access_rect()
        y = r.y + 110
        for kind, item in self.access_lines():
            right = r.right - 24
            if kind == "request":
                self.button(Rect(right - 110, y, 110, 30), tr("console.access.deny"),
                            lambda rid=item["id"]: self.decide_join(rid, False))
                self.button(Rect(right - 230, y, 112, 30), tr("console.access.approve"),
                            lambda rid=item["id"]: self.decide_join(rid, True), "#primary")
            else:
                self.button(Rect(right - 110, y, 110, 30), tr("console.access.revoke"),
                            lambda did=item["id"]: self.revoke_device(did),
                            tip=tr("console.access.revoke_tip"))
                self.button(Rect(right - 230, y, 112, 30), tr("console.access.reset"),
                            lambda tid=item["team"]: self.reset_team(tid),
                            tip=tr("console.access.reset_tip"))
            y += ROW_H
        self.button(Rect(r.x + 24, r.bottom - 56, 220, 38), tr("console.access.rotate"),
                    self.rotate_code, tip=tr("console.access.rotate_tip"))
        self.button(Rect(r.right - 24 - 150, r.bottom - 56, 150, 38), tr("console.close"),
                    self.close_modal)

    def _draw_access(self, surface) -> None:
        r = self.access_rect()
        self._modal_card(surface, r, tr("console.access.title"))
        text(surface, (r.x + 24, r.y + 52), tr("console.access.note"), 13, MUTED,
             max_width=r.width - 48)
        code = text(surface, (r.x + 24, r.y + 78),
                    tr("console.access.code", code=self.status["join_code"]), 15, INK, True,
                    max_width=r.width - 48)
        failed = self.status.get("failed_joins") or []
        if failed:  # someone mistyped, or is guessing: the facilitator should know
            last = failed[-1]
            text(surface, (code.right + 24, r.y + 80),
                 tr("console.access.failed", n=self.status.get("failed_joins_total", 0),
                    address=last["address"] or "?", time=last["time"][11:19]), 13, WARN,
                 max_width=r.right - 24 - code.right - 24)
        names = {t["id"]: t["name"] for t in self.teams}
        y = r.y + 110
        lines = self.access_lines()
        if not lines:
            text(surface, (r.x + 24, y + 6), tr("console.access.none"), 14, MUTED)
        for kind, item in lines:
            team = names.get(item["team"], item["team"])
            if kind == "request":
                line = tr("console.access.request", team=team, device=item["device"],
                          address=item["address"] or "?")
                colour = WARN
            else:
                line = tr("console.access.device", team=team, device=item["label"],
                          how=tr(f"console.access.via.{item['via']}"),
                          address=item["address"] or "?")
                colour = INK
            text(surface, (r.x + 24, y + 7), line, 14, colour, kind == "request",
                 max_width=r.width - 48 - 240)
            y += ROW_H

    def access_label(self) -> str:
        n = len(self.waiting())
        return tr("console.access.open_waiting", n=n) if n else tr("console.access.open")

    def decide_join(self, request: str, approve: bool) -> None:
        ok, req = self.act("approve_join" if approve else "deny_join", request=request)
        if ok:
            key = "console.msg.approved" if approve else "console.msg.denied"
            self.say(tr(key, device=req["device"], team=req["team_name"]))
        self.app.rebuild()

    def revoke_device(self, device: str) -> None:
        ok, gone = self.act("revoke_device", device=device)
        if ok:
            self.say(tr("console.msg.revoked", device=gone["label"]))
        self.app.rebuild()

    def reset_team(self, team: str) -> None:
        ok, t = self.act("reset_team_access", team=team)
        if ok:
            self.say(tr("console.msg.team_reset", team=t["name"]))
        self.app.rebuild()

    def rotate_code(self) -> None:
        ok, code = self.act("rotate_join_code")
        if ok:
            self.say(tr("console.msg.code_rotated", code=code))
        self.app.rebuild()
