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

  // A modal the server opened (the guide's "SALVA" modals, pop-up confirmations): focus its
  // first field in error, else its first field or button; Escape follows its close link.
  function initServerModal(root) {
    var modal = root.querySelector(".modal.portale-modal-open");
    if (!modal) return;
    var target = modal.querySelector(".is-invalid") ||
      modal.querySelector("input:not([type=hidden]), select, textarea, button[autofocus]");
    if (target) target.focus();
    modal.addEventListener("keydown", function (evt) {
      var close = modal.querySelector("a.btn-close");
      if (evt.key === "Escape" && close) window.location.href = close.href;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initServerModal(document);
    initTooltips(document);
    initRowFilters(document);
    initCounters(document);
    initDependentSelects(document);
    markScrollableTables(document);
  });
  document.addEventListener("click", showPreparing);
  window.addEventListener("resize", function () {
    markScrollableTables(document);
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:afterSettle", function (evt) {
    initTooltips(evt.target);
    initCounters(evt.target);
    initDependentSelects(evt.target);
    markScrollableTables(document);
  });
})();
