// IMEI "Richiedi" (G-12): ask the server in place and put the answer in the cell.
// Without JavaScript the link opens a page with the same answer.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href*="/linee/imei/"]');
    if (!link) return;
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("span");
        holder.innerHTML = html.trim();
        link.replaceWith(holder.firstElementChild || holder);
      })
      .catch(function () {
        link.removeAttribute("aria-busy");
        window.location.href = link.href;
      });
  });
})();
