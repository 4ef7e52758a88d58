// An artist's page and a performance's: the story viewer and the clips' play buttons. Tracks
// play in the audio player (player.js), which also counts their plays.
(function () {
  "use strict";

  var IMAGE_SECONDS = 6;

  // Stories: a row of thumbnails, each a link to the story itself. With JavaScript a thumbnail
  // opens a viewer that shows the stories one at a time, advancing by themselves (images after a
  // few seconds, videos when they end), with buttons to go back and forth and to close.
  function storyViewer(section) {
    var stories = Array.prototype.slice.call(section.querySelectorAll("[data-story]"));
    var openers = stories.map(function (story) { return story.querySelector("[data-story-open]"); });
    if (!stories.length || typeof HTMLDialogElement !== "function") return;
    var several = stories.length > 1;
    var index = 0;
    var timer = null;
    var dialog = document.createElement("dialog");
    dialog.className = "story-dialog";
    dialog.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
    // A single story has no Previous, Next or "1 of 1": they would lead nowhere.
    dialog.innerHTML =
      '<div class="story-stage" data-stage></div>' +
      '<div class="story-controls">' +
      (several
        ? '<button type="button" class="secondary small" data-prev>Previous</button>' +
          '<span data-position aria-live="polite"></span>' +
          '<button type="button" class="secondary small" data-next>Next</button>'
        : "") +
      '<button type="button" class="ghost small" data-close>Close</button>' +
      "</div>";
    section.appendChild(dialog);
    section.classList.add("story-viewer");
    var stage = dialog.querySelector("[data-stage]");

    function clear() {
      clearTimeout(timer);
      var playing = stage.querySelector("video");
      if (playing) playing.pause();
      stage.textContent = "";
    }

    function show(next) {
      clear();
      index = (next + stories.length) % stories.length;
      var opener = openers[index];
      var picture = opener.querySelector("img");
      if (several) {
        dialog.querySelector("[data-position]").textContent = "Story " + (index + 1) + " of " + stories.length;
      }
      if (opener.dataset.video) {
        var video = document.createElement("video");
        video.src = opener.dataset.video;
        video.poster = opener.dataset.poster;
        video.controls = true;
        video.playsInline = true;
        video.setAttribute("aria-label", picture.alt);
        video.addEventListener("ended", advance);
        stage.appendChild(video);
        video.play().catch(function () { /* autoplay refused: the viewer presses play */ });
      } else {
        var image = document.createElement("img");
        image.src = opener.dataset.poster;
        image.alt = picture.alt;
        stage.appendChild(image);
        timer = setTimeout(advance, IMAGE_SECONDS * 1000);
      }
    }

    // After the last story the viewer closes rather than going round again.
    function advance() {
      if (index + 1 < stories.length) show(index + 1);
      else dialog.close();
    }

    openers.forEach(function (opener, i) {
      opener.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
        show(i);
      });
    });
    if (several) {
      dialog.querySelector("[data-prev]").addEventListener("click", function () { show(index - 1); });
      dialog.querySelector("[data-next]").addEventListener("click", function () { show(index + 1); });
    }
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    // A click on the dimmed page around the story closes it, as Escape does.
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener("close", clear);
  }

  // Clips: the poster shows whole under one play button; the player's own controls (there from
  // the start without JavaScript) appear once the clip plays.
  function clipCard(media) {
    var video = media.querySelector("video");
    if (!video) return;
    video.controls = false;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "clip-play";
    button.setAttribute("aria-label", "Play " + (video.getAttribute("aria-label") || "clip"));
    button.innerHTML = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>';
    media.appendChild(button);
    button.addEventListener("click", function () {
      video.controls = true;
      button.remove();
      video.focus();
      video.play().catch(function () { /* refused: the controls are there to press play */ });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-story-viewer]").forEach(storyViewer);
    document.querySelectorAll("[data-clip]").forEach(clipCard);
  });
})();
