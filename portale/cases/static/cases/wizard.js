// "Conferma dei dati" (P-09): INVIA is enabled once the summary PDF link was clicked (the
// server checks the download anyway), and the form is sent once (double-click guard).
(function () {
  "use strict";
  var link = document.querySelector("a.js-summary-pdf");
  var button = document.querySelector("button.js-needs-pdf");
  function enable() {
    if (!button) return;
    button.removeAttribute("aria-disabled");
    button.classList.remove("disabled");
  }
  if (link) link.addEventListener("click", function () { window.setTimeout(enable, 300); });
  document.querySelectorAll("form.js-submit-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  });
})();
