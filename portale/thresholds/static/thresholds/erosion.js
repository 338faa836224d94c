// Monitoring soglie (F-7.5.5) and its pop-up "Monitoring Erosione Soglie - Linea <n>".
// A static file because the CSP allows no inline script or inline event handler.
// - Monitoring: the Erosione icon (inside the element marked data-erosion-popup) opens its
//   page in the pop-up window "erosione"; if the browser blocks pop-ups, in this tab.
// - Pop-up: CHIUDI (data-erosion-close) closes the window this page opened in; opened
//   directly (no opener, or a window the browser does not let a script close), it is a
//   plain link back to Monitoring soglie.
(function () {
  "use strict";
  var POPUP_NAME = "erosione";
  var POPUP_FEATURES = "width=900,height=520";

  function plainClick(evt) {
    return evt.button === 0 && !evt.ctrlKey && !evt.metaKey && !evt.shiftKey && !evt.altKey;
  }

  document.addEventListener("click", function (evt) {
    if (!evt.target.closest || !plainClick(evt)) return;
    var link = evt.target.closest('[data-erosion-popup] a[data-action-icon="it-chart-line"]');
    if (link) {
      var win = window.open(link.href, POPUP_NAME, POPUP_FEATURES);
      if (win) {
        evt.preventDefault();
        win.focus();
      }
      return;
    }
    var close = evt.target.closest("a[data-erosion-close]");
    if (close && window.opener) {
      evt.preventDefault();
      window.close();
      // A window the browser will not let a script close: follow the link instead.
      window.setTimeout(function () {
        if (!window.closed) window.location.assign(close.href);
      }, 300);
    }
  });
})();
