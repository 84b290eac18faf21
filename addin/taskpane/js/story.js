// Read mode: the customer story of the people on the open email or meeting (a meeting with
// customers also gets its prep card on top, see prep.js).
import { api, ApiError } from "./api.js";
import { SignedOut } from "./auth.js";
import { PrepView } from "./prep.js";
import { announce, avatar, fill, h, icon, highlighted, relativeDay, rovingTabs, shortDate, toast } from "./ui.js";

// The record's DealStage, in order (tests/records/test_deal_stages.py keeps the two alike).
const STAGES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"];
const KIND_LABEL = {
  budget: "Budget", pricing: "Pricing", timeline: "Timeline", competitor: "Competitor",
  decision_maker: "Decision maker", procurement: "Procurement", risk: "Risk", expansion: "Expansion",
  positive_intent: "Positive", meeting_request: "Meeting", need: "Need",
};
const label = (s) => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, " ");
const domainOf = (a) => (a || "").split("@").pop();
const SIGNALS_SHOWN = 6; // the rest behind "Show more"
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// what the extraction was unsure of (shown false) is a suggestion: listed apart, never counted
const tracked = (list) => list.filter((x) => x.shown !== false);
const unsure = (list) => list.filter((x) => x.shown === false);

/** The overdue and stale counts again (tracked items only), after a commitment changed in the pane. */
function recount(commitments) {
  const all = tracked([...commitments.ours, ...commitments.theirs]);
  commitments.overdue = all.filter((x) => x.overdue).length;
  commitments.stale = all.filter((x) => x.stale).length;
}

/** The sentence around [start, end) of `text`, with those words highlighted. */
/** "Support: 1 open thread waiting on us (3 days), 2 waiting on them" */
function teamThreadsLine(f) {
  const parts = [];
  if (f.waiting_on_us) parts.push(`${f.waiting_on_us} waiting on us (${f.oldest_wait_days} ${f.oldest_wait_days === 1 ? "day" : "days"})`);
  if (f.waiting_on_them) parts.push(`${f.waiting_on_them} waiting on them`);
  const n = f.waiting_on_us + f.waiting_on_them;
  return `${label(f.function)}: ${n} open ${n === 1 ? "thread" : "threads"}, ${parts.join(", ")}`;
}

function sentenceAround(text, start, end) {
  const before = text.slice(0, start);
  const from = Math.max(before.search(/[^.!?\n]*$/), 0);
  const stop = text.slice(end).search(/[.!?\n]/);
  const to = stop < 0 ? text.length : end + stop + 1;
  const sentence = text.slice(from, to);
  const lead = sentence.length - sentence.trimStart().length;
  return highlighted(sentence.trim(), start - from - lead, end - from - lead, 140);
}

/** A person's name as the item gives it, or as the record knows it (a typed address has none). */
function displayName(p) {
  const contact = p.story && p.story.found && p.story.story ? p.story.story.contact : null;
  return p.name || (contact && contact.name) || "";
}

/** The people on the item worth a story: external, the sender first, each once. */
export function externalPeople(item, me) {
  const mine = domainOf(me.address);
  const seen = new Set();
  const out = [];
  for (const p of [item.from, ...item.to, ...item.cc]) {
    if (!p || !p.address || seen.has(p.address)) continue;
    seen.add(p.address);
    if (p.address === me.address || (mine && domainOf(p.address) === mine)) continue;
    out.push(p);
  }
  return out;
}

export class StoryView {
  constructor(root, { onSignedOut, onRendered, onNoCustomer }) {
    this.root = root;
    this.onSignedOut = onSignedOut;
    this.onRendered = onRendered;
    this.onNoCustomer = onNoCustomer; // mail among colleagues only: the pane shows the home
    this.seq = 0;
    this.abort = null;
    this.prep = new PrepView({ onOpenStory: () => this.focusStory(), onDone: (id) => this.commitmentClosed(id) });
    this.top = null; // the prep section, above whatever state the story is in
  }

  /** Loads and shows the story for an item (a newer call supersedes an older one). */
  async show(item, me) {
    const seq = ++this.seq;
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    this.item = item; this.me = me; this.logged = null; this.side = null; this.allSignals = false;
    this.suggestionsOpen = false; this.possibleOpen = false;
    const people = externalPeople(item, me);
    this.top = null;
    if (item.kind === "meeting" && people.length) {
      this.top = this.prep.node;
      this.prep.show(item, this.abort.signal);
    } else {
      this.prep.clear();
    }
    if (!people.length && this.onNoCustomer) { this.onNoCustomer(item); return; }
    if (!people.length) {
      this.state("empty", h("div.state.state-empty", {},
        h("div.glyph", { "aria-hidden": "true" }, icon("people")),
        h("h2", {}, "Only colleagues here"),
        h("p", {}, "Storyline shows the customer story when someone outside your company is on the thread.")));
      this.done(seq);
      return;
    }
    this.state("loading", this.skeleton());
    const emails = people.map((p) => p.address).join(",");
    const lookup = item.key
      ? api(`/api/v1/items/lookup?key=${encodeURIComponent(item.key)}`, { signal: this.abort.signal })
        .catch((e) => (e instanceof ApiError && e.status === 404 ? { logged: false } : null))
      : Promise.resolve(null);
    // the open item's own words give signals their sentence (read in parallel with the story)
    const body = item.body ? item.body().catch(() => "") : Promise.resolve("");
    let data;
    try {
      [data, this.bodyText] = await Promise.all([
        api(`/api/v1/story?emails=${encodeURIComponent(emails)}&page_size=8`, { signal: this.abort.signal }),
        body,
      ]);
    } catch (error) {
      if (seq !== this.seq || error.name === "AbortError") return;
      if (error instanceof SignedOut) { this.onSignedOut(error); return; }
      this.error(error, () => this.show(item, me));
      this.done(seq);
      return;
    }
    if (seq !== this.seq) return;
    const byAddress = new Map(data.stories.map((s) => [s.address, s]));
    this.people = people.map((p) => ({ ...p, story: byAddress.get(p.address) }));
    const first = this.people.findIndex((p) => p.story && p.story.found);
    if (first < 0) {
      this.renderUnknown(this.people[0]);
      this.done(seq);
      return;
    }
    this.selected = first;
    this.render();
    this.done(seq);
    lookup.then((found) => {
      if (seq !== this.seq || !found) return;
      this.logged = found;
      this.renderFooter();
      this.renderDeals();
    });
  }

