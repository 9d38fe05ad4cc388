// The team's page: join (or rejoin from this browser), then plan, results and debrief.
// One poll every POLL_MS reads the host's small "live" state; the page's game data is read
// again only when a round has closed (its "page" key changes), and the screen changes only
// where something changed.
import { Api, HostError, Offline } from "./api.js";
import * as store from "./store.js";
import { h, setText, t, loadStrings, state as ui } from "./ui.js";
import { renderJoin, renderPending } from "./join.js";
import { Planner } from "./plan.js";
import { renderResults, renderDebrief } from "./report.js";
import { renderWhatIf } from "./whatif.js";
import * as fmt from "./fmt.js";

const POLL_MS = 2000;
const api = new Api();
const app = { info: null, page: null, live: null, tab: "plan", liveAt: 0, planner: null, offline: false, seenPage: null,
  whatif: null, whatifPlanner: null }; // whatif: the team's what-if page, once it has started one
window.kamApp = app; // for the tests: what the page last read
window.kamAuthor = () => (app.info && (store.remembered(app.info.session) || {}).name) || "";

function languageDefault() {
  const saved = store.savedLanguage();
  if (saved === "zh" || saved === "en") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

async function setLanguage(lang) {
  await loadStrings(api, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  store.saveLanguage(lang);
  setText(document.getElementById("lang"), lang === "zh" ? "English" : "中文");
  document.getElementById("lang").setAttribute("aria-label", t("web.switch_language"));
  setText(document.getElementById("leave"), t("team.leave"));
  document.getElementById("leave").title = t("web.leave_tip");
  setText(document.getElementById("tab-plan"), t("web.tab.plan"));
  setText(document.getElementById("tab-results"), t("web.tab.results"));
  setText(document.getElementById("tab-debrief"), t("web.tab.debrief"));
  setText(document.getElementById("tab-whatif"), t("debrief.tab.whatif"));
  document.getElementById("tabs").setAttribute("aria-label", t("web.pages"));
}

function setOffline(offline, reason = "") {
  app.offline = offline;
  const marker = document.getElementById("offline");
  marker.hidden = !offline;
  setText(marker, t("team.offline"));
  marker.title = reason;
  document.body.classList.toggle("is-offline", offline);
}

// -- joining ------------------------------------------------------------------------------
async function boot() {
  await setLanguage(languageDefault());
  document.getElementById("lang").addEventListener("click", async () => {
    await setLanguage(ui.lang === "zh" ? "en" : "zh");
    showTitle();
    if (app.whatif) app.whatif = await readWhatIf();
    if (app.page) { const tab = app.tab; app.page = null; await refreshPage(tab); }
    else if (app.waiting) app.waiting(); // still waiting for the facilitator: stay there
    else showJoin();
  });
  document.getElementById("leave").addEventListener("click", leave);
  document.getElementById("tabs").addEventListener("click", (e) => {
    const tab = e.target.closest("button")?.dataset.tab;
    if (tab) { app.tab = tab; render(); }
  });
  for (;;) {
    try { app.info = (await api.call("GET", "/api/info")).data; break; } catch (exc) {
      setOffline(true, String(exc.message));
      document.getElementById("loading").textContent = t("team.offline");
      await sleep(POLL_MS);
    }
  }
  setOffline(false);
  showTitle();
  const known = store.remembered(app.info.session);
  if (known && known.token) {
    api.token = known.token;
    if (await startTeam()) return;
    store.forget(app.info.session, "token");
    api.token = null;
    app.notice = t("join.error.link_gone", { team: known.team || "" });
  } else if (known && known.request) {
    return followRequest(known);
  }
  showJoin();
}

function showTitle() {
  if (!app.info) return;
  setText(document.getElementById("case-title"), pick(app.info.title));
  document.title = `${pick(app.info.title)} · KAM Sandbox`;
}

function pick(text) { return (text && (text[ui.lang] || text.en)) || ""; }

function showJoin() {
  const known = store.remembered(app.info.session) || {};
  renderJoin(document.getElementById("main"), app.info, known, app.notice, join);
}

async function join({ team, code, name, secret }) {
  const body = { team, code, device: name };
  if (secret) body.secret = secret;
  const answer = await api.call("POST", "/api/join", body);
  store.remember(app.info.session, { name, team: answer.data.team.name, teamId: answer.data.team.id });
  if (answer.status === 202) {
    store.remember(app.info.session, { request: answer.data.request, key: answer.data.key });
    return followRequest(store.remembered(app.info.session));
  }
  admitted(answer.data);
  return startTeam();
}

function admitted(data) {
  store.remember(app.info.session, { token: data.token, secret: data.secret, request: null, key: null });
  api.token = data.token;
}

async function followRequest(known) {
  const main = document.getElementById("main");
  let stop = false;
  app.waiting = () => renderPending(main, known.team, () => {
    stop = true; app.waiting = null; store.forget(app.info.session, "request", "key"); showJoin();
  });
  app.waiting();
  try { await waitForApproval(known, () => stop); } finally { app.waiting = null; }
}

async function waitForApproval(known, stopped) {
  while (!stopped()) {
    try {
      const answer = await api.call("POST", "/api/join/status", { request: known.request, key: known.key });
      setOffline(false);
      if (answer.status === 200) { admitted(answer.data); await startTeam(); return; }
    } catch (exc) {
      if (exc instanceof Offline) setOffline(true, exc.message);
      else {
        store.forget(app.info.session, "request", "key");
        app.notice = exc.status === 403 && exc.kind === "forbidden" && /did not let/.test(exc.message)
          ? t("join.error.denied", { team: known.team || "" }) : exc.message;
        if (!stopped()) showJoin();
        return;
      }
    }
    await sleep(POLL_MS);
  }
}

function leave() {
  // This device stays admitted (its token is kept): leaving only goes back to the join page.
  app.page = null; app.live = null; app.planner?.flush();
  document.getElementById("tabs").hidden = true;
  document.getElementById("leave").hidden = true;
  document.getElementById("team-name").hidden = true;
  document.getElementById("score-box").hidden = true;
  document.getElementById("secret").hidden = true;
  setText(document.getElementById("round-line"), ""); setText(document.getElementById("timer"), "");
  document.getElementById("headline").hidden = true;
  stopPolling();
  app.notice = null;
  showJoin();
}

// -- playing ------------------------------------------------------------------------------
let pollTimer = null, tickTimer = null;
function stopPolling() { clearTimeout(pollTimer); clearInterval(tickTimer); pollTimer = tickTimer = null; }

async function startTeam() {
  try {
    await refreshPage();
  } catch (exc) {
    if (exc instanceof HostError && (exc.status === 401 || exc.status === 403)) return false;
    throw exc;
  }
  document.getElementById("leave").hidden = false;
  document.getElementById("tabs").hidden = false;
  stopPolling();
  pollTimer = setTimeout(poll, POLL_MS);
  tickTimer = setInterval(showTimer, 1000);
  return true;
}

// keep: the tab to stay on (a language switch reads the page again, in the same place).
async function refreshPage(keep = null) {
  const page = (await api.call("GET", `/api/team/page?lang=${ui.lang}`)).data;
  const roundClosed = app.page && page.results.length > app.page.results.length;
  const first = !app.page;
  app.page = page;
  if (first && page.live.closed_rounds > 0 && page.live.state === "closed") app.tab = "results";
  if (roundClosed) app.tab = page.live.finished ? "debrief" : "results";
  if (page.live.finished && first) app.tab = "debrief";
  if (keep) app.tab = keep;
  app.planner = new Planner(page, api, ui.lang, app.planner, onSubmitted);
  applyLive(page.live);
  render();
}

async function poll() {
  try {
    const live = (await api.call("GET", "/api/team/live")).data;
    if (app.offline) { setOffline(false); app.planner?.reconnected(); }
    if (live.page !== app.page.page) await refreshPage();
    else applyLive(live);
  } catch (exc) {
    if (exc instanceof Offline) setOffline(true, exc.message);
    else if (exc instanceof HostError && exc.status === 401) { leave(); return; }
  }
  pollTimer = setTimeout(poll, POLL_MS);
}

function onSubmitted() { poll(); }

function applyLive(live) {
  const before = app.live;
  app.live = live;
  app.liveAt = performance.now();
  const chip = document.getElementById("team-name");
  chip.hidden = false;
  setText(chip, live.team.name);
  chip.style.background = live.team.colour;
  const secret = document.getElementById("secret");
  secret.hidden = !live.rejoin_secret;
  setText(secret, t("team.rejoin_secret", { secret: live.rejoin_secret || "" }));
  secret.title = t("team.rejoin_secret_tip");
  const stateWord = { paused: t("team.paused"), closed: t("team.closed", { i: live.round }),
    finished: t("team.finished") }[live.state];
  setText(document.getElementById("round-line"),
    t("team.round", { i: live.round, n: live.rounds }) + (stateWord ? ` · ${stateWord}` : ""));
  const headlines = live.headlines || [];
  const bar = document.getElementById("headline");
  bar.hidden = !headlines.length;
  if (headlines.length) setText(bar, t("team.news_line", { headline: pick(headlines[headlines.length - 1].headline) || headlines[headlines.length - 1].event }));
  showTimer();
  if (app.planner) app.planner.live(live);
  if (before && (before.state !== live.state || before.submitted !== live.submitted) && app.tab === "plan") app.planner?.status();
}

function showTimer() {
  const live = app.live, box = document.getElementById("timer");
  const timer = live && live.timer;
  if (!timer || timer.remaining === null || timer.remaining === undefined || live.finished) { setText(box, ""); return; }
  let left = timer.remaining;
  if (timer.running) left = Math.max(0, left - (performance.now() - app.liveAt) / 1000);
  const mm = Math.floor(left / 60), ss = Math.floor(left % 60);
  const clock = `${mm}:${String(ss).padStart(2, "0")}`;
  const text = left <= 0 ? t("team.time_up") : timer.running ? t("team.timer", { time: clock }) : t("team.timer_paused", { time: clock });
  setText(box, text);
  box.classList.toggle("low", left < 60);
}

function render() {
  const page = app.page;
  const main = document.getElementById("main");
  const tabs = { plan: true, results: page.results.length > 0, debrief: !!page.debrief, whatif: !!(page.debrief && app.whatif) };
  if (!tabs[app.tab]) app.tab = "plan";
  for (const [tab, shown] of Object.entries(tabs)) {
    const button = document.getElementById(`tab-${tab}`);
    button.hidden = !shown;
    if (app.tab === tab) button.setAttribute("aria-current", "page"); else button.removeAttribute("aria-current");
  }
  const scoreBox = document.getElementById("score-box");
  scoreBox.hidden = !page.results.length;
  setText(document.getElementById("score-label"), t("plan.score"));
  setText(document.getElementById("score"), fmt.score(page.scorecard.score));
  main.dataset.page = app.tab;
  if (app.tab === "plan") app.planner.mount(main);
  else if (app.tab === "results") renderResults(main, page, ui.lang);
  else if (app.tab === "whatif") {
    app.whatifPlanner = renderWhatIf(main, app.whatif, api, ui.lang, refreshWhatIf, () => { app.tab = "debrief"; render(); },
      app.whatifPlanner);
  } else renderDebrief(main, page, ui.lang, () => api.call("GET", "/api/team/references"), startWhatIf);
}

// The what-if (after the workshop): started from the debrief, read again after each quarter.
async function startWhatIf(turn) {
  await api.call("POST", "/api/team/whatif", { turn });
  await refreshWhatIf();
}

async function refreshWhatIf() {
  app.whatif = await readWhatIf();
  app.tab = app.whatif ? "whatif" : "debrief";
  render();
}

// The what-if page, or null when the host has none for the team (it keeps them in memory:
// a restarted host has forgotten it; the debrief starts another).
async function readWhatIf() {
  try {
    return (await api.call("GET", `/api/team/whatif?lang=${ui.lang}`)).data;
  } catch (exc) {
    if (exc instanceof HostError && exc.status === 409) return null;
    throw exc;
  }
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

boot().catch((exc) => {
  document.getElementById("main").replaceChildren(h("p", { class: "error", role: "alert" }, t("team.error.other", { error: exc.message })));
});
