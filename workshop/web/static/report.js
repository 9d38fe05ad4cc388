// Results (a played quarter: news, the accounts that moved most and why, the KPI charts)
// and the debrief (the grade, each scorecard item against its target, the lessons).
import { h, t } from "./ui.js";
import { lineChart } from "./charts.js";
import * as fmt from "./fmt.js";

const CHART_KPIS = ["revenue", "profit", "satisfaction", "nps", "receivables", "share_of_wallet"];
let shownTurn = null, shownOf = 0; // the quarter picked, among how many played

function axisFormat(metric, lang, currency) {
  if (["revenue", "profit", "receivables"].includes(metric)) return (v) => fmt.money(v, lang, currency);
  if (["share_of_wallet", "retention"].includes(metric)) return (v) => fmt.percent(v);
  if (metric === "satisfaction") return (v) => fmt.number(v, lang, 1);
  return (v) => fmt.number(v, lang, 0);
}

function quarterShort(turn, start) {
  const index = start - 1 + turn - 1;
  return t("results.xq", { year: Math.floor(index / 4) + 1, q: (index % 4) + 1 });
}

export function kpiCharts(page, lang, upto) {
  const history = page.kpis.slice(0, upto);
  const labels = history.map((_, i) => quarterShort(i + 1, page.case.start_quarter));
  return h("div", { class: "charts" }, CHART_KPIS.map((metric) => h("figure", { class: "card", style: "margin:0" },
    lineChart({ title: t(`kpi.${metric}`), labels, series: [{ name: t(`kpi.${metric}`), values: history.map((q) => q[metric]) }],
      format: axisFormat(metric, lang, page.case.currency) }))));
}

export function renderResults(main, page, lang) {
  const results = page.results;
  if (shownOf !== results.length) { shownTurn = results.length; shownOf = results.length; }
  const r = results[shownTurn - 1];
  const quarter = fmt.quarterLabel(r.turn, page.case.start_quarter, lang);
  const pickers = h("div", { class: "quarters", role: "group", "aria-label": t("web.quarters") }, results.map((q) =>
    h("button", { type: "button", "aria-pressed": q.turn === shownTurn ? "true" : "false",
      onclick: () => { shownTurn = q.turn; renderResults(main, page, lang); } },
      fmt.quarterLabel(q.turn, page.case.start_quarter, lang))));
  const filler = r.filled_by ? h("p", { class: "warn" }, t("team.filled_in", { policy: policyName(r.filled_by) })) : null;
  const news = h("section", { class: "card", "aria-labelledby": "news-title" }, h("h2", { id: "news-title" }, t("results.news")),
    r.news.length ? h("ul", {}, r.news.map((line) => h("li", {}, line))) : h("p", { class: "muted" }, t("results.no_news")));
  const movers = h("section", { class: "card", "aria-labelledby": "movers-title" }, h("h2", { id: "movers-title" }, t("results.changes")),
    r.movers.length ? r.movers.map((m) => h("div", { class: "mover" }, h("h3", {}, m.name), h("p", {}, m.summary),
      h("ul", {}, (m.why.length ? m.why : [t("driver.none")]).map((s) => h("li", {}, s)))))
      : h("p", { class: "muted" }, t("results.no_changes")));
  const charts = h("section", { class: "card", "aria-labelledby": "charts-title" }, h("h2", { id: "charts-title" }, t("results.charts")),
    kpiCharts(page, lang, r.turn));
  main.replaceChildren(
    h("h1", {}, t("results.title", { quarter })),
    h("p", { class: "muted" }, `${t("results.progress", { turn: r.turn, turns: page.case.turns })} · ${t("results.score_value", { score: fmt.score(r.score) })}`),
    pickers, filler || "",
    h("div", { class: "results" }, h("div", { style: "display:grid;gap:10px" }, news, movers), charts));
}

