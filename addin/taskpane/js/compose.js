// Compose mode: while the seller writes, show the promises in the draft ("You are promising
// the revised quote by Friday: track it?") and the requests made of the customer. A choice is
// kept on the item (for this draft) and sent to the API, so that sync records a promise the
// seller called "Not a promise" as dismissed when the mail goes out.
import { api } from "./api.js";
import { SignedOut } from "./auth.js";
import { fill, h, highlighted, shortDate, toast } from "./ui.js";

const POLL_MS = 1200; // Office.js has no "body changed" event for drafts
const PROPERTY = "storylineTracked"; // per-draft choices, kept on the item itself

export class ComposeView {
  constructor(root, { onSignedOut, onRendered }) {
    this.root = root; this.onSignedOut = onSignedOut; this.onRendered = onRendered;
    this.timer = null; this.lastText = null; this.choices = {};
    this.generation = 0; // bumped on show and stop: an answer for an earlier draft is dropped
  }

  async show(item) {
    this.stop();
    const generation = this.generation;
    this.item = item; this.lastText = null;
    this.root.dataset.state = "compose";
    this.root.setAttribute("aria-busy", "false");
    this.list = h("div", { id: "promises", "aria-live": "polite" });
    fill(this.root, h("section.section", { "aria-labelledby": "h-draft" },
      h("h2", { id: "h-draft" }, "In this draft"),
      h("p.hint", {}, "Storyline reads your draft as you write and shows the promises you are making."),
      this.list));
    this.renderEmpty("Start writing: promises like “I'll send the quote by Friday” appear here.");
    try {
      this.props = await item.customProperties();
      this.choices = JSON.parse(this.props.get(PROPERTY) || "{}");
    } catch { this.props = null; this.choices = {}; }
    if (generation !== this.generation) return; // left compose mode meanwhile
    await this.tick();
    if (generation !== this.generation) return;
    this.timer = window.setInterval(() => this.tick(), POLL_MS);
  }

  stop() {
    this.generation += 1;
    if (this.timer) window.clearInterval(this.timer);
    this.timer = null;
  }

  async tick() {
    const generation = this.generation;
    let draft;
    try { draft = await this.item.read(); } catch { return; }
    if (generation !== this.generation) return;
    const text = `${draft.subject}\n${draft.body}`;
    if (text === this.lastText) return;
    this.lastText = text;
    if (!draft.body.trim()) { this.renderEmpty("Start writing: promises like “I'll send the quote by Friday” appear here."); this.onRendered(this.item); return; }
    try {
      const found = await api("/api/v1/drafts/analyze", { method: "POST", body: {
        subject: draft.subject, body: draft.body, body_type: "text",
        to: draft.to.map((p) => p.address), time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      } });
      if (generation !== this.generation || text !== this.lastText) return; // moved on, or kept typing
      this.render(found);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof SignedOut) { this.stop(); this.onSignedOut(error); return; }
      fill(this.list, h("p.empty-line", { role: "alert" }, "Couldn't read the draft just now; retrying as you type."));
    }
    this.onRendered(this.item);
  }

  renderEmpty(message) { fill(this.list, h("p.empty-line", {}, message)); }

  render(found) {
    const cards = [];
    for (const p of found.promises) {
      const key = p.text.trim().toLowerCase();
      const tracked = this.choices[key] === "track";
      if (this.choices[key] === "ignore") continue;
      const due = p.due ? ` by ${shortDate(p.due)}` : "";
      cards.push(h(`div.promise${tracked ? ".tracked" : ""}`, { dataset: { kind: "promise" } },
        h("p", {}, h("strong", {}, "You are promising "), `${p.action}${due}`, tracked ? "" : ": track it?"),
        h("p.quote", {}, highlighted(found.text, p.start, p.end, 60)),
        tracked
          ? h("p.hint", {}, "✓ Tracked: it joins your open commitments when you send.")
          : h("div.row", {},
            h("button.btn.btn-primary", { type: "button", onclick: () => this.choose(key, "track", found, p.text) }, "Track it"),
            h("button.btn.btn-subtle", { type: "button", onclick: () => this.choose(key, "ignore", found, p.text) }, "Not a promise"))));
    }
    for (const r of found.requests) {
      cards.push(h("div.promise", { dataset: { kind: "request" } },
        h("p", {}, h("strong", {}, "You are asking them to "), r.action, r.due ? ` by ${shortDate(r.due)}` : ""),
        h("p.quote", {}, highlighted(found.text, r.start, r.end, 60))));
    }
    if (!cards.length) this.renderEmpty("No promises in this draft yet.");
    else fill(this.list, cards);
  }

  async choose(key, choice, found, text) {
    this.choices[key] = choice;
    if (this.props) {
      this.props.set(PROPERTY, JSON.stringify(this.choices));
      this.props.saveAsync(() => {});
    }
    this.render(found);
    await this.save(text, choice);
  }

  // Sends the choice to Storyline, so sync honours it when the mail is sent. On failure the
  // choice stays for this draft, and the seller is told it was not saved (with a retry).
  async save(text, choice) {
    try {
      await api("/api/v1/drafts/choices", { method: "POST", body: { text, choice } });
    } catch (error) {
      if (error instanceof SignedOut) {
        toast("Your choice was not saved: sign in again, then choose again.");
        this.stop(); this.onSignedOut(error);
        return;
      }
      toast("Your choice was not saved in Storyline (kept for this draft only).",
        { label: "Retry", run: () => this.save(text, choice) });
      return;
    }
    toast(choice === "track" ? "Tracked: due dates come from your draft" : "Not a promise: it won't be tracked when you send");
  }
}
