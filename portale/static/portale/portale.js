// Portal-wide behaviour (CSP: no inline scripts; this file is served from 'self').
(function () {
  "use strict";

  function initTooltips(root) {
    if (!window.bootstrap || !window.bootstrap.Tooltip) return;
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  // Bootstrap Italia's Titillium Web, served by the portal (boot.js set the path).
  if (window.bootstrap && window.bootstrap.loadFonts && window.__PUBLIC_PATH__) {
    window.bootstrap.loadFonts(window.__PUBLIC_PATH__);
  }

  // A list table wider than its box says so ("Scorri la tabella…", portale.css).
  function markScrollableTables(root) {
    root.querySelectorAll(".portale-list-scroll").forEach(function (box) {
      var table = box.querySelector("table");
      box.classList.toggle("is-scrollable", !!table && table.scrollWidth > box.clientWidth + 1);
    });
  }

  // A link marked data-preparing (a PDF made on request) shows that work is under way until
  // the file starts downloading: the file response clears the cookie set here
  // (core/pdf.py file_ready). The text comes from the attribute.
  var PREPARING = "portale_preparing";
  function showPreparing(evt) {
    var el = evt.target.closest && evt.target.closest("[data-preparing]");
    if (!el || el.classList.contains("is-preparing")) return;
    document.cookie = PREPARING + "=1; path=/; SameSite=Lax";
    el.classList.add("is-preparing");
    el.setAttribute("aria-busy", "true");
    var note = document.createElement("span");
    note.className = "portale-preparing small ms-2";
    note.setAttribute("role", "status");
    note.innerHTML = '<span class="spinner-border spinner-border-sm" aria-hidden="true"></span> ';
    note.appendChild(document.createTextNode(el.getAttribute("data-preparing")));
    el.insertAdjacentElement("afterend", note);
    var started = Date.now();
    var timer = window.setInterval(function () {
      var waiting = document.cookie.split("; ").indexOf(PREPARING + "=1") >= 0;
      if (waiting && Date.now() - started < 60000) return;
      window.clearInterval(timer);
      el.classList.remove("is-preparing");
      el.removeAttribute("aria-busy");
      note.remove();
    }, 250);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTooltips(document);
    markScrollableTables(document);
  });
  document.addEventListener("click", showPreparing);
  window.addEventListener("resize", function () {
    markScrollableTables(document);
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:afterSettle", function (evt) {
    initTooltips(evt.target);
    markScrollableTables(document);
  });
})();
