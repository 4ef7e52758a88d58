// Jukebox pages (the guest page, the display, the admin's live queue) follow /ws/events/<id>/.
//
// Each socket message carries the whole queue state, and every phone in the room gets it.
// So the rows are drawn here from that JSON, into clones of the page's own <template> rows
// (the same partials the server renders), instead of each page fetching its HTML partial:
// a refetch would turn one broadcast into one request per guest, on every vote. What only
// this guest knows (which entries they voted for, their cooldown) comes from the server's
// last answer to them, read off the region it rendered.
(function () {
  "use strict";

  var SWAPPED_STATUSES = [400, 403, 409, 429];
  // How a finished entry ended, in the words of venues/partials/entry_status.html.
  var ENDED_AS = { played: "Played", skipped: "Skipped", vetoed: "Vetoed" };

  function fields(node, name) {
    var found = Array.prototype.slice.call(node.querySelectorAll('[data-field="' + name + '"]'));
    if (node.matches && node.matches('[data-field="' + name + '"]')) found.push(node);
    return found;
  }

  function setText(node, name, value) {
    fields(node, name).forEach(function (el) { el.textContent = value === null || value === undefined ? "" : String(value); });
  }

  // Text only: titles and names are user input.
  function fill(node, entry, position) {
    node.dataset.entryId = entry ? entry.id : "";
    if (!entry) return;
    setText(node, "position", position);
    setText(node, "title", entry.track.title);
    setText(node, "artist", entry.track.artist.stage_name);
    setText(node, "votes", entry.votes);
    setText(node, "votes-label", entry.votes === 1 ? "vote" : "votes");
    if (ENDED_AS[entry.status]) setText(node, "status", ENDED_AS[entry.status]);
    fields(node, "artwork").forEach(function (img) {
      if (entry.track.thumbnail_url) {
        img.src = entry.track.thumbnail_url;
        img.hidden = false;
      } else {
        img.removeAttribute("src");
        img.hidden = true;
      }
    });
    fields(node, "track-id").forEach(function (input) { input.value = entry.track.id; });
    fields(node, "entry-id").forEach(function (input) { input.value = entry.id; });
  }

  function renderNowPlaying(root, entry) {
    root.querySelectorAll("[data-now-playing]").forEach(function (box) {
      var track = box.querySelector("[data-now-playing-track]");
      var empty = box.querySelector("[data-now-playing-empty]");
      if (track) {
        track.hidden = !entry;
        fill(track, entry);
      }
      if (empty) empty.hidden = !!entry;
    });
  }

  function renderList(root, name, entries, eachRow) {
    var list = root.querySelector('[data-list="' + name + '"]');
    var template = root.querySelector('template[data-row-template="' + name + '"]');
    if (!list || !template) return;
    // Keep the keyboard where it was when the rows are redrawn under it.
    var focused = list.contains(document.activeElement) ? document.activeElement : null;
    var focusRow = focused && focused.closest("[data-entry-id]");
    var focusEntry = focusRow ? focusRow.dataset.entryId : null;
    var focusIndex = focusRow ? Array.prototype.indexOf.call(focusRow.querySelectorAll("button, a, input"), focused) : -1;
    var rows = document.createDocumentFragment();
    entries.forEach(function (entry, index) {
      var row = template.content.firstElementChild.cloneNode(true);
      fill(row, entry, index + 1);
      if (eachRow) eachRow(row, entry);
      rows.appendChild(row);
    });
    list.replaceChildren(rows);
    root.querySelectorAll('[data-empty="' + name + '"]').forEach(function (el) { el.hidden = entries.length > 0; });
    if (window.htmx) window.htmx.process(list);
    if (focusEntry !== null) {
      var again = list.querySelector('[data-entry-id="' + focusEntry + '"]');
      var target = again && again.querySelectorAll("button, a, input")[focusIndex];
      if (target) target.focus();
    }
  }

  function render(root, state, options) {
    options = options || {};
    renderNowPlaying(root, state.now_playing);
    renderList(root, "queue", state.queue || [], options.queueRow);
    renderList(root, "history", state.history || []);
    root.querySelectorAll("[data-history-section]").forEach(function (el) { el.hidden = !(state.history || []).length; });
  }

  // Follows the event: every snapshot and queue.updated redraws; a seq gap or a reconnect
  // brings a fresh snapshot (Encore.LiveSocket). A change of the event's status (opened,
  // ended) changes what the page offers, so the page reloads.
  function follow(root, onState, onStarted) {
    var status = root.dataset.eventStatus;
    function apply(message) {
      if (message.event && message.event.status && message.event.status !== status) {
        window.location.reload();
        return;
      }
      onState(message);
    }
    return new window.Encore.LiveSocket(root.dataset.eventSocket, {
      snapshot: function (message) {
        root.dataset.connected = "";
        apply(message);
      },
      "queue.updated": apply,
      "track.started": function (message) { if (onStarted) onStarted(message.now_playing); },
    });
  }

  // --- the guest page ---------------------------------------------------------------------

  function guestPage(root) {
    var voted = {};
    var cooldownEnds = 0;
    var timer = null;

    // As the server writes it (venues/event_detail.html): long waits (the hourly cap) in minutes.
    function waitText(seconds) {
      return seconds >= 90 ? Math.ceil(seconds / 60) + " min" : seconds + " s";
    }

    function markVoted(button) {
      button.setAttribute("data-voted", "");
    }

    function tick() {
      var left = Math.max(0, Math.ceil((cooldownEnds - Date.now()) / 1000));
      root.querySelectorAll("[data-vote-button]").forEach(function (button) {
        var text = button.querySelector("[data-button-text]");
        if (button.hasAttribute("data-voted")) {
          button.disabled = true;
          text.textContent = "Voted";
          return;
        }
        // The buttons only wait: the page's one countdown says how long.
        button.disabled = left > 0;
        text.textContent = button.dataset.label;
        if (left > 0) button.setAttribute("aria-describedby", "cooldown-note");
        else button.removeAttribute("aria-describedby");
      });
      root.querySelectorAll("[data-countdown]").forEach(function (el) { el.textContent = waitText(left); });
      root.querySelectorAll("[data-cooldown-note]").forEach(function (el) { el.hidden = left === 0; });
      clearTimeout(timer);
      if (left > 0) timer = setTimeout(tick, ((cooldownEnds - Date.now()) % 1000) || 1000);
    }

    // The server's answer is the truth: its cooldown (a vote's, or a 429's Retry-After)
    // and the entries it shows as voted. Only a fresh live region carries a fresh cooldown.
    function readCooldown() {
      var live = root.querySelector("[data-live]");
      if (live) cooldownEnds = Date.now() + 1000 * (parseInt(live.dataset.cooldown || "0", 10) || 0);
    }

    function readVoted() {
      var tracks = {};
      root.querySelectorAll("[data-live] [data-entry-id]").forEach(function (row) {
        var button = row.querySelector("[data-vote-button]");
        if (!button || !button.hasAttribute("data-voted")) return;
        voted[row.dataset.entryId] = true;
        var track = row.querySelector('[data-field="track-id"]');
        if (track) tracks[track.value] = true;
      });
      // The pool is not redrawn after a vote: its buttons follow the queue's.
      root.querySelectorAll("[data-pool-vote]").forEach(function (form) {
        var button = form.querySelector("[data-vote-button]");
        if (button && tracks[form.querySelector('[name="track"]').value]) markVoted(button);
      });
    }

    readCooldown();
    readVoted();
    tick();
    follow(
      root,
      function (state) {
        render(root, state, {
          queueRow: function (row, entry) {
            var button = row.querySelector("[data-vote-button]");
            if (button && voted[String(entry.id)]) markVoted(button);
          },
        });
        tick();
      },
      function (nowPlaying) { renderNowPlaying(root, nowPlaying); }
    );

    var noticeTimer = null;
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var settled = event.detail.elt;
      if (!root.contains(settled)) return;
      if (settled.matches && settled.matches("[data-live]")) readCooldown();
      readVoted();
      tick();
      var notice = document.getElementById("vote-notice");
      if (notice && notice.textContent) {
        clearTimeout(noticeTimer);
        noticeTimer = setTimeout(function () { notice.textContent = ""; notice.classList.remove("error"); }, 8000);
      }
    });
  }

  // --- the admin's live queue -------------------------------------------------------------

  function adminPage(root) {
    follow(
      root,
      function (state) { render(root, state); },
      function (nowPlaying) { renderNowPlaying(root, nowPlaying); }
    );
  }

  // Refusals (not in the pool, no guest, already voted, too soon) come back as a region to
  // show, with the reason; HTMX would drop them as errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (SWAPPED_STATUSES.indexOf(status) === -1) return;
    if (!event.detail.elt.closest || !event.detail.elt.closest("[data-jukebox]")) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  // A vote that met an outage (503 while Redis or the database is away) or no connection was
  // not counted: the guest is told where refusals are shown, instead of the button doing nothing.
  function notCounted(event, text) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("[data-jukebox=guest]")) return;
    var notice = document.getElementById("vote-notice");
    if (!notice) return;
    notice.textContent = text;
    notice.classList.add("error");
  }

  document.addEventListener("htmx:responseError", function (event) {
    if (SWAPPED_STATUSES.indexOf(event.detail.xhr.status) !== -1) return;
    var wait = parseInt(event.detail.xhr.getResponseHeader("Retry-After") || "", 10);
    notCounted(
      event,
      "Your vote was not counted: voting is paused for a moment. " +
        (wait > 0 ? "Try again in " + wait + " s." : "Try again shortly.")
    );
  });

  document.addEventListener("htmx:sendError", function (event) {
    notCounted(event, "Your vote was not sent: check your connection and try again.");
  });

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-jukebox]");
    if (!root || !window.Encore || !window.Encore.LiveSocket) return;
    if (root.dataset.jukebox === "guest") guestPage(root);
    if (root.dataset.jukebox === "admin") adminPage(root);
  });

  window.Encore = window.Encore || {};
  window.Encore.Jukebox = { fill: fill, render: render, renderNowPlaying: renderNowPlaying, follow: follow };
})();
