"""One processing-error type: whatever goes wrong with a document becomes a `failed` status with this message."""
from __future__ import annotations


class ProcessingError(Exception):
    """A document that cannot be processed. `code` is stable for machines; the message is for people."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class ServiceBusy(Exception):
    """A server answered "busy, try later" inside a batched request (one search of a multi-search):
    the stage retries the batch with backoff, as for an unreachable server (shared/stage.py)."""
