"""A process' pipeline events leave together: what arrives within the linger time goes in one request."""
from __future__ import annotations

import queue
import threading
import time

from shared import events
from shared.settings import get_settings


def test_events_within_the_linger_leave_in_one_request(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "events_linger_seconds", 1.0)
    sent: list[list] = []
    done = threading.Event()

    def record(batch: list) -> bool:
        sent.append(batch)
        if sum(map(len, sent)) >= 7:
            done.set()
        return True

    monkeypatch.setattr(events, "_send", record)
    q: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=events._send_loop, args=(q,), daemon=True).start()
    q.put(("idx", {"n": 0}))
    time.sleep(0.1)             # without a linger the first event would already be on its way alone
    for i in range(1, 5):
        q.put(("idx", {"n": i}))
    time.sleep(1.5)             # the window closes; the next two form a request of their own
    q.put(("idx", {"n": 5}))
    q.put(("idx", {"n": 6}))
    assert done.wait(5)
    assert [[d["n"] for _, d in b] for b in sent] == [[0, 1, 2, 3, 4], [5, 6]]
