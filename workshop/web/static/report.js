// Results (a played quarter: news, why revenue moved, the accounts that moved most and why,
// the KPI charts)
// and the debrief (the grade, each scorecard item against its target, the lessons).
import { h, t } from "./ui.js";
import { barList, lineChart } from "./charts.js";
import * as fmt from "./fmt.js";
import { Offline } from "./api.js";

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

// reference: another game's KPIs by quarter (the expert's in the debrief, the original
// game's beside a what-if), drawn dashed beside the team's and named referenceName.
export function kpiCharts(page, lang, upto, reference = null, referenceName = t("strategy.expert")) {
  const history = page.kpis.slice(0, upto);
  const labels = history.map((_, i) => quarterShort(i + 1, page.case.start_quarter));
  const series = (metric) => [{ name: t(`kpi.${metric}`), values: history.map((q) => q[metric]) }].concat(
    reference ? [{ name: referenceName, values: reference.slice(0, upto).map((q) => q[metric]), dashed: true }] : []);
  return h("div", { class: "charts" }, CHART_KPIS.map((metric) => h("figure", { class: "card", style: "margin:0" },
    lineChart({ title: t(`kpi.${metric}`), labels, series: series(metric), format: axisFormat(metric, lang, page.case.currency) }))));
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
  // What went well (+) and badly (−) at each account: the sign is written, not only coloured.
  const reasons = (m) => h("ul", { class: "reasons" },
    m.gains.map((s) => h("li", { class: "gain" }, h("span", { class: "sign" }, "+"), s)),
    (m.why.length || m.gains.length ? m.why : [t("driver.none")]).map((s) => h("li", { class: "loss" }, h("span", { class: "sign" }, "−"), s)));
  const movers = h("section", { class: "card", "aria-labelledby": "movers-title" }, h("h2", { id: "movers-title" }, t("results.changes")),
    r.movers.length ? r.movers.map((m) => h("div", { class: "mover" }, h("h3", {}, m.name), h("p", {}, m.summary),
      m.split ? h("p", { class: "muted" }, m.split) : null, reasons(m)))
      : h("p", { class: "muted" }, t("results.no_changes")));
  const why = r.why ? h("section", { class: "card", "aria-labelledby": "why-title" }, h("h2", { id: "why-title" }, t("why.title")),
    h("p", { class: "why-total" }, r.why.total), h("p", { class: "muted" }, r.why.world), h("p", {}, r.why.own),
    h("h3", { class: "good" }, t("why.worked")),
    r.why.worked.length ? h("ul", {}, r.why.worked.map((s) => h("li", {}, s))) : h("p", { class: "muted" }, t("why.none_worked")),
    h("h3", { class: "bad" }, t("why.did_not")),
    r.why.did_not.length ? h("ul", {}, r.why.did_not.map((s) => h("li", {}, s))) : h("p", { class: "muted" }, t("why.none_failed"))) : null;
  const charts = h("section", { class: "card", "aria-labelledby": "charts-title" }, h("h2", { id: "charts-title" }, t("results.charts")),
    kpiCharts(page, lang, r.turn));
  main.replaceChildren(
    h("h1", {}, t("results.title", { quarter })),
    h("p", { class: "muted" }, `${t("results.progress", { turn: r.turn, turns: page.case.turns })} · ${t("results.score_value", { score: fmt.score(r.score) })}`),
    pickers, filler || "",
    h("div", { class: "results" }, h("div", { style: "display:grid;gap:10px" }, news, why, movers), charts));
}

