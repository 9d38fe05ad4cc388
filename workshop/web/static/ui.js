// Small DOM helpers and the language tables (the Pygame game's own strings, served by the
// host from base/locales as /api/strings/{lang}).
// Both languages hold the same keys (tests/game/test_i18n.py), so one table is loaded.
export const state = { lang: "en", strings: {} };

export async function loadStrings(api, lang) {
  state.strings = (await api.call("GET", `/api/strings/${lang}`)).data;
  state.lang = lang;
}

// tr() as base/i18n.py has it: the key's text with {name} filled in (the key if missing).
export function t(key, values) {
  const text = state.strings[key] || key;
  if (!values) return text;
  return text.replace(/\{(\w+)(?::[^}]*)?\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

// h("div", {class: "x", onclick: f}, child, "text", …): an element.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// Change a text only when it differs: a poll leaves the rest of the page (and focus) alone.
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}
