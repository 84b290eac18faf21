/* Storyline in Teams: the personal tab, the meeting side panel and the local preview of sent
 * cards. Signs in with Teams SSO inside Teams (or the local preview's token outside it),
 * reads /api/v1/prep and renders the card with Microsoft's Adaptive Cards renderer. */
(function () {
  "use strict";

  var body = document.body;
  var mode = body.dataset.mode;
  var params = new URLSearchParams(window.location.search);
  var statusEl = document.getElementById("status");
  var listEl = document.getElementById("list");
  var cardEl = document.getElementById("card");
  var storyEl = document.getElementById("story");
  var dayEl = document.getElementById("day");
  var nudgesEl = document.getElementById("nudges-mine");
  var teams = null; // the Teams context when running inside Teams
  var tokenPromise = null;

  function status(text) { statusEl.textContent = text || ""; }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (_, reject) {
      setTimeout(function () { reject(new Error("timeout")); }, ms);
    })]);
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.append(script);
    });
  }

  async function teamsContext() {
    // Only a framed page can be in Teams. The Teams client is loaded then, not before: on
    // load it fetches Teams' list of valid host origins, which a page on its own never needs.
    if (window.parent === window || mode === "preview") { return null; }
    try {
      await loadScript(body.dataset.teamsJs);
      await withTimeout(microsoftTeams.app.initialize(), 4000);
      return await microsoftTeams.app.getContext();
    } catch (e) {
      return null; // framed, but not by Teams (the Outlook preview, a test page)
    }
  }

  async function signIn() {
    if (teams) { return microsoftTeams.authentication.getAuthToken(); }
    var hash = new URLSearchParams(window.location.hash.slice(1)).get("token");
    if (hash) {
      sessionStorage.setItem("storyline.token", hash);
      history.replaceState(null, "", window.location.pathname + window.location.search);
      return hash;
    }
    var kept = sessionStorage.getItem("storyline.token");
    if (kept) { return kept; }
    if (body.dataset.preview !== "yes") { throw new Error("Open this page from Teams to sign in."); }
    var answer = await fetch("/preview/token", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({user: params.get("user") || null})
    });
    if (!answer.ok) { throw new Error("Sign-in failed: load the sample first (make demo)."); }
    return (await answer.json()).token;
  }

  async function api(path, options) {
    options = options || {};
    tokenPromise = tokenPromise || signIn();
    var headers = {"Authorization": "Bearer " + await tokenPromise};
    if (options.json !== undefined) { headers["Content-Type"] = "application/json"; }
    var answer = await fetch(path, {
      method: options.method || "GET", headers: headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : undefined
    });
    var data = await answer.json().catch(function () { return {}; });
    if (!answer.ok) {
      var err = new Error((data.error && data.error.message) || ("HTTP " + answer.status));
      err.status = answer.status;
      throw err;
    }
    return data;
  }

  function openUrl(url) {
    if (teams) { microsoftTeams.app.openLink(url); } else { window.location.assign(url); }
  }

  AdaptiveCards.AdaptiveCard.onProcessMarkdown = window.StorylineCardMarkdown; // markdown.js

  function renderCard(card, target, onAction) {
    var adaptive = new AdaptiveCards.AdaptiveCard();
    adaptive.hostConfig = new AdaptiveCards.HostConfig({
      fontFamily: "Segoe UI, system-ui, sans-serif",
      actions: {actionsOrientation: "horizontal", maxActions: 6}
    });
    adaptive.onExecuteAction = onAction || function () {};
    adaptive.parse(card);
    var rendered = adaptive.render();
    target.replaceChildren(rendered);
    return rendered;
  }

  async function onCardAction(action) {
    var data = action.data || {};
    if (data.action === "commitment.done" && data.commitmentId) {
      status("Marking it done…");
      try {
        await api("/api/v1/commitments/" + encodeURIComponent(data.commitmentId),
                  {method: "PATCH", json: {status: "done"}});
        await showMeeting(cardEl.dataset.meetingId, "Marked done.");
      } catch (e) { status("Could not mark it done: " + e.message); }
    } else if (action.url) {
      openUrl(action.url);
    }
  }

  function when(iso) {
    return new Date(iso).toLocaleString([], {weekday: "short", day: "numeric", month: "short",
                                             hour: "2-digit", minute: "2-digit"});
  }

  async function showStory(emails, contactId) {
    storyEl.hidden = true;
    if (!emails.length && !contactId) { return; }
    var data = contactId
      ? {stories: [{address: "", story: await api("/api/v1/story?contact_id=" + encodeURIComponent(contactId))}]}
      : await api("/api/v1/story?emails=" + encodeURIComponent(emails.join(",")));
    storyEl.replaceChildren();
    (data.stories || []).forEach(function (entry) {
      if (!entry.story || !entry.story.timeline.items.length) { return; }
      var h = document.createElement("h2");
      var contact = entry.story.contact;
      h.textContent = "The story with " + ((contact && contact.name) || entry.address);
      var ul = document.createElement("ul");
      entry.story.timeline.items.forEach(function (item) {
        var li = document.createElement("li");
        var t = document.createElement("span");
        t.className = "when";
        t.textContent = when(item.occurred_at);
        li.append(t, (item.kind === "meeting" ? "Meeting: " : "") + (item.subject || "(no subject)"));
        ul.append(li);
      });
      storyEl.append(h, ul);
    });
    storyEl.hidden = !storyEl.children.length;
  }

  // The Teams meeting the panel is open in: its chat thread id (the calendar event's join link
  // carries the same id, and calendar sync stores it). Outside a meeting chat: none.
  function meetingChatId() {
    var chat = teams && teams.chat && teams.chat.id;
    if (chat && /^19:meeting_/.test(chat)) { return chat; }
    return params.get("chat_id") || null;
  }

  async function showMeeting(meetingId, note) {
    var chatId = meetingId ? null : meetingChatId();
    var query = meetingId ? "meeting_id=" + encodeURIComponent(meetingId)
      : chatId ? "chat_id=" + encodeURIComponent(chatId) : "current=1";
    var data = await api("/api/v1/prep?" + query);
    cardEl.dataset.meetingId = data.meeting_id;
    renderCard(data.card, cardEl, onCardAction);
    status(note || "");
    if (mode === "tab") { await showStory(data.attendees || []); }
  }

  // The tab's home: My day (day.js) above the meeting list; an item opens its customer's story.
  async function showDay() {
    var day = await api("/api/v1/me/day");
    window.StorylineDay.render(dayEl, day, function (target) {
      history.pushState(null, "", target.contactId
        ? "?contact_id=" + encodeURIComponent(target.contactId)
        : "?email=" + encodeURIComponent(target.email));
      dayEl.hidden = true;
      listEl.replaceChildren();
      showStory(target.email ? [target.email] : [], target.contactId).catch(fail);
    });
  }

  // The seller's nudges on the tab's home: Done closes one for good, Snooze holds it for the
  // default time (STORYLINE_NUDGE_SNOOZE_HOURS); either way it leaves the list.
  async function showNudges(note) {
    var data = await api("/api/v1/nudges");
    window.StorylineDay.renderNudges(nudgesEl, data.nudges, function (nudge, verb) {
      if (verb === "open") { openUrl(nudge.link); return; }
      status(verb === "done" ? "Marking it done…" : "Snoozing it…");
      api("/api/v1/nudges/" + encodeURIComponent(nudge.id) + "/" + verb,
          {method: "POST", json: {}})
        .then(function () { return showNudges(verb === "done" ? "Done." : "Snoozed."); })
        .catch(function (e) { status("Could not save that: " + e.message); });
    });
    if (note) { status(note); }
  }

  async function showList() {
    var data = await api("/api/v1/prep/upcoming");
    listEl.replaceChildren();
    if (!data.meetings.length) { status("No customer meetings in the next seven days."); return; }
    data.meetings.forEach(function (m) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "meeting" + (m.cancelled ? " cancelled" : "");
      var t = document.createElement("time");
      t.dateTime = m.starts_at;
      t.textContent = when(m.starts_at);
      var text = document.createElement("span");
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = m.attendees.join(", ");
      text.append(m.title || "(no subject)", who);
      button.append(t, text);
      button.addEventListener("click", function () {
        listEl.replaceChildren();
        history.pushState(null, "", "?meeting_id=" + m.meeting_id);
        showMeeting(m.meeting_id).catch(fail);
      });
      listEl.append(button);
    });
    status("");
  }

  function showSent() {
    var sent = JSON.parse(document.getElementById("sent").textContent || "[]");
    if (!sent.length && !statusEl.textContent.trim().startsWith("The Graph")) {
      status("Nothing sent yet: the prep job sends cards an hour before customer meetings.");
    } else if (sent.length) { status(sent.length + " notifications sent."); }
    sent.forEach(function (s) { listEl.append(sentCard(s, [s.at, "to " + s.mailbox, s.type, s.preview])); });
    var coming = JSON.parse(document.getElementById("coming").textContent || "[]");
    var section = document.getElementById("coming-digests");
    coming.forEach(function (d) {
      document.getElementById("coming-list").append(
        sentCard(d, ["goes out " + d.at, "to " + d.mailbox, d.preview]));
    });
    section.hidden = !coming.length;
    // the nudges found for the sellers: sent ones and those held for working hours or the cap
    var nudges = JSON.parse(document.getElementById("nudges-data").textContent || "[]");
    nudges.forEach(function (n) {
      document.getElementById("nudge-list").append(
        sentCard(n, [n.at, "to " + n.mailbox, n.kind, n.status, n.reason]));
    });
    document.getElementById("nudges").hidden = !nudges.length;
  }

  // One notification (sent, or the next digest) with its card rendered.
  function sentCard(s, meta) {
    var box = document.createElement("article");
    box.className = "sent-card";
    var line = document.createElement("div");
    line.className = "sent-meta";
    line.textContent = meta.join(" · ");
    var holder = document.createElement("div");
    box.append(line, holder);
    if (s.card) { renderCard(s.card, holder); }
    return box;
  }

  function fail(e) {
    status(e.status === 404 ? e.message : "Could not load the prep: " + e.message);
  }

  async function start() {
    if (mode === "preview") { showSent(); return; }
    teams = await teamsContext();
    // a nudge's deep link names a story ("story:..."), not a meeting
    var sub = teams && teams.page && teams.page.subPageId;
    var meetingId = params.get("meeting_id") ||
      (sub && sub !== "today" && sub.indexOf("story:") !== 0 ? sub : null);
    if (mode === "panel") { await showMeeting(meetingId); return; }
    if (meetingId) { await showMeeting(meetingId); return; }
    // "story:contact_id:<id>" from a nudge's deep link, or ?contact_id= outside Teams; a
    // nudge about a mail or an account without a contact opens the home with its nudges
    var storyOf = sub && /^story:contact_id:/.test(sub) ? sub.split(":")[2] : null;
    var contactId = params.get("contact_id") || storyOf;
    if (contactId || params.get("email")) {
      await showStory(params.get("email") ? [params.get("email")] : [], contactId);
      return;
    }
    await Promise.all([showDay().catch(function (e) { status("Could not load your day: " + e.message); }),
                       showNudges().catch(function (e) { status("Could not load your nudges: " + e.message); }),
                       showList()]);
  }

  window.addEventListener("popstate", function () { window.location.reload(); });
  start().catch(fail);
})();