// startWhatIf(turn): rewind the team's game to that quarter (the what-if section's button).
export function renderDebrief(main, page, lang, loadReferences, startWhatIf) {
  const card = page.scorecard;
  const grade = h("section", { class: "card", "aria-labelledby": "grade-title" },
    h("h2", { id: "grade-title" }, t("debrief.tab.overview")),
    h("p", { class: "grade", "aria-label": `${fmt.score(card.score)} / 100` }, fmt.score(card.score), h("span", { class: "muted", style: "font-size:20px" }, " / 100")),
    h("p", { class: `band-${card.band}`, style: "font-size:22px;font-weight:700;margin:4px 0" }, t(`debrief.band.${card.band}`)),
    h("p", { class: "muted" }, t("debrief.grade_note")),
    card.luck ? h("p", { class: "muted" }, card.luck) : null,
    h("h3", {}, t("debrief.points")),
    h("div", { class: "items" }, card.items.map((it) => h("div", { class: "item" },
      h("div", {}, h("b", {}, it.name), ` ${fmt.score(it.score)}`),
      h("div", { class: "bar", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(it.score), "aria-label": it.name },
        h("span", { style: `width:${Math.max(0, Math.min(100, it.score))}%` })),
      h("small", { class: "muted" }, [`${t("debrief.col.value")} ${it.value_text}`, `${t("debrief.col.target")} ${it.target_text}`,
        it.points_text].join(" · ")),
      page.debrief.behind[it.metric] ? h("small", { class: "muted behind" }, page.debrief.behind[it.metric]) : null))));
  const lessons = h("section", { class: "card", "aria-labelledby": "lessons-title" }, h("h2", { id: "lessons-title" }, t("debrief.tab.lessons")),
    h("ul", { class: "lessons" }, (page.debrief.lessons || []).map((l) => h("li", {},
      h("b", {}, l.title), " ", h("span", { class: `verdict verdict-${l.verdict}` }, t(`debrief.verdict.${l.verdict}`)),
      h("p", { style: "margin:2px 0 0" }, l.evidence)))));
  const chartsBody = h("div", {}, kpiCharts(page, lang, page.kpis.length));
  const charts = h("section", { class: "card", "aria-labelledby": "game-charts" }, h("h2", { id: "game-charts" }, t("debrief.tab.charts")),
    chartsBody);
  const compare = h("section", { class: "card", "aria-labelledby": "compare-title", "aria-busy": "true" },
    h("h2", { id: "compare-title" }, t("debrief.tab.compare")), h("p", { class: "muted" }, t("web.compare.playing")));
  const withReferences = (refs) => { // in place: the rest of the page (and its scroll) stays
    compare.replaceChildren(...compareSection(page, lang, refs));
    compare.removeAttribute("aria-busy");
    chartsBody.replaceChildren(kpiCharts(page, lang, page.kpis.length, refs.history),
      h("p", { class: "legend" }, h("span", { class: "key key-you" }, t("debrief.compare.you")),
        h("span", { class: "key key-ref" }, t("strategy.expert"))));
  };
  main.replaceChildren(h("h1", {}, t("debrief.title", { scenario: page.case.title })),
    h("div", { class: "debrief" }, grade, h("div", { style: "display:grid;gap:10px" }, lessons, truthSection(page) || "", compare, charts)),
    whatifSection(page, lang, startWhatIf));
  if (references) withReferences(references);
  else askReferences(loadReferences, compare, withReferences);
}

// The built-in strategies in the team's world: the host plays them once the game is over,
// in the background; until then it answers ready: false and the page asks again.
let references = null;
const REFERENCE_RETRY_MS = 1000;

async function askReferences(load, section, show) {
  for (;;) {
    try {
      const answer = (await load()).data;
      if (answer.ready) { references = answer; if (section.isConnected) show(answer); return; }
    } catch (exc) {
      if (!(exc instanceof Offline)) { // the host refused: say why, do not ask again
        section.replaceChildren(section.firstChild, h("p", { class: "error", role: "alert" }, exc.message));
        section.removeAttribute("aria-busy");
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, REFERENCE_RETRY_MS));
    if (!section.isConnected) return; // the team left the debrief: the next visit asks
  }
}

// The comparison as the Pygame debrief draws it: score, profit, satisfaction and retention
// of the team and of each reference, side by side, then how many the team beat.
const COMPARED = ["score", "profit", "satisfaction", "retention"];

