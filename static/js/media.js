// An artist's page: the story viewer. Tracks play in the audio player (player.js), which
// also counts their plays.
(function () {
  "use strict";

  var IMAGE_SECONDS = 6;

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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-story-viewer]").forEach(storyViewer);
  });
})();
