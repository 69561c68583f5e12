/* mlf serve: live updates of an exercise page over server-sent events (no page reload).
 * The server sends "status" and "action" events, each the viewer's own freshly rendered HTML
 * fragment of the exercise's state number `seq` (the event's id); this replaces the element
 * with that id and lets htmx wire up its forms.
 *
 * Nothing a person did may vanish unseen (docs/serve.md, "Live updates and refusals"):
 * - While a form's request is out, a live update of the region holding the form (or receiving
 *   its answer) is held back, and shown once every such request has its answer. Otherwise the
 *   update would take the form off the page, and htmx, which looks up the `HX-Retarget:
 *   #messages` of a refusal from the form that sent it, would find nothing and show nothing.
 * - If a form leaves the page anyway (another action's answer replaced it), a refusal for it
 *   is still put where the server says (`#messages`, the page's fixed message area).
 * - A region never goes back to an older state: an answer carries its state's number
 *   (`X-MLF-Seq`), and a held update older than what the region shows is dropped (the stream
 *   sends the newer state next). */
(function () {
  "use strict";
  var REGIONS = ["status", "action"];
  var busy = {};   // region id -> requests out that started in it or answer into it
  var held = {};   // region id -> {html, seq}: the newest live update held back meanwhile
  var shown = {};  // region id -> number of the newest state the region shows

  function seqOf(text) {
    var n = parseInt(text || "", 10);
    return isNaN(n) ? -1 : n;
  }

  function show(name, html, seq) {
    var region = document.getElementById(name);
    if (!region) { return; }
    region.innerHTML = html;
    if (window.htmx) { window.htmx.process(region); }
    shown[name] = Math.max(shown[name] === undefined ? -1 : shown[name], seq);
  }

  function regionsOf(elt, target) {
    return REGIONS.filter(function (name) {
      var region = document.getElementById(name);
      return !!region && ((!!elt && region.contains(elt)) || (!!target && region.contains(target)));
    });
  }

  // The form left the page while its request was out: htmx would look up the answer's
  // HX-Retarget from the detached form, find nothing and throw; look it up in the page.
  function rescue(event) {
    var elt = event.detail && event.detail.elt;
    var xhr = event.detail && event.detail.xhr;
    if (!elt || !xhr || elt.isConnected) { return; }
    var where = xhr.getResponseHeader("HX-Retarget");
    var how = xhr.getResponseHeader("HX-Reswap") || "innerHTML";
    if (!where || where === "this" || how !== "innerHTML") { return; }
    var target = document.querySelector(where);
    if (!target) { return; }
    event.preventDefault();  // htmx stops here: no throw, and nothing swapped twice
    target.innerHTML = xhr.responseText;
    if (window.htmx) { window.htmx.process(target); }
  }

  // An answer older than what its region shows (a live update overtook it) is not swapped in.
  function stale(event) {
    var detail = event.detail || {};
    var xhr = detail.xhr;
    if (!xhr || !detail.target) { return; }
    var seq = seqOf(xhr.getResponseHeader("X-MLF-Seq"));
    if (seq < 0) { return; }
    REGIONS.forEach(function (name) {
      if (detail.target.id === name && shown[name] !== undefined && seq < shown[name]) {
        detail.shouldSwap = false;
      }
    });
  }

  // An action accepted: the last refusal shown no longer applies.
  function cleared(event) {
    var messages = document.getElementById("messages");
    if (event.detail && event.detail.successful && messages) { messages.innerHTML = ""; }
  }

  function start() {
    var root = document.querySelector("[data-live]");
    if (!root || !window.EventSource) { return; }
    var first = document.querySelector("#status [data-seq]");  // the page's own state
    REGIONS.forEach(function (name) {
      if (first) { shown[name] = seqOf(first.getAttribute("data-seq")); }
    });
    var source = new EventSource(root.getAttribute("data-live"));
    source.onopen = function () { root.setAttribute("data-connected", "true"); };
    source.onerror = function () { root.setAttribute("data-connected", "false"); };
    REGIONS.forEach(function (name) {
      source.addEventListener(name, function (event) {
        var seq = seqOf(event.lastEventId);
        if (busy[name] > 0) {
          held[name] = {html: event.data, seq: seq};
          root.setAttribute("data-held", Object.keys(held).sort().join(" "));
        } else {
          show(name, event.data, seq);
        }
        root.setAttribute("data-seq", event.lastEventId || "");
      });
    });
    source.addEventListener("gone", function () {
      source.close();
      root.setAttribute("data-connected", "gone");
      window.location.reload();
    });
    document.body.addEventListener("htmx:beforeSend", function (event) {
      var detail = event.detail || {};
      var elt = detail.elt;
      var xhr = detail.xhr;
      if (!elt || !xhr) { return; }
      // on the form itself: its events still reach it once it has left the page
      elt.addEventListener("htmx:beforeOnLoad", rescue);
      elt.addEventListener("htmx:beforeSwap", stale);
      elt.addEventListener("htmx:afterRequest", cleared);
      var names = regionsOf(elt, detail.target);
      names.forEach(function (name) { busy[name] = (busy[name] || 0) + 1; });
      // loadend follows every end (answer, network error, abort, timeout), after htmx's swap
      xhr.addEventListener("loadend", function () {
        var seq = xhr.status >= 200 && xhr.status < 300
          ? seqOf(xhr.getResponseHeader("X-MLF-Seq")) : -1;
        names.forEach(function (name) {
          var region = document.getElementById(name);
          if (seq >= 0 && region && detail.target && region.contains(detail.target)) {
            shown[name] = Math.max(shown[name] === undefined ? -1 : shown[name], seq);
          }
          busy[name] -= 1;
          if (busy[name] === 0 && held[name]) {
            var update = held[name];
            delete held[name];
            root.setAttribute("data-held", Object.keys(held).sort().join(" "));
            if (shown[name] === undefined || update.seq >= shown[name]) {
              show(name, update.html, update.seq);
            }
          }
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
