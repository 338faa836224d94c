// "Conferma dei dati" (P-09): INVIA is enabled once every required document link (the
// summary PDF and each uploaded document) was clicked (the server checks the downloads
// anyway), and the form is sent once (double-click guard).
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll("a.js-required-doc"));
  var button = document.querySelector("button.js-needs-pdf");
  function enableIfDone() {
    if (!button) return;
    if (!links.every(function (a) { return a.dataset.downloaded === "1"; })) return;
    button.removeAttribute("aria-disabled");
    button.classList.remove("disabled");
  }
  links.forEach(function (link) {
    link.addEventListener("click", function () {
      link.dataset.downloaded = "1";
      window.setTimeout(enableIfDone, 300);
    });
  });
  document.querySelectorAll("form.js-submit-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  });
})();