export function renderDebrief(main, page, lang) {
  const card = page.scorecard;
  const total = card.items.reduce((a, it) => a + it.weight, 0) || 1;
  const grade = h("section", { class: "card", "aria-labelledby": "grade-title" },
    h("h2", { id: "grade-title" }, t("debrief.tab.overview")),
    h("p", { class: "grade", "aria-label": `${fmt.score(card.score)} / 100` }, fmt.score(card.score), h("span", { class: "muted", style: "font-size:20px" }, " / 100")),
    h("p", { class: `band-${card.band}`, style: "font-size:22px;font-weight:700;margin:4px 0" }, t(`debrief.band.${card.band}`)),
    h("p", { class: "muted" }, t("debrief.grade_note")),
    h("h3", {}, t("debrief.points")),
    h("div", { class: "items" }, card.items.map((it) => h("div", { class: "item" },
      h("div", {}, h("b", {}, it.name), ` ${fmt.score(it.score)}`),
      h("div", { class: "bar", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(it.score), "aria-label": it.name },
        h("span", { style: `width:${Math.max(0, Math.min(100, it.score))}%` })),
      h("small", { class: "muted" }, [`${t("debrief.col.value")} ${it.value_text}`, `${t("debrief.col.target")} ${it.target_text}`,
        `${t("debrief.col.weight")} ${fmt.percent(it.weight / total)}`].join(" · "))))));
  const lessons = h("section", { class: "card", "aria-labelledby": "lessons-title" }, h("h2", { id: "lessons-title" }, t("debrief.tab.lessons")),
    h("ul", { class: "lessons" }, (page.debrief.lessons || []).map((l) => h("li", {},
      h("b", {}, l.title), " ", h("span", { class: `verdict verdict-${l.verdict}` }, t(`debrief.verdict.${l.verdict}`)),
      h("p", { style: "margin:2px 0 0" }, l.evidence)))));
  const charts = h("section", { class: "card", "aria-labelledby": "game-charts" }, h("h2", { id: "game-charts" }, t("debrief.tab.charts")),
    kpiCharts(page, lang, page.kpis.length));
  main.replaceChildren(h("h1", {}, t("debrief.title", { scenario: page.case.title })),
    h("div", { class: "debrief" }, grade, h("div", { style: "display:grid;gap:10px" }, lessons, truthSection(page) || "", charts)));
}

function policyName(policy) {
  const key = `debrief.policy.${policy}`;
  return t(key) === key ? policy : t(key);
}

let truthShown = 0;

// The hidden truth, account by account: real needs beside the last reading, the people's
// real roles, influence, stance and trust beside what the team saw.
function truthSection(page) {
  const truths = page.debrief.truths || [];
  if (!truths.length) return null;
  const body = h("div", { id: "truth-body" });
  const show = () => {
    const tr = truths[Math.min(truthShown, truths.length - 1)];
    const table = (caption, head, rows) => h("div", { class: "table-wrap" }, h("table", {},
      h("caption", {}, caption), h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, k) => k ? h("td", {}, c) : h("th", { scope: "row" }, c)))))));
    body.replaceChildren(h("p", { class: "muted" }, tr.status), h("p", {}, tr.measured),
      table(t("debrief.truth.needs"), ["", t("debrief.truth.real"), t("debrief.truth.yours")], tr.needs),
      table(t("debrief.truth.people"), ["name", "role", "seen_role", "influence", "stance", "seen_stance", "trust"]
        .map((k) => t(`debrief.truth.col.${k}`)), tr.people));
  };
  const select = h("select", { id: "truth-account", onchange: (e) => { truthShown = Number(e.target.value); show(); } },
    truths.map((tr, i) => h("option", { value: i, selected: i === truthShown ? true : null }, tr.name)));
  show();
  return h("section", { class: "card", "aria-labelledby": "truth-title" }, h("h2", { id: "truth-title" }, t("debrief.tab.truth")),
    h("label", { for: "truth-account" }, t("debrief.truth.pick"), " "), select, body);
}
