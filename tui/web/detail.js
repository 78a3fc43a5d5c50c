// One process: its figures, sparklines of its fuel per second and memory, what the node
// says about it (links, monitors, mailbox head, limits, permissions), and its last trap
// with the backtrace (its own end, or a restarted child's previous incarnation's).

import { state, go, rerender } from "./app.js";
import { kill, h } from "./pages.js";
import { spark, count, bytes, secs } from "./spark.js";

const pidLink = (p) => h("a", { href: `#/process/${encodeURIComponent(p)}`, class: "pid" }, p);

function pids(list) {
  if (!list || !list.length) return ["none"];
  return list.flatMap((p, i) => (i ? [" ", pidLink(p)] : [pidLink(p)]));
}

// What the node says (the shell's `info`): a first line, `  key:  value` lines (a value
// may go on over indented lines: a supervisor's children, a backtrace).
function said(text) {
  const lines = text.split("\n");
  const dl = h("dl", { class: "said" });
  let dd = null;
  for (const line of lines.slice(1)) {
    const m = line.match(/^ {2}([a-z][a-z0-9 [\]]*?):\s+(.*)$/i);
    if (m) {
      dd = h("dd", {}, m[2]);
      dl.append(h("dt", {}, m[1]), dd);
    } else if (dd) {
      dd.append(h("br"), line.trim());
      dd.classList.add("long");
    } else {
      dl.append(h("dt", {}, ""), h("dd", {}, line.trim()));
    }
  }
  return h("div", { class: "info" }, h("div", { class: "first" }, lines[0] || ""), dl);
}

function chart(title, values, fmt, cls) {
  const now = values.length ? values[values.length - 1] : 0;
  const max = values.length ? Math.max(...values) : 0;
  return h("div", { class: "chart" },
    h("div", { class: "chart-head" }, h("span", {}, title), h("b", {}, fmt(now)), h("span", { class: "muted" }, `peak ${fmt(max)} · last ${values.length} updates`)),
    spark(values, { w: 600, h: 70, cls }));
}

function fact(k, ...v) {
  return [h("dt", {}, k), h("dd", {}, ...v)];
}

export function renderDetail(page, w) {
  const r = w.row;
  const head = h("div", { class: "detail-head" },
    h("button", { type: "button", class: "back", onclick: () => go("#/processes") }, "← processes"),
    h("h2", {}, w.pid, " ", h("span", { class: "code" }, r ? r.code : "")));
  if (r) head.append(h("span", { class: `state-badge ${r.state}` }, r.state));
  if (r && r.rst) head.append(h("span", { class: "badge rst" }, `↻ ${r.rst} restarts`));
  if (r && r.alert) head.append(h("span", { class: "badge alert" }, r.alert));
  if (!r && w.exit) head.append(h("span", { class: "state-badge exited" }, "ended"));
  if (r && state.canChange) {
    if (state.confirm === w.pid) {
      head.append(h("span", { class: "ask" }, `Kill ${w.pid}?`),
        h("button", { type: "button", class: "confirm danger", "data-pid": w.pid, onclick: () => kill(w.pid) }, "Confirm"),
        h("button", { type: "button", class: "cancel", onclick: () => { state.confirm = null; rerender(); } }, "Cancel"));
    } else {
      head.append(h("button", { type: "button", class: "kill", "data-pid": w.pid, onclick: () => { state.confirm = w.pid; rerender(); } }, "Kill"));
    }
  }
  const parts = [head];
  if (r) {
    const facts = h("dl", { class: "facts" },
      ...fact("state", r.state, r.call ? ` in ${r.call[0]} for ${secs(state.header.at_us - r.call[1])}` : ""),
      ...fact("names", w.names && w.names.length ? w.names.map((n) => `#${n}`).join(" ") : "none"),
      ...fact("parent", ...(w.parent ? [pidLink(w.parent)] : ["the host"])),
      ...fact("links", ...pids(w.links)),
      ...fact("fuel", `${r.fuel} used · ${r.fuel_s}/s · limit ${w.fuel_limit || "unlimited"}`),
      ...fact("memory", `${w.memory} (${w.mailbox_bytes} in queued messages) · limit ${w.memory_limit || "4 GiB (wasm32)"}`),
      ...fact("mailbox", `${r.mbox} queued · ${w.messages[0].toLocaleString("en")} in · ${w.messages[1].toLocaleString("en")} out`),
      ...fact("spawned", `at ${w.spawned}`));
    if (r.node) facts.append(...fact("node", r.node));
    parts.push(h("div", { class: "detail-grid" }, h("section", { class: "panel" }, h("h3", {}, "Now"), facts),
      h("section", { class: "panel charts" }, h("h3", {}, "Recent"),
        chart("fuel / s", w.fuel, count, "fuel"), chart("memory", w.mem, bytes, "mem"))));
  } else if (w.exit) {
    parts.push(h("section", { class: "panel ended" }, h("h3", {}, "Ended"), h("p", {}, w.exit)));
  } else {
    parts.push(h("section", { class: "panel" }, h("p", {}, `${w.pid} is not in the table (it may have ended long ago)`)));
  }
  const info = h("section", { class: "panel" }, h("h3", {}, "What the node says"));
  info.append(w.info ? said(w.info) : h("p", { class: "muted" }, "asking the node…"));
  parts.push(info);
  if (w.before) {
    const prev = h("section", { class: "panel trap" }, h("h3", {}, "Last trap: the previous incarnation ", pidLink(w.before)));
    prev.append(w.before_info ? said(w.before_info) : h("p", { class: "muted" }, "asking the node…"));
    parts.push(prev);
  }
  page.replaceChildren(h("div", { class: "detail", "data-pid": w.pid }, ...parts));
}
