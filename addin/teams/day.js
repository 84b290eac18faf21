/* Storyline in Teams: "My day" on the personal tab's home, from GET /api/v1/me/day (the same
 * answer the Outlook pane's home shows): what I owe and what customers owe me, due or
 * overdue; customer mail waiting on my reply; deals that need me; new risks. Each item with a
 * customer opens that customer's story. Text goes in as textContent only. */
(function () {
  "use strict";

  var SECTIONS = [
    ["ours", "I owe", "Nothing you promised is due."],
    ["theirs", "They owe me", "Nobody owes you anything due today."],
    ["unanswered", "Waiting on my reply", "No customer mail is waiting on you."],
    ["deals", "Deals that need me", "Your deals are moving."],
    ["risks", "New risks", "No new risk in your customers' mail."]
  ];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  /** "Thu 26 Nov" for an ISO date. */
  function day(iso) {
    return new Date(iso + "T12:00:00").toLocaleDateString([], {weekday: "short", day: "numeric",
                                                               month: "short"});
  }

  function dueLine(item, today) {
    if (item.due_on) { return item.due_on < today ? "Overdue since " + day(item.due_on) : "Due today"; }
    return "";
  }

  function itemNode(item, today, onOpen) {
    var who = [item.contact_name, item.account_name].filter(Boolean).join(" · ");
    var target = item.story_contact_id ? {contactId: item.story_contact_id}
      : item.story_email ? {email: item.story_email} : null;
    var box = el(target ? "button" : "div", "day-item");
    box.dataset.kind = item.kind;
    box.append(el("span", "day-title", item.title),
               el("span", "day-meta", [dueLine(item, today), who].filter(Boolean).join(" · ")),
               el("span", "day-reason", item.reason));
    if (target) {
      box.type = "button";
      box.setAttribute("aria-label", item.title + (who ? ", " + who : "") + ". Open the story");
      box.addEventListener("click", function () { onOpen(target); });
    }
    var li = el("li");
    li.append(box);
    return li;
  }

  /** Renders ``answer`` (of /api/v1/me/day) into ``target``; ``onOpen({contactId} or
   * {email})`` opens a customer's story. */
  function render(target, answer, onOpen) {
    var head = el("h2", "day-head", "My day");
    head.id = "h-day";
    head.append(el("span", "day-date", day(answer.today)));
    var parts = [head];
    SECTIONS.forEach(function (section) {
      var key = section[0], part = answer[key];
      var box = el("section", "day-section");
      box.dataset.section = key;
      var title = el("h3", null, section[1] + " ");
      title.append(el("span", "day-count", String(part.count)));
      box.append(title);
      if (!part.items.length) {
        box.append(el("p", "day-empty", section[2]));
      } else {
        var list = el("ul");
        part.items.forEach(function (item) { list.append(itemNode(item, answer.today, onOpen)); });
        if (part.count > part.items.length) {
          list.append(el("li", "day-more", "and " + (part.count - part.items.length) + " more"));
        }
        box.append(list);
      }
      parts.push(box);
    });
    target.replaceChildren.apply(target, parts);
    target.hidden = false;
  }

  var KIND_LABELS = {promise_due: "Promise due", unanswered: "Waiting on your reply",
                     deal_cold: "Deal going cold", single_threaded: "Single-threaded deal",
                     risk: "New risk"};

  /** Renders the seller's nudges (GET /api/v1/nudges) into ``target``, each with why, Open
   * the story, Done and Snooze; ``act(nudge, verb)`` does "open", "done" or "snooze". */
  function renderNudges(target, nudges, act) {
    var head = el("h2", "day-head", "Nudges ");
    head.id = "h-nudges-mine";
    head.append(el("span", "day-count", String(nudges.length)));
    var parts = [head];
    if (!nudges.length) {
      parts.push(el("p", "day-empty", "Nothing needs you right now."));
    } else {
      var list = el("ul");
      nudges.forEach(function (n) {
        var title = (n.evidence && n.evidence.title) || n.title || KIND_LABELS[n.kind] || n.kind;
        var box = el("article", "day-item nudge");
        box.dataset.kind = n.kind;
        box.dataset.nudgeId = n.id;
        var who = [n.evidence && n.evidence.contact, n.evidence && n.evidence.account]
          .filter(Boolean).join(" · ");
        box.append(el("span", "day-meta", [KIND_LABELS[n.kind] || n.kind, who].filter(Boolean).join(" · ")),
                   el("span", "day-title", title), el("span", "day-reason", n.reason));
        var row = el("div", "nudge-actions");
        [["open", "Open the story"], ["done", "Done"], ["snooze", "Snooze"]].forEach(function (b) {
          if (b[0] === "open" && !n.link) { return; }
          var button = el("button", "nudge-" + b[0], b[1]);
          button.type = "button";
          button.setAttribute("aria-label", b[1] + ": " + title);
          button.addEventListener("click", function () { act(n, b[0]); });
          row.append(button);
        });
        box.append(row);
        var li = el("li");
        li.append(box);
        list.append(li);
      });
      parts.push(list);
    }
    target.replaceChildren.apply(target, parts);
    target.hidden = false;
  }

  window.StorylineDay = {render: render, renderNudges: renderNudges};
})();
