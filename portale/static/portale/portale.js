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

  // Live character counters: a textarea with data-counter="300" updates its "N / 300".
  function initCounters(root) {
    root.querySelectorAll("[data-counter-for]").forEach(function (counter) {
      var field = document.getElementById(counter.getAttribute("data-counter-for"));
      var shown = counter.querySelector("[aria-live]");
      if (!field || !shown || field.dataset.counterReady) return;
      field.dataset.counterReady = "1";
      var limit = parseInt(field.getAttribute("data-counter"), 10);
      var update = function () {
        shown.textContent = field.value.length;
        counter.classList.toggle("text-danger", field.value.length > limit);
      };
      field.addEventListener("input", update);
      update();
    });
  }

  // A select whose options depend on another one: data-parent="<id>", data-models=JSON map.
  function initDependentSelects(root) {
    root.querySelectorAll("select[data-models]").forEach(function (select) {
      var parent = document.getElementById(select.getAttribute("data-parent"));
      if (!parent || select.dataset.dependentReady) return;
      select.dataset.dependentReady = "1";
      var map = JSON.parse(select.getAttribute("data-models"));
      parent.addEventListener("change", function () {
        var models = map[parent.value] || [];
        select.innerHTML = "";
        [""].concat(models).forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          option.textContent = name || "—";
          select.appendChild(option);
        });
      });
    });
  }

  // A search box that hides the rows not containing its text: data-filter-rows="<selector>".
  function initRowFilters(root) {
    root.querySelectorAll("input[data-filter-rows]").forEach(function (input) {
      if (input.dataset.filterReady) return;
      input.dataset.filterReady = "1";
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        document.querySelectorAll(input.getAttribute("data-filter-rows")).forEach(function (row) {
          row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTooltips(document);
    initRowFilters(document);
    initCounters(document);
    initDependentSelects(document);
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:afterSettle", function (evt) {
    initTooltips(evt.target);
    initCounters(evt.target);
    initDependentSelects(evt.target);
  });
})();
