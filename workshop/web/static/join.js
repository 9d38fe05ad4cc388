// The join page: pick the team, type the join code and a name (a second device of a claimed
// team adds the team secret, or waits for the facilitator); and the waiting page.
import { h, t } from "./ui.js";
import { HostError, Offline } from "./api.js";

export function renderJoin(main, info, known, notice, join) {
  const error = h("p", { class: "error", role: "alert", id: "join-error" }, notice || "");
  const teams = info.teams.map((team) =>
    h("label", { class: "team" },
      h("input", { type: "radio", name: "team", value: team.id, checked: known.teamId === team.id || known.team === team.name }),
      h("span", { class: "swatch", style: `background:${team.colour}`, "aria-hidden": "true" }),
      h("span", {}, team.name)));
  const code = h("input", { type: "text", id: "join-code", name: "code", inputmode: "numeric", autocomplete: "off", maxlength: 12, "aria-describedby": "code-hint" });
  const name = h("input", { type: "text", id: "join-name", name: "name", maxlength: 100, autocomplete: "nickname", value: known.name || "", "aria-describedby": "name-hint" });
  const secret = h("input", { type: "text", id: "join-secret", name: "secret", maxlength: 64, autocomplete: "off", value: known.secret || "", "aria-describedby": "secret-hint" });
  const button = h("button", { type: "submit", class: "primary", id: "join-button" }, t("join.join"));
  const form = h("form", { class: "card join", id: "join-form", novalidate: true },
    h("h1", {}, t("join.title")),
    h("p", { class: "muted" }, t("web.join_subtitle")),
    info.state === "finished" ? h("p", {}, t("join.finished_note")) : null,
    info.teams.length ? h("fieldset", {}, h("legend", {}, t("join.or")), teams) : h("p", {}, t("join.no_teams")),
    h("div", { class: "field" }, h("label", { for: "join-code" }, t("join.code")), code, h("small", { id: "code-hint", class: "muted" }, t("join.code_hint"))),
    h("div", { class: "field" }, h("label", { for: "join-name" }, t("join.name")), name, h("small", { id: "name-hint", class: "muted" }, t("join.name_hint"))),
    h("details", { open: known.secret ? true : null }, h("summary", {}, t("web.second_device")),
      h("div", { class: "field" }, h("label", { for: "join-secret" }, t("join.secret")), secret, h("small", { id: "secret-hint", class: "muted" }, t("join.secret_hint")))),
    error, button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const team = form.querySelector("input[name=team]:checked");
    if (!team) { error.textContent = t("join.error.no_team"); return; }
    const digits = code.value.trim();
    if (!digits) { error.textContent = t("join.error.code"); code.focus(); return; }
    button.disabled = true;
    error.textContent = t("join.joining", { team: team.parentElement.textContent });
    try {
      await join({ team: team.value, code: digits, name: name.value.trim(), secret: secret.value.trim() });
    } catch (exc) {
      error.textContent = joinError(exc);
      button.disabled = false;
    }
  });
  main.dataset.page = "join";
  main.replaceChildren(form);
}

function joinError(exc) {
  if (exc instanceof Offline) return t("team.error.offline");
  if (exc instanceof HostError) {
    if (exc.status === 429) return t("join.error.too_many", { seconds: exc.retryAfter || 60 });
    if (/wrong join code/.test(exc.message)) return t("join.error.wrong_code");
    if (/rejoin secret/.test(exc.message)) return t("join.error.wrong_secret");
    return t("join.error.failed", { error: exc.message });
  }
  return t("join.error.failed", { error: String(exc.message || exc) });
}

export function renderPending(main, team, cancel) {
  main.dataset.page = "pending";
  main.replaceChildren(h("section", { class: "card wait", role: "status", "aria-live": "polite" },
    h("h1", {}, team || ""),
    h("p", { id: "pending" }, t("join.waiting")),
    h("button", { type: "button", onclick: cancel }, t("join.cancel"))));
}
