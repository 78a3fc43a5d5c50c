// The process table, the tree and the event log. Rows are kept by pid between frames and
// only their changed cells are written, so a page of 1,000 rows redraws cheaply.

import { state, send, sendView, go, rerender } from "./app.js";
import { secs } from "./spark.js";

// The terminal observer's columns: key (the server sorts by it), heading, cell.
const COLUMNS = [
  ["pid", "PID", (r) => r.pid],
  ["name", "NAME", (r) => r.name],
  ["module", "MODULE.FUNCTION", (r) => r.code],
  ["state", "STATE", (r) => (state.killed.has(r.pid) ? "killed" : r.state)],
  ["fuel_rate", "FUEL/S", (r) => r.fuel_s],
  ["fuel", "FUEL", (r) => r.fuel],
  ["memory", "MEMORY/MAX", (r) => r.mem],
  ["mailbox", "MBOX", (r) => r.mbox],
  ["restarts", "RST", (r) => r.rst],
  ["host_call", "HOST CALL", (r) => (r.call ? `${r.call[0]} ${secs(state.header.at_us - r.call[1])}` : "")],
  ["node", "NODE", (r) => r.node || ""],
];
const BIGGEST_FIRST = ["fuel_rate", "fuel", "memory", "mailbox", "restarts", "host_call"];
const NUMERIC = ["fuel_rate", "fuel", "memory", "mailbox", "restarts"];
const TREE = ["name", "module", "state", "fuel_rate", "memory", "mailbox", "host_call"];

/** An element with attributes (`on…` ones are listeners) and children. */
export function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

// A table with its head, made once per page and kept while the page stays.
function frameOf(page, kind, columns, sortable) {
  let wrap = page.firstElementChild;
  if (wrap && wrap.dataset.kind === kind && wrap.dataset.cols === columns.join()) return wrap;
  const head = h("tr");
  for (const key of columns) {
    const col = COLUMNS.find((c) => c[0] === key);
    const th = h("th", { "data-key": key, class: NUMERIC.includes(key) ? "num" : "" }, col ? col[1] : key);
    if (sortable && col) th.addEventListener("click", () => sortBy(key));
    head.append(th);
  }
  if (state.canChange) head.append(h("th", { class: "act" }));
  wrap = h("div", { class: `table-wrap ${kind}`, "data-kind": kind, "data-cols": columns.join() },
    h("div", { class: "pager" }), h("table", {}, h("thead", {}, head), h("tbody")));
  page.replaceChildren(wrap);
  return wrap;
}

function sortBy(key) {
  const v = state.view;
  v.invert = v.sort === key ? !v.invert : false;
  v.sort = key;
  v.offset = 0;
  sendView();
}

function pager(wrap, w, what) {
  const v = state.view;
  const p = wrap.querySelector(".pager");
  const first = w.matched ? w.offset + 1 : 0;
  const last = w.offset + w.rows.length;
  const of = w.matched === w.total ? `${w.total.toLocaleString("en")}` : `${w.matched.toLocaleString("en")} matching (of ${w.total.toLocaleString("en")})`;
  const move = (by) => () => { v.offset = Math.max(0, v.offset + by * v.limit); sendView(); };
  const size = h("select", { title: "rows per page" });
  for (const n of [50, 100, 500, 1000]) size.append(h("option", n === v.limit ? { value: n, selected: "" } : { value: n }, `${n} rows`));
  size.addEventListener("change", () => { v.limit = Number(size.value); v.offset = 0; sendView(); });
  const prev = h("button", { type: "button", onclick: move(-1) }, "◀");
  const next = h("button", { type: "button", onclick: move(1) }, "▶");
  prev.disabled = w.offset === 0;
  next.disabled = last >= w.matched;
  const filtered = v.filter ? h("span", { class: "chip" }, `filter: ${v.filter}`) : "";
  p.replaceChildren(h("span", { class: "count" }, `${what} ${first.toLocaleString("en")}–${last.toLocaleString("en")} of ${of}`), filtered, h("span", { class: "grow" }), size, prev, next);
}

