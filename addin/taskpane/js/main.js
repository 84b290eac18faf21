// Storyline task pane: waits for Office, checks the host, follows the selected item (pinned
// pane), and shows the story (read), the promises in the draft (compose), or the seller's
// home, My day, when no customer mail is selected (home.js).
import { forget } from "./auth.js";
import { ComposeView } from "./compose.js";
import { HomeView } from "./home.js";
import { applyTheme, currentItem, me, onItemChanged, onThemeChanged } from "./host.js";
import { StoryView } from "./story.js";
import { SyncBanner } from "./syncbanner.js";
import { fill, h, icon } from "./ui.js";

const root = document.getElementById("pane");

function setState(name, ...children) {
  root.dataset.state = name;
  root.setAttribute("aria-busy", "false");
  fill(root, ...children);
}

function rendered(item) {
  root.dataset.item = item ? item.id || "" : "";
  const at = performance.timeOrigin + performance.now();
  window.StorylineRendered = { item: root.dataset.item, state: root.dataset.state, at };
  window.dispatchEvent(new CustomEvent("storyline:rendered", { detail: window.StorylineRendered }));
}

function signedOut(error) {
  compose.stop();
  story.cancel();
  home.cancel();
  const expired = error && error.reason === "token_expired";
  setState("signed-out", h("div.state.state-signedout", { role: "alert" },
    h("div.glyph", { "aria-hidden": "true" }, icon("lock")),
    h("h2", {}, expired ? "Your session has expired" : "Sign in to Storyline"),
    h("p", {}, expired ? "Sign in again to see the customer story." : "Sign in with your work account to see the customer story beside your mail."),
    h("button.btn.btn-primary", { type: "button", onclick: () => { forget(); refresh(); } }, "Sign in")));
  root.querySelector("button").focus();
  rendered(currentItemSafe());
}

function currentItemSafe() { try { return currentItem(); } catch { return null; } }

const story = new StoryView(root, { onSignedOut: signedOut, onRendered: rendered, onNoCustomer: (item) => showHome(item) });
const compose = new ComposeView(root, { onSignedOut: signedOut, onRendered: rendered });
// My day: with no customer mail selected; its items and search results open a story
const home = new HomeView(root, {
  onSignedOut: signedOut, onRendered: rendered,
  onOpenStory: (target) => {
    const from = home.item;
    home.cancel();
    story.showContact(target, { item: from, back: () => { story.cancel(); showHome(from); } });
  },
});

function showHome(item) {
  story.cancel();
  home.show(item);
}

let opened = 0; // bumped by every refresh: a slow read of an earlier item is dropped
let organized = null; // the seller's own meeting on screen, if that is what is open

/** The seller's own meeting, open for editing: read its fields, then show it like any meeting
 * (its prep on top, the attendees' story below); again when attendees or the time change. */
async function showOrganized(item, turn, { quiet = false } = {}) {
  if (!quiet) {
    story.cancel();
    setState("loading", h("div.state", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), "Reading the meeting…"));
  }
  let meeting;
  try {
    meeting = await item.read();
  } catch {
    if (turn !== opened) return;
    setState("error", h("div.state.state-error", { role: "alert" },
      h("div.glyph", { "aria-hidden": "true" }, icon("alert")),
      h("h2", {}, "Couldn't read this meeting"),
      h("p", {}, "Outlook didn't give Storyline the meeting's details."),
      h("button.btn.btn-primary", { type: "button", onclick: () => refresh() }, "Try again")));
    rendered(item);
    return;
  }
  if (turn !== opened) return;
  story.show(meeting, me());
}

function refresh() {
  const turn = ++opened;
  const item = currentItemSafe();
  organized = item && item.mode === "organizer" ? item : null;
  home.cancel();
  if (!item) {
    compose.stop();
    showHome(null);
    return;
  }
  if (item.mode === "compose") { story.cancel(); compose.show(item); return; }
  compose.stop();
  if (item.mode === "organizer") {
    item.watch(() => { if (organized === item) showOrganized(item, ++opened, { quiet: true }); });
    showOrganized(item, turn);
    return;
  }
  story.show(item, me());
}

function notInOutlook(message) {
  setState("error", h("div.state.state-error", { role: "alert" },
    h("div.glyph", { "aria-hidden": "true" }, icon("alert")),
    h("h2", {}, "Open Storyline from Outlook"),
    h("p", {}, message)));
}

if (typeof window.Office === "undefined") {
  notInOutlook("Office didn't load. Storyline runs as an Outlook add-in, or in the preview at the server's home page.");
} else {
  Office.onReady((info) => {
    if (info.host !== Office.HostType.Outlook) {
      notInOutlook("Storyline works in Outlook (on the web, new Outlook for Windows and Mac).");
      return;
    }
    applyTheme();
    onThemeChanged(() => { applyTheme(); story.prep.rerender(); });
    onItemChanged(() => refresh());
    refresh();
    new SyncBanner(root.parentNode, root).refresh();
  });
}
