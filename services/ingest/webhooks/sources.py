"""Configured webhook sources: {source: {secrets, allow_hosts, allow_private}} from a JSON or TOML file
(NIANBAO_WEBHOOK_SOURCES_FILE) or inline JSON (NIANBAO_WEBHOOK_SOURCES). The file is re-read when it
changes, so a secret can be rotated (add the new one, switch the sender, drop the old one) without a restart."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path
from threading import Lock

from pydantic import BaseModel, Field, RootModel, field_validator

SOURCE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class WebhookSource(BaseModel):
    secrets: list[str] = Field(min_length=1, description="whsec_<base64>; several are valid at once (rotation)")
    allow_hosts: list[str] = Field(default_factory=list, description="hosts URL deliveries may be fetched from; "
                                                                      "'*.example.gov.cn' matches subdomains")
    allow_private: bool = Field(False, description="allow loopback/private addresses (local tests only)")
    rate_limit: str | None = None

    @field_validator("secrets")
    @classmethod
    def _decodable(cls, v: list[str]) -> list[str]:
        from services.ingest.webhooks.signature import decode_secret
        for s in v:
            decode_secret(s)  # raises ValueError on a malformed secret: fail at load, not per request
        return v


class Sources(RootModel[dict[str, WebhookSource]]):
    @field_validator("root")
    @classmethod
    def _names(cls, v: dict[str, WebhookSource]) -> dict[str, WebhookSource]:
        import re
        for name in v:
            if not re.match(SOURCE_NAME, name):
                raise ValueError(f"bad source name {name!r}")
        return v


_lock = Lock()
_cache: dict[tuple, dict[str, WebhookSource]] = {}


def parse_sources(text: str, toml: bool = False) -> dict[str, WebhookSource]:
    data = tomllib.loads(text) if toml else json.loads(text or "{}")
    return Sources.model_validate(data).root


def load_sources(file: Path | None, inline: str) -> dict[str, WebhookSource]:
    """The configured sources; cached per (file, mtime) so edits are picked up on the next request."""
    if file is None:
        key: tuple = ("inline", inline)
    else:
        st = Path(file).stat()
        key = (str(file), st.st_mtime_ns, st.st_size)
    with _lock:
        if key not in _cache:
            text = Path(file).read_text(encoding="utf-8") if file else inline
            _cache.clear()
            _cache[key] = parse_sources(text, toml=bool(file) and str(file).endswith(".toml"))
        return _cache[key]
