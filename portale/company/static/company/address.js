// "Comune" drop-down filtered by "Provincia"; the CAP is filled when the comune has one (P-27).
(function () {
  "use strict";
  document.querySelectorAll("form.js-address-form").forEach(function (form) {
    var url = form.getAttribute("data-comuni-url");
    var province = form.querySelector("select.js-province");
    var comune = form.querySelector("select.js-comune");
    var cap = form.querySelector("input.js-cap");
    if (!province || !comune || !url) return;
    var caps = {};

    function fill(list, keep) {
      comune.innerHTML = "";
      var empty = document.createElement("option");
      empty.value = "";
      empty.textContent = "—";
      comune.appendChild(empty);
      caps = {};
      list.forEach(function (c) {
        var opt = document.createElement("option");
        opt.value = c.nome;
        opt.textContent = c.nome;
        if (c.nome === keep) opt.selected = true;
        comune.appendChild(opt);
        caps[c.nome] = c.cap;
      });
    }

    function load(keep) {
      if (!province.value) { fill([], ""); return; }
      fetch(url + "?provincia=" + encodeURIComponent(province.value), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) { fill(data.comuni || [], keep); });
    }

    province.addEventListener("change", function () { load(""); if (cap) cap.value = ""; });
    comune.addEventListener("change", function () {
      var list = caps[comune.value] || [];
      if (cap && list.length === 1) cap.value = list[0];
      else if (cap && list.length > 1 && list.indexOf(cap.value) < 0) cap.value = "";
    });
    load(comune.value);
  });
})();
