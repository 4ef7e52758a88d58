// A WebSocket that reconnects with back-off and keeps state correct across drops.
// The server sends a snapshot first (with its `group` and `seq`, or `seqs` per group for
// sockets that watch several groups), then each update once, numbered in every group it was
// sent to. A gap, a reconnect, or the server saying this socket fell behind, asks for a
// fresh snapshot instead of trusting what was missed.
(function () {
  "use strict";

  var TRY_AGAIN_LATER = 1013;

  function LiveSocket(path, handlers) {
    this.path = path;
    this.handlers = handlers || {};
    this.seqs = null;
    this.retry = 0;
    this.closed = false;
    this.open();
  }

  LiveSocket.prototype.open = function () {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var self = this;
    this.seqs = null;
    this.ws = new WebSocket(scheme + window.location.host + this.path);
    this.ws.onmessage = function (event) { self.receive(JSON.parse(event.data)); };
    this.ws.onclose = function (event) {
      if (self.closed) return;
      // 4400-4499: refused for good (a bad area, or a page this visitor may no longer see,
      // such as a performance hidden meanwhile); trying again would be refused again.
      if (event.code >= 4400 && event.code < 4500) {
        if (self.handlers.refused) self.handlers.refused(event);
        return;
      }
      // Back off up to 30 s, with jitter so a restarted server is not stampeded. 1013 ("try
      // again later": Redis or the database is down) comes right after the socket opened, so
      // only a snapshot, not the opening, starts the back-off over. The server refuses those
      // cheaply and the outage is usually short: their back-off stops at 5 s, so the page
      // is live again within seconds of the server.
      var tryAgain = event.code === TRY_AGAIN_LATER;
      var delay = Math.min(tryAgain ? 5000 : 30000, (tryAgain ? 1000 : 500) * Math.pow(2, self.retry++));
      delay *= 0.5 + Math.random();
      setTimeout(function () { self.open(); }, delay);
    };
  };

  LiveSocket.prototype.receive = function (message) {
    if (message.type === "snapshot") {
      this.retry = 0;
      this.seqs = {};
      if (message.seqs) Object.assign(this.seqs, message.seqs);
      else this.seqs[message.group || "*"] = message.seq;
      if (this.handlers.snapshot) this.handlers.snapshot(message);
      return;
    }
    if (message.type === "resync") {
      // The server dropped updates this socket was too slow to take.
      this.resync();
      return;
    }
    if (!this.check(message)) return;
    var handler = this.handlers[message.type];
    if (handler) handler(message);
  };

  // An update counts in each group it was sent to: `seqs` names them all, `group` and `seq`
  // the one. Only the groups this socket watches matter. Returns whether to apply it.
  LiveSocket.prototype.check = function (message) {
    var numbers = message.seqs;
    var single = !numbers;
    if (single) {
      if (typeof message.seq !== "number" || !message.group) return true;
      numbers = {};
      numbers[message.group] = message.seq;
    }
    if (!this.seqs) return true; // a snapshot is on its way and will replace what this shows
    var seen = false;
    var gap = false;
    var group;
    for (group in numbers) {
      var last = group in this.seqs ? this.seqs[group] : single ? this.seqs["*"] : undefined;
      if (typeof last !== "number") continue; // a group this socket does not watch
      if (numbers[group] <= last) seen = true; // already in the snapshot
      else if (numbers[group] !== last + 1) gap = true;
    }
    if (gap) {
      this.resync();
      return false;
    }
    for (group in numbers) {
      if (group in this.seqs || single) this.seqs[group] = Math.max(this.seqs[group] || 0, numbers[group]);
    }
    return !seen;
  };

  LiveSocket.prototype.send = function (data) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(data));
  };

  LiveSocket.prototype.resync = function () {
    this.seqs = null;
    this.send({ type: "resync" });
  };

  LiveSocket.prototype.close = function () {
    this.closed = true;
    this.ws.close();
  };

  window.Encore = window.Encore || {};
  window.Encore.LiveSocket = LiveSocket;
})();
