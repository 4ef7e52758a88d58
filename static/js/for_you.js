// "Near me" asks the browser for its position once and reloads the page with it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("[data-near-me]");
    var status = document.querySelector("[data-near-me-status]");
    if (!link || !navigator.geolocation) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      status.textContent = "Finding you…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var url = new URL(link.href, window.location.href);
          url.searchParams.set("lat", position.coords.latitude.toFixed(5));
          url.searchParams.set("lng", position.coords.longitude.toFixed(5));
          window.location.href = url.toString();
        },
        function () { status.textContent = "Your browser didn't share your position."; },
        { maximumAge: 60000, timeout: 10000 }
      );
    });
  });
})();
