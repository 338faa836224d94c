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

  document.addEventListener("DOMContentLoaded", function () {
    initTooltips(document);
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:afterSettle", function (evt) {
    initTooltips(evt.target);
  });
})();
