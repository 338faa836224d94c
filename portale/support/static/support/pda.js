// The service points map: the same points as the list, with Leaflet (served by the portal).
// Without a tile server (PDA_TILE_URL) the pins are drawn on a plain background.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("pda-map");
    if (!el || !window.L) return;
    var points = JSON.parse(el.getAttribute("data-points"));
    var center = JSON.parse(el.getAttribute("data-center"));
    var map = window.L.map(el).setView(center, 12);
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute("data-attribution") }).addTo(map);
    }
    var bounds = [center];
    points.forEach(function (p, i) {
      var popup = document.createElement("div");  // text only: names are never HTML
      popup.textContent = (i + 1) + ". " + p.name + ", " + p.address + " (" + p.km + " km)";
      window.L.circleMarker([p.lat, p.lon], { radius: 8 }).addTo(map).bindPopup(popup);
      bounds.push([p.lat, p.lon]);
    });
    window.L.circleMarker(center, { radius: 5, color: "#d9364f" }).addTo(map);
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });  // one point: a street view, not a zoom without end
  });
})();
