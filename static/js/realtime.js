// A WebSocket that reconnects with back-off and keeps state correct across drops:
// the server sends a snapshot first, then deltas numbered by `seq`. A gap, or a
// reconnect, asks for a fresh snapshot instead of trusting what was missed.
(function () {
  "use strict";

  function LiveSocket(path, handlers) {
    this.path = path;
    this.handlers = handlers || {};
    this.seq = null;
    this.retry = 0;
    this.closed = false;
    this.open();
  }

  LiveSocket.prototype.open = function () {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var self = this;
    this.ws = new WebSocket(scheme + window.location.host + this.path);
    this.ws.onopen = function () { self.retry = 0; };
    this.ws.onmessage = function (event) { self.receive(JSON.parse(event.data)); };
    this.ws.onclose = function () {
      if (self.closed) return;
      // Back off up to 30 s, with jitter so a restarted server is not stampeded.
      var delay = Math.min(30000, 500 * Math.pow(2, self.retry++)) * (0.5 + Math.random());
      setTimeout(function () { self.open(); }, delay);
    };
  };

  LiveSocket.prototype.receive = function (message) {
    if (message.type === "snapshot") {
      this.seq = message.seq;
      if (this.handlers.snapshot) this.handlers.snapshot(message);
      return;
    }
    if (typeof message.seq === "number" && this.seq !== null) {
      if (message.seq <= this.seq) return; // already in the snapshot
      if (message.seq !== this.seq + 1) { this.resync(); return; }
    }
    if (typeof message.seq === "number") this.seq = message.seq;
    var handler = this.handlers[message.type];
    if (handler) handler(message);
  };

  LiveSocket.prototype.resync = function () {
    this.seq = null;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: "resync" }));
  };

  LiveSocket.prototype.close = function () {
    this.closed = true;
    this.ws.close();
  };

  window.Encore = window.Encore || {};
  window.Encore.LiveSocket = LiveSocket;
})();
