// Portal-wide behaviour (CSP: no inline scripts; this file is served from 'self').
// Deferred, after Bootstrap Italia (base.html); the fonts are declared in its CSS.
(function () {
  "use strict";

  function initTooltips(root) {
    if (!window.bootstrap || !window.bootstrap.Tooltip) return;
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTooltips(document);
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:afterSettle", function (evt) {
    initTooltips(evt.target);
  });
})();
