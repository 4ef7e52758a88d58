// The route form: one stop is selected at a time; the map, a known place or the device's
// location fill that stop's place and coordinates. The selection travels with the form
// (active_stop), so the server can hand it back after an error.
(function () {
  "use strict";

  var SEARCH_DELAY_MS = 200;
  var KIND_LABELS = { stop: "in this form", route: "in this route", earlier: "you played here", area: "area" };

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-route-form]");
    if (!form) return;
    var box = document.getElementById("route-map");
    var hint = form.querySelector("[data-map-hint]");
    var map = null;
    var layer = null;
    var active = 0;

    function stops() { return Array.prototype.slice.call(form.querySelectorAll("[data-stop]")); }
    function input(fieldset, name) { return fieldset.querySelector("[name$='-" + name + "']"); }
    function point(fieldset) {
      var lat = parseFloat(input(fieldset, "lat").value);
      var lng = parseFloat(input(fieldset, "lng").value);
      return isFinite(lat) && isFinite(lng) ? [lat, lng] : null;
    }

    function readActive() {
      var field = form.querySelector("[data-active-input]");
      var index = field ? parseInt(field.value, 10) : 0;
      active = isFinite(index) && index >= 0 && index < stops().length ? index : 0;
    }

    function draw() {
      stops().forEach(function (fieldset, i) { fieldset.classList.toggle("active", i === active); });
      var field = form.querySelector("[data-active-input]");
      if (field) field.value = String(active);
      if (hint) hint.querySelector("[data-map-hint-stop]").textContent = "Stop " + (active + 1);
      if (!map) return [];
      layer.clearLayers();
      var points = [];
      stops().forEach(function (fieldset, i) {
        var at = point(fieldset);
        if (!at) return;
        points.push(at);
        L.marker(at, { title: "Stop " + (i + 1), opacity: i === active ? 1 : 0.6 }).addTo(layer);
      });
      if (points.length > 1) L.polyline(points).addTo(layer);
      return points;
    }

    function select(index, pan) {
      if (index < 0 || index === active && !pan) return;
      active = index;
      draw();
      var at = stops()[active] && point(stops()[active]);
      if (pan && map && at) map.panTo(at);
    }

    // Fill a stop's point (and its place name when given), then show it on the map.
    function place(fieldset, lat, lng, name) {
      input(fieldset, "lat").value = Number(lat).toFixed(6);
      input(fieldset, "lng").value = Number(lng).toFixed(6);
      if (name) input(fieldset, "place_name").value = name;
      select(stops().indexOf(fieldset), true);
      draw();
      if (map) map.setView([lat, lng], Math.max(map.getZoom(), 16));
    }

    // --- The map --------------------------------------------------------------------------
    if (box && window.L) {
      map = L.map(box).setView([38.7139, -9.1394], 14);
      L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
      layer = L.layerGroup().addTo(map);
      map.on("click", function (event) {
        var fieldset = stops()[active];
        if (fieldset) place(fieldset, event.latlng.lat, event.latlng.lng);
      });
      if (hint) hint.hidden = false;
    }

    Array.prototype.forEach.call(form.querySelectorAll("[data-js-only]"), function (el) { el.hidden = false; });

    form.addEventListener("focusin", function (event) {
      var fieldset = event.target.closest("[data-stop]");
      if (fieldset) select(stops().indexOf(fieldset));
    });
    form.addEventListener("click", function (event) {
      var fieldset = event.target.closest("[data-stop]");
      if (fieldset) select(stops().indexOf(fieldset));
    });
    form.addEventListener("change", function () { draw(); });
    document.body.addEventListener("htmx:afterSwap", function () {
      // The server says which stop to select after adding or removing one.
      readActive();
      Array.prototype.forEach.call(form.querySelectorAll("[data-js-only]"), function (el) { el.hidden = false; });
      draw();
    });

    // --- Use my location ------------------------------------------------------------------
    var LOCATION_ERRORS = {
      1: "Location refused: allow location for this site in your browser, or tap the map or search for a place.",
      2: "Location unavailable: your device could not tell where it is. Tap the map or search for a place.",
      3: "Location took too long. Try again, or tap the map or search for a place."
    };
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-locate]");
      if (!button) return;
      var fieldset = button.closest("[data-stop]");
      var status = fieldset.querySelector("[data-locate-status]");
      if (!navigator.geolocation) {
        status.textContent = "Location unavailable: this browser cannot share its location. Tap the map or search for a place.";
        return;
      }
      button.disabled = true;
      status.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(function (position) {
        button.disabled = false;
        place(fieldset, position.coords.latitude, position.coords.longitude);
        status.textContent = "Stop placed where you are now" +
          (position.coords.accuracy ? " (within about " + Math.round(position.coords.accuracy) + " m)" : "") +
          (input(fieldset, "place_name").value ? "." : ". Now name the place.");
      }, function (error) {
        button.disabled = false;
        status.textContent = LOCATION_ERRORS[error.code] || "Location unavailable. Tap the map or search for a place.";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });

    // --- Known places ---------------------------------------------------------------------
    var timer = null;
    var asked = 0;

    function results(fieldset) { return fieldset.querySelector("[data-place-results]"); }
    function options(fieldset) { return Array.prototype.slice.call(results(fieldset).querySelectorAll("button")); }
    function close(fieldset) { results(fieldset).hidden = true; results(fieldset).textContent = ""; }

    // Other stops of this form count as known places too, before they are saved.
    function formPlaces(fieldset, text) {
      var found = [];
      stops().forEach(function (other, i) {
        var name = input(other, "place_name").value.trim();
        var at = point(other);
        if (other === fieldset || !at || !name || name.toLowerCase().indexOf(text) === -1) return;
        if (found.some(function (p) { return p.name.toLowerCase() === name.toLowerCase(); })) return;
        found.push({ name: name, lat: at[0], lng: at[1], kind: "stop", stop: i + 1 });
      });
      return found;
    }

    function show(fieldset, places) {
      var list = results(fieldset);
      var status = fieldset.querySelector("[data-place-status]");
      list.textContent = "";
      places.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "place-option";
        button.dataset.lat = item.lat;
        button.dataset.lng = item.lng;
        button.dataset.name = item.name;
        var name = document.createElement("span");
        name.className = "place-option-name";
        name.textContent = item.name;
        var kind = document.createElement("span");
        kind.className = "place-option-kind";
        kind.textContent = item.kind === "stop" ? "stop " + item.stop + " of this route" : KIND_LABELS[item.kind] || "";
        button.append(name, kind);
        li.appendChild(button);
        list.appendChild(li);
      });
      list.hidden = !places.length;
      status.textContent = places.length
        ? places.length + (places.length === 1 ? " known place" : " known places") + " — use Tab or ↓ to pick one."
        : "No known place matches; tap the map to place this stop.";
    }

    function search(fieldset) {
      var text = input(fieldset, "place_name").value.trim();
      var status = fieldset.querySelector("[data-place-status]");
      if (text.length < 2) { close(fieldset); status.textContent = ""; return; }
      var mine = ++asked;
      var url = new URL(form.dataset.placesUrl, window.location.href);
      url.searchParams.set("q", text);
      if (form.dataset.performance) url.searchParams.set("performance", form.dataset.performance);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (mine !== asked) return; // a newer search is on its way
          if (!answer.ok) throw new Error(answer.body.detail || "search failed");
          var known = formPlaces(fieldset, text.toLowerCase());
          var names = known.map(function (p) { return p.name.toLowerCase(); });
          show(fieldset, known.concat(answer.body.results.filter(function (p) {
            return names.indexOf(p.name.toLowerCase()) === -1;
          })).slice(0, 8));
        })
        .catch(function () {
          if (mine !== asked) return;
          close(fieldset);
          status.textContent = "Known places cannot be searched just now; tap the map to place this stop.";
        });
    }

    form.addEventListener("input", function (event) {
      if (!event.target.matches("[data-place-input]")) return;
      var fieldset = event.target.closest("[data-stop]");
      clearTimeout(timer);
      timer = setTimeout(function () { search(fieldset); }, SEARCH_DELAY_MS);
    });

    form.addEventListener("click", function (event) {
      var option = event.target.closest(".place-option");
      if (!option) return;
      var fieldset = option.closest("[data-stop]");
      place(fieldset, parseFloat(option.dataset.lat), parseFloat(option.dataset.lng), option.dataset.name);
      close(fieldset);
      fieldset.querySelector("[data-place-status]").textContent = "Stop " + (active + 1) + " is at " + option.dataset.name + ".";
      input(fieldset, "place_name").focus();
    });

    form.addEventListener("keydown", function (event) {
      var fieldset = event.target.closest("[data-stop]");
      if (!fieldset) return;
      var list = options(fieldset);
      var onInput = event.target.matches("[data-place-input]");
      var at = list.indexOf(event.target);
      if (!onInput && at === -1) return;
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[Math.min(at + 1, list.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at !== -1) {
        event.preventDefault();
        if (at === 0) input(fieldset, "place_name").focus(); else list[at - 1].focus();
      } else if (event.key === "Escape" && !results(fieldset).hidden) {
        event.preventDefault();
        close(fieldset);
        input(fieldset, "place_name").focus();
      }
    });

    // --- Errors ---------------------------------------------------------------------------
    // The summary's links move focus to the field (a fragment link alone only scrolls).
    form.addEventListener("click", function (event) {
      var link = event.target.closest("[data-error-summary] a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var field = target.matches("input, select, textarea") ? target : target.querySelector("input:not([type=hidden]), select, textarea");
      var fieldset = target.closest("[data-stop]");
      if (fieldset) select(stops().indexOf(fieldset), true);
      target.scrollIntoView({ block: "center" });
      if (field) field.focus({ preventScroll: true });
    });

    readActive();
    var points = draw();
    var current = stops()[active] && point(stops()[active]);
    if (map && current) map.setView(current, 16);
    else if (map && points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 16 });
    var summary = form.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