  /** One customer's story opened from the home (My day, search): a contact's by id, or the
   * story of an address (a sender who is no contact: their account's); ``back`` returns. */
  async showContact({ contactId, email }, { item = null, back = null } = {}) {
    const seq = ++this.seq;
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    // not the selected mail's story: nothing to log or share here; the pane still reports
    // the selection it is beside
    this.item = { kind: "contact", id: item ? item.id : "" }; this.logged = null; this.side = null; this.bodyText = "";
    this.prep.clear();
    this.top = back ? h("div.row.home-back", {}, h("button.btn.btn-subtle", { type: "button", onclick: back }, "← My day")) : null;
    this.state("loading", this.skeleton());
    let data;
    try {
      const query = contactId ? `contact_id=${encodeURIComponent(contactId)}` : `email=${encodeURIComponent(email)}`;
      data = await api(`/api/v1/story?${query}&page_size=8`, { signal: this.abort.signal });
    } catch (error) {
      if (seq !== this.seq || error.name === "AbortError") return;
      if (error instanceof SignedOut) { this.onSignedOut(error); return; }
      this.error(error, () => this.showContact({ contactId, email }, { item, back }));
      this.done(seq);
      return;
    }
    if (seq !== this.seq) return;
    const address = (data.contact && data.contact.addresses[0]) || data.address || email || "";
    this.people = [{ name: data.contact ? data.contact.name : "", address, story: { address, found: true, story: data } }];
    this.selected = 0;
    this.render();
    const heading = this.root.querySelector("#contact-name");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    this.done(seq);
  }

  /** The pane is leaving read mode: a load still in flight must not paint over what comes next. */
  cancel() {
    this.seq += 1;
    if (this.abort) this.abort.abort();
    this.abort = null;
    this.prep.clear();
  }

  done(seq) {
    if (seq !== this.seq) return;
    this.root.setAttribute("aria-busy", "false");
    this.onRendered(this.item);
  }

  state(name, ...children) {
    this.root.dataset.state = name;
    this.root.setAttribute("aria-busy", name === "loading" ? "true" : "false");
    fill(this.root, this.top, ...children);
  }

  /** The prep card's "Open the full story": the story is below it in the pane. */
  focusStory() {
    const target = this.root.querySelector("#contact-name") || this.root.querySelector(".state h2");
    if (!target) return;
    if (this.prep.node.querySelector("details")) this.prep.node.querySelector("details").open = false;
    target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus();
    announce("Showing the customer story");
  }

  /** A commitment marked done on the prep card leaves the story's open lists too. */
  commitmentClosed(id) {
    let changed = false;
    for (const person of this.people || []) {
      const s = person.story && person.story.found ? person.story.story : null;
      if (!s) continue;
      for (const side of ["ours", "theirs"]) {
        const at = s.commitments[side].findIndex((c) => c.id === id);
        if (at >= 0) { s.commitments[side].splice(at, 1); changed = true; }
      }
      recount(s.commitments);
    }
    if (changed && this.nodes && this.people[this.selected].story?.found) { this.renderCommitments(); this.renderCard(); }
  }

  skeleton() {
    return h("div.state.state-loading", { role: "status" },
      h("span.visually-hidden", {}, "Loading the customer story"),
      h("div.skeleton.skeleton-title"), h("div.skeleton.skeleton-line"), h("div.skeleton.skeleton-line.short"),
      h("div.skeleton.skeleton-block"), h("div.skeleton.skeleton-block"));
  }

  error(error, retry) {
    const message = error instanceof ApiError && error.message ? error.message : "Something went wrong.";
    this.state("error", h("div.state.state-error", { role: "alert" },
      h("div.glyph", { "aria-hidden": "true" }, icon("alert")),
      h("h2", {}, "Couldn't load the story"),
      h("p", {}, message),
      h("button.btn.btn-primary", { type: "button", onclick: retry }, "Try again")));
  }

  get story() { return this.people[this.selected].story.story; }

  renderUnknown(person) {
    this.state("ready", h("div.state.state-empty", {},
      avatar(person.name, person.address, true),
      h("h2", {}, person.name || person.address),
      h("p", {}, "New to your record. Storyline starts their story when you write to them."),
      this.footerNode(person)));
  }

