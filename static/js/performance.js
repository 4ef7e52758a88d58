// One performance: its route on a small map, live viewers, likes and position.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector("[data-performance-id]");
    if (!page) return;
    var id = page.dataset.performanceId;
    var box = document.getElementById("route-map");
    var map = null, here = null;
    if (box && window.L) {
      var points = Array.prototype.map.call(document.querySelectorAll(".stops li"), function (li) {
        return [parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)];
      });
      map = L.map(box, { scrollWheelZoom: false });
      L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
      points.forEach(function (p, i) { L.marker(p, { title: "Stop " + (i + 1) }).addTo(map); });
      if (points.length > 1) L.polyline(points, { weight: 4 }).addTo(map);
      if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 16 });
      if (box.dataset.positionLat) {
        here = L.circleMarker([parseFloat(box.dataset.positionLat), parseFloat(box.dataset.positionLng)], { radius: 9 }).addTo(map);
      }
    }

    // Tips are announced in the page's live region (role=status) and fade after a while.
    function announce(text) {
      var box = document.querySelector("[data-toasts]");
      if (!box || !text) return;
      var item = document.createElement("p");
      item.className = "toast";
      item.textContent = text;
      box.appendChild(item);
      setTimeout(function () { item.remove(); }, 8000);
    }

    function setText(selector, value) {
      document.querySelectorAll(selector).forEach(function (node) { node.textContent = String(value); });
    }

    function setStatus(status, label) {
      document.querySelectorAll("[data-status]").forEach(function (node) {
        node.textContent = label;
        node.className = "status status-" + status;
      });
    }

    // The noun follows the count: "1 like", "2 likes", as the server wrote it.
    function setLikes(count) {
      setText("[data-like-count]", count);
      setText("[data-like-noun]", count === 1 ? "like" : "likes");
    }

    function show(p) {
      setLikes(p.like_count);
      if (p.position && map) {
        var point = [p.position.lat, p.position.lng];
        if (here) here.setLatLng(point); else here = L.circleMarker(point, { radius: 9 }).addTo(map);
      }
    }

    new window.Encore.LiveSocket("/ws/performances/" + id + "/", {
      snapshot: function (m) { setText("[data-viewers]", m.viewers); show(m.performance); },
      "performance.viewers": function (m) { setText("[data-viewers]", m.viewers); },
      "performance.liked": function (m) { setLikes(m.performance.like_count); },
      "performance.moved": function (m) { show(m.performance); },
      "performance.started": function (m) { setStatus("live", "Live now"); show(m.performance); },
      "performance.tipped": function (m) { announce(m.text); },
      "performance.ended": function (m) {
        setStatus(m.performance.status, m.performance.status === "cancelled" ? "Cancelled" : "Completed");
      },
      // Hidden meanwhile: the page stays as it was, but says it no longer follows the show.
      refused: function () { setStatus("unavailable", "No longer available"); },
    });
  });
})();
