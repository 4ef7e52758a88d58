// A WebSocket that reconnects with back-off and keeps state correct across drops.
// The server sends a snapshot first (with `seq`, or `seqs` per group for sockets that
// watch several groups), then deltas numbered per group. A gap, or a reconnect, asks for
// a fresh snapshot instead of trusting what was missed.
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
      // One-group sockets send `seq`; it counts for whichever group the deltas name.
      this.seqs = message.seqs ? Object.assign({}, message.seqs) : { "*": message.seq };
      if (this.handlers.snapshot) this.handlers.snapshot(message);
      return;
    }
    if (typeof message.seq === "number" && message.group && this.seqs) {
      var last = message.group in this.seqs ? this.seqs[message.group] : this.seqs["*"];
      if (typeof last === "number") {
        if (message.seq <= last) return; // already in the snapshot
        if (message.seq !== last + 1) { this.resync(); return; }
      }
      this.seqs[message.group] = message.seq;
    }
    var handler = this.handlers[message.type];
    if (handler) handler(message);
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