  render() {
    this.nodes = {
      people: h("div"), card: h("div"), commitments: h("section.section", { "aria-labelledby": "h-commitments" }),
      deals: h("section.section", { "aria-labelledby": "h-deals" }), signals: h("section.section", { "aria-labelledby": "h-signals" }),
      stakeholders: h("section.section", { "aria-labelledby": "h-stakeholders" }),
      health: h("section.section", { "aria-labelledby": "h-health" }), team: h("section.section", { "aria-labelledby": "h-team" }),
      timeline: h("section.section", { "aria-labelledby": "h-timeline" }), footer: h("div.footer"),
    };
    this.state("ready", ...Object.values(this.nodes));
    this.renderPeople(); this.renderCard(); this.renderCommitments(); this.renderDeals();
    this.renderSignals(); this.renderStakeholders(); this.renderHealth(); this.renderTeam(); this.renderTimeline(); this.renderFooter();
  }

  renderPeople() {
    if (this.people.length < 2) { fill(this.nodes.people); return; }
    const on = this.item && this.item.kind === "meeting" ? "People in this meeting" : "People on this email";
    const list = h("div.people", { role: "tablist", "aria-label": on },
      this.people.map((p, i) => h(`button.chip${p.story && p.story.found ? "" : ".unknown"}`, {
        type: "button", role: "tab", "aria-selected": String(i === this.selected),
        tabindex: i === this.selected ? "0" : "-1", dataset: { index: i },
        title: p.address, onclick: () => this.select(i),
      }, avatar(displayName(p), p.address), displayName(p) || p.address)));
    rovingTabs(list, (tab) => this.select(Number(tab.dataset.index), true));
    fill(this.nodes.people, list);
  }

  select(index, keepFocus = false) {
    if (index === this.selected) return;
    const person = this.people[index];
    if (!person.story || !person.story.found) {
      this.selected = index;
      this.renderPeople();
      fill(this.nodes.card, h("div.card", {}, h("div.who", {}, avatar(person.name, person.address, true),
        h("div.grow", {}, h("h1", {}, person.name || person.address), h("div.sub", {}, "New to your record")))));
      for (const key of ["commitments", "deals", "signals", "stakeholders", "health", "team", "timeline"]) fill(this.nodes[key]);
      fill(this.nodes.footer, this.footerNode(person));
    } else {
      this.selected = index;
      this.side = null;
      this.allSignals = false;
      this.suggestionsOpen = false; this.possibleOpen = false;
      this.render();
    }
    if (keepFocus) this.root.querySelector('.people [aria-selected="true"]')?.focus();
    announce(`Showing ${displayName(person) || person.address}`);
  }

  renderCard() {
    const s = this.story;
    const c = s.contact;
    const acc = s.account;
    const person = this.people[this.selected];
    const name = c ? c.name || c.addresses[0] : person.name || person.address;
    const sub = c ? [c.title, c.company || (acc && acc.name)].filter(Boolean).join(" · ")
      : acc ? `Not in your contacts yet · ${acc.name}` : "";
    const health = s.health || {};
    const overdue = s.commitments.overdue;
    const openDeal = s.deals.find((d) => !["won", "lost"].includes(d.stage)) || s.deals[0];
    const card = h("div.card", { "aria-label": "Contact" },
      h("div.who", {}, avatar(name, c ? c.addresses[0] : person.address, true),
        h("div.grow", {}, h("h1", { id: "contact-name" }, name), sub ? h("div.sub", {}, sub) : null,
          c && acc ? h("div.sub", {}, `Account: ${acc.name}`) : null,
          !c && acc ? h("div.sub", {}, "The story below is the account's.") : null,
          (s.team_threads || []).map((f) => h("div.sub.team-threads", {}, teamThreadsLine(f)))),
        c ? h("button.btn.btn-subtle", { type: "button", "aria-label": `Edit ${name}`, onclick: () => this.editContact() }, "Edit") : null),
      c ? h("dl.facts", {},
        h("dt", {}, "Email"), h("dd", {}, c.addresses.join(", ")),
        c.phone ? [h("dt", {}, "Phone"), h("dd", {}, c.phone)] : null,
        c.last_activity_at ? [h("dt", {}, new Date(c.last_activity_at) > new Date() ? "Next" : "Last"),
          h("dd", {}, relativeDay(c.last_activity_at))] : null) : null,
      h("div.glance", { "aria-label": "At a glance" },
        health.label ? h(`span.badge.${health.label}`, { title: "Relationship health" }, `${label(health.label)} · ${health.score}`) : null,
        overdue ? h("span.badge.danger", {}, `${overdue} overdue`) : null,
        openDeal ? h("span.badge.brand", {}, `${label(openDeal.stage)}`) : null,
        openDeal && openDeal.stale ? h("span.badge.fair", { title: openDeal.stale_reason || "" }, "Going stale") : null,
        s.stakeholders && s.stakeholders.single_threaded ? h("span.badge.fair", { title: s.stakeholders.single_threaded_reason || "" }, "Single-threaded") : null),
      c ? (c.merge_suggestions || []).map((m) => h("div.banner", {},
        h("span", {}, `Same person as ${m.name || m.addresses[0]} (${m.addresses.join(", ")})?`),
        h("button.btn", { type: "button", onclick: () => this.merge(m) }, "Merge"))) : null);
    fill(this.nodes.card, card);
  }

