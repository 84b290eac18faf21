// The browser preview: the sample seller's inbox from the record, a reading pane, a compose
// form, and the real task pane in an iframe. The pane talks to `StorylinePreviewHost` through
// the Office stand-in (office-standin.js) exactly as it talks to Outlook through office.js.

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => { const n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; };

const state = { token: null, seller: null, user: null, items: [], current: null, handlers: [] };

const host = {
  /** The seller the pane signs in as. */
  get seller() { return state.seller; },
  get user() { return state.user; },
  current() { return state.current; },
  onItemChanged(fn) { state.handlers.push(fn); },
};
window.StorylinePreviewHost = host;

async function token() {
  const resp = await fetch("/preview/token", {
    method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit",
    body: JSON.stringify({ user: state.seller }),
  });
  const data = await resp.json();
  if (!resp.ok) throw new Error((data.error && data.error.message) || "no token");
  return data;
}

function when(iso) {
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

function notice(text) {
  const reading = $("reading");
  reading.replaceChildren(el("p", "notice", text));
}

function changed() {
  window.StorylineSelectedAt = performance.timeOrigin + performance.now();
  for (const fn of state.handlers) {
    try { fn({ type: "olkItemSelectedChanged" }); } catch (e) { console.error(e); }
  }
}

function showReading(item) {
  const reading = $("reading");
  const people = (list) => list.map((p) => p.name ? `${p.name} <${p.address}>` : p.address).join(", ");
  const hdr = el("div", "hdr");
  const from = item.from ? `${item.from.name || ""} <${item.from.address}>` : "";
  hdr.append(el("b", null, from), el("div", null, item.kind === "meeting" ? `Attendees: ${people(item.attendees)}` : `To: ${people(item.to)}`));
  if (item.cc.length) hdr.append(el("div", null, `Cc: ${people(item.cc)}`));
  hdr.append(el("div", null, new Date(item.occurred_at).toLocaleString()));
  const actions = el("div", "actions");
  if (item.kind === "email") {
    const reply = el("button", null, "Reply");
    reply.type = "button";
    reply.addEventListener("click", () => compose({ to: item.from && item.from.address !== state.user.email ? [item.from] : item.to, subject: `Re: ${item.subject}` }));
    actions.append(reply);
  }
  reading.replaceChildren(el("h2", null, item.subject || "(no subject)"), hdr, actions, el("div", "body", item.body || item.snippet || ""));
}

function select(index, focus = false) {
  const item = state.items[index];
  if (!item) return;
  document.querySelectorAll(".msg").forEach((n, i) => {
    n.setAttribute("aria-selected", String(i === index));
    n.tabIndex = i === index ? 0 : -1;
  });
  const node = document.querySelectorAll(".msg")[index];
  if (focus) node.focus();
  node.scrollIntoView({ block: "nearest" });
  state.selected = index;
  // the seller's own meeting opens in Outlook's organizer mode (editable), others read-only
  const organizing = item.kind === "meeting" && item.from && item.from.address === state.user.email;
  state.current = { mode: organizing ? "organizer" : "read", ...item };
  showReading(item);
  changed();
}

/** Nothing selected (as in Outlook after the selected mail moves away): the pinned pane shows
 * the seller's home. */
function deselect() {
  document.querySelectorAll(".msg").forEach((n) => n.setAttribute("aria-selected", "false"));
  state.current = null;
  notice("No message selected.");
  changed();
}

/** A new item's form in the reading pane (a draft or a meeting): labelled fields and a
 * Discard button that goes back to the selected message. */
function itemForm(heading, fields) {
  document.querySelectorAll(".msg").forEach((n) => n.setAttribute("aria-selected", "false"));
  const form = el("form", "compose");
  form.setAttribute("aria-label", heading);
  const inputs = fields.map(({ label, name, value = "", type = "text" }) => {
    const wrap = el("label", null, label);
    const input = el(type === "textarea" ? "textarea" : "input");
    if (type !== "textarea") input.type = type;
    input.name = name; input.value = value;
    wrap.append(input);
    form.append(wrap);
    return input;
  });
  const cancel = el("button", null, "Discard");
  cancel.type = "button";
  cancel.addEventListener("click", () => select(state.selected || 0));
  form.append(cancel);
  form.addEventListener("submit", (e) => e.preventDefault());
  $("reading").replaceChildren(el("h2", null, heading), form);
  return inputs;
}

const addressesIn = (input) => input.value.split(/[,;]/).map((a) => a.trim()).filter(Boolean).map((a) => ({ name: "", address: a }));

function compose(prefill = {}) {
  const [to, subject, body] = itemForm("New email", [
    { label: "To", name: "to", value: (prefill.to || []).map((p) => p.address).join(", ") },
    { label: "Subject", name: "subject", value: prefill.subject || "" },
    { label: "Message", name: "body", type: "textarea" },
  ]);
  state.current = {
    mode: "compose", id: `draft-${Date.now()}`, properties: {},
    get subject() { return subject.value; }, get to() { return addressesIn(to); }, cc: [],
    get body() { return body.value; },
  };
  changed();
  body.focus();
}

/** A new meeting the seller is planning (organizer mode, not saved yet): the pane shows the
 * attendees' story, and follows the attendees as they are typed (RecipientsChanged). */
function newMeeting() {
  const inAnHour = new Date(Date.now() + 3600e3);
  inAnHour.setMinutes(0, 0, 0);
  const local = new Date(inAnHour.getTime() - inAnHour.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
  const [title, attendees, start] = itemForm("New meeting", [
    { label: "Title", name: "subject" },
    { label: "Required attendees", name: "attendees" },
    { label: "Start", name: "start", value: local, type: "datetime-local" },
  ]);
  const handlers = {};
  const fire = (type) => (handlers[type] || []).forEach((fn) => { try { fn({ type }); } catch (e) { console.error(e); } });
  attendees.addEventListener("change", () => fire("olkRecipientsChanged"));
  start.addEventListener("change", () => fire("olkAppointmentTimeChanged"));
  state.current = {
    mode: "organizer", kind: "meeting", id: `meeting-${Date.now()}`, saved: false, body: "",
    from: { name: state.user.name, address: state.user.email }, ends_at: null,
    get subject() { return title.value; }, get attendees() { return addressesIn(attendees); },
    get occurred_at() { return new Date(start.value || Date.now()).toISOString(); },
    on(type, fn) { (handlers[type] = handlers[type] || []).push(fn); },
  };
  changed();
  title.focus();
}

function renderList() {
  const list = $("messages");
  list.replaceChildren();
  state.items.forEach((item, index) => {
    const li = el("li", "msg");
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.tabIndex = -1;
    li.dataset.id = item.id;
    const line1 = el("div", "line1");
    const who = item.folder === "sentitems" ? `To: ${item.to.map((p) => p.name || p.address).join(", ")}` : (item.from ? item.from.name || item.from.address : "");
    line1.append(el("span", "who", who), el("span", "when", when(item.occurred_at)));
    const subj = el("div", "subject");
    if (item.kind === "meeting") subj.append(el("span", "kind", "Meeting"));
    subj.append(document.createTextNode(item.subject || "(no subject)"));
    li.append(line1, subj, el("div", "snippet", item.snippet || ""));
    li.setAttribute("aria-label", `${who}, ${item.subject}, ${when(item.occurred_at)}`);
    li.addEventListener("click", () => select(index));
    list.append(li);
  });
  list.onkeydown = (e) => {
    const at = state.selected ?? 0;
    if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(state.items.length - 1, at + 1), true); }
    if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(0, at - 1), true); }
    if (e.key === "Home") { e.preventDefault(); select(0, true); }
    if (e.key === "End") { e.preventDefault(); select(state.items.length - 1, true); }
    if (e.key === "Escape") { e.preventDefault(); deselect(); }
  };
  $("inbox-count").textContent = `${state.items.length}`;
}

