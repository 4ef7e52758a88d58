// Place stops by clicking the map: the click fills the highlighted stop's coordinates.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("route-map");
    var form = document.querySelector("[data-route-form]");
    if (!box || !form || !window.L) return;
    var map = L.map(box).setView([38.7139, -9.1394], 14);
    L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    var layer = L.layerGroup().addTo(map);
    var active = 0;

    function stops() { return Array.prototype.slice.call(form.querySelectorAll("[data-stop]")); }

    function draw() {
      layer.clearLayers();
      var points = [];
      stops().forEach(function (fieldset, i) {
        fieldset.classList.toggle("active", i === active);
        var lat = parseFloat(fieldset.querySelector("[name$='-lat']").value);
        var lng = parseFloat(fieldset.querySelector("[name$='-lng']").value);
        if (isFinite(lat) && isFinite(lng)) {
          points.push([lat, lng]);
          L.marker([lat, lng], { title: "Stop " + (i + 1) }).addTo(layer);
        }
      });
      if (points.length > 1) L.polyline(points).addTo(layer);
      return points;
    }

    form.addEventListener("focusin", function (event) {
      var fieldset = event.target.closest("[data-stop]");
      if (fieldset) { active = stops().indexOf(fieldset); draw(); }
    });
    form.addEventListener("change", draw);
    document.body.addEventListener("htmx:afterSwap", function () {
      active = Math.max(0, stops().length - 1);
      draw();
    });
    map.on("click", function (event) {
      var fieldset = stops()[active];
      if (!fieldset) return;
      fieldset.querySelector("[name$='-lat']").value = event.latlng.lat.toFixed(6);
      fieldset.querySelector("[name$='-lng']").value = event.latlng.lng.toFixed(6);
      draw();
    });
    var points = draw();
    if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 16 });
  });
})();
