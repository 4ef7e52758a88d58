"""The page's live client (static/js/realtime.js) applies each update once, by the numbers it
carries in the groups the socket watches, and asks for a snapshot at a gap or when the server
says it fell behind. Driven in Chromium with a stand-in socket that records what it sends."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FEED = """
(messages) => {
  const sent = [];
  class StandIn {
    constructor() { this.readyState = 1; }
    send(data) { sent.push(JSON.parse(data).type); }
    close() {}
  }
  StandIn.OPEN = 1;
  const real = window.WebSocket;
  window.WebSocket = StandIn;
  const applied = [];
  const live = new window.Encore.LiveSocket("/ws/anything/", {
    "performance.moved": (message) => applied.push(message.n),
  });
  window.WebSocket = real;
  const log = [];
  for (const message of messages) {
    live.receive(message);
    log.push({applied: applied.slice(), sent: sent.slice()});
  }
  live.close();
  return log.at(-1);
}
"""


def moved(n: int, **numbers: object) -> dict:
    return {"type": "performance.moved", "n": n, **numbers}


def test_an_update_sent_to_several_watched_cells_is_applied_once(open_page):
    page = open_page("/")
    result = page.evaluate(
        FEED,
        [
            {"type": "snapshot", "seqs": {"a": 10, "b": 20}},
            moved(1, seqs={"a": 11, "b": 21, "elsewhere": 5}),
            moved(2, seqs={"a": 11, "b": 21}),  # the same update again: already applied
            moved(3, seqs={"b": 22, "elsewhere": 6}),
            moved(4, seqs={"a": 12}),
            moved(5, seqs={"a": 13, "b": 23}),
        ],
    )
    assert result == {"applied": [1, 3, 4, 5], "sent": []}


def test_a_gap_in_any_watched_cell_asks_for_a_snapshot_instead_of_applying(open_page):
    page = open_page("/")
    result = page.evaluate(
        FEED,
        [
            {"type": "snapshot", "seqs": {"a": 10, "b": 20}},
            moved(1, seqs={"a": 11, "b": 22}),
        ],
    )
    assert result == {"applied": [], "sent": ["resync"]}


def test_an_update_already_in_the_snapshot_is_skipped(open_page):
    page = open_page("/")
    result = page.evaluate(
        FEED,
        [
            {"type": "snapshot", "seqs": {"a": 10, "b": 20}},
            moved(1, seqs={"a": 10, "b": 20}),
            moved(2, seqs={"a": 11, "b": 21}),
        ],
    )
    assert result == {"applied": [2], "sent": []}


def test_a_one_group_socket_follows_its_group_in_updates_sent_to_several(open_page):
    page = open_page("/")
    result = page.evaluate(
        FEED,
        [
            {"type": "snapshot", "group": "performance.7", "seq": 5},
            moved(1, seqs={"performance.7": 6, "map.fine.3871.-914": 99}),
            moved(2, group="performance.7", seq=7),
            moved(3, group="performance.7", seq=9),
        ],
    )
    assert result == {"applied": [1, 2], "sent": ["resync"]}


def test_the_server_saying_the_socket_fell_behind_asks_for_a_snapshot(open_page):
    page = open_page("/")
    result = page.evaluate(
        FEED,
        [
            {"type": "snapshot", "seqs": {"a": 10}},
            {"type": "resync", "detail": "Updates arrived faster than this connection took them."},
        ],
    )
    assert result == {"applied": [], "sent": ["resync"]}


REFUSED = """
async (code) => {
  let opened = 0;
  class StandIn {
    constructor() { opened += 1; this.readyState = 1; }
    send() {}
    close() {}
  }
  StandIn.OPEN = 1;
  const real = window.WebSocket;
  window.WebSocket = StandIn;
  let refused = null;
  const live = new window.Encore.LiveSocket("/ws/anything/", {refused: (event) => { refused = event.code; }});
  live.ws.onclose({code: code});
  await new Promise((resolve) => setTimeout(resolve, 1500));
  window.WebSocket = real;
  live.closed = true;
  return {opened: opened, refused: refused};
}
"""


def test_a_socket_refused_for_good_is_not_opened_again(open_page):
    page = open_page("/")
    assert page.evaluate(REFUSED, 4404) == {"opened": 1, "refused": 4404}


def test_a_socket_dropped_otherwise_is_opened_again(open_page):
    page = open_page("/")
    assert page.evaluate(REFUSED, 1006) == {"opened": 2, "refused": None}
