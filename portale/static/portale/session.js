// Idle-timeout warning of the private pages (G-49). CSP: served from 'self', no inline code.
// Settings come from #session-warning: data-timeout (seconds of inactivity after which the
// server ends the session), data-warning (seconds of notice before that) and
// data-keepalive-url (POST, answers 204 and renews the session). Open tabs share the time
// of the last server contact through localStorage, so a busy tab keeps the others alive.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) return;
  var timeout = Number(box.dataset.timeout) * 1000;
  var warning = Number(box.dataset.warning) * 1000;
  if (!(timeout > 0)) return;
  var KEY = "portale.session.activity";
  var countdown = box.querySelector("[data-session-countdown]");
  var keepButton = box.querySelector("[data-session-keep]");
  var expireForm = box.querySelector("form[data-session-expire]");
  var Modal = window.bootstrap && window.bootstrap.Modal;
  var modal = Modal ? Modal.getOrCreateInstance(box) : null;
  var last = Date.now();
  var shown = false;
  var done = false;
  var timer = null;

  function shared() {
    try {
      return Number(window.localStorage.getItem(KEY)) || 0;
    } catch (e) {
      return 0;
    }
  }

  function touch() {
    last = Date.now();
    try {
      window.localStorage.setItem(KEY, String(last));
    } catch (e) {
      /* storage disabled: this tab counts alone */
    }
  }

  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function show() {
    shown = true;
    if (modal) {
      modal.show();
    } else {
      box.style.display = "block";
      box.classList.add("show");
      keepButton.focus();
    }
  }

  function hide() {
    shown = false;
    if (modal) {
      modal.hide();
    } else {
      box.classList.remove("show");
      box.style.display = "none";
    }
  }

  function expire() {
    done = true;
    window.clearInterval(timer);
    expireForm.submit();
  }

  function tick() {
    if (done) return;
    var left = Math.max(last, shared()) + timeout - Date.now();
    if (left <= 0) {
      expire();
      return;
    }
    if (left <= warning) {
      countdown.textContent = format(left);
      if (!shown) show();
    } else if (shown) {
      hide();
    }
  }

  function keep() {
    var token = box.querySelector("[name=csrfmiddlewaretoken]").value;
    keepButton.disabled = true;
    window
      .fetch(box.dataset.keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest" },
      })
      .then(function (response) {
        keepButton.disabled = false;
        if (response.status === 204) {
          touch();
          hide();
        } else {
          expire(); // the session is already over on the server
        }
      })
      .catch(function () {
        keepButton.disabled = false; // network error: the dialog stays, the user can retry
      });
  }

  keepButton.addEventListener("click", keep);
  box.addEventListener("shown.bs.modal", function () {
    box.setAttribute("role", "alertdialog"); // Bootstrap sets "dialog" when it opens
    keepButton.focus();
  });
  // Closed with Esc: the user is here, so the session is renewed as with "Resta collegato".
  box.addEventListener("hidden.bs.modal", function () {
    if (shown && !done) {
      shown = false;
      keep();
    }
  });
  window.addEventListener("storage", function (evt) {
    if (evt.key === KEY) tick();
  });
  // Requests made by htmx renew the session on the server too.
  document.addEventListener("htmx:afterRequest", touch);
  touch();
  timer = window.setInterval(tick, 1000);
})();