  editContact() {
    const c = this.story.contact;
    const field = (key, text, value) => h("label", {}, text, h("input.input", { name: key, value: value || "", autocomplete: "off" }));
    const form = h("form.editor", { "aria-label": "Edit contact" },
      field("title", "Title", c.title), field("phone", "Phone", c.phone), field("company", "Company", c.company),
      h("div.row.end", {}, h("button.btn", { type: "button", onclick: () => this.renderCard() }, "Cancel"),
        h("button.btn.btn-primary", { type: "submit" }, "Save")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      try {
        const card = await api(`/api/v1/contacts/${c.id}`, { method: "PATCH", body: data });
        Object.assign(c, { title: card.title, phone: card.phone, company: card.company });
        this.renderCard();
        toast("Contact updated");
      } catch (error) { this.fail(error); }
    });
    this.nodes.card.querySelector(".card").append(form);
    form.querySelector("input").focus();
  }

  async merge(suggestion) {
    try {
      await api(`/api/v1/contacts/${suggestion.id}/merge`, { method: "POST", body: { into: this.story.contact.id } });
      toast(`Merged ${suggestion.addresses[0]}`, { label: "Undo", run: () => this.unmerge(suggestion) });
      await this.reload();
    } catch (error) { this.fail(error); }
  }

  async unmerge(suggestion) {
    try {
      await api(`/api/v1/contacts/${suggestion.id}/unmerge`, { method: "POST" });
      await this.reload();
    } catch (error) { this.fail(error); }
  }

  async reload() {
    const c = this.story.contact;
    const fresh = await api(`/api/v1/story?contact_id=${c.id}&page_size=8`);
    this.people[this.selected].story.story = fresh;
    this.render();
  }

  fail(error) {
    if (error instanceof SignedOut) this.onSignedOut(error);
    else toast(error.message || "That didn't work. Try again.");
  }

  renderCommitments() {
    const s = this.story;
    const sides = [["ours", "We owe"], ["theirs", "They owe"]];
    const ours = tracked(s.commitments.ours), theirs = tracked(s.commitments.theirs);
    this.side = this.side || (ours.length || !theirs.length ? "ours" : "theirs");
    const tabs = h("div.tabs", { role: "tablist", "aria-label": "Open commitments" },
      sides.map(([key, text]) => h("button.tab", {
        type: "button", role: "tab", id: `tab-${key}`, "aria-controls": "commitment-list",
        "aria-selected": String(this.side === key), tabindex: this.side === key ? "0" : "-1", dataset: { side: key },
        onclick: () => { this.side = key; this.renderCommitments(); },
      }, `${text} (${(key === "ours" ? ours : theirs).length})`)));
    rovingTabs(tabs, (tab) => { this.side = tab.dataset.side; this.renderCommitments(); this.nodes.commitments.querySelector(`#tab-${tab.dataset.side}`).focus(); });
    const all = this.side === "ours" ? ours : theirs;
    // stale ones (no date, older than the tenant's limit) are listed apart, never as overdue
    const items = all.filter((c) => !c.stale);
    const stale = all.filter((c) => c.stale);
    const entry = (c) => h("li", { dataset: { id: c.id } },
      h("div.title", {}, c.action),
      h("div.meta", {},
        c.due_on ? h(`span.due${c.overdue ? ".overdue" : ""}`, {}, `${c.overdue ? "Overdue · " : "Due "}${shortDate(c.due_on)}`)
          : c.stale ? h("span.due.stale", {}, `No date, ${plural(c.age_days, "day", "days")} old — set a due date or close it`) : "No due date",
        c.source_subject ? ` · ${c.source_subject}` : "",
        c.owner_function ? ` · ${label(c.owner_function)}` : "",
        c.snoozed_until ? ` · snoozed until ${shortDate(c.snoozed_until)}` : ""),
      c.text ? h("p.quote", {}, c.text) : null,
      h("div.actions", {},
        h("button.btn.btn-subtle", { type: "button", "aria-label": `Mark done: ${c.action}`, onclick: () => this.updateCommitment(c, { status: "done" }, "Marked done") }, "✓ Done"),
        h("button.btn.btn-subtle", { type: "button", "aria-label": `${c.due_on ? "Change due date" : "Set due date"}: ${c.action}`, dataset: { due: c.id }, onclick: (event) => this.editDue(c, event.currentTarget) }, c.due_on ? "Change date" : "Set due date"),
        h("button.btn.btn-subtle", { type: "button", "aria-label": `Snooze 3 days: ${c.action}`, onclick: () => this.snooze(c) }, "Snooze"),
        h("button.btn.btn-subtle", { type: "button", "aria-label": `Dismiss: ${c.action}`, onclick: () => this.updateCommitment(c, { status: "cancelled" }, "Dismissed") }, "Dismiss")));
    const panel = { id: "commitment-list", role: "tabpanel", "aria-labelledby": `tab-${this.side}` };
    const list = all.length
      ? h("div", panel,
        items.length ? h("ul.list", {}, items.map(entry)) : null,
        stale.length ? h("h3.subhead", { id: "h-stale" }, `No due date, over ${plural(s.commitments.stale_after_days || 14, "day", "days")} old (${stale.length})`) : null,
        stale.length ? h("ul.list.stale-list", { "aria-labelledby": "h-stale" }, stale.map(entry)) : null)
      : h("p.empty-line", panel,
        this.side === "ours" ? "Nothing we owe them right now." : "They owe us nothing right now.");
    fill(this.nodes.commitments, h("h2", { id: "h-commitments" }, "Open commitments",
      s.commitments.overdue ? h("span.count", {}, `${s.commitments.overdue} overdue`) : null), tabs, list,
    this.suggestionList(), this.closedList());
  }

