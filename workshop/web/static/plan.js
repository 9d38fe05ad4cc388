// The planning page: resources left, the portfolio, the selected account (persona, buying
// center, needs) and this quarter's plan for it, the portfolio actions, the plan's status as
// the host judges it, and Submit. Edits are checked by the host (debounced) and the draft is
// kept with the host as the team edits, so another device or a reload finds it.
import { h, setText, t } from "./ui.js";
import { HostError, Offline } from "./api.js";
import * as fmt from "./fmt.js";

const CHECK_MS = 250;
const SAVE_MS = 800;
const RESOURCES = ["budget", "am_days", "exec_days", "support_days"];
const PORTFOLIO_ACTIONS = ["conference", "data_analysis", "info_sharing"];
const TOGGLES = ["survey", "feedback", "trial"];
const NEEDS = ["price", "quality", "delivery", "support", "training", "promotion", "innovation", "relationship"];
// action, step, maximum, kind (as the Pygame planning screen's steppers)
const STEPPERS = [
  ["support_days", 0.5, (c) => c.resources.support_days, "days"],
  ["training_days", 0.5, (c) => c.resources.support_days, "days"],
  ["promotion", 5000, (c) => c.resources.budget, "money"],
  ["event_support", 5000, (c) => c.resources.budget, "money"],
  ["discount", 0.01, (c) => c.limits.max_discount, "percent"],
  ["credit_days", 15, (c) => c.limits.max_credit_days, "credit"],
  ["supply", 0.05, () => 1, "percent"],
];
const STANCE = (s) => (s === null || s === undefined ? "#aab2bd" : s >= 0.25 ? "#0072B2" : s <= -0.25 ? "#D55E00" : "#E69F00");
const clone = (x) => JSON.parse(JSON.stringify(x));

// Where a plan goes: the workshop's round (checked, kept as a draft, submitted) or the
// team's what-if after the workshop (checked, played at once; nothing to keep).
export const WORKSHOP = { check: "/api/team/check", draft: "/api/team/draft", submit: "/api/team/submissions", submitKey: "team.submit", tipKey: "team.submit_tip" };
export const WHATIF = { check: "/api/team/whatif/check", draft: null, submit: "/api/team/whatif/play", submitKey: "web.whatif.play", tipKey: "web.whatif.play_tip" };

export class Planner {
  constructor(page, api, lang, previous, onSubmitted, routes = WORKSHOP) {
    this.page = page; this.api = api; this.lang = lang; this.onSubmitted = onSubmitted; this.routes = routes;
    this.case = page.case; this.view = page.view;
    const sameRound = previous && previous.page.page === page.page;
    this.draft = sameRound ? previous.draft : clone(page.draft);
    this.dirty = sameRound ? previous.dirty : false;
    this.selected = sameRound ? previous.selected : 0;
    this.needFocus = null;
    this.checked = sameRound ? previous.checked : null;
    this.message = null; // the last submission's outcome
    this.saving = "saved";
    previous?.stop();
    this.checkSoon(0);
  }

  stop() { clearTimeout(this.checkTimer); clearTimeout(this.saveTimer); this.stopped = true; }

  // -- the draft ----------------------------------------------------------------------------
  get editable() {
    const live = this.liveState;
    return live && ["open", "paused"].includes(live.state) && !live.finished;
  }

  acts(id) { return this.draft.accounts[id] || {}; }

  set(id, action, value) {
    const acts = { ...this.acts(id) };
    if (value === 0 || value === false || value === null || value === undefined) delete acts[action];
    else acts[action] = value;
    if (Object.keys(acts).length) this.draft.accounts[id] = acts; else delete this.draft.accounts[id];
    this.edited();
  }

  setDays(id, action, person, days) {
    const people = { ...(this.acts(id)[action] || {}) };
    if (days > 0) people[person] = days; else delete people[person];
    this.set(id, action, Object.keys(people).length ? people : null);
  }

  setPortfolio(action, on) {
    if (on) this.draft.portfolio[action] = true; else delete this.draft.portfolio[action];
    this.edited();
  }

