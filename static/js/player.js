// The audio player (templates/components/audio_player.html): a play/pause button, a position
// slider and the time, over a real <audio> element whose own controls show without JavaScript.
// Only one player plays at a time, and a track with a play URL counts a play once heard.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) seconds = 0;
    var whole = Math.floor(seconds);
    var minutes = Math.floor(whole / 60);
    var rest = whole % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // Said by a screen reader: "1 minute 5 seconds of 3 minutes".
  function spoken(seconds) {
    var whole = Math.floor(isFinite(seconds) && seconds > 0 ? seconds : 0);
    var minutes = Math.floor(whole / 60);
    var rest = whole % 60;
    var parts = [];
    if (minutes) parts.push(minutes + (minutes === 1 ? " minute" : " minutes"));
    if (rest || !minutes) parts.push(rest + (rest === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }

  // A play counts once the listener has heard the track past its counting point; the server
  // decides whether it counts (once per listener per track per few minutes). Seeking forward
  // is not listening, so only small steps of playback add up.
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

  function enhance(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "true";
    var audio = root.querySelector("audio");
    var toggle = root.querySelector("[data-toggle]");
    var scrubber = root.querySelector("[data-scrubber]");
    var range = root.querySelector("[data-scrub]");
    var elapsed = root.querySelector("[data-elapsed]");
    var total = root.querySelector("[data-total]");
    var dragging = false;

    audio.controls = false;
    toggle.hidden = false;
    scrubber.hidden = false;
    root.classList.add("is-ready");

    function duration() {
      if (isFinite(audio.duration) && audio.duration > 0) return audio.duration;
      return parseFloat(audio.dataset.duration || "0") || 0;
    }

    function showTime() {
      var length = duration();
      var now = dragging ? parseFloat(range.value) : audio.currentTime;
      range.max = String(Math.max(1, Math.ceil(length)));
      if (!dragging) range.value = String(Math.floor(now));
      range.style.setProperty("--progress", length ? Math.min(100, (now / length) * 100) + "%" : "0%");
      elapsed.textContent = clock(now);
      total.textContent = clock(length);
      range.setAttribute("aria-valuetext", spoken(now) + " of " + spoken(length));
    }

    function showState() {
      var playing = !audio.paused && !audio.ended;
      toggle.setAttribute("aria-pressed", playing ? "true" : "false");
      root.classList.toggle("is-playing", playing);
    }

    toggle.addEventListener("click", function () {
      if (!audio.getAttribute("src")) return;
      if (audio.paused || audio.ended) {
        var started = audio.play();
        if (started && started.catch) started.catch(showState);
      } else {
        audio.pause();
      }
    });
    range.addEventListener("input", function () {
      dragging = true;
      showTime();
    });
    range.addEventListener("change", function () {
      dragging = false;
      // Before anything is loaded (preload="none") the element keeps this as the position to
      // start from, and reports it as its current time: the choice is not lost.
      if (audio.getAttribute("src")) audio.currentTime = parseFloat(range.value);
      showTime();
    });
    ["play", "pause", "playing", "ended", "emptied"].forEach(function (name) {
      audio.addEventListener(name, showState);
    });
    ["timeupdate", "durationchange", "loadedmetadata", "emptied", "seeked"].forEach(function (name) {
      audio.addEventListener(name, showTime);
    });
    // Nothing to play (the venue's screen between tracks): the controls are there but rest.
    function showReady() {
      var ready = !!audio.getAttribute("src");
      toggle.disabled = !ready;
      range.disabled = !ready;
    }
    audio.addEventListener("emptied", showReady);
    audio.addEventListener("loadstart", showReady);
    showReady();
    showState();
    showTime();
    if (audio.dataset.playUrl) countPlays(audio);
  }

  // One player at a time: another one starting pauses this one.
  document.addEventListener("play", function (event) {
    var started = event.target;
    if (!started.closest || !started.closest("[data-audio-player]")) return;
    document.querySelectorAll("[data-audio-player] audio").forEach(function (audio) {
      if (audio !== started && !audio.paused) audio.pause();
    });
  }, true);

  function enhanceAll(scope) {
    (scope || document).querySelectorAll("[data-audio-player]").forEach(enhance);
  }

  window.Encore = window.Encore || {};
  window.Encore.enhancePlayers = enhanceAll;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  } else {
    enhanceAll();
  }
  // Players that arrive in a swapped fragment.
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