  /** "Suggestions (N)": open promises and requests the extraction was unsure of, behind a
   * toggle; the seller answers "Track it" (it joins the list) or "Not a promise" (dismissed). */
  suggestionList() {
    const { ours, theirs } = this.story.commitments;
    const items = unsure([...ours, ...theirs]).filter((c) => c.status === "open");
    if (!items.length) return null;
    const toggle = h("button.btn.btn-subtle.suggestions-toggle", {
      type: "button", "aria-expanded": String(!!this.suggestionsOpen), "aria-controls": "suggestion-list",
      onclick: () => { this.suggestionsOpen = !this.suggestionsOpen; this.renderCommitments(); this.nodes.commitments.querySelector(".suggestions-toggle")?.focus(); },
    }, `Suggestions (${items.length})`);
    const what = (c) => (c.kind === "request" ? "request" : "promise");
    const list = this.suggestionsOpen ? h("ul.list.suggestion-list", { id: "suggestion-list", "aria-label": "Suggestions" }, items.map((c) => h("li", { dataset: { id: c.id } },
      h("div.title", {}, c.action),
      h("div.meta", {}, c.side === "us" ? "We would owe it" : "They would owe it", c.source_subject ? ` · ${c.source_subject}` : ""),
      c.text ? h("p.quote", {}, c.text) : null,
      h("div.actions", {}, h("span.meta", {}, `Is this a ${what(c)}?`),
        h("button.btn", { type: "button", "aria-label": `Track it: ${c.action}`, onclick: () => this.track(c) }, "Track it"),
        h("button.btn.btn-subtle", { type: "button", "aria-label": `Not a ${what(c)}: ${c.action}`, onclick: () => this.notAPromise(c) }, `Not a ${what(c)}`))))) : null;
    return h("div.suggestions", {}, toggle, list);
  }