  edited() {
    this.dirty = true; this.message = null; this.saving = "saving";
    this.checkSoon(CHECK_MS);
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_MS);
    this.status();
  }

  checkSoon(ms) {
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.check(), ms);
  }

  async check() {
    if (this.stopped) return;
    const sent = JSON.stringify(this.draft);
    try {
      const answer = await this.api.call("POST", `${this.routes.check}?lang=${this.lang}`, { plan: this.draft });
      if (JSON.stringify(this.draft) === sent) { this.checked = answer.data; this.meters(); this.status(); }
    } catch (exc) {
      if (!(exc instanceof Offline)) { this.checked = null; this.status(); }
    }
  }

  async save() {
    if (!this.routes.draft) { this.dirty = false; this.saving = "saved"; return; } // nothing kept
    if (this.stopped || !this.dirty || !this.editable) return;
    const sent = JSON.stringify(this.draft);
    try {
      await this.api.call("PUT", this.routes.draft, { plan: this.draft, author: this.author() });
      if (JSON.stringify(this.draft) === sent) { this.dirty = false; this.saving = "saved"; }
    } catch (exc) {
      this.saving = "unsaved";
      if (exc instanceof HostError && exc.status === 429) this.saveTimer = setTimeout(() => this.save(), (exc.retryAfter || 5) * 1000);
    }
    this.status();
  }

  flush() { if (this.dirty) this.save(); }
  reconnected() { if (this.dirty) this.save(); this.checkSoon(0); }
  author() { return (window.kamAuthor && window.kamAuthor()) || ""; }

  async submit() {
    if (this.dirty) await this.save();
    this.message = { text: t("web.submitting"), kind: "muted" };
    this.status();
    try {
      await this.api.call("POST", this.routes.submit, { plan: this.draft, author: this.author() });
      this.message = null;
      this.liveState = { ...this.liveState, submitted: true, submission: { time: new Date().toISOString() } };
      this.onSubmitted();
    } catch (exc) {
      // Over a resource: the page's own words and numbers ("Budget 43,000 / 40,000"), not
      // the engine's message, which names the resource by its key.
      const over = exc instanceof HostError && exc.kind === "plan" && this.checked?.problem?.resource;
      this.message = { text: over ? t("team.error.plan", { reason: overText(this.checked.problem) }) : submitError(exc, this.lang), kind: "warn" };
    }
    this.status();
  }

  // -- what the host says meanwhile ---------------------------------------------------------
  live(live) {
    const changed = !this.liveState || this.liveState.state !== live.state || this.liveState.submitted !== live.submitted
      || (this.liveState.submission || {}).time !== (live.submission || {}).time;
    this.liveState = live;
    if (changed) this.status();
  }

  // -- drawing ------------------------------------------------------------------------------
  mount(main) {
    this.root = main;
    const c = this.case;
    this.meterNodes = {};
    const meters = h("section", { class: "resources", "aria-label": t("web.resources") },
      RESOURCES.map((r) => {
        const value = h("div", { class: "value" });
        const bar = h("span");
        const node = h("div", { class: "meter card", title: t(`resource.${r}.tip`) },
          h("div", { class: "muted" }, t(`resource.${r}`)), value, h("div", { class: "bar", "aria-hidden": "true" }, bar));
        this.meterNodes[r] = { node, value, bar };
        return node;
      }));
    this.portfolioNode = h("section", { class: "portfolio", "aria-label": t("web.portfolio") });
    this.detailNode = h("section", { class: "detail" });
    this.allocNode = h("section", { class: "card alloc", "aria-label": t("plan.allocation") });
    this.statusNode = h("p", { class: "status", id: "plan-status", role: "status", "aria-live": "polite" });
    this.submitNode = h("button", { type: "button", class: "primary submit", id: "submit", title: t(this.routes.tipKey),
      onclick: () => this.submit() }, t(this.routes.submitKey));
    const portfolio = h("div", { class: "portfolio-actions", role: "group", "aria-label": t("web.portfolio_actions") },
      PORTFOLIO_ACTIONS.filter((a) => c.actions.includes(a)).map((a) =>
        this.toggle(a, `${t(`action.${a}`)} ${fmt.money(c.costs[a], this.lang, c.currency)}`, !!this.draft.portfolio[a],
          (on) => this.setPortfolio(a, on), `portfolio-${a}`)));
    const bottom = h("div", { class: "bottom" }, portfolio, this.statusNode, this.submitNode);
    main.replaceChildren(
      h("h1", { class: "sr-only" }, t("plan.allocation")),
      meters,
      h("div", { class: "planning" }, this.portfolioNode, this.detailNode, this.allocNode),
      bottom);
    this.drawPortfolio(); this.drawDetail(); this.drawAllocation(); this.meters(); this.status();
  }

  select(index) {
    this.selected = index; this.needFocus = null;
    this.drawPortfolio(); this.drawDetail(); this.drawAllocation();
    this.portfolioNode.querySelectorAll(".acc")[index]?.focus();
  }

  quarterLine() {
    const v = this.view, c = this.case;
    const q = fmt.quarterLabel(Math.min(v.turn + 1, c.turns), c.start_quarter, this.lang);
    const line = t("plan.quarter_of", { quarter: q, i: Math.min(v.turn + 1, c.turns), n: c.turns });
    return v.peak ? `${line} · ${t("plan.peak_season")}` : line;
  }

  drawPortfolio() {
    const v = this.view, lang = this.lang, cur = this.case.currency;
    const cards = v.accounts.map((acc, i) => {
      const info = this.case.accounts[acc.id];
      const flags = [acc.lost && t("flag.lost"), acc.receivables.slice(1).some((x) => x > 0) && t("flag.overdue"),
        acc.complaint && t("flag.complaint"), acc.own_event && t("flag.own_event")].filter(Boolean).join(" ");
      const sat = acc.satisfaction_turn ? t("plan.sat_reading", { value: acc.satisfaction.toFixed(1), q: acc.satisfaction_turn }) : t("plan.sat_unknown");
      return h("button", { type: "button", class: "acc", "aria-current": i === this.selected ? "true" : "false",
        "data-index": i, onclick: () => this.select(i),
        onkeydown: (e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            this.select((i + (e.key === "ArrowDown" ? 1 : -1) + v.accounts.length) % v.accounts.length);
          }
        } },
        h("span", { class: `tier tier-${acc.tier}`, title: t("plan.tier_tip") }, t("label.tier", { letter: acc.tier })),
        h("span", { class: "name" }, info.name),
        flags ? h("span", { class: "flags" }, flags) : null,
        h("span", { class: "sub" }, `${info.industry} · ${t(`stage.${acc.stage}`)}`),
        h("span", { class: "line" }, `${fmt.money(acc.revenue[acc.revenue.length - 1], lang, cur)} · ${sat}`),
        sparkline(acc.revenue));
    });
    this.portfolioNode.replaceChildren(h("h2", { class: "sr-only" }, t("web.portfolio")), ...cards);
  }

  drawDetail() {
    const v = this.view, lang = this.lang, c = this.case, cur = c.currency;
    const acc = v.accounts[this.selected], info = c.accounts[acc.id];
    const facts = [
      // The tier and the credit grade say which letter they are ("Tier A", "Credit D").
      [null, t("label.tier", { letter: acc.tier })], [t("plan.stage"), t(`stage.${acc.stage}`)],
      [null, `${t("label.credit", { letter: acc.credit_grade })} · ${t("plan.credit_terms", { days: Math.round(acc.credit_days) })}`],
      [t("plan.share"), `≈${fmt.percent(acc.share_estimate)}`],
      [t("plan.overdue"), fmt.money(acc.receivables.slice(1).reduce((a, b) => a + b, 0), lang, cur)],
      ["RFM", acc.rfm.join("")], ["CLV", fmt.money(acc.clv, lang, cur)],
    ];
    const header = h("div", { class: "card" },
      h("p", { class: "muted", id: "quarter-line" }, this.quarterLine()),
      h("h2", {}, info.name),
      h("p", { class: "persona" }, `${info.industry} · ${info.region} · ${t("plan.employees", { n: fmt.number(acc.employees, lang) })}`),
      h("dl", { class: "facts" }, facts.map(([k, value]) => h("div", {}, ...(k ? [h("dt", { class: "muted", style: "display:inline" }, `${k}: `)] : []), h("dd", { style: "display:inline;margin:0" }, value)))),
      h("p", { class: "muted" }, info.history));
    const people = acc.stakeholders.map((sh) => {
      const role = sh.role ? c.roles[sh.role].name : t("plan.role_unknown");
      const contact = sh.last_contact ? t("plan.contact_ago", { q: v.turn - sh.last_contact + 1 }) : t("plan.never_met");
      const stance = sh.stance_turn ? t("plan.stance", { value: signed(sh.stance), age: v.turn - sh.stance_turn + 1 }) : t("plan.stance_unknown");
      return h("li", { class: "person" },
        h("span", { class: "dot", style: `background:${STANCE(sh.stance_turn ? sh.stance : null)}`, "aria-hidden": "true" }, (sh.label || "?").slice(0, 1)),
        h("b", {}, sh.label), h("span", { class: "muted" }, info.titles[sh.id] || ""),
        h("span", { class: sh.role ? "" : "muted" }, role), h("span", { class: "muted" }, `${contact} · ${stance}`));
    });
    const legend = h("div", { class: "legend", "aria-hidden": "true" },
      [["supportive", 0.5], ["neutral", 0], ["hostile", -0.5], ["unknown", null]].map(([k, s]) =>
        h("span", {}, h("i", { style: `background:${STANCE(s)}` }), t(`plan.legend.${k}`))));
    const center = h("div", { class: "card" }, h("h3", {}, t("plan.buying_center")),
      h("ul", { class: "people", style: "list-style:none;padding:0;margin:0" }, people), legend);
    const seen = acc.needs_turn;
    const needs = h("div", { class: "card", id: "needs" },
      h("h3", acc.needs_shifted ? { class: "warn" } : {},
        seen ? t(acc.needs_shifted ? "plan.needs_shifted" : "plan.needs_seen", { age: v.turn - seen + 1 }) : t("plan.needs_title")),
      acc.needs ? h("div", { class: "need-rows" }, NEEDS.map((need) => {
        const value = acc.needs[need];
        return h("button", { type: "button", class: "need-row", "aria-pressed": this.needFocus === need ? "true" : "false",
          title: this.needTip(need), onclick: () => { this.needFocus = this.needFocus === need ? null : need; this.drawDetail(); this.drawAllocation(); } },
          h("span", {}, t(`need.${need}`)),
          h("span", { class: "bar", "aria-hidden": "true" }, h("span", { style: `width:${Math.round(value * 100 / Math.max(...Object.values(acc.needs), 1e-9))}%` })),
          h("span", {}, fmt.percent(value)));
      })) : h("p", { class: "muted" }, t("plan.needs_unknown")));
    this.detailNode.replaceChildren(header, center, needs);
  }

  needTip(need) {
    const levers = this.case.levers[need] || [];
    const name = t(`need.${need}`);
    if (!levers.length) return t("plan.need_no_lever", { need: name });
    let tip = t("plan.need_levers", { need: name, actions: levers.map((a) => t(`action.${a}`)).join(this.lang === "zh" ? "、" : ", ") });
    if (need === "delivery" || need === "quality") tip += ` ${t(`plan.need_${need}`)}`;
    return `${tip} ${t("plan.need_click")}`;
  }

  marks(action) { return this.needFocus && (this.case.levers[this.needFocus] || []).includes(action); }

  drawAllocation() {
    const c = this.case, v = this.view, lang = this.lang, cur = c.currency;
    const acc = v.accounts[this.selected], id = acc.id;
    const parts = [h("h2", {}, t("plan.allocation"))];
    if (this.needFocus) parts.push(h("p", { class: "muted" }, t("plan.need_marked", { need: t(`need.${this.needFocus}`) })));
    if (acc.lost) {
      parts.push(h("p", { class: "warn" }, t("plan.account_lost")));
      this.allocNode.replaceChildren(...parts);
      return;
    }
    const daysFmt = (x) => fmt.days(x, lang);
    if (c.actions.includes("am_days") || c.actions.includes("exec_days")) parts.push(h("h3", {}, t("plan.people_days")));
    for (const sh of acc.stakeholders) {
      const role = sh.role ? c.roles[sh.role].name : t("plan.role_unknown");
      const rows = [h("div", { class: "muted" }, `${sh.label} · ${role}`)];
      for (const action of ["am_days", "exec_days"]) {
        if (!c.actions.includes(action)) continue;
        let tip = t(`action.${action}.tip`);
        if (action === "exec_days" && sh.role) tip += ` ${t("plan.exec_affinity", { x: c.roles[sh.role].exec_affinity })}`;
        const perDay = c.costs[action === "am_days" ? "am_day" : "exec_day"];
        rows.push(this.stepper({ id: `${action}-${id}-${sh.id}`, label: t(`action.${action}`), tip, step: 0.5,
          max: c.resources[action], value: (this.acts(id)[action] || {})[sh.id] || 0, format: daysFmt,
          cost: perDay ? t("web.per_day", { cost: fmt.money(perDay, lang, cur) }) : "",
          set: (x) => this.setDays(id, action, sh.id, x), mark: this.marks(action), unit: 1 }));
      }
      parts.push(h("div", { class: "person-days", role: "group", "aria-label": sh.label }, rows));
    }
    parts.push(h("h3", {}, t("plan.account_actions")));
    for (const [action, step, max, kind] of STEPPERS) {
      if (!c.actions.includes(action) || (action === "supply" && !v.peak)) continue;
      const current = action === "credit_days" ? (this.acts(id).credit_days ?? acc.credit_days) : (this.acts(id)[action] || 0);
      const format = { days: daysFmt, money: (x) => fmt.money(x, lang, cur), percent: (x) => fmt.percent(x),
        credit: (x) => t("plan.credit_value", { days: Math.round(x) }) }[kind];
      const perDay = { support_days: c.costs.support_day, training_days: c.costs.training_day }[action];
      parts.push(this.stepper({ id: `${action}-${id}`, label: t(`action.${action}`), tip: t(`action.${action}.tip`),
        step, max: max(c), value: current, format, unit: kind === "percent" ? 100 : 1,
        cost: perDay ? t("web.per_day", { cost: fmt.money(perDay, lang, cur) }) : "",
        set: (x) => this.set(id, action, x), mark: this.marks(action) }));
    }
    for (const action of TOGGLES) {
      if (!c.actions.includes(action)) continue;
      parts.push(this.toggle(action, `${t(`action.${action}`)} (${fmt.money(c.costs[action], lang, cur)})`,
        !!this.acts(id)[action], (on) => this.set(id, action, on), `${action}-${id}`));
    }
    this.allocNode.replaceChildren(...parts);
  }

  // A number with − and + (and typed digits): the value shown in the plan's units, kept in
  // the engine's (a discount of 3 % is 0.03).
  stepper({ id, label, tip, step, max, value, format, set, mark, unit, cost }) {
    const input = h("input", { type: "number", id, min: 0, max: +(max * unit).toFixed(6), step: +(step * unit).toFixed(6),
      value: +(value * unit).toFixed(4), inputmode: "decimal", "aria-describedby": `${id}-text` });
    const text = h("span", { class: "cost", id: `${id}-text` }, [format(value), cost].filter(Boolean).join(" · "));
    const apply = (x) => {
      const clamped = Math.min(Math.max(Number.isFinite(x) ? x : 0, 0), max);
      const rounded = +clamped.toFixed(6);
      input.value = +(rounded * unit).toFixed(4);
      setText(text, [format(rounded), cost].filter(Boolean).join(" · "));
      set(rounded);
    };
    input.addEventListener("change", () => apply(Number(input.value) / unit));
    const by = (d) => () => apply(+(Number(input.value) / unit + d).toFixed(6));
    return h("div", { class: `step${mark ? " mark" : ""}`, title: tip },
      h("label", { for: id }, mark ? `▶ ${label}` : label, h("br"), text),
      h("button", { type: "button", "aria-label": `${label} −`, onclick: by(-step) }, "−"),
      input,
      h("button", { type: "button", "aria-label": `${label} +`, onclick: by(step) }, "+"));
  }

  toggle(action, label, on, set, id) {
    const box = h("input", { type: "checkbox", id, checked: on || null, onchange: () => set(box.checked) });
    return h("label", { class: `toggle${this.marks(action) ? " mark" : ""}`, title: t(`action.${action}.tip`), for: id },
      box, h("span", {}, label));
  }

  meters() {
    if (!this.meterNodes) return;
    const usage = (this.checked && this.checked.usage) || {};
    for (const r of RESOURCES) {
      const [used, available] = usage[r] || [0, this.case.resources[r]];
      const left = available - used;
      const node = this.meterNodes[r];
      setText(node.value, r === "budget" ? fmt.money(left, this.lang, this.case.currency) : fmt.number(left, this.lang, 1));
      node.node.classList.toggle("over", left < -1e-9);
      node.bar.style.width = `${available > 0 ? Math.min(Math.max(used / available, 0), 1) * 100 : 0}%`;
    }
  }

  status() {
    if (!this.statusNode) return;
    const live = this.liveState || this.page.live;
    let text, kind = "muted";
    const problem = this.checked && this.checked.problem;
    if (live.finished) text = t("team.status_finished");
    else if (live.state === "closed") text = t("team.status_closed", { i: live.round });
    else if (this.message) ({ text, kind } = this.message);
    else if (problem) {
      kind = "warn";
      text = problem.resource ? overText(problem) : t("plan.invalid", { reason: problem.reason });
    } else if (live.state === "paused") text = t("team.status_paused");
    else if (live.submitted && !this.dirty) text = t("team.status_submitted", { time: clock(live.submission && live.submission.time) });
    else if (this.checked) text = t("plan.ready", { spend: fmt.money(this.checked.usage.budget[0], this.lang, this.case.currency) });
    else text = "";
    const saving = this.saving === "unsaved" ? ` · ${t("team.unsaved")}` : this.saving === "saving" ? ` · ${t("web.saving")}` : "";
    setText(this.statusNode, text + (live.state === "open" || live.state === "paused" ? saving : ""));
    this.statusNode.className = `status ${kind}`;
    this.statusNode.setAttribute("role", kind === "warn" ? "alert" : "status");
    this.submitNode.disabled = live.state !== "open" || !!live.finished;
    setText(this.submitNode, live.submitted && !this.dirty ? t("web.submit_again") : t(this.routes.submitKey));
  }
}


