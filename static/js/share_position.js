// While a performance is live, the artist's phone shares its position from whichever
// Encore page is open, not only the dashboard (base.html includes this script then).
// Sharing is switched on per performance and remembered in localStorage, so the next page
// carries on. One tab sends, elected by a Web Lock, so that two open tabs do not trip the
// server's interval; the others show what it reports, and one of them takes over when it
// closes. A refusal always says why.
(function () {
  "use strict";

  var LOCK = "encore-share-position";
  var KEY = "encore.sharePosition";
  var FROM_ANOTHER_TAB = "Sharing from another Encore tab";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // {performance, next}: what is being shared, and when the server takes the next position
  // (this device's clock), shared by the tabs and the pages that follow.
  function stored() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }

  function store(value) {
    try {
      if (value) localStorage.setItem(KEY, JSON.stringify(value)); else localStorage.removeItem(KEY);
    } catch (e) { /* private mode: this page still shares, the next one will not resume */ }
  }

  // "Only a live…" reads on after a colon as "only a live…"; "CSRF failed" stays as it is.
  function lowerFirst(text) {
    return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
  }

  // The server's reason, from its JSON error, or at least the status it answered.
  function reasonOf(response) {
    return response.json().then(function (body) {
      var detail = body && body.detail;
      var errors = body && body.errors ? Object.values(body.errors) : [];
      if (errors.length && errors[0].length && detail === "Some fields are not valid.") detail = errors[0][0];
      return detail || "the server answered " + response.status;
    }, function () { return "the server answered " + response.status; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.querySelector("[data-position-sharing]");
    if (!bar) return;
    var url = bar.dataset.positionSharing;
    var performance = bar.dataset.performance;
    var interval = 1000 * (parseFloat(bar.dataset.intervalSeconds) || 5);
    var toggles = document.querySelectorAll("[data-share-toggle]");
    var statuses = document.querySelectorAll("[data-share-status]");
    // The dashboard has its own button and status; other pages show the bar.
    var ownControls = Array.prototype.some.call(toggles, function (b) { return !bar.contains(b); });
    var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(LOCK) : null;
    var leading = false, waiting = false, ended = false, said = false;
    var watch = null, timer = null, pending = null, inFlight = false, release = null;

    function isOn() { return stored().performance === performance; }

    function render() {
      var on = isOn();
      toggles.forEach(function (button) {
        button.hidden = ended || !navigator.geolocation;
        button.textContent = on ? "Stop sharing" : "Share my location";
      });
      bar.hidden = ownControls || !(on || said);
    }

    function say(text) {
      said = true;
      statuses.forEach(function (status) { status.textContent = text; });
      render();
      if (leading && channel) channel.postMessage({ type: "status", performance: performance, text: text });
    }

    function nextAfter(ms) {
      var value = stored();
      if (value.performance !== performance) return;
      value.next = Date.now() + ms;
      store(value);
    }

    // This tab stops watching and sending, and lets another tab lead if sharing goes on.
    function halt() {
      if (watch !== null) navigator.geolocation.clearWatch(watch);
      clearTimeout(timer);
      watch = timer = pending = null;
      leading = false;
      if (release) { release(); release = null; }
    }

    function stop(text, final) {
      store(null);
      if (channel) channel.postMessage({ type: "stop", performance: performance, text: text, final: final });
      halt();
      ended = ended || !!final;
      say(text);
    }

    function locationFailed(error) {
      if (error.code === error.PERMISSION_DENIED) {
        stop("Location refused by the browser: allow location for this site in the browser's settings.");
        return;
      }
      var why = error.code === error.TIMEOUT ? "finding it took too long" : "the phone cannot find it right now";
      say("Location unavailable: " + why + (error.message ? " (" + error.message + ")" : "") + "; still trying.");
    }

    function schedule() {
      if (!leading || inFlight || timer !== null || !pending) return;
      var wait = (stored().next || 0) - Date.now();
      if (wait > 0) {
        timer = setTimeout(function () { timer = null; schedule(); }, wait);
        return;
      }
      send();
    }

    // A position that did not get through is sent again, unless a newer one came meanwhile.
    function retry(position, seconds, text) {
      if (!pending) pending = position;
      nextAfter(seconds * 1000);
      say(text);
    }

    function send() {
      var position = pending;
      pending = null;
      inFlight = true;
      // Counted from the send until the answer comes: a page opened meanwhile waits too.
      nextAfter(interval);
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(position),
      }).then(function (response) {
        inFlight = false;
        if (response.ok) {
          // Read the answer to its end: the API's answers are not stored by the browser's
          // cache, so a body left unread would keep this request open.
          response.arrayBuffer().catch(function () {});
        }
        if (!leading || !isOn()) return;
        if (response.ok) {
          // Counted from the answer, so the server never sees two positions closer than
          // the interval, however the network delays them.
          nextAfter(interval);
          say("Position shared at " + new Date().toLocaleTimeString() + ".");
        } else if (response.status === 429) {
          var seconds = parseInt(response.headers.get("Retry-After"), 10) || interval / 1000;
          retry(position, seconds, "Position not sent: too soon, retrying in " + seconds + " s.");
        } else {
          return reasonOf(response).then(function (reason) {
            if ([401, 403, 404, 409].indexOf(response.status) >= 0) {
              stop("Sharing stopped: " + lowerFirst(reason), true);
            } else if (response.status >= 500) {
              retry(position, interval / 1000, "Position not sent: " + lowerFirst(reason) + "; retrying in " + interval / 1000 + " s.");
            } else {
              say("Position not sent: " + lowerFirst(reason));
            }
          });
        }
      }, function () {
        inFlight = false;
        if (!leading || !isOn()) return;
        retry(position, interval / 1000, "Position not sent: network error, retrying in " + interval / 1000 + " s.");
      }).then(schedule);
    }

    function lead() {
      leading = true;
      say("Sharing your location…");
      watch = navigator.geolocation.watchPosition(function (found) {
        pending = { lat: found.coords.latitude, lng: found.coords.longitude };
        schedule();
      }, locationFailed, { enableHighAccuracy: true, maximumAge: 0 });
    }

    function holdAndLead() {
      waiting = false;
      if (!isOn() || leading) return undefined;
      // The lock is held until this promise settles: until sharing stops or the page goes.
      return new Promise(function (resolve) { release = resolve; lead(); });
    }

    function elect() {
      if (leading || waiting) return;
      if (!navigator.locks) { lead(); return; } // every tab sends; a 429 makes the others wait
      waiting = true;
      navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) {
        if (lock) return holdAndLead();
        say(FROM_ANOTHER_TAB + ".");
        navigator.locks.request(LOCK, holdAndLead);
        return undefined;
      });
    }

    function start() {
      var value = stored();
      store({ performance: performance, next: value.performance === performance ? value.next : 0 });
      if (channel) channel.postMessage({ type: "start", performance: performance });
      elect();
    }

    if (channel) {
      channel.onmessage = function (event) {
        var message = event.data || {};
        if (message.performance !== performance) return;
        if (message.type === "start") {
          elect();
        } else if (message.type === "stop") {
          halt();
          ended = ended || !!message.final;
          say(message.text);
        } else if (message.type === "status" && !leading) {
          say(FROM_ANOTHER_TAB + ": " + lowerFirst(message.text));
        }
      };
    }

    if (!navigator.geolocation) {
      if (!ownControls) return;
      say("This browser cannot share its location.");
      return;
    }
    toggles.forEach(function (button) {
      button.addEventListener("click", function () {
        if (isOn()) stop("Stopped sharing."); else start();
      });
    });
    // Ending the performance stops sharing in every tab at once, not at the next refusal.
    document.querySelectorAll("form[data-share-ends]").forEach(function (form) {
      form.addEventListener("submit", function () { stop("Sharing stopped: the performance has ended.", true); });
    });
    render();
    if (isOn()) elect();
  });
})();
