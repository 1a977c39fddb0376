"""Remembered webhook-ids (Redis, TTL longer than the replay window): a redelivery of an accepted
delivery is answered with the first answer, and never makes a second document."""
from __future__ import annotations

import json
import time

import redis

_PREFIX = "nianbao:webhook:"
PENDING_TTL = 120  # a delivery being handled; gone if the API process dies mid-way, so the sender's retry works


class Seen:
    def __init__(self, r: redis.Redis, ttl: int) -> None:
        self.r, self.ttl = r, ttl

    @staticmethod
    def _key(source: str, msg_id: str) -> str:
        return f"{_PREFIX}{source}:{msg_id}"

    def claim(self, source: str, msg_id: str, body_sha: str) -> dict | None:
        """None when this delivery is ours to handle; else the remembered entry
        ({state: pending|done, body_sha, result?})."""
        key = self._key(source, msg_id)
        for _ in range(5):
            if self.r.set(key, json.dumps({"state": "pending", "body_sha": body_sha, "at": time.time()}),
                          nx=True, ex=PENDING_TTL):
                return None
            raw = self.r.get(key)
            if raw is not None:
                return json.loads(raw)
        return {"state": "pending", "body_sha": body_sha}

    def done(self, source: str, msg_id: str, body_sha: str, result: dict) -> None:
        self.r.set(self._key(source, msg_id), json.dumps({"state": "done", "body_sha": body_sha, "result": result}),
                   ex=self.ttl)

    def release(self, source: str, msg_id: str) -> None:
        """Forget a delivery that was not accepted (bad payload, fetch failed): a retry is judged afresh."""
        self.r.delete(self._key(source, msg_id))
