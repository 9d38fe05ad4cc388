// Small DOM helpers and the language tables (the Pygame game's own strings, served by the
// host from base/locales as /api/strings/{lang}).
export const state = { lang: "en", strings: {}, english: {} };

export async function loadStrings(api, lang) {
  state.strings = (await api.call("GET", `/api/strings/${lang}`)).data;
  if (!Object.keys(state.english).length) {
    state.english = lang === "en" ? state.strings : (await api.call("GET", "/api/strings/en")).data;
  }
  state.lang = lang;
}

// tr() as base/i18n.py has it: the key's text with {name} filled in; English, then the key.
export function t(key, values) {
  const text = state.strings[key] || state.english[key] || key;
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
