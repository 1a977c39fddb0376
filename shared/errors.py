"""One processing-error type: whatever goes wrong with a document becomes a `failed` status with this message."""
from __future__ import annotations


class ProcessingError(Exception):
    """A document that cannot be processed. `code` is stable for machines; the message is for people.
    `detail` ("中文 / English"), when given, follows the message after a colon: what exactly was wrong."""

    def __init__(self, code: str, zh: str, en: str, detail: str | None = None) -> None:
        self.code, self.zh, self.en, self.detail = code, zh, en, detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}" + (f": {self.detail}" if self.detail else "")

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class ServiceBusy(Exception):
    """A server answered "busy, try later" inside a batched request (one search of a multi-search):
    the stage retries the batch with backoff, as for an unreachable server (shared/stage.py)."""