async function loadInbox() {
  const minted = await token();
  state.user = minted.user;
  state.seller = minted.user.email;
  const resp = await fetch("/preview/inbox", { headers: { Authorization: `Bearer ${minted.token}` }, credentials: "omit", cache: "no-store" });
  const data = await resp.json();
  if (!resp.ok) throw new Error((data.error && data.error.message) || "inbox unavailable");
  state.items = data.items;
  renderList();
  if (!state.items.length) { notice("This mailbox is empty. Load the sample company with `make demo`."); return; }
  const firstEmail = state.items.findIndex((i) => i.kind === "email" && i.folder === "inbox");
  select(Math.max(0, firstEmail));
}

async function start() {
  if (document.body.dataset.allowed !== "yes") {
    notice("The preview is off because Entra ID is configured. Sideload the add-in into Outlook instead (docs/addin.md).");
    return;
  }
  try {
    const resp = await fetch("/preview/sellers", { credentials: "omit" });
    const data = await resp.json();
    const pick = $("seller");
    for (const s of data.sellers || []) {
      const opt = el("option", null, `${s.name} (${s.email})`);
      opt.value = s.email;
      pick.append(opt);
    }
    if (!data.sellers || !data.sellers.length) { notice("No sample sellers yet. Load the sample company with `make demo`."); return; }
    state.seller = data.sellers[0].email;
    pick.addEventListener("change", async () => {
      state.seller = pick.value;
      try { await loadInbox(); } catch (e) { notice(`Couldn't sign in as ${pick.value}: ${e.message}`); }
    });
    $("new-mail").addEventListener("click", () => compose());
    $("new-meeting").addEventListener("click", () => newMeeting());
    $("deselect").addEventListener("click", () => deselect());
    await loadInbox();
  } catch (e) {
    notice(`The preview couldn't start: ${e.message}`);
  }
}

start();
