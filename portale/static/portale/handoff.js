// P-11 hand-off (core/handoff.py): the start page posts its token to the target system's
// entry at once; without JavaScript the user presses CONTINUA.
(function () {
  "use strict";
  document.querySelectorAll("form[data-handoff-autosubmit]").forEach(function (form) {
    form.submit();
  });
})();