  /** "Track it": the suggestion becomes a tracked item, shown in its side's list. */
  async track(c) {
    try {
      const updated = await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: { shown: true } });
      Object.assign(c, updated);
      this.side = c.side === "us" ? "ours" : "theirs";
      recount(this.story.commitments);
      this.renderCommitments(); this.renderCard();
      this.prep.refresh();
      toast(`Tracking: ${c.action}`);
    } catch (error) { this.fail(error); }
  }

  /** "Not a promise": the suggestion is dismissed (and the answer kept as a label). */
  async notAPromise(c) {
    try {
      await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: { status: "cancelled" } });
      const list = this.story.commitments[c.side === "us" ? "ours" : "theirs"];
      list.splice(list.indexOf(c), 1);
      this.renderCommitments();
      toast("Dismissed");
    } catch (error) { this.fail(error); }
  }

  /** What a later mail or meeting closed lately: "done · closed by <subject, date>", the
   * evidence, and Reopen (the seller knows better). */
  closedList() {
    const closed = this.story.commitments.recently_closed || [];
    if (!closed.length) return null;
    return h("div.closed", {},
      h("h3.closed-title", { id: "h-closed" }, "Closed by later mail"),
      h("ul.list", { "aria-labelledby": "h-closed" }, closed.map((c) => {
        const by = c.closed_by || {};
        const when = by.occurred_at ? shortDate(by.occurred_at) : "";
        return h("li.closed-item", { dataset: { id: c.id } },
          h("div.title", {}, c.action),
          h("div.meta", {}, h("span.done", {}, "done"),
            ` · closed by ${[by.subject || "(no subject)", when].filter(Boolean).join(", ")}`,
            c.side === "them" ? " · they owed it" : ""),
          by.evidence ? h("p.quote.evidence", {}, by.evidence) : null,
          h("div.actions", {},
            h("button.btn.btn-subtle", { type: "button", "aria-label": `Reopen: ${c.action}`, onclick: () => this.reopenClosed(c) }, "Reopen")));
      })));
  }

  async reopenClosed(c) {
    try {
      const updated = await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: { status: "open" } });
      const list = this.story.commitments.recently_closed;
      list.splice(list.indexOf(c), 1);
      this.story.commitments[c.side === "us" ? "ours" : "theirs"].push({ ...c, ...updated, closed_by: null });
      recount(this.story.commitments);
      this.renderCommitments(); this.renderCard();
      this.prep.refresh();
      toast("Reopened");
    } catch (error) { this.fail(error); }
  }

  async updateCommitment(c, change, message) {
    try {
      await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: change });
      const list = this.story.commitments[this.side];
      const at = list.indexOf(c);
      if (change.status && change.status !== "open") list.splice(at, 1);
      recount(this.story.commitments);
      this.renderCommitments(); this.renderCard();
      this.prep.refresh();
      toast(message, change.status ? { label: "Undo", run: () => this.reopen(c, at) } : null);
    } catch (error) { this.fail(error); }
  }

  async reopen(c, at) {
    try {
      await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: { status: "open" } });
      this.story.commitments[c.side === "us" ? "ours" : "theirs"].splice(at, 0, c);
      this.renderCommitments(); this.renderCard();
      this.prep.refresh();
    } catch (error) { this.fail(error); }
  }

  async snooze(c) {
    const until = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
    try {
      const updated = await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: { snoozed_until: until } });
      Object.assign(c, { snoozed_until: updated.snoozed_until, overdue: updated.overdue });
      recount(this.story.commitments);
      this.renderCommitments(); this.renderCard();
      toast(`Snoozed until ${shortDate(until)}`);
    } catch (error) { this.fail(error); }
  }

  /** "Set due date": a date field in place of the button; Save sets it, Clear removes it. */
  editDue(c, button) {
    const input = h("input.input", { type: "date", value: c.due_on || "", "aria-label": `Due date: ${c.action}` });
    const save = async (due) => {
      try {
        const updated = await api(`/api/v1/commitments/${c.id}`, { method: "PATCH", body: { due_on: due } });
        Object.assign(c, { due_on: updated.due_on, overdue: updated.overdue, stale: updated.stale, age_days: updated.age_days });
        recount(this.story.commitments);
        this.renderCommitments(); this.renderCard();
        this.prep.refresh();
        toast(due ? `Due ${shortDate(due)}` : "Due date cleared");
      } catch (error) { this.fail(error); }
    };
    const form = h("form.due-editor", { "aria-label": `Due date of ${c.action}` }, input,
      h("button.btn.btn-primary", { type: "submit" }, "Save"),
      c.due_on ? h("button.btn", { type: "button", onclick: () => save(null) }, "Clear") : null,
      h("button.btn.btn-subtle", { type: "button", onclick: () => this.renderCommitments() }, "Cancel"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value) { toast("Pick a date, or Cancel"); return; }
      save(input.value);
    });
    button.closest(".actions").replaceWith(form);
    input.focus();
  }

  renderDeals() {
    if (!this.nodes || !this.people || !this.people[this.selected].story?.found) return;
    const deals = this.story.deals;
    const heading = h("h2", { id: "h-deals" }, "Deals");
    if (!deals.length) { fill(this.nodes.deals, heading, h("p.empty-line", {}, "No deal with this account yet.")); return; }
    const interaction = this.logged && this.logged.interaction_id;
    fill(this.nodes.deals, heading, h("ul.list", {}, deals.map((d) => {
      const select = h("select.select", { "aria-label": `Stage of ${d.name}`, dataset: { deal: d.id } },
        STAGES.map((st) => h("option", { value: st, selected: st === d.stage }, label(st))));
      select.addEventListener("change", () => this.setStage(d, select.value));
      const court = d.ball_in_court === "ours" ? "Ball in your court" : d.ball_in_court === "theirs" ? "Waiting on them" : null;
      const why = court && d.ball_reason ? h("div.meta.court", {}, h("strong", {}, `${court}: `), d.ball_reason) : null;
      const linked = interaction && this.logged.deal_ids.includes(d.id);
      return h("li", { dataset: { id: d.id } },
        h("div.row", {}, h("span.title", {}, d.name), d.amount ? h("span.meta", {}, `${Number(d.amount).toLocaleString()} ${d.currency || ""}`) : null),
        h("div.row", {}, select, h("span.meta", {}, `${d.days_in_stage} days in stage`)),
        why,
        d.stale ? h("div.meta.stale-deal", {}, h("span.badge.fair", {}, "Going stale"), ` ${d.stale_reason || ""}`) : null,
        h("div.meta", {}, [why ? null : court, d.last_two_way_touch ? `last two-way ${relativeDay(d.last_two_way_touch)}` : "no two-way touch yet", d.owner ? `owner ${d.owner}` : null].filter(Boolean).join(" · ")),
        interaction ? h("div.actions", {}, linked
          ? h("span.meta", {}, "✓ This email is linked")
          : h("button.btn.btn-subtle", { type: "button", onclick: () => this.linkDeal(d) }, "Link this email")) : null);
    })));
  }

  async setStage(d, stage) {
    try {
      const updated = await api(`/api/v1/deals/${d.id}`, { method: "PATCH", body: { stage } });
      Object.assign(d, { stage: updated.stage, days_in_stage: updated.days_in_stage });
      this.renderDeals(); this.renderCard();
      this.nodes.deals.querySelector(`select[data-deal="${d.id}"]`)?.focus();
      toast(`${d.name} moved to ${label(stage)}`);
    } catch (error) { this.fail(error); this.renderDeals(); }
  }

  async linkDeal(d) {
    try {
      await api(`/api/v1/deals/${d.id}/interactions`, { method: "POST", body: { interaction_id: this.logged.interaction_id } });
      this.logged.deal_ids.push(d.id);
      this.renderDeals();
      toast(`Linked to ${d.name}`);
    } catch (error) { this.fail(error); }
  }

  renderSignals() {
    const s = this.story;
    const heading = h("h2", { id: "h-signals" }, "Signals");
    const sure = tracked(s.signals), possible = unsure(s.signals);
    if (!s.signals.length) { fill(this.nodes.signals, heading, h("p.empty-line", {}, "No deal signals in recent mail.")); return; }
    const snippets = new Map(s.timeline.items.map((i) => [i.id, i.snippet || ""]));
    const current = this.logged && this.logged.interaction_id;
    const context = (sig) => {
      const { start, end } = sig.evidence || {};
      const snippet = snippets.get(sig.interaction_id) || "";
      if (snippet && start != null && snippet.slice(start, end) === sig.text) return highlighted(snippet, start, end);
      // otherwise find the words in the open email (offsets there are into its cleaned text)
      for (const text of [sig.interaction_id === current ? this.bodyText : "", snippet, this.bodyText]) {
        const at = text ? text.toLowerCase().indexOf(String(sig.text).toLowerCase()) : -1;
        if (at >= 0) return sentenceAround(text, at, at + sig.text.length);
      }
      return h("mark", {}, sig.text);
    };
    const shown = this.allSignals ? sure : sure.slice(0, SIGNALS_SHOWN);
    const hidden = sure.length - shown.length;
    const more = hidden > 0
      ? h("button.btn.btn-subtle", { type: "button", onclick: () => this.moreSignals() }, `Show more (${hidden})`)
      : null;
    const entry = (sig) => {
      const value = typeof sig.value === "object" && sig.value ? Object.values(sig.value).join(" ") : sig.value;
      return h("li", {},
        h("div", {}, h(`span.kind${sig.kind === "risk" ? ".risk" : ""}`, {}, KIND_LABEL[sig.kind] || label(sig.kind)),
          value && String(value).toLowerCase() !== String(sig.text).toLowerCase() ? h("span.meta", {}, String(value)) : null,
          sig.occurred_at ? h("span.meta", {}, ` · ${relativeDay(sig.occurred_at)}`) : null),
        h("p.quote", {}, context(sig)));
    };
    // signals the extraction was unsure of: behind "Possible signals (N)", never in the list
    const maybe = possible.length ? h("div.possible-signals", {},
      h("button.btn.btn-subtle.possible-toggle", {
        type: "button", "aria-expanded": String(!!this.possibleOpen), "aria-controls": "possible-signals",
        onclick: () => { this.possibleOpen = !this.possibleOpen; this.renderSignals(); this.nodes.signals.querySelector(".possible-toggle")?.focus(); },
      }, `Possible signals (${possible.length})`),
      this.possibleOpen ? h("ul.list.possible-list", { id: "possible-signals", "aria-label": "Possible signals" }, possible.map(entry)) : null) : null;
    fill(this.nodes.signals, heading,
      sure.length ? h("ul.list", {}, shown.map(entry)) : h("p.empty-line", {}, "No deal signals in recent mail."), more,
      this.allSignals && s.signals_more ? h("p.hint", {}, `The ${sure.length} that matter most are shown; older ones are in the record.`) : null,
      maybe);
  }

  /** "Show more": every signal the story has; focus goes to the first one that was hidden. */
  moreSignals() {
    this.allSignals = true;
    this.renderSignals();
    const first = this.nodes.signals.querySelectorAll(".list li")[SIGNALS_SHOWN];
    if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
    announce(`Showing all ${tracked(this.story.signals).length} signals`);
  }

  renderStakeholders() {
    const st = this.story.stakeholders;
    if (!st) { fill(this.nodes.stakeholders); return; }
    const acc = this.story.account;
    const heading = h("h2", { id: "h-stakeholders" }, `People at ${acc ? acc.name : "the account"}`,
      h("span.count", {}, `${st.engaged_30d} engaged in 30 days`));
    const touches = (p) => [p.sent ? `${p.sent} from them` : null, p.received ? `${p.received} from us` : null,
      p.meetings ? plural(p.meetings, "meeting", "meetings") : null].filter(Boolean).join(" · ");
    const engaged = st.engaged.length
      ? h("ul.list", { "aria-label": "Engaged in 90 days" }, st.engaged.map((p) => h("li", { dataset: { contact: p.contact_id || "" } },
        h("div.row", {}, avatar(p.name, p.email), h("span.grow", {}, h("span.title", {}, p.name || p.email || "(unknown)"),
          p.title ? h("span.meta", {}, ` · ${p.title}`) : null), h("span.meta", {}, relativeDay(p.last_touch_at))),
        h("div.meta", {}, touches(p), p.roles.length ? ` · ${p.roles.map((r) => r.toUpperCase().length <= 4 ? r.toUpperCase() : label(r)).join(", ")}` : ""))))
      : h("p.empty-line", {}, "Nobody at the account in touch in 90 days.");
    const mentioned = st.mentioned.length
      ? [h("h3.subhead", { id: "h-mentioned" }, "Mentioned in mail"),
        h("ul.list", { "aria-labelledby": "h-mentioned" }, st.mentioned.map((m) => h("li", {},
          // a role the mail wrote ("Finance Business Partner") is shown as written
          h("div", {}, h("span.kind", {}, m.source === "mail" ? m.role : m.role.length <= 4 ? m.role.toUpperCase() : label(m.role)),
            h("span.meta", {}, m.name ? ` ${m.name}${m.title ? `, ${m.title}` : ""}${!m.contact_id ? " · not in your contacts yet" : m.engaged ? "" : " · not engaged in 90 days"}` : " not in your contacts yet"),
            h("span.meta", {}, ` · ${relativeDay(m.mentioned_at)}`)),
          m.text ? h("p.quote", {}, m.text) : null)))]
      : null;
    fill(this.nodes.stakeholders, heading,
      st.single_threaded ? h("div.banner.single-threaded", { role: "note" }, h("span", {}, h("strong", {}, "Single-threaded: "), st.single_threaded_reason || "")) : null,
      engaged, mentioned);
  }

  renderHealth() {
    const health = this.story.health;
    if (!health) { fill(this.nodes.health); return; }
    fill(this.nodes.health, h("h2", { id: "h-health" }, "Relationship health"),
      h("div.list.health", {},
        h("div.row", {}, h("span.score", {}, String(health.score)), h(`span.badge.${health.label}`, {}, label(health.label))),
        h("ul.reasons", { "aria-label": "Why this score" }, (health.reasons || []).map((r) => h("li.reason", {},
          h("span", {}, r.detail || label(r.factor)),
          h(`span.effect.${r.effect >= 0 ? "up" : "down"}`, { "aria-label": `${r.effect >= 0 ? "plus" : "minus"} ${Math.abs(r.effect)}` },
            `${r.effect >= 0 ? "+" : ""}${r.effect}`))))));
  }

  renderTeam() {
    const team = this.story.team || [];
    const heading = h("h2", { id: "h-team" }, "Who knows them");
    if (!team.length) { fill(this.nodes.team, heading, h("p.empty-line", {}, "Nobody on your team has written to them yet.")); return; }
    fill(this.nodes.team, heading, h("ul.list", {}, team.slice(0, 5).map((t) => h("li.row", {},
      avatar(t.name, t.email), h("span.grow", {}, h("span.title", {}, t.name), h("span.meta", {}, ` · ${t.interactions} emails and meetings`)),
      t.last_interaction_at ? h("span.meta", {}, relativeDay(t.last_interaction_at)) : null))));
  }

  renderTimeline() {
    const tl = this.story.timeline;
    const heading = h("h2", { id: "h-timeline" }, "Timeline", h("span.count", {}, "whole team"));
    if (!tl.items.length) { fill(this.nodes.timeline, heading, h("p.empty-line", {}, "No mail or meetings yet.")); return; }
    const arrow = { inbound: "Received", outbound: "Sent", internal: "Internal" };
    const list = h("ul.list", {}, tl.items.map((i) => h("li", {},
      h("div.row", {}, h("span.dir", {}, i.kind === "meeting" ? "Meeting" : arrow[i.direction] || ""),
        h("span.meta", {}, relativeDay(i.occurred_at))),
      h("div.title", {}, i.function ? `${label(i.function)} · ${i.subject || "(no subject)"}` : i.subject || "(no subject)"),
      i.snippet ? h("div.snippet", { title: i.snippet }, i.snippet) : null,
      i.team && i.team.length ? h("div.meta", {}, i.team.join(", ")) : null)));
    const more = tl.has_more && this.story.contact
      ? h("button.btn.btn-subtle", { type: "button", onclick: () => this.moreTimeline(tl) }, "Show older")
      : null;
    fill(this.nodes.timeline, heading, list, more);
  }

  async moreTimeline(tl) {
    try {
      const next = await api(`/api/v1/story?contact_id=${this.story.contact.id}&page=${tl.page + 1}&page_size=8`);
      tl.items.push(...next.timeline.items); tl.page = next.timeline.page; tl.has_more = next.timeline.has_more;
      this.renderTimeline();
    } catch (error) { this.fail(error); }
  }

  footerNode(person) {
    const item = this.item;
    const logged = this.logged && this.logged.logged;
    return h("div.footer", {},
      item.kind === "email" && item.key
        ? h("button.btn", { type: "button", disabled: logged || undefined, onclick: () => this.logEmail() }, logged ? "✓ Logged" : "Log this email")
        : null,
      this.sharingNode(),
      h("button.btn.btn-subtle", { type: "button", onclick: () => this.neverTrack(person) }, `Never track ${person.address}`));
  }

  /** Who on the team sees this thread: the policy, shared with the team, or private. */
  sharingNode() {
    const sharing = this.logged && this.logged.sharing;
    if (!sharing) return null;
    const policy = sharing.private ? "only me (private mail)" : `the team sees the ${sharing.policy === "full" ? "whole mail" : sharing.policy === "metadata" ? "date only" : "subject"}`;
    const choices = [["default", `Thread: ${policy}`], ["shared", "Thread: shared with the team"], ["private", "Thread: private to me"]];
    const select = h("select.select", { "aria-label": "Who sees this thread" },
      ...choices.map(([value, text]) => h("option", { value, selected: value === sharing.mark }, text)));
    select.addEventListener("change", () => this.markThread(select.value));
    return select;
  }

  async markThread(mark) {
    try {
      this.logged.sharing = await api("/api/v1/threads/mark", { method: "POST", body: { interaction_id: this.logged.interaction_id, mark } });
      toast({ shared: "Thread shared with the team", private: "Thread private to you", default: "Thread follows the team's policy" }[mark]);
    } catch (error) { this.fail(error); }
    this.renderFooter();
  }

  renderFooter() {
    if (!this.nodes || !this.people) return;
    const person = this.people[this.selected];
    fill(this.nodes.footer, ...this.footerNode(person).childNodes);
  }

  async logEmail() {
    const item = this.item;
    try {
      const body = await item.body();
      this.logged = await api("/api/v1/items/log", { method: "POST", body: {
        internet_message_id: item.key, conversation_id: item.conversationId, subject: item.subject,
        body, sent_at: item.sentAt || new Date().toISOString(), sender: item.from, to: item.to, cc: item.cc,
      } });
      this.renderFooter(); this.renderDeals();
      toast("Email logged");
    } catch (error) { this.fail(error); }
  }

  neverTrack(person) {
    // Office add-ins may not use window.confirm: ask inline, focus the safe choice first.
    const footer = this.root.querySelector(".footer");
    const restore = () => (this.nodes ? this.renderFooter() : fill(footer, ...this.footerNode(person).childNodes));
    const cancel = h("button.btn", { type: "button", onclick: restore }, "Cancel");
    fill(footer, h("p.hint", { role: "alert" }, `Never track ${person.address}? What Storyline has of them goes, and their new mail is skipped.`),
      h("button.btn.btn-primary", { type: "button", onclick: () => this.suppress(person, restore) }, "Never track"), cancel);
    cancel.focus();
  }

  async suppress(person, restore) {
    try {
      await api("/api/v1/suppressions", { method: "POST", body: { value: person.address, scope: "user" } });
      toast(`Storyline won't track ${person.address}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) toast(`${person.address} is already not tracked`);
      else this.fail(error);
    }
    restore();
  }
}
