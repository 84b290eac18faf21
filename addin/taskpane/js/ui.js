// Small DOM and formatting helpers: elements are built with textContent only (no innerHTML),
// so nothing from a mail or the API can inject markup into the pane.

/** h("button.btn", {onclick, "aria-label": "..."}, "text", child) -> HTMLElement */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the content of a node. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

const DAY = 86400000;

/** "today", "yesterday", "3 days ago", "in 2 days", or a date. */
export function relativeDay(iso) {
  if (!iso) return "";
  const when = new Date(iso.length === 10 ? iso + "T12:00:00" : iso);
  const today = new Date(); today.setHours(12, 0, 0, 0);
  const that = new Date(when); that.setHours(12, 0, 0, 0);
  const days = Math.round((that - today) / DAY);
  if (days === 0) return "today";
  if (days === -1) return "yesterday";
  if (days === 1) return "tomorrow";
  if (days < 0 && days > -14) return `${-days} days ago`;
  if (days > 0 && days < 14) return `in ${days} days`;
  return when.toLocaleDateString(undefined, { day: "numeric", month: "short", year: when.getFullYear() === today.getFullYear() ? undefined : "numeric" });
}

/** "Fri 27 Nov" */
export function shortDate(iso) {
  if (!iso) return "";
  const when = new Date(iso.length === 10 ? iso + "T12:00:00" : iso);
  return when.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}

export function initials(name, address) {
  const source = (name || address || "?").replace(/[^\p{L}\s]/gu, " ").trim();
  const parts = source.split(/\s+/).filter(Boolean);
  return ((parts[0] || "?")[0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

const PALETTE = ["#8764b8", "#0f6cbd", "#c239b3", "#038387", "#ca5010", "#4f6bed", "#498205", "#986f0b"];
export function avatar(name, address, big = false) {
  let hash = 0;
  for (const ch of address || name || "") hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const el = h(`span.avatar${big ? ".big" : ""}`, { "aria-hidden": "true" }, initials(name, address));
  el.style.setProperty("--avatar", PALETTE[hash % PALETTE.length]);
  return el;
}

/** Text with [start, end) wrapped in <mark>, clipped to about `radius` characters around it. */
export function highlighted(text, start, end, radius = 90) {
  if (!text || start == null || end == null || start < 0 || end > text.length || start >= end) {
    return h("span", {}, text || "");
  }
  const from = Math.max(0, start - radius), to = Math.min(text.length, end + radius);
  const before = (from > 0 ? "…" : "") + text.slice(from, start);
  const after = text.slice(end, to) + (to < text.length ? "…" : "");
  return h("span", {}, before, h("mark", {}, text.slice(start, end)), after);
}

/** Says something to screen readers. */
export function announce(message) {
  const node = document.getElementById("announcer");
  if (!node) return;
  node.textContent = "";
  window.setTimeout(() => { node.textContent = message; }, 30);
}

/** Arrow-key navigation for a role=tablist (roving tabindex). */
export function rovingTabs(list, onSelect) {
  list.addEventListener("keydown", (event) => {
    const tabs = [...list.querySelectorAll('[role="tab"]')];
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    let next = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = tabs[(at + 1) % tabs.length];
    if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = tabs[(at - 1 + tabs.length) % tabs.length];
    if (event.key === "Home") next = tabs[0];
    if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) { event.preventDefault(); next.focus(); onSelect(next); }
  });
}

export function toast(message, action) {
  document.querySelectorAll(".toast").forEach((t) => t.remove());
  const node = h("div.toast", { role: "status" }, h("span", {}, message),
    action ? h("button.btn-link", { onclick: () => { node.remove(); action.run(); } }, action.label) : null);
  document.body.append(node);
  announce(message);
  window.setTimeout(() => node.remove(), 6000);
}

const ICONS = {
  people: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2 20c0-3.3 3.1-6 7-6s7 2.7 7 6H2Zm15.5 0c0-2.3-1-4.3-2.6-5.6.7-.3 1.4-.4 2.1-.4 2.8 0 5 2 5 4.5V20h-4.5Z",
  lock: "M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1Zm2 0h6V7a3 3 0 0 0-6 0v3Z",
  mail: "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm1 2.4V17h16V7.4l-8 5.3-8-5.3ZM5.2 7 12 11.5 18.8 7H5.2Z",
  alert: "M11 7h2v7h-2V7Zm0 9h2v2h-2v-2Zm1-14a10 10 0 1 1 0 20 10 10 0 0 1 0-20Z",
};

/** A small inline SVG icon (decorative). */
export function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  path.setAttribute("fill-rule", "evenodd");
  svg.append(path);
  return svg;
}