function overText(problem) {
  return t("plan.over", { resource: t(`resource_name.${problem.resource}`), used: short(problem.used), available: short(problem.available) });
}

function submitError(exc, lang) {
  if (exc instanceof Offline) return t("team.error.offline");
  if (exc instanceof HostError) {
    if (exc.kind === "plan") return t("team.error.plan", { reason: (exc.texts && exc.texts[lang]) || exc.message });
    if (/paused/.test(exc.message)) return t("team.error.paused");
    if (/closed|not open/.test(exc.message)) return t("team.error.closed");
    if (exc.status === 401 || exc.status === 403) return t("team.error.access");
    return t("team.error.host", { error: exc.message });
  }
  return t("team.error.other", { error: String(exc.message || exc) });
}

function short(x) { return x >= 100 ? Math.round(x).toLocaleString("en-US") : String(+x.toPrecision(6)); }
function signed(x) { const r = Math.round(x * 10) / 10 + 0; return `${r > 0 ? "+" : r < 0 ? "" : "+"}${r.toFixed(1)}`; }
function clock(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function sparkline(values) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 70 22"); svg.setAttribute("aria-hidden", "true");
  const lo = Math.min(...values), hi = Math.max(...values);
  const pts = values.map((v, i) => `${values.length > 1 ? (i * 68) / (values.length - 1) + 1 : 35},${21 - ((v - lo) * 20) / (hi - lo || 1)}`).join(" ");
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts); line.setAttribute("fill", "none"); line.setAttribute("stroke", "#56B4E9"); line.setAttribute("stroke-width", "2");
  svg.append(line);
  return svg;
}
