/* satudata.js: small enhancements; every page works without it.
 *  - copy buttons: <button data-copy="ID" hidden> copies the text of #ID; shown only when the
 *    Clipboard API is there; the result is announced in #copy-live (aria-live) if present.
 *  - <details data-open-wide> opens on screens ≥ 60em (search facets; collapsed on a phone).
 *  - [data-autofocus] (the error summary) gets focus on load, so screen readers read it first.
 *  - htmx swaps of #pratinjau / #grafik: focus moves to the section heading and the new summary
 *    is announced in #pratinjau-live / #grafik-live; no jump to the top of the page.
 * No inline handlers, no eval: the page's Content-Security-Policy allows script-src 'self' only.
 */
(function () {
  "use strict";

  function lang() {
    return document.documentElement.lang || "id";
  }

  function announce(id, text) {
    var live = document.getElementById(id);
    if (!live) return;
    live.textContent = "";
    // a fresh text node after a tick, so that the same message twice is still read
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function initCopy(root) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.dataset.copyReady) return;
      button.dataset.copyReady = "1";
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        if (!source) return;
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          var done = lang() === "en" ? "Copied" : "Tersalin";
          button.firstChild.textContent = done + " ✓";
          announce("copy-live", done);
          window.setTimeout(function () { button.firstChild.textContent = label.trim(); }, 2500);
        }, function () {
          announce("copy-live", lang() === "en" ? "Copying failed; select the text and copy it by hand." : "Gagal menyalin; pilih teksnya lalu salin manual.");
        });
      });
    });
  }

  function initWideDetails() {
    var wide = window.matchMedia("(min-width: 60em)");
    function apply() {
      document.querySelectorAll("details[data-open-wide]").forEach(function (d) {
        if (wide.matches) d.open = true;
      });
    }
    apply();
    if (wide.addEventListener) wide.addEventListener("change", apply);
  }

  function initAutofocus() {
    var el = document.querySelector("[data-autofocus]");
    if (el) el.focus();
  }

  function initHtmx() {
    // Out-of-band swaps (the API box follows the table) bring new copy buttons too.
    document.body.addEventListener("htmx:afterSettle", function () { initCopy(document); });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail && event.detail.target;
      if (!target) return;
      var id = target.id;
      var swapped = document.getElementById(id);
      if (!swapped) return;
      initCopy(swapped);
      if (id === "pratinjau") {
        var summary = document.getElementById("pratinjau-ringkasan");
        var heading = document.getElementById("h-pratinjau");
        if (summary) announce("pratinjau-live", summary.textContent.trim());
        if (heading) { heading.focus({ preventScroll: true }); heading.scrollIntoView({ block: "start" }); }
      } else if (id === "grafik") {
        var caption = document.getElementById("grafik-judul");
        var h = document.getElementById("h-grafik");
        if (caption) announce("grafik-live", caption.textContent.trim());
        if (h) { h.focus({ preventScroll: true }); h.scrollIntoView({ block: "start" }); }
      }
    });
    // A failed fragment request falls back to a normal page load, so the visitor never sees a
    // half-updated table.
    document.body.addEventListener("htmx:responseError", function (event) {
      var path = event.detail && event.detail.pathInfo && event.detail.pathInfo.finalRequestPath;
      if (path) window.location.href = path;
    });
    document.body.addEventListener("htmx:sendError", function (event) {
      var path = event.detail && event.detail.pathInfo && event.detail.pathInfo.finalRequestPath;
      if (path) window.location.href = path;
    });
  }

  // An upload being checked: ask its JSON status every 3 s and reload when the state changes
  // (the page then shows the result). Without JavaScript the page has a "check again" link.
  function initPoll() {
    var el = document.querySelector("[data-poll-url]");
    if (!el || !window.fetch) return;
    var url = el.getAttribute("data-poll-url");
    var was = el.getAttribute("data-poll-state");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s && s.state && s.state !== was) { window.location.reload(); return; }
          window.setTimeout(tick, 3000);
        }, function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 3000);
  }

  function init() {
    initPoll();
    initCopy(document);
    initWideDetails();
    initAutofocus();
    initHtmx();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