// The COMPARED figures of several games (games[k] named labels[k]) as four bar charts, the
// one labelled highlight standing out.
export function comparedCharts(labels, games, lang, currency, highlight) {
  const titles = { score: t("debrief.compare.score"), profit: t("debrief.compare.profit"),
    satisfaction: t("kpi.satisfaction"), retention: t("kpi.retention") };
  const formats = { score: fmt.score, profit: (v) => fmt.money(v, lang, currency),
    satisfaction: (v) => fmt.number(v, lang, 2), retention: (v) => fmt.percent(v) };
  return h("div", { class: "charts compare" }, COMPARED.map((metric) => h("figure", { class: "card", style: "margin:0" },
    h("figcaption", { class: "chart-caption" }, titles[metric]),
    barList({ title: titles[metric], rows: labels.map((label, k) => ({ label, value: games[k][metric] })),
      format: formats[metric], highlight }))));
}

function compareSection(page, lang, refs) {
  const you = t("debrief.compare.you");
  const labels = [you, ...refs.order.map((name) => t(`strategy.${name}`))];
  const games = [page.debrief.compared, ...refs.order.map((name) => refs.figures[name])];
  const beaten = games.slice(1).filter((g) => games[0].score > g.score).length;
  const note = (page.debrief.shared ? `${t("debrief.compare.shared")} ` : "") + t("debrief.compare.note");
  return [h("h2", { id: "compare-title" }, t("debrief.tab.compare")),
    h("p", { class: "muted" }, t("debrief.compare.title", { seed: page.debrief.seed })),
    comparedCharts(labels, games, lang, page.case.currency, you),
    h("p", { class: "beat" }, t("debrief.compare.beat", { n: beaten, total: refs.order.length })),
    h("p", { class: "muted" }, note)];
}

// Replay from an earlier quarter, as the Pygame debrief offers it: pick the quarter, and the
// host rewinds the team's game there (a shared market cannot: every team's plans shaped it).
let whatifTurn = 1;

function whatifSection(page, lang, startWhatIf) {
  const section = h("section", { class: "card", "aria-labelledby": "whatif-title", style: "margin-top:10px" },
    h("h2", { id: "whatif-title" }, t("debrief.whatif.title")));
  if (page.debrief.shared) { section.append(h("p", {}, t("debrief.whatif.shared"))); return section; }
  const turns = page.results.length;
  whatifTurn = Math.min(Math.max(whatifTurn, 1), turns);
  const chosen = h("p", { class: "muted", "aria-live": "polite" });
  const error = h("p", { class: "error", role: "alert" });
  const showChosen = () => {
    const r = page.results[whatifTurn - 1];
    chosen.textContent = t("debrief.whatif.chosen", { quarter: fmt.quarterLabel(whatifTurn, page.case.start_quarter, lang), score: fmt.score(r.score) })
      + " " + (r.news.length ? r.news.join(" · ") : t("results.no_news"));
    for (const b of pickers.children) b.setAttribute("aria-pressed", String(Number(b.dataset.turn) === whatifTurn));
  };
  const pickers = h("div", { class: "quarters", role: "group", "aria-label": t("debrief.whatif.pick") },
    page.results.map((q) => h("button", { type: "button", "data-turn": q.turn, onclick: () => { whatifTurn = q.turn; showChosen(); } },
      fmt.quarterLabel(q.turn, page.case.start_quarter, lang))));
  const go = h("button", { type: "button", class: "primary", id: "whatif-start", onclick: async () => {
    go.disabled = true; error.textContent = "";
    try { await startWhatIf(whatifTurn); } catch (exc) { error.textContent = exc.message; go.disabled = false; }
  } }, t("debrief.whatif.replay"));
  section.append(h("p", {}, `${t("debrief.whatif.text")} ${t("whatif.text")}`), h("p", { class: "pick" }, t("debrief.whatif.pick")),
    pickers, chosen, go, error);
  showChosen();
  return section;
}

// A built-in strategy's name ("uniform" → "Even spread"), as base/i18n.strategy_name has it.
function policyName(policy) {
  const key = `strategy.${policy.replace(/-/g, "_")}`;
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
