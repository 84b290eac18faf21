// The seller's home, "My day": shown when no customer mail is selected (nothing selected, or
// mail among colleagues only). What I owe and what customers owe me, due or overdue; customer
// mail waiting on my reply; deals that need me; new risks (GET /api/v1/me/day). A search box
// over contacts and accounts sits on top: results as the seller types, the most active when
// it is empty. Every item with a customer opens that customer's story.
import { api } from "./api.js";
import { SignedOut } from "./auth.js";
import { announce, avatar, fill, h, icon, relativeDay, shortDate } from "./ui.js";

const SEARCH_DELAY = 250; // ms after the last key before the search goes out
const SECTIONS = [
  ["ours", "I owe", "Nothing you promised is due."],
  ["theirs", "They owe me", "Nobody owes you anything due today."],
  ["unanswered", "Waiting on my reply", "No customer mail is waiting on you."],
  ["deals", "Deals that need me", "Your deals are moving."],
  ["risks", "New risks", "No new risk in your customers' mail."],
];

/** "Jonas Weber · Harbourline Freight" (who an item is about). */
function whoOf(item) {
  return [item.contact_name, item.account_name].filter(Boolean).join(" · ");
}

/** The item's date line: overdue or due for promises, when it came for the rest. */
function whenOf(item, today) {
  if (item.due_on) {
    return item.due_on < today
      ? h("span.due.overdue", {}, `Overdue · ${shortDate(item.due_on)}`)
      : h("span.due", {}, "Due today");
  }
  if (item.kind === "deal_cold" || item.kind === "single_threaded") return "Deal";
  return item.occurred_at ? relativeDay(item.occurred_at) : "";
}

export class HomeView {
  constructor(root, { onSignedOut, onRendered, onOpenStory }) {
    this.root = root;
    this.onSignedOut = onSignedOut;
    this.onRendered = onRendered;
    this.onOpenStory = onOpenStory;
    this.seq = 0;
    this.abort = null;
    this.query = "";
    this.timer = null;
  }

  /** Shows My day (``item``: what is selected, if anything; the pane reports it rendered). */
  async show(item) {
    const seq = ++this.seq;
    this.cancelRequests();
    this.abort = new AbortController();
    this.item = item || null;
    this.nodes = {
      search: this.searchNode(), results: h("section.section.home-results", { "aria-labelledby": "h-results", "aria-live": "polite" }),
      day: h("div.home-day"), active: h("section.section.home-active", { "aria-labelledby": "h-results" }),
    };
    this.root.dataset.state = "home";
    this.root.setAttribute("aria-busy", "true");
    fill(this.root, h("div.home", {},
      h("div.home-head", {}, h("h1", { id: "home-title" }, "My day"), h("span.meta", { id: "home-date" })),
      this.nodes.search, this.nodes.results, this.nodes.day, this.nodes.active));
    fill(this.nodes.day, h("div.state.state-loading", { role: "status" },
      h("span.visually-hidden", {}, "Loading your day"),
      h("div.skeleton.skeleton-line"), h("div.skeleton.skeleton-block"), h("div.skeleton.skeleton-block")));
    const signal = this.abort.signal;
    const [day] = await Promise.all([
      api("/api/v1/me/day", { signal }).catch((error) => ({ error })),
      this.search(this.query, seq),
    ]);
    if (seq !== this.seq) return;
    if (day.error) {
      if (day.error.name === "AbortError") return;
      if (day.error instanceof SignedOut) { this.onSignedOut(day.error); return; }
      this.renderError(day.error);
    } else {
      this.day = day;
      this.renderDay();
    }
    this.root.setAttribute("aria-busy", "false");
    this.onRendered(this.item);
  }

  /** The pane is leaving the home: nothing in flight may paint over what comes next. */
  cancel() {
    this.seq += 1;
    this.cancelRequests();
  }

  cancelRequests() {
    if (this.abort) this.abort.abort();
    this.abort = null;
    window.clearTimeout(this.timer);
  }

