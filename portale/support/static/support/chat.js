// The chat window: clear the box after a message is sent, keep the log scrolled down.
(function () {
  "use strict";
  function scrollDown() {
    var log = document.getElementById("chat-log");
    if (log) log.scrollTop = log.scrollHeight;
  }
  document.addEventListener("DOMContentLoaded", scrollDown);
  document.addEventListener("htmx:afterSwap", scrollDown);
  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.target.closest && evt.target.closest("form[data-chat-form]");
    if (form && evt.detail.successful && !document.getElementById("chat-error").textContent.trim()) {
      form.reset();
    }
  });
})();
