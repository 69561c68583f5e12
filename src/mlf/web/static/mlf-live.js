/* mlf serve: live updates of an exercise page over server-sent events (no page reload).
 * The server sends "status" and "action" events, each the viewer's own freshly rendered HTML
 * fragment; this replaces the element with that id and lets htmx wire up its forms. */
(function () {
  "use strict";
  function start() {
    var root = document.querySelector("[data-live]");
    if (!root || !window.EventSource) { return; }
    var source = new EventSource(root.getAttribute("data-live"));
    source.onopen = function () { root.setAttribute("data-connected", "true"); };
    source.onerror = function () { root.setAttribute("data-connected", "false"); };
    ["status", "action"].forEach(function (name) {
      source.addEventListener(name, function (event) {
        var target = document.getElementById(name);
        if (!target) { return; }
        target.innerHTML = event.data;
        if (window.htmx) { window.htmx.process(target); }
        root.setAttribute("data-seq", event.lastEventId || "");
      });
    });
    source.addEventListener("gone", function () {
      source.close();
      root.setAttribute("data-connected", "gone");
      window.location.reload();
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var ok = event.detail && event.detail.successful;
      var messages = document.getElementById("messages");
      if (ok && messages) { messages.innerHTML = ""; }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
