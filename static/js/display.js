// The venue's screen: the queue and what is playing (drawn by jukebox.js from the event
// socket), recent vote activity, and the player. When a track ends the screen reports it,
// once, and the top of the queue plays next.
(function () {
  "use strict";

  var SHOWN_IN_QUEUE = 8;
  var ACTIVITY_ITEMS = 6;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector('[data-jukebox="display"]');
    if (!root || !window.Encore || !window.Encore.Jukebox) return;
    var Jukebox = window.Encore.Jukebox;
    var player = root.querySelector("[data-player]");
    var hint = root.querySelector("[data-player-hint]");
    var activity = root.querySelector("[data-activity]");
    var playingId = player.dataset.entryId || null;
    var reported = {};
    var previous = null;

    // --- recent activity, from the difference between two queue states ---
    function note(what, entry) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.className = "display-activity-what";
      label.textContent = what;
      item.appendChild(label);
      item.appendChild(document.createTextNode(" " + entry.track.title + " · " + entry.track.artist.stage_name));
      activity.insertBefore(item, activity.firstChild);
      while (activity.children.length > ACTIVITY_ITEMS) activity.removeChild(activity.lastChild);
    }

    function diff(state) {
      if (previous) {
        var before = {};
        previous.queue.forEach(function (entry) { before[entry.id] = entry.votes; });
        state.queue.forEach(function (entry) {
          if (!(entry.id in before)) note("Requested", entry);
          else if (entry.votes > before[entry.id]) note("+" + (entry.votes - before[entry.id]), entry);
        });
        var was = previous.now_playing && previous.now_playing.id;
        if (state.now_playing && state.now_playing.id !== was) note("Playing", state.now_playing);
      }
      previous = { queue: state.queue, now_playing: state.now_playing };
    }

    // --- the player ---
    function play() {
      var started = player.play();
      if (started && started.catch) {
        started.then(function () { hint.hidden = true; }).catch(function () { hint.hidden = false; });
      }
    }

    function load(nowPlaying) {
      var id = nowPlaying ? String(nowPlaying.id) : null;
      if (id === playingId) return;
      playingId = id;
      if (!nowPlaying || !nowPlaying.track.stream_url) {
        player.pause();
        player.removeAttribute("src");
        player.load();
        return;
      }
      player.src = nowPlaying.track.stream_url;
      player.dataset.startedAt = nowPlaying.started_at || "";
      play();
    }

    function apply(state) {
      diff(state);
      Jukebox.render(root, { now_playing: state.now_playing, queue: state.queue.slice(0, SHOWN_IN_QUEUE), history: [] });
      load(state.now_playing);
    }

    function post(url, data) {
      return fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      }).then(function (response) { return response.json(); }).then(function (state) {
        if (state && state.queue) apply(state);
      });
    }

    // The end of a track is reported once per entry; the server ignores late repeats too.
    function ended() {
      if (!playingId || reported[playingId]) return;
      reported[playingId] = true;
      var data = new FormData();
      data.append("entry", playingId);
      post(root.dataset.endedUrl, data).catch(function () { reported[playingId] = false; });
    }

    player.addEventListener("ended", ended);
    // A file that cannot play would stop the night: move on as if it had ended.
    player.addEventListener("error", function () {
      var broken = playingId;
      if (!player.getAttribute("src")) return;
      setTimeout(function () { if (playingId === broken) ended(); }, 3000);
    });
    player.addEventListener("playing", function () { hint.hidden = true; });
    // After a reload, pick the song up where the room hears it rather than from the top.
    player.addEventListener("loadedmetadata", function () {
      var startedAt = Date.parse(player.dataset.startedAt || "");
      if (!startedAt) return;
      var elapsed = (Date.now() - startedAt) / 1000;
      if (elapsed > 2 && elapsed < player.duration - 2) player.currentTime = elapsed;
      player.dataset.startedAt = "";
    });

    var start = root.querySelector("[data-start-form]");
    if (start) {
      start.addEventListener("submit", function (event) {
        event.preventDefault();
        // This click is what lets the browser play sound from now on.
        post(start.action, new FormData(start));
      });
    }

    if (playingId) play();
    Jukebox.follow(root, apply, function (nowPlaying) {
      Jukebox.renderNowPlaying(root, nowPlaying);
      load(nowPlaying);
    });
  });
})();
