// The team's what-if after the workshop (the host plays it: GET /api/team/whatif): plan the
// next quarter (at the quarter it starts from, the plan played then is filled in: change
// one thing) and play it at once; when the last quarter is played, the what-if beside the
// original game, as the Pygame debrief sets them side by side.
import { h, t } from "./ui.js";
import * as fmt from "./fmt.js";
import { Planner, WHATIF } from "./plan.js";
import { comparedCharts, kpiCharts } from "./report.js";

// refresh(): read the what-if again after a quarter is played; back(): to the debrief;
// previous: the planner this replaces (its edits are kept while the quarter is the same).
export function renderWhatIf(main, page, api, lang, refresh, back, previous) {
  const w = page.whatif, start = page.case.start_quarter;
  const from = fmt.quarterLabel(w.from, start, lang);
  const heading = h("h1", {}, t("web.whatif.heading", { quarter: from }));
  if (w.over) {
    const labels = [t("whatif.branch"), t("whatif.original")];
    main.replaceChildren(heading,
      h("section", { class: "card", "aria-labelledby": "whatif-compare" },
        h("h2", { id: "whatif-compare" }, t("whatif.title", { quarter: from })),
        comparedCharts(labels, [w.compared, w.original.compared], lang, page.case.currency, labels[0]),
        h("ul", { class: "whatif-lines" }, w.lines.map((line) => h("li", {}, line)))),
      h("section", { class: "card", "aria-labelledby": "whatif-charts", style: "margin-top:10px" },
        h("h2", { id: "whatif-charts" }, t("debrief.tab.charts")),
        kpiCharts(page, lang, page.kpis.length, w.original.kpis, t("whatif.original")),
        h("p", { class: "legend" }, h("span", { class: "key key-you" }, t("whatif.branch")),
          h("span", { class: "key key-ref" }, t("whatif.original")))),
      h("p", {}, h("button", { type: "button", id: "whatif-again", onclick: back }, t("web.whatif.again"))));
    previous?.stop();
    return null;
  }
  const next = w.turn + 1;
  const lines = [w.turn === w.from - 1 ? t("whatif.prefilled", { quarter: from })
    : t("web.whatif.next", { quarter: fmt.quarterLabel(next, start, lang), turn: next, turns: page.case.turns })];
  const last = page.results[w.turn - 1];
  if (w.turn >= w.from && last) {
    lines.push(t("web.whatif.after", { quarter: fmt.quarterLabel(w.turn, start, lang), score: fmt.score(last.score),
      original: fmt.score(w.original.scores[w.turn - 1]) }));
  }
  const news = w.turn >= w.from && last && last.news.length
    ? h("ul", { class: "muted" }, last.news.map((line) => h("li", {}, line))) : null;
  const planBox = h("div");
  main.replaceChildren(heading, h("section", { class: "card", "aria-label": t("debrief.whatif.title") },
    lines.map((line) => h("p", {}, line)), news), planBox);
  const planner = new Planner({ ...page, page: `whatif:${w.from}:${w.turn}` }, api, lang, previous, refresh, WHATIF);
  planner.live({ state: "open", finished: false, submitted: false, round: next });
  planner.mount(planBox);
  return planner;
}
