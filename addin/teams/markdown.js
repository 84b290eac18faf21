// The subset of markdown Storyline's prep cards use, as Teams shows it: **bold**, _italic_
// and backslash escapes. Everything else is text: HTML is escaped before anything is marked
// up. One copy for the Teams tab and panel (prep.js) and the Outlook task pane
// (taskpane/js/prep.js); it becomes the Adaptive Cards renderer's markdown hook.
(function () {
  "use strict";
  window.StorylineCardMarkdown = function markdown(text, result) {
    var html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
    var held = [];
    html = html.replace(/\\([\\`*_[\].])/g, function (_, ch) {
      held.push(ch);
      return "\u0000" + (held.length - 1) + "\u0000";
    });
    html = html.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|\W)_(.+?)_(?=\W|$)/g, "$1<em>$2</em>")
      // NUL brackets a held character's index (put there above), so the pattern wants it.
      // eslint-disable-next-line no-control-regex
      .replace(/\u0000(\d+)\u0000/g, function (_, i) { return held[Number(i)]; });
    result.outputHtml = html;
    result.didProcess = true;
  };
})();
