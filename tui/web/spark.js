// Sparklines as SVG: a line over a filled area, scaled to the samples' largest value.

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// An SVG sparkline of `values` (numbers, oldest first) in a `w` × `h` box; `max` fixes the
// top (e.g. 100 for a percentage), otherwise the largest sample is.
export function spark(values, { w = 120, h = 28, max = null, cls = "" } = {}) {
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none", class: `spark ${cls}` });
  const data = values.length ? values : [0];
  const top = Math.max(max ?? Math.max(...data), 1e-9);
  const step = data.length > 1 ? w / (data.length - 1) : w;
  const pts = data.map((v, i) => {
    const x = data.length > 1 ? i * step : w;
    const y = h - 1 - (Math.min(v, top) / top) * (h - 2);
    return [x.toFixed(1), y.toFixed(1)];
  });
  if (pts.length === 1) pts.unshift(["0", pts[0][1]]);
  const line = pts.map((p) => p.join(",")).join(" ");
  svg.append(el("polygon", { points: `0,${h} ${line} ${w},${h}`, class: "area" }));
  svg.append(el("polyline", { points: line, class: "line" }));
  const [lx, ly] = pts[pts.length - 1];
  svg.append(el("circle", { cx: lx, cy: ly, r: 1.8, class: "dot" }));
  return svg;
}

// Replaces the contents of `box` with a sparkline of `values`.
export function drawSpark(box, values, opts) {
  if (!box) return;
  box.replaceChildren(spark(values, opts));
}

// Bytes as B, KiB, MiB or GiB (as the terminal observer writes them).
export function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
  if (u === 0) return `${n}B`;
  return v < 10 ? `${v.toFixed(1)}${units[u]}` : `${v.toFixed(0)}${units[u]}`;
}

// A count with k, M or G (fuel: 1 fuel = 1 wasm instruction).
export function count(n) {
  if (n < 1e3) return `${n}`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

// Microseconds as seconds with one decimal.
export function secs(us) {
  return `${(Math.max(0, us) / 1e6).toFixed(1)}s`;
}