// The kill cell: a button, or the inline confirm.
function killCell(td, pid) {
  if (state.confirm === pid) {
    if (td.dataset.confirm === pid) return;
    td.dataset.confirm = pid;
    td.replaceChildren(h("span", { class: "ask" }, `Kill ${pid}?`),
      h("button", { type: "button", class: "confirm danger", "data-pid": pid, onclick: (e) => { e.stopPropagation(); kill(pid); } }, "Confirm"),
      h("button", { type: "button", class: "cancel", onclick: (e) => { e.stopPropagation(); state.confirm = null; rerender(); } }, "Cancel"));
    return;
  }
  if (td.dataset.confirm === "" && td.firstChild) return;
  td.dataset.confirm = "";
  td.replaceChildren(h("button", { type: "button", class: "kill", "data-pid": pid, title: `kill ${pid}`,
    onclick: (e) => { e.stopPropagation(); state.confirm = pid; rerender(); } }, "kill"));
}

export function kill(pid) {
  state.confirm = null;
  send({ op: "kill", pid });
  rerender();
}

function setCell(td, text, cls) {
  if (td.textContent !== text) td.textContent = text;
  if (cls !== undefined && td.className !== cls) td.className = cls;
}

// Puts `rows` into `tbody` in order, reusing each pid's <tr>; `fill(tr, row)` writes it.
function place(tbody, rows, fill) {
  const old = new Map([...tbody.children].map((tr) => [tr.dataset.key, tr]));
  let at = 0;
  for (const r of rows) {
    const key = r.link ? `link ${r.pid} ${r.branch}` : r.pid;
    let tr = old.get(key);
    old.delete(key);
    if (!tr) {
      tr = h("tr", { "data-key": key });
      if (!r.link) {
        tr.dataset.pid = r.pid;
        tr.addEventListener("click", () => go(`#/process/${encodeURIComponent(r.pid)}`));
      }
    }
    fill(tr, r);
    if (tbody.children[at] !== tr) tbody.insertBefore(tr, tbody.children[at] || null);
    at += 1;
  }
  for (const tr of old.values()) tr.remove();
}

function rowClasses(tr, r) {
  tr.classList.toggle("gone", state.killed.has(r.pid));
  tr.classList.toggle("flash", !!r.flash);
  tr.classList.toggle("alert", !!r.alert);
  if (r.alert) tr.title = r.alert; else tr.removeAttribute("title");
}

export function renderProcesses(page, w) {
  const cols = COLUMNS.map((c) => c[0]).filter((k) => k !== "node" || w.rows.some((r) => r.node));
  const wrap = frameOf(page, "processes", cols, true);
  for (const th of wrap.querySelectorAll("th[data-key]")) {
    const k = th.dataset.key;
    const arrow = k === state.view.sort ? (BIGGEST_FIRST.includes(k) !== state.view.invert ? " ▼" : " ▲") : "";
    th.textContent = COLUMNS.find((c) => c[0] === k)[1] + arrow;
    th.classList.toggle("sorted", !!arrow);
  }
  pager(wrap, w, "processes");
  place(wrap.querySelector("tbody"), w.rows, (tr, r) => {
    rowClasses(tr, r);
    while (tr.children.length < cols.length) tr.append(h("td"));
    cols.forEach((k, i) => setCell(tr.children[i], COLUMNS.find((c) => c[0] === k)[2](r), cellClass(k, r)));
    if (state.canChange) {
      if (tr.children.length === cols.length) tr.append(h("td", { class: "act" }));
      killCell(tr.children[cols.length], r.pid);
    }
  });
  empty(wrap, w, "processes");
}

function cellClass(k, r) {
  if (k === "pid") return "pid";
  if (k === "state") return `state ${state.killed.has(r.pid) ? "exited" : r.state}`;
  if (k === "restarts") return r.rst ? "num rst" : "num";
  return NUMERIC.includes(k) ? "num" : "";
}

