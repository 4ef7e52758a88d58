// While live, the performer's device shares its position, no more often than the server
// accepts (every 5 s); a 429 says how long to wait.
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-share-position]");
    if (!button || !navigator.geolocation) return;
    var status = document.querySelector("[data-share-status]");
    button.hidden = false;
    var watch = null, nextAllowed = 0, latest = null, timer = null;

    function say(text) { if (status) status.textContent = text; }

    function send() {
      timer = null;
      if (!latest) return;
      var wait = nextAllowed - Date.now();
      if (wait > 0) { timer = setTimeout(send, wait); return; }
      var body = JSON.stringify({ lat: latest.latitude, lng: latest.longitude });
      latest = null;
      nextAllowed = Date.now() + 5000;
      fetch(button.dataset.sharePosition, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: body,
      }).then(function (response) {
        if (response.status === 429) {
          nextAllowed = Date.now() + 1000 * (parseInt(response.headers.get("Retry-After"), 10) || 5);
        } else if (response.ok) {
          say("Location shared at " + new Date().toLocaleTimeString());
        } else {
          say("Could not share the location (" + response.status + ").");
        }
      }).catch(function () { say("Offline: will retry."); });
    }

    button.addEventListener("click", function () {
      if (watch !== null) {
        navigator.geolocation.clearWatch(watch);
        watch = null;
        button.textContent = "Share my location";
        say("Stopped sharing.");
        return;
      }
      watch = navigator.geolocation.watchPosition(function (pos) {
        latest = pos.coords;
        if (!timer) send();
      }, function (err) { say("Location unavailable: " + err.message); }, { enableHighAccuracy: true });
      button.textContent = "Stop sharing";
      say("Sharing your location…");
    });
  });
})();
