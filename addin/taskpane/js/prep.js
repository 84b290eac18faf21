// Read mode, an appointment: the meeting's prep card above the people's story. It is the
// Adaptive Card the Teams tab and meeting panel show (GET /api/v1/prep, found by the
// appointment's REST id), rendered by Microsoft's renderer vendored in addin/teams/vendor and
// served from our own origin (no CDN): loaded on the first appointment, not before.
import { api, ApiError } from "./api.js";
import { SignedOut } from "./auth.js";
import { fill, h, toast } from "./ui.js";

const RENDERER = "/teams/static/vendor/adaptivecards.min.js";
const RENDERER_CSS = "/teams/static/vendor/adaptivecards.css";
const MARKDOWN = "/teams/static/markdown.js";
const DONE_VERB = "commitment.done"; // app/prep/cards.py
const STORY_LINK = /\/teams\/tab\?meeting_id=/; // the card's "Open the full story"

let renderer = null;

function loadRenderer() {
  renderer = renderer || new Promise((resolve, reject) => {
    if (!document.querySelector(`link[href="${RENDERER_CSS}"]`)) {
      document.head.append(h("link", { rel: "stylesheet", href: RENDERER_CSS }));
    }
    // the renderer, then the cards' markdown hook (addin/teams/markdown.js, shared with Teams)
    const load = (src) => new Promise((done, fail) => {
      const script = h("script", { src });
      script.addEventListener("load", done);
      script.addEventListener("error", fail);
      document.head.append(script);
    });
    load(RENDERER).then(() => load(MARKDOWN)).then(() => {
      window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = window.StorylineCardMarkdown;
      resolve(window.AdaptiveCards);
    }, () => { renderer = null; reject(new Error("The card renderer didn't load.")); });
  });
  return renderer;
}

/** The renderer's colours from the pane's own tokens, so the card follows the theme. */
function hostConfig(AC) {
  const css = getComputedStyle(document.documentElement);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const tone = (color) => ({ default: color, subtle: color });
  const colors = {
    default: { default: v("--fg", "#242424"), subtle: v("--fg-3", "#616161") },
    dark: tone(v("--fg", "#242424")), light: tone(v("--fg-3", "#616161")),
    accent: tone(v("--brand", "#0f6cbd")), good: tone(v("--success", "#0e700e")),
    warning: tone(v("--warning", "#8a3707")), attention: tone(v("--danger", "#b10e1c")),
  };
  return new AC.HostConfig({
    fontFamily: v("--font", "Segoe UI, system-ui, sans-serif"),
    spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 12 },
    separator: { lineThickness: 1, lineColor: v("--stroke", "#e0e0e0") },
    actions: { actionsOrientation: "horizontal", maxActions: 6, buttonSpacing: 8 },
    containerStyles: {
      default: { backgroundColor: v("--bg", "#ffffff"), foregroundColors: colors },
      emphasis: { backgroundColor: v("--bg-3", "#f5f5f5"), foregroundColors: colors },
    },
  });
}

export class PrepView {
  /** `onOpenStory()`: the card's "Open the full story" (the story is right below, in the pane).
   *  `onDone(commitmentId)`: a commitment was marked done from the card. */
  constructor({ onOpenStory, onDone }) {
    this.onOpenStory = onOpenStory;
    this.onDone = onDone;
    this.seq = 0;
    this.node = h("section.prep", { "aria-label": "Meeting prep", dataset: { prep: "idle" } });
    this.data = null;
    const scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    if (scheme && scheme.addEventListener) scheme.addEventListener("change", () => this.rerender());
  }

  /** Loads the prep of a meeting item (`item.eventId`); a newer call supersedes an older one.
   *  `quiet`: keep the card on screen while it reloads (after a change made in the pane). */
  async show(item, signal, { quiet = false } = {}) {
    const seq = ++this.seq;
    this.item = item;
    if (!quiet || !this.data) {
      this.data = null;
      this.set("loading", h("div.prep-note", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), "Loading the meeting prep…"));
    }
    if (!item.eventId) { this.set("not-synced", this.notSynced()); return; }
    try {
      const [data, AC] = await Promise.all([
        api(`/api/v1/prep?event_id=${encodeURIComponent(item.eventId)}`, { signal }),
        loadRenderer(),
      ]);
      if (seq !== this.seq) return;
      this.data = data;
      this.render(AC);
    } catch (error) {
      if (seq !== this.seq || error.name === "AbortError") return;
      if (error instanceof SignedOut) { this.set("idle"); return; } // the story signs out
      if (error instanceof ApiError && error.status === 404) { this.set("not-synced", this.notSynced()); return; }
      this.set("error", h("div.prep-note", { role: "alert" }, "Couldn't load the meeting prep. ",
        h("button.btn-link", { type: "button", onclick: () => this.show(item) }, "Try again")));
    }
  }

  /** Forgets the item (an email or a draft is open now). */
  clear() { this.seq += 1; this.item = null; this.data = null; this.set("idle"); }

  /** Draws the card again (the theme changed). */
  rerender() { if (this.data && window.AdaptiveCards) this.render(window.AdaptiveCards); }

  /** Loads the card again (a commitment changed elsewhere in the pane). */
  refresh() { if (this.item && this.data) this.show(this.item, undefined, { quiet: true }); }

  set(state, ...children) {
    this.node.dataset.prep = state;
    fill(this.node, ...children);
  }

  notSynced() {
    if (this.item && this.item.unsaved) {
      return h("p.prep-note", {}, "A new meeting: its prep shows here once you send the invitation and Storyline has synced it from your calendar.");
    }
    return h("p.prep-note", {}, "Meeting prep shows here once Storyline has synced this meeting from your calendar (usually within a few minutes).");
  }

  render(AC) {
    const card = new AC.AdaptiveCard();
    card.hostConfig = hostConfig(AC);
    card.onExecuteAction = (action) => this.act(action);
    card.parse(this.data.card);
    const rendered = card.render();
    const title = this.data.title || "(no subject)";
    this.set("ready", h("details.prep-card", { open: true },
      h("summary", {}, h("span.prep-label", {}, "Meeting prep"), h("span.prep-title", {}, title)),
      rendered));
  }

  async act(action) {
    const data = action.data || {};
    if (data.action === DONE_VERB && data.commitmentId) {
      try {
        await api(`/api/v1/commitments/${encodeURIComponent(data.commitmentId)}`, { method: "PATCH", body: { status: "done" } });
        toast("Marked done");
        if (this.onDone) this.onDone(data.commitmentId);
        await this.show(this.item, undefined, { quiet: true });
      } catch (error) {
        toast(error instanceof ApiError && error.message ? error.message : "Couldn't mark it done. Try again.");
      }
      return;
    }
    const url = action.url || "";
    if (STORY_LINK.test(url)) { if (this.onOpenStory) this.onOpenStory(); return; }
    if (/^https:\/\//.test(url)) {
      const ui = window.Office && Office.context && Office.context.ui;
      if (ui && typeof ui.openBrowserWindow === "function") ui.openBrowserWindow(url);
      else window.open(url, "_blank", "noopener");
    }
  }
}
