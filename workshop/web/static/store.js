// What this browser remembers of a workshop (localStorage, per session id): the device's
// token, the team's rejoin secret, the player's name; so that reopening the page rejoins
// without typing anything. A device waiting for approval remembers its request too.
const KEY = "kam-sandbox.workshops";

function all() {
  try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch { return {}; }
}

export function remembered(session) { return all()[session] || null; }

export function remember(session, values) {
  const stored = all();
  stored[session] = { ...(stored[session] || {}), ...values };
  try { localStorage.setItem(KEY, JSON.stringify(stored)); } catch { /* private mode: no rejoin */ }
}

export function forget(session, ...fields) {
  const stored = all();
  if (!stored[session]) return;
  for (const f of fields) delete stored[session][f];
  try { localStorage.setItem(KEY, JSON.stringify(stored)); } catch { /* ignore */ }
}

export function savedLanguage() {
  try { return localStorage.getItem("kam-sandbox.lang"); } catch { return null; }
}

export function saveLanguage(lang) {
  try { localStorage.setItem("kam-sandbox.lang", lang); } catch { /* ignore */ }
}
