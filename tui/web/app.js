// The web observer's page: one websocket to the server, which sends the header and the
// window of the page shown (a row unchanged since the last frame comes as its bare pid).
// The page says what it shows ({op: "view"}); sorting, filtering and cutting happen on
// the server, as in the terminal observer.

import { renderProcesses, renderTree, renderEvents, resetEvents } from "./pages.js";
import { renderDetail } from "./detail.js";
import { drawSpark } from "./spark.js";

const $ = (id) => document.getElementById(id);

export const state = {
  view: { page: "processes", sort: "pid", invert: false, filter: "", offset: 0, limit: 100, folded: [], pid: null },
  filters: { processes: "", tree: "", events: "" },
  header: null,
  canChange: false,
  rows: new Map(), // the last frame's rows, by pid
  rowList: [], // and in order
  trend: { n: 0, fuel: [], mem: [], cpu: [] }, // the header's last two minutes
  confirm: null, // the pid whose kill waits for a confirm
  killed: new Set(), // pids the node said it killed
  paused: false,
  frames: 0,
  bytes: 0,
  lastBytes: 0,
  last: null, // the page's last window, to draw again
};

let ws = null;
let retry = 500;

function connect() {
  ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  ws.onopen = () => { retry = 500; };
  ws.onmessage = (e) => {
    state.lastBytes = e.data.length;
    state.bytes += e.data.length;
    const msg = JSON.parse(e.data);
    if (msg.t === "hello") hello(msg);
    else if (msg.t === "frame") frame(msg);
    else if (msg.t === "notice") told(msg);
  };
  ws.onclose = () => {
    document.body.dataset.state = "disconnected";
    setMode("disconnected", "DISCONNECTED");
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 8000);
  };
}

export function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

export function sendView() {
  send({ op: "view", ...state.view });
}

function hello(msg) {
  state.canChange = msg.can_change;
  state.rows = new Map();
  state.rowList = [];
  $("look").hidden = msg.can_change;
  document.title = `grain observe · ${msg.title}`;
  resetEvents();
  send({ op: "rate", ms: Number($("rate").value) });
  if (state.paused) send({ op: "pause", on: true });
  sendView();
}

function frame(f) {
  state.frames += 1;
  if (f.header) header(f.header);
  const w = f.window || {};
  if (w.rows === "same") {
    w.rows = state.rowList;
  } else if (Array.isArray(w.rows)) {
    // Every frame's rows are kept (the server compares with what it last sent).
    w.rows = w.rows.map((r) => (typeof r === "string" ? state.rows.get(r) : r)).filter(Boolean);
    state.rows = new Map(w.rows.filter((r) => !r.link).map((r) => [r.pid, r]));
    state.rowList = w.rows;
    for (const pid of state.killed) if (!state.rows.has(pid)) state.killed.delete(pid);
  }
  wire();
  if (f.page !== state.view.page) return;
  state.last = { page: f.page, w };
  if (f.page === "events") renderEvents($("page"), w);
  else draw(f.page, w);
  if (document.body.dataset.state !== "ended") document.body.dataset.state = "live";
}

function draw(page, w) {
  const at = $("page");
  if (page === "processes") renderProcesses(at, w);
  else if (page === "tree") renderTree(at, w);
  else if (page === "events") renderEvents(at, { ...w, reset: false, lines: [] });
  else if (page === "detail") renderDetail(at, w);
}

// Draws the last window again (after a change on the page only: a kill's confirm).
export function rerender() {
  const l = state.last;
  if (l && l.page === state.view.page) draw(l.page, l.w);
}

function setMode(cls, text) {
  const m = $("mode");
  m.className = `mode ${cls}`;
  m.textContent = text;
}

