// An artist's page: the story viewer and counting plays of tracks.
(function () {
  "use strict";

  var IMAGE_SECONDS = 6;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // Stories: one at a time, advancing by themselves (images after a few seconds, videos
  // when they end), with buttons to go back and forth. Without JavaScript all are listed.
  function storyViewer(section) {
    var stories = Array.prototype.slice.call(section.querySelectorAll("[data-story]"));
    // A single story is simply shown: "1 of 1" with Previous and Next would lead nowhere.
    if (stories.length < 2) return;
    var index = 0;
    var timer = null;
    var controls = document.createElement("div");
    controls.className = "story-controls actions";
    controls.innerHTML =
      '<button type="button" class="secondary small" data-prev>Previous</button>' +
      '<span class="meta" data-position aria-live="polite"></span>' +
      '<button type="button" class="secondary small" data-next>Next</button>';
    section.appendChild(controls);
    section.classList.add("story-viewer");

    function show(next) {
      clearTimeout(timer);
      var current = stories[index].querySelector("video");
      if (current) current.pause();
      index = (next + stories.length) % stories.length;
      stories.forEach(function (story, i) { story.hidden = i !== index; });
      controls.querySelector("[data-position]").textContent = "Story " + (index + 1) + " of " + stories.length;
      var video = stories[index].querySelector("video");
      if (video) {
        video.currentTime = 0;
        video.play().catch(function () { /* autoplay refused: the viewer presses play */ });
      } else {
        timer = setTimeout(function () { show(index + 1); }, IMAGE_SECONDS * 1000);
      }
    }

    stories.forEach(function (story) {
      var video = story.querySelector("video");
      if (video) video.addEventListener("ended", function () { show(index + 1); });
    });
    controls.querySelector("[data-prev]").addEventListener("click", function () { show(index - 1); });
    controls.querySelector("[data-next]").addEventListener("click", function () { show(index + 1); });
    show(0);
  }

  // A play counts once the listener has heard the track past its counting point; the
  // server decides whether it counts (once per listener per track per few minutes).
  function countPlays(audio) {
    var needed = parseFloat(audio.dataset.playAfter || "30");
    var heard = 0;
    var last = null;
    var sent = false;
    audio.addEventListener("timeupdate", function () {
      var now = audio.currentTime;
      if (last !== null && now > last && now - last < 2) heard += now - last;
      last = now;
      if (!sent && heard >= needed) {
        sent = true;
        fetch(audio.dataset.playUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ listened_seconds: heard }),
        }).then(function (response) { return response.ok ? response.json() : null; })
          .then(function (body) {
            var track = audio.closest(".track");
            if (!body || !track) return;
            var count = track.querySelector("[data-play-count]");
            var noun = track.querySelector("[data-play-noun]");
            if (count) count.textContent = String(body.play_count);
            if (noun) noun.textContent = body.play_count === 1 ? "play" : "plays";
          })
          .catch(function () { sent = false; });
      }
    });
    audio.addEventListener("seeking", function () { last = null; });
    audio.addEventListener("ended", function () { heard = 0; last = null; sent = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-story-viewer]").forEach(storyViewer);
    document.querySelectorAll("audio[data-play-url]").forEach(countPlays);
  });
})();
