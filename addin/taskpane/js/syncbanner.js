// The seller's own mailbox sync, above the story: a banner when it is still being read, behind
// or failing, and the seller's own switch to pause or resume it (PUT /api/v1/sync/me/paused).
import { api } from "./api.js";
import { h, fill, toast } from "./ui.js";

const BEHIND_SECONDS = 30 * 60; // no complete round for half an hour: say the story may lag
const EVERY_MS = 5 * 60 * 1000;

/** What to tell the seller about their mailbox, from one /sync/status entry. */
export function syncNotice(box) {
  if (!box) return null;
  if (!box.sync_enabled) {
    return { kind: "paused", text: "Storyline is not reading your mailbox (paused).", action: "Resume" };
  }
  const failing = (box.folders || []).find((f) => f.last_error);
  if (failing) {
    return { kind: "failing", text: `Reading your mailbox is failing (${failing.folder}): ${failing.last_error}`, action: "Pause" };
  }
  const folders = box.folders || [];
  if (!folders.length || folders.some((f) => f.state !== "current")) {
    const n = box.items_seen || 0;
    return { kind: "behind", text: `Storyline is still reading your mailbox (${n} items so far): older mail may be missing.`, action: "Pause" };
  }
  if (box.lag_seconds !== null && box.lag_seconds > BEHIND_SECONDS) {
    return { kind: "behind", text: "Your mailbox is behind: the newest mail may be missing from the story.", action: "Pause" };
  }
  return { kind: "current", text: "", action: "Pause" };
}

export class SyncBanner {
  constructor(parent, before) {
    this.el = h("div.sync-banner", { role: "status", "aria-live": "polite" });
    parent.insertBefore(this.el, before);
    this.timer = null;
  }

  async refresh() {
    let box = null;
    try {
      const data = await api("/api/v1/sync/status");
      box = (data && data.mailboxes && data.mailboxes[0]) || null;
    } catch {
      return; // the story shows sign-in and network problems itself
    }
    this.render(syncNotice(box));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), EVERY_MS);
  }

  render(notice) {
    this.el.dataset.kind = notice ? notice.kind : "";
    if (!notice) { fill(this.el); return; }
    const paused = notice.kind === "paused";
    if (notice.kind === "current") { // nothing to report: only the seller's own switch
      fill(this.el, h("p.sync-line", {}, "Storyline reads your mailbox. ",
        h("button.btn.btn-link", { type: "button", onclick: () => this.toggle(true) }, "Pause")));
      return;
    }
    fill(this.el, h("div.banner", { dataset: { kind: notice.kind } },
      h("span", {}, notice.text),
      h("button.btn.btn-link", { type: "button", onclick: () => this.toggle(!paused) },
        paused ? "Resume" : "Pause")));
  }

  async toggle(paused) {
    try {
      await api("/api/v1/sync/me/paused", { method: "PUT", body: { paused } });
      toast(paused ? "Your mailbox is paused: nothing new is read." : "Reading your mailbox again.");
    } catch (error) {
      toast(error.message || "Couldn't change that.");
    }
    this.refresh();
  }
}
