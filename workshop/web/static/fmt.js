// Number formats, as base/fmt.py writes them (tests/web compares the two): ¥ with 万/亿 in
// Chinese, k/M/B in English; half-up rounding of the number as written; "—" for NaN.
export const MISSING = "—";
const SYMBOLS = { CNY: "¥", USD: "$", EUR: "€" };
const ZH = [[0, 1, "", 0], [1e4, 1e4, "万", 1], [1e8, 1e8, "亿", 2]];
const EN = [[0, 1, "", 0], [1e4, 1e3, "k", 1], [1e6, 1e6, "M", 2], [1e9, 1e9, "B", 1]];

const isZh = (lang) => String(lang).toLowerCase().startsWith("zh");
const finite = (v) => typeof v === "number" && Number.isFinite(v);

// Half-up on the shortest decimal form: "1.005e2" is 100.5 exactly, so 1.005 → 1.01.
function roundHalfUp(value, digits) {
  const sign = value < 0 ? -1 : 1;
  const r = Number(Math.round(Number(`${Math.abs(value)}e${digits}`)) + `e-${digits}`);
  return sign * r;
}

function group(value, digits) {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function sign(rounded, explicit) {
  if (rounded < 0) return "-";
  if (!explicit) return "";
  return rounded > 0 ? "+" : "±";
}

function compact(magnitude, lang) {
  const tiers = isZh(lang) ? ZH : EN;
  for (let i = 0; i < tiers.length; i++) {
    const [, divisor, suffix, decimals] = tiers[i];
    const scaled = roundHalfUp(magnitude / divisor, decimals);
    if (i + 1 === tiers.length || scaled * divisor < tiers[i + 1][0]) {
      return [scaled, group(scaled, decimals) + suffix];
    }
  }
  return [magnitude, String(magnitude)];
}

function moneyText(value, lang, currency, explicit) {
  if (!finite(value)) return MISSING;
  const [scaled, text] = compact(Math.abs(value), lang);
  const code = String(currency || "CNY").toUpperCase();
  const body = SYMBOLS[code] ? SYMBOLS[code] + text : `${code} ${text}`;
  return sign(value >= 0 ? scaled : -scaled, explicit) + body;
}

export const money = (v, lang, currency = "CNY") => moneyText(v, lang, currency, false);
export const deltaMoney = (v, lang, currency = "CNY") => moneyText(v, lang, currency, true);

export function percent(v, digits = 0) {
  if (!finite(v)) return MISSING;
  const r = roundHalfUp(v * 100, digits);
  return `${sign(r, false)}${Math.abs(r).toFixed(digits)}%`;
}

export function number(v, lang, digits = 0) {
  if (!finite(v)) return MISSING;
  const r = roundHalfUp(v, digits);
  return sign(r, false) + group(Math.abs(r), digits);
}

export function days(v, lang, digits = 1) {
  if (!finite(v)) return MISSING;
  const r = roundHalfUp(v, digits);
  let text = number(r, lang, digits);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  if (isZh(lang)) return `${text} 天`;
  return Math.abs(r) === 1 ? `${text} day` : `${text} days`;
}

export function score(v) {
  if (!finite(v)) return MISSING;
  const r = roundHalfUp(v, 0);
  return sign(r, false) + String(Math.abs(r));
}

export function quarterLabel(turn, startQuarter, lang) {
  const index = startQuarter - 1 + turn - 1;
  const year = Math.floor(index / 4) + 1, q = (index % 4) + 1;
  return isZh(lang) ? `第${year}年 Q${q}` : `Year ${year} Q${q}`;
}