function header(h) {
  state.header = h;
  $("title").textContent = h.title;
  const modes = { live: "LIVE", paused: "PAUSED", ended: "ENDED", behind: `BEHIND: no update for ${h.quiet}` };
  setMode(h.mode, modes[h.mode] || h.mode.toUpperCase());
  if (h.mode === "ended") document.body.dataset.state = "ended";
  $("up").textContent = `up ${h.up}`;
  const c = $("cluster");
  c.hidden = !h.cluster;
  if (h.cluster) c.textContent = `cluster ${h.cluster.name}: ${h.cluster.up} up${h.cluster.down ? `, ${h.cluster.down} down` : ""}`;
  $("alive").textContent = h.alive.toLocaleString("en");
  $("spawned").textContent = h.spawned.toLocaleString("en");
  $("exited").textContent = h.exited.toLocaleString("en");
  $("fuel").textContent = h.fuel_s;
  $("procmem").textContent = h.proc_mem;
  $("rss").textContent = h.rss || "–";
  const d = $("dropped");
  d.textContent = h.dropped.toLocaleString("en");
  d.classList.toggle("warn", h.dropped > 0);
  if (h.host) {
    $("cpu").textContent = h.host.cpu;
    $("cpu-bar").style.width = `${Math.min(100, h.host.cpu_pct)}%`;
    $("hostmem").textContent = h.host.mem;
    $("mem-bar").style.width = `${Math.min(100, h.host.mem_pct)}%`;
  }
  const t = state.trend;
  if (h.trend) Object.assign(t, h.trend);
  if (h.sample && h.sample.n > t.n) {
    t.n = h.sample.n;
    for (const k of ["fuel", "mem", "cpu"]) {
      t[k].push(h.sample[k]);
      if (t[k].length > 120) t[k].shift();
    }
  }
  drawSpark($("trend-fuel"), t.fuel, { w: 160, h: 26, cls: "fuel" });
  drawSpark($("trend-mem"), t.mem, { w: 160, h: 26, cls: "mem" });
  drawSpark($("trend-cpu"), t.cpu, { w: 160, h: 26, max: 100, cls: "cpu" });
}

function wire() {
  const h = state.header;
  const skipped = h && h.skipped ? ` · ${h.skipped} ticks skipped (slow link)` : "";
  const kb = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);
  $("wire").textContent = `${state.frames} frames · last ${kb(state.lastBytes)} · every ${$("rate").selectedOptions[0].text}${skipped}`;
}

// What the server said about a request. A kill the node confirmed marks its row at once
// (the row leaves with the node's next update).
function told(msg) {
  notice(msg.text, msg.ok);
  const killed = msg.ok && /^killed (<[0-9.]+>)$/.exec(msg.text);
  if (killed) {
    state.killed.add(killed[1]);
    rerender();
  }
}

let noticeTimer = null;
export function notice(text, ok = true) {
  const n = $("notice");
  n.textContent = text;
  n.className = `notice ${ok ? "ok" : "bad"}`;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.textContent = ""; }, 8000);
}

// Routes: #/processes, #/tree, #/events, #/process/<0.5>.
function route() {
  const hash = decodeURIComponent(location.hash.slice(2));
  const [page, pid] = hash.startsWith("process/") ? ["detail", hash.slice(8)] : [hash || "processes", null];
  const v = state.view;
  const known = ["processes", "tree", "events", "detail"];
  v.page = known.includes(page) ? page : "processes";
  v.pid = pid;
  v.offset = 0;
  state.confirm = null;
  state.last = null;
  if (v.page !== "detail") v.filter = state.filters[v.page];
  const f = $("filter");
  f.hidden = v.page === "detail";
  f.value = v.filter;
  f.placeholder = v.page === "events" ? "filter events: every word must match" : "filter: pid, name, module@version, state";
  for (const a of document.querySelectorAll("#tabs a")) a.classList.toggle("active", a.dataset.page === v.page);
  $("crumb").textContent = v.page === "detail" ? `› ${pid}` : "";
  $("page").replaceChildren();
  if (v.page === "events") resetEvents();
  sendView();
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function controls() {
  let typing = null;
  $("filter").addEventListener("input", (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const v = state.view;
      v.filter = e.target.value;
      state.filters[v.page] = v.filter;
      if (v.page === "processes" || v.page === "tree") state.filters.processes = state.filters.tree = v.filter;
      v.offset = 0;
      if (v.page === "events") resetEvents();
      sendView();
    }, 120);
  });
  $("rate").addEventListener("change", (e) => { send({ op: "rate", ms: Number(e.target.value) }); wire(); });
  $("pause").addEventListener("click", () => {
    state.paused = !state.paused;
    $("pause").textContent = state.paused ? "Resume" : "Pause";
    $("pause").classList.toggle("on", state.paused);
    send({ op: "pause", on: state.paused });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== $("filter")) { e.preventDefault(); $("filter").focus(); }
    if (e.key === "Escape") {
      if (state.confirm) { state.confirm = null; rerender(); } else if (state.view.page === "detail") history.back();
    }
  });
}

window.addEventListener("hashchange", route);
controls();
route();
connect();
