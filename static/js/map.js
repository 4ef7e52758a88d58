// The live map: markers from the server-rendered list, then kept current by /ws/map/.
(function () {
  "use strict";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function pointOf(p) {
    if (p.position) return [p.position.lat, p.position.lng];
    if (p.stop) return [p.stop.lat, p.stop.lng];
    if (p.stops && p.stops.length) return [p.stops[0].lat, p.stops[0].lng];
    return null;
  }

  function popup(p) {
    // Built from text nodes: titles and names are user input.
    var box = el("div", null, "map-popup");
    var link = el("a", p.title);
    link.href = p.url;
    box.appendChild(link);
    box.appendChild(el("p", "by " + p.artist.stage_name));
    box.appendChild(el("p", (p.status === "live" ? "Live now · " : "") + p.like_count + (p.like_count === 1 ? " like" : " likes"), "meta"));
    return box;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var mapBox = document.getElementById("map");
    if (!mapBox || !window.L) return;
    var lat = parseFloat(mapBox.dataset.lat), lng = parseFloat(mapBox.dataset.lng);
    var radiusKm = parseFloat(mapBox.dataset.radiusKm) || 5;
    var map = L.map(mapBox).setView([lat, lng], radiusKm > 10 ? 11 : radiusKm > 3 ? 13 : 14);
    L.tileLayer(mapBox.dataset.tileUrl, { attribution: mapBox.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    var cluster = L.markerClusterGroup();
    map.addLayer(cluster);
    var markers = {};
    var filters = { when: "today", genre: "" };

    function wanted(p) {
      if (p.status === "completed" || p.status === "cancelled") return false;
      if (filters.genre && p.genre !== filters.genre) return false;
      if (filters.when === "upcoming" && p.status === "live") return false;
      return true;
    }

    function upsert(p) {
      if (!wanted(p)) { remove(p.id); return; }
      var point = pointOf(p);
      if (!point) return;
      var marker = markers[p.id];
      if (!marker) {
        marker = L.marker(point, { title: p.title, alt: p.title + " by " + p.artist.stage_name, keyboard: true });
        markers[p.id] = marker;
        cluster.addLayer(marker);
      } else {
        marker.setLatLng(point);
      }
      marker.performance = p;
      marker.bindPopup(popup(p));
      var icon = marker.getElement && marker.getElement();
      if (icon) icon.classList.toggle("marker-live", p.status === "live");
    }

    function remove(id) {
      if (markers[id]) { cluster.removeLayer(markers[id]); delete markers[id]; }
    }

    function loadResults() {
      var results = document.getElementById("results");
      var data = document.getElementById("map-results");
      if (!results || !data) return;
      filters.when = results.dataset.when || "today";
      filters.genre = results.dataset.genre || "";
      cluster.clearLayers();
      markers = {};
      JSON.parse(data.textContent).forEach(upsert);
      return results;
    }

    function area() {
      var results = document.getElementById("results");
      return "lat=" + results.dataset.lat + "&lng=" + results.dataset.lng + "&radius_km=" + results.dataset.radiusKm;
    }

    loadResults();
    var socket = new window.Encore.LiveSocket("/ws/map/?" + area(), {
      snapshot: function (m) { m.performances.forEach(upsert); },
      "performance.started": function (m) { upsert(m.performance); },
      "performance.moved": function (m) { upsert(m.performance); },
      "performance.updated": function (m) { upsert(m.performance); },
      "performance.ended": function (m) { remove(m.performance.id); },
      "performance.removed": function (m) { remove(m.performance.id); },
      "performance.liked": function (m) {
        var marker = markers[m.performance.id];
        if (marker) { marker.performance.like_count = m.performance.like_count; marker.bindPopup(popup(marker.performance)); }
      },
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!event.detail.target || event.detail.target.id !== "results") return;
      var results = loadResults();
      map.setView([parseFloat(results.dataset.lat), parseFloat(results.dataset.lng)]);
      var params = new URLSearchParams(area());
      socket.send({ type: "subscribe", lat: params.get("lat"), lng: params.get("lng"), radius_km: params.get("radius_km") });
    });

    // Centre on the visitor when they allow it and did not pick a place already.
    var form = document.querySelector("[data-map-filters]");
    if (form && !new URLSearchParams(window.location.search).has("lat") && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(5);
        if (window.htmx) window.htmx.trigger(form, "submit"); else form.submit();
      }, function () { /* the city centre it is */ }, { maximumAge: 60000, timeout: 8000 });
    }
  });
})();