function empty(wrap, w, what) {
  let e = wrap.querySelector(".empty");
  const text = w.total === 0 ? `no ${what} (yet)` : w.rows.length === 0 ? `nothing matches the filter “${state.view.filter}”` : "";
  if (!text) { if (e) e.remove(); return; }
  if (!e) { e = h("div", { class: "empty" }); wrap.append(e); }
  e.textContent = text;
}

export function renderTree(page, w) {
  const wrap = frameOf(page, "tree", ["pid", ...TREE, "restarts"], false);
  pager(wrap, w, "tree rows");
  place(wrap.querySelector("tbody"), w.rows, (tr, r) => {
    rowClasses(tr, r);
    if (!tr.firstChild) {
      tr.append(h("td", { class: "label" }, h("span", { class: "branch" }), h("button", { type: "button", class: "fold" }), h("span", { class: "cid" }), h("span", { class: "pid" })));
      for (let i = 0; i <= TREE.length; i += 1) tr.append(h("td"));
      tr.querySelector(".fold").addEventListener("click", (e) => { e.stopPropagation(); fold(tr.dataset.pid); });
      if (state.canChange) tr.append(h("td", { class: "act" }));
    }
    const [label, ...cells] = tr.children;
    setCell(label.querySelector(".branch"), r.branch);
    const f = label.querySelector(".fold");
    const folded = state.view.folded.includes(r.pid);
    f.hidden = !r.kids && !folded;
    setCell(f, folded ? "▸" : "▾");
    setCell(label.querySelector(".cid"), r.id ? `${r.id} ` : "");
    setCell(label.querySelector(".pid"), r.link ? `⇄ ${r.pid}` : r.pid);
    tr.classList.toggle("link", !!r.link);
    if (r.link) {
      setCell(cells[0], "link");
      setCell(cells[1], r.what);
      return;
    }
    TREE.forEach((k, i) => setCell(cells[i], COLUMNS.find((c) => c[0] === k)[2](r), cellClass(k, r)));
    const rst = cells[TREE.length];
    setCell(rst, r.rst ? `↻ ${r.rst}` : "", r.rst ? "num rst" : "num");
    if (state.canChange) killCell(cells[TREE.length + 1], r.pid);
  });
  empty(wrap, w, "processes");
}

function fold(pid) {
  const f = state.view.folded;
  const i = f.indexOf(pid);
  if (i >= 0) f.splice(i, 1); else f.push(pid);
  sendView();
}

// The event log: newest at the bottom, followed unless scrolled up.
let last = -1;
export function resetEvents() { last = -1; }

export function renderEvents(page, w) {
  let wrap = page.firstElementChild;
  if (!wrap || wrap.dataset.kind !== "events") {
    wrap = h("div", { class: "events", "data-kind": "events" }, h("div", { class: "pager" }), h("div", { class: "log" }));
    page.replaceChildren(wrap);
    last = -1;
  }
  const log = wrap.querySelector(".log");
  if (w.reset) { log.replaceChildren(); last = -1; }
  const follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  for (const e of w.lines) {
    if (e.seq <= last) continue;
    last = e.seq;
    const pid = h("a", { href: `#/process/${encodeURIComponent(e.pid)}`, class: "pid" }, e.pid);
    log.append(h("div", { class: `line ${e.kind}`, "data-seq": e.seq }, h("span", { class: "at" }, e.at), pid, h("span", { class: "what" }, e.text)));
  }
  while (log.children.length > 1000) log.firstChild.remove();
  if (follow) log.scrollTop = log.scrollHeight;
  const filter = state.view.filter ? ` · filter: ${state.view.filter}` : "";
  wrap.querySelector(".pager").textContent = `events ${w.shown} of ${w.total}${filter} · ${follow ? "following the newest" : "scrolled back (scroll down to follow)"}`;
}