  searchNode() {
    const input = h("input.input", {
      type: "search", id: "home-search", placeholder: "Search contacts and accounts", autocomplete: "off",
      "aria-label": "Search contacts and accounts", "aria-controls": "home-results-list", value: this.query,
    });
    input.addEventListener("input", () => {
      window.clearTimeout(this.timer);
      const seq = this.seq;
      this.timer = window.setTimeout(() => this.search(input.value, seq), SEARCH_DELAY);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && input.value) { input.value = ""; this.search("", this.seq); }
    });
    return h("div.home-search", { role: "search" }, h("span.home-search-icon", { "aria-hidden": "true" }, icon("people")), input);
  }

  /** Contacts and accounts matching ``text`` (the most active when it is empty). */
  async search(text, seq) {
    if (seq !== this.seq) return;
    const q = text.trim();
    this.query = text;
    const turn = (this.searchTurn = (this.searchTurn || 0) + 1);
    const signal = this.abort ? this.abort.signal : undefined;
    const param = q ? `q=${encodeURIComponent(q)}&` : "";
    let contacts, accounts;
    try {
      [contacts, accounts] = await Promise.all([
        api(`/api/v1/contacts?${param}page_size=${q ? 8 : 5}`, { signal }),
        api(`/api/v1/accounts?${param}page_size=${q ? 5 : 3}`, { signal }),
      ]);
    } catch (error) {
      if (error.name === "AbortError" || seq !== this.seq || turn !== this.searchTurn) return;
      if (error instanceof SignedOut) { this.onSignedOut(error); return; }
      fill(this.nodes.results, h("p.empty-line", { role: "alert" }, error.message || "Search didn't work. Try again."));
      return;
    }
    if (seq !== this.seq || turn !== this.searchTurn) return;
    this.renderResults(q, contacts.items, accounts.items);
  }

  /** Typed: the matches right under the box. Empty: the most active, after the day. */
  renderResults(q, contacts, accounts) {
    fill(q ? this.nodes.active : this.nodes.results);
    const target = q ? this.nodes.results : this.nodes.active;
    const heading = h("h2", { id: "h-results" }, q ? "Results" : "Most active",
      q ? h("span.count", {}, `${contacts.length + accounts.length}`) : null);
    if (!contacts.length && !accounts.length) {
      fill(target, heading, h("p.empty-line", { id: "home-results-list" },
        q ? `No contact or account matches “${q}”.` : "No customers in your record yet."));
      if (q) announce(`No matches for ${q}`);
      return;
    }
    const people = contacts.map((c) => {
      const name = c.name || c.addresses[0];
      return h("li.home-hit", { dataset: { contact: c.id } }, h("button.home-open", {
        type: "button", "aria-label": `Open the story of ${name}`, onclick: () => this.onOpenStory({ contactId: c.id }),
      }, avatar(c.name, c.addresses[0]), h("span.grow", {}, h("span.title", {}, name),
        h("span.meta", {}, ` · ${c.addresses[0] || ""}`)),
      h("span.meta", { title: "Emails and meetings" }, `${c.interaction_count}`)));
    });
    const orgs = accounts.map((a) => h("li.home-hit", { dataset: { account: a.id } }, h("button.home-open", {
      type: "button", "aria-label": `Show the people of ${a.name}`,
      onclick: () => this.showAccount(a),
    }, h("span.kind", {}, "Account"), h("span.grow", {}, h("span.title", {}, a.name),
      h("span.meta", {}, a.domains.length ? ` · ${a.domains[0]}` : "")),
    h("span.meta", { title: "Emails and meetings" }, `${a.interaction_count}`))));
    fill(target, heading, h("ul.list", { id: "home-results-list", "aria-label": q ? "Search results" : "Most active customers" },
      people, orgs));
    if (q) announce(`${contacts.length + accounts.length} matches`);
  }

  /** An account's people: its domain in the search box lists them, most active first. */
  showAccount(account) {
    const input = this.root.querySelector("#home-search");
    const value = account.domains[0] || account.name;
    input.value = value;
    input.focus();
    this.search(value, this.seq);
  }

  renderError(error) {
    fill(this.nodes.day, h("div.state.state-error", { role: "alert" },
      h("div.glyph", { "aria-hidden": "true" }, icon("alert")),
      h("h2", {}, "Couldn't load your day"),
      h("p", {}, error.message || "Something went wrong."),
      h("button.btn.btn-primary", { type: "button", onclick: () => this.show(this.item) }, "Try again")));
  }

  renderDay() {
    const day = this.day;
    const date = this.root.querySelector("#home-date");
    if (date) date.textContent = shortDate(day.today);
    const total = SECTIONS.reduce((n, [key]) => n + day[key].count, 0);
    const sections = SECTIONS.map(([key, title, empty]) => {
      const part = day[key];
      const id = `h-day-${key}`;
      return h("section.section.home-section", { "aria-labelledby": id, dataset: { section: key } },
        h("h2", { id }, title, h("span.count", {}, String(part.count))),
        part.items.length
          ? h("ul.list", {}, part.items.map((item) => this.itemNode(item, day.today)),
            part.count > part.items.length ? h("li.meta", {}, `and ${part.count - part.items.length} more`) : null)
          : h("p.empty-line", {}, empty));
    });
    fill(this.nodes.day,
      total ? null : h("p.hint", { id: "home-clear" }, "Nothing needs you right now."),
      sections);
  }

  itemNode(item, today) {
    const who = whoOf(item);
    const body = [
      h("span.title", {}, item.title),
      h("span.meta.home-when", {}, whenOf(item, today), who ? ` · ${who}` : ""),
      h("span.home-reason", {}, item.reason),
    ];
    const li = h("li.home-item", { dataset: { kind: item.kind, key: item.key } });
    const target = item.story_contact_id ? { contactId: item.story_contact_id }
      : item.story_email ? { email: item.story_email } : null;
    if (!target) { fill(li, h("div.home-static", {}, body)); return li; }
    fill(li, h("button.home-open", {
      type: "button", title: "Open the customer's story",
      "aria-label": `${item.title}${who ? `, ${who}` : ""}. Open the story`,
      onclick: () => this.onOpenStory(target),
    }, body));
    return li;
  }
}
