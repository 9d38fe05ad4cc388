// SVG charts drawn from data: a KPI line chart and a bar list. Okabe–Ito colours, and each
// series also differs in its marker and dash, so no reading depends on telling colours apart.
export const OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"];
const NS = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Round tick values covering [lo, hi]: 1, 2 or 5 × a power of ten.
export function ticks(lo, hi, count = 4) {
  if (!(hi > lo)) { hi = lo + (Math.abs(lo) || 1); }
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  let v = Math.floor(lo / step) * step;
  for (;;) { // up to the first tick at or above hi: every point stays inside the plot
    out.push(+v.toPrecision(12));
    if (v >= hi - step * 1e-9) return out;
    v += step;
  }
}

// series: [{name, values, dashed?}], labels: x labels; format: y axis text.
export function lineChart({ title, series, labels, format, width = 320, height = 180 }) {
  const pad = { l: 58, r: 12, t: 34, b: 26 };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  const values = series.flatMap((s) => s.values).filter(Number.isFinite);
  svg.append(el("title", {}, `${title}: ${series.map((s) => s.values.map(format).join(", ")).join(" / ")}`));
  svg.append(el("text", { x: 4, y: 15, class: "chart-title" }, title));
  if (!values.length) return svg;
  const yt = ticks(Math.min(0, ...values), Math.max(...values));
  const y0 = yt[0], y1 = yt[yt.length - 1];
  const n = Math.max(labels.length, 2);
  const x = (i) => pad.l + (i * (width - pad.l - pad.r)) / (n - 1);
  const y = (v) => height - pad.b - ((v - y0) * (height - pad.t - pad.b)) / (y1 - y0 || 1);
  for (const v of yt) {
    svg.append(el("line", { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(el("text", { x: pad.l - 4, y: y(v) + 4, class: "tick", "text-anchor": "end" }, format(v)));
  }
  const every = Math.ceil(labels.length / 5);
  labels.forEach((label, i) => {
    if (i % every === 0 || i === labels.length - 1) {
      // the last label ends at its point: centred, it would run past the plot's right edge
      const anchor = i === labels.length - 1 && i > 0 ? "end" : "middle";
      svg.append(el("text", { x: x(i) + (anchor === "end" ? 4 : 0), y: height - 8, class: "tick", "text-anchor": anchor }, label));
    }
  });
  series.forEach((s, k) => {
    const colour = OKABE_ITO[k % OKABE_ITO.length];
    const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
    svg.append(el("polyline", { points, fill: "none", stroke: colour, "stroke-width": 2.5,
      "stroke-dasharray": s.dashed ? "6 4" : "none" }));
    s.values.forEach((v, i) => {
      svg.append(k % 2 === 0
        ? el("circle", { cx: x(i), cy: y(v), r: 3.5, fill: colour })
        : el("rect", { x: x(i) - 3.5, y: y(v) - 3.5, width: 7, height: 7, fill: colour }));
    });
  });
  return svg;
}

// rows: [{label, value}]; one horizontal bar each (its length |value|, a negative one in
// vermillion and hatched, so the sign does not rest on colour), value written at its end;
// the row labelled highlight stands out in orange.
let hatches = 0; // each chart's pattern has its own id: ids are unique in a page
export function barList({ title, rows, format, highlight }) {
  const rowH = 22, width = 320, labelW = 96, textW = 58;
  const svg = el("svg", { viewBox: `0 0 ${width} ${rows.length * rowH + 4}`, role: "img", class: "chart bars" });
  svg.append(el("title", {}, `${title}: ${rows.map((r) => `${r.label} ${format(r.value)}`).join(", ")}`));
  const defs = el("defs");
  const hatchId = `hatch-${++hatches}`;
  const hatch = el("pattern", { id: hatchId, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.append(el("rect", { width: 6, height: 6, fill: OKABE_ITO[5] }), el("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#fff", "stroke-width": 2 }));
  defs.append(hatch);
  svg.append(defs);
  const max = Math.max(...rows.map((r) => Math.abs(r.value)), 1e-9);
  rows.forEach((r, i) => {
    const yy = i * rowH + 2;
    const label = el("text", { x: 0, y: yy + 15, class: "tick" }, r.label);
    if (r.label === highlight) label.setAttribute("font-weight", "700");
    svg.append(label);
    const w = ((width - labelW - textW) * Math.abs(r.value)) / max;
    const fill = r.value < 0 ? `url(#${hatchId})` : r.label === highlight ? OKABE_ITO[1] : OKABE_ITO[0];
    svg.append(el("rect", { x: labelW, y: yy + 3, width: Math.max(w, 1), height: rowH - 8, fill, rx: 2 }));
    svg.append(el("text", { x: labelW + w + 4, y: yy + 15, class: "tick" }, format(r.value)));
  });
  return svg;
}
