// The live map. The list (#results) is the page's one state: each entry carries where its
// performance is and whether it is live, and the markers are drawn from the entries, so the
// list and the map always show the same set. Filters and panning fetch a new list from the
// server; /ws/map/ messages change the list (at once where they can, then from the server,
// which knows the filters) and the markers follow.
(function () {
  "use strict";

  var REFRESH_DELAY_MS = 300;
  // Positions arrive every few seconds per live performer: gather them into fewer fetches.
  var MOVED_REFRESH_DELAY_MS = 2000;
  var WIDE = "(min-width: 48rem)";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function plural(count, noun) {
    return count + " " + noun + (count === 1 ? "" : "s");
  }

  function entryData(li) {
    var d = li.dataset;
    return {
      id: d.performanceId,
      title: d.title,
      artist: d.artist,
      url: d.url,
      live: d.status === "live",
      likeCount: parseInt(d.likeCount, 10) || 0,
      point: [parseFloat(d.lat), parseFloat(d.lng)],
    };
  }

  function popup(p) {
    // Built from text nodes: titles and names are user input.
    var box = el("div", null, "map-popup");
    if (p.live) box.appendChild(el("span", "Live", "badge live"));
    var link = el("a", p.title);
    link.href = p.url;
    box.appendChild(link);
    box.appendChild(el("p", "by " + p.artist));
    box.appendChild(el("p", plural(p.likeCount, "like"), "meta"));
    return box;
  }

  function markerIcon(live) {
    return L.divIcon({
      className: "map-marker" + (live ? " marker-live" : ""),
      html: '<span class="map-marker-dot"></span>',
      iconSize: live ? [28, 28] : [22, 22],
      popupAnchor: [0, -12],
    });
  }

  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var live = children.filter(function (m) { return m.options.live; }).length;
    var html = '<span class="map-cluster-count">' + children.length + "</span>";
    if (live) html += '<span class="map-cluster-live">' + live + " live</span>";
    return L.divIcon({
      className: "marker-cluster map-cluster" + (live ? " has-live" : ""),
      html: html,
      iconSize: [40, 40],
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var mapBox = document.getElementById("map");
    var form = document.querySelector("[data-map-filters]");
    if (!mapBox || !form || !window.L) return;
    var layout = document.querySelector(".map-layout");

    var map = L.map(mapBox, { zoomSnap: 0.5 });
    L.tileLayer(mapBox.dataset.tileUrl, { attribution: mapBox.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    var cluster = L.markerClusterGroup({
      maxClusterRadius: 44,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon,
    });
    map.addLayer(cluster);
    var markers = {};

    function results() { return document.getElementById("results"); }
    function entries() { return Array.prototype.slice.call(document.querySelectorAll("#results li.map-entry")); }
    function entryOf(id) { return document.querySelector('#results li.map-entry[data-performance-id="' + id + '"]'); }

    // --- Markers, drawn from the list ------------------------------------------------------
    function render() {
      var seen = {};
      entries().forEach(function (li) {
        var p = entryData(li);
        if (isNaN(p.point[0]) || isNaN(p.point[1])) return;
        seen[p.id] = true;
        var marker = markers[p.id];
        if (marker && marker.options.live !== p.live) {
          // Live or not changes the icon and the cluster's live count: add it afresh.
          cluster.removeLayer(marker);
          marker = null;
        }
        if (!marker) {
          marker = L.marker(p.point, { icon: markerIcon(p.live), title: p.title, live: p.live, keyboard: true });
          markers[p.id] = marker;
          cluster.addLayer(marker);
        } else {
          var at = marker.getLatLng();
          if (at.lat !== p.point[0] || at.lng !== p.point[1]) marker.setLatLng(p.point);
        }
        marker.bindPopup(popup(p));
      });
      Object.keys(markers).forEach(function (id) {
        if (!seen[id]) { cluster.removeLayer(markers[id]); delete markers[id]; }
      });
      var count = document.querySelector("[data-map-count]");
      if (count) count.textContent = String(entries().length);
    }

    // --- The view ----------------------------------------------------------------------------
    var userMoving = false;
    ["mousedown", "touchstart", "wheel", "keydown", "dblclick"].forEach(function (type) {
      // Captured: the zoom buttons stop these from bubbling.
      mapBox.addEventListener(type, function () { userMoving = true; }, { passive: true, capture: true });
    });

    function searchArea() {
      var r = results().dataset;
      return { lat: parseFloat(r.lat), lng: parseFloat(r.lng), radiusKm: parseFloat(r.radiusKm) || 5 };
    }

    // The first view and each new search: zoomed so that the shows can be told apart.
    var framePending = false;
    function frame() {
      userMoving = false;
      // A hidden map (the list tab on a phone) has no size to fit: frame it when shown.
      framePending = mapBox.offsetWidth === 0;
      if (framePending) return;
      var points = entries().map(function (li) { return entryData(li).point; })
        .filter(function (pt) { return !isNaN(pt[0]) && !isNaN(pt[1]); });
      var area = searchArea();
      if (points.length) {
        map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 16, animate: false });
      } else {
        map.fitBounds(L.latLng(area.lat, area.lng).toBounds(area.radiusKm * 2000), { animate: false });
      }
    }

    // --- The list, fetched for the form's filters --------------------------------------------
    var fetchSeq = 0, refreshTimer = null, refreshDue = 0;

    function listUrl() {
      var params = new URLSearchParams(new FormData(form));
      return form.getAttribute("action") + "?" + params.toString();
    }

    function refresh() {
      window.clearTimeout(refreshTimer);
      refreshTimer = null;
      var mine = ++fetchSeq;
      return fetch(listUrl(), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || mine !== fetchSeq) return; // a newer search answered first
          var template = document.createElement("template");
          template.innerHTML = html.trim();
          var fresh = template.content.querySelector("#results");
          if (fresh && results()) { results().replaceWith(fresh); render(); }
        })
        .catch(function () { /* the next message or search tries again */ });
    }

    // At most one fetch pending, at the earliest time asked for: a steady stream of
    // messages delays nothing.
    function refreshSoon(delay) {
      delay = typeof delay === "number" ? delay : REFRESH_DELAY_MS;
      var due = Date.now() + delay;
      if (refreshTimer && refreshDue <= due) return;
      window.clearTimeout(refreshTimer);
      refreshDue = due;
      refreshTimer = window.setTimeout(refresh, delay);
    }

    // --- Live messages -------------------------------------------------------------------------
    function circle() {
      var area = searchArea();
      return { lat: area.lat.toFixed(5), lng: area.lng.toFixed(5), radius_km: String(area.radiusKm) };
    }

    var quietSnapshots = 1; // the first snapshot (and one per subscribe) matches the list already
    var pendingSubscribe = false;
    var socket = null;
    if (window.Encore && window.Encore.LiveSocket) {
      socket = new window.Encore.LiveSocket("/ws/map/?" + new URLSearchParams(circle()).toString(), {
        snapshot: function (m) {
          // Which area the socket watches now (south, west, north, east): pans move it.
          if (m.area) mapBox.dataset.watching = [m.area.south, m.area.west, m.area.north, m.area.east].join(",");
          if (pendingSubscribe) { subscribe(); return; } // the search moved while connecting
          if (quietSnapshots > 0) { quietSnapshots -= 1; return; }
          refresh(); // a reconnect: what was missed is in the server's list
        },
        "performance.started": function () { refreshSoon(); },
        "performance.updated": function () { refreshSoon(); },
        "performance.moved": function (m) {
          var li = entryOf(m.performance.id), position = m.performance.position;
          if (li && position) {
            li.dataset.lat = position.lat;
            li.dataset.lng = position.lng;
            render();
          }
          refreshSoon(MOVED_REFRESH_DELAY_MS); // its distance, and whether it is still in the area
        },
        "performance.ended": function (m) { drop(m.performance.id); },
        "performance.removed": function (m) { drop(m.performance.id); },
        "performance.liked": function (m) {
          var li = entryOf(m.performance.id), marker = markers[m.performance.id];
          if (!li) return;
          li.dataset.likeCount = m.performance.like_count;
          if (marker) marker.bindPopup(popup(entryData(li)));
        },
      });
    }

    function drop(id) {
      var li = entryOf(id);
      if (li) { li.remove(); render(); }
      refreshSoon(); // the heading's count
    }

    function subscribe() {
      if (!socket) return;
      var area = circle();
      socket.path = "/ws/map/?" + new URLSearchParams(area).toString(); // for reconnects too
      pendingSubscribe = !socket.ws || socket.ws.readyState !== WebSocket.OPEN;
      if (pendingSubscribe) return;
      quietSnapshots = 1;
      socket.send(Object.assign({ type: "subscribe" }, area));
    }

    // Panning or zooming searches where the map now is: the list, markers and socket follow.
    map.on("moveend", function () {
      if (!userMoving) return;
      userMoving = false;
      var centre = map.getCenter();
      form.querySelector("[name=lat]").value = centre.lat.toFixed(5);
      form.querySelector("[name=lng]").value = centre.lng.toFixed(5);
      history.replaceState(history.state, "", listUrl());
      refresh().then(subscribe);
    });

    // A filter changed: htmx swapped in the new list.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!event.detail.target || event.detail.target.id !== "results") return;
      fetchSeq += 1; // an older refresh must not overwrite it
      render();
      frame();
      subscribe();
      summarise();
    });

    // Back or forward to an earlier search: htmx puts back the page's markup, not the map
    // behind it, so load that search afresh.
    document.body.addEventListener("htmx:historyRestore", function () { window.location.reload(); });

    // --- Phones: filters folded, a Map / List switch ---------------------------------------------
    var panel = document.querySelector("[data-map-filters-panel]");
    if (panel && window.matchMedia(WIDE).matches) panel.open = true;

    function summarise() {
      var summary = document.querySelector("[data-map-filters-summary]");
      if (!summary) return;
      var parts = [];
      ["when", "genre", "area"].forEach(function (name) {
        var select = form.querySelector("[name=" + name + "]");
        if (select && select.value) parts.push(select.options[select.selectedIndex].text);
      });
      parts.push(searchArea().radiusKm + " km");
      summary.textContent = parts.join(" · ");
    }

    var tabs = document.querySelector("[data-map-tabs]");
    if (tabs && layout) {
      tabs.hidden = false;
      layout.classList.add("has-tabs");
      tabs.addEventListener("click", function (event) {
        var button = event.target.closest("[data-map-view]");
        if (!button) return;
        var view = button.dataset.mapView;
        layout.dataset.view = view;
        tabs.querySelectorAll("[data-map-view]").forEach(function (tab) {
          tab.setAttribute("aria-selected", String(tab === button));
        });
        if (view === "map") {
          map.invalidateSize();
          if (framePending) frame();
        }
      });
    }

    render();
    frame();
    summarise();

    // Centre on the visitor when they allow it and did not pick a place already.
    if (!new URLSearchParams(window.location.search).has("lat") && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(5);
        if (window.htmx) window.htmx.trigger(form, "submit"); else form.submit();
      }, function () { /* the city centre it is */ }, { maximumAge: 60000, timeout: 8000 });
    }
  });
})();
