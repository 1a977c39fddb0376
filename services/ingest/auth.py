"""API keys for the ingest and admin endpoints: created by `nianbao apikey create`, hashed at rest.

A key reads `nbk_<key id>_<secret>`. Redis keeps, per key id, its name, scopes, optional rate limit and
the SHA-256 of the whole key — never the key itself. The secret carries 256 random bits, so a fast hash
is enough (no password stretching needed), and lookups go by hash, so no secret is ever compared.

Closed by default: every upload and admin request needs a key unless the operator opened the API with
the setting `open_access` (NIANBAO_OPEN_ACCESS=1, a local demo on 127.0.0.1). The decision is that setting
alone, never data in Redis, so losing or flushing Redis cannot open a deployment.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from typing import Literal

import redis
from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel, Field

from services.ingest.deps import get_status_store
from services.ingest.limits import check_rate
from shared.settings import get_settings
from shared.status import now_iso

# ingest: uploads; correct: corrections of a report's values (services/ingest/routers/corrections.py);
# admin: everything.
Scope = Literal["ingest", "correct", "admin"]
SCOPES: tuple[str, ...] = ("ingest", "correct", "admin")
_KEYS = "nianbao:apikeys"            # hash: key id → ApiKey JSON
_BY_HASH = "nianbao:apikey:sha256"   # hash: sha256(key) → key id
PREFIX = "nbk_"


class ApiKey(BaseModel):
    id: str
    name: str
    scopes: list[Scope]
    sha256: str
    created_at: str
    revoked_at: str | None = None
    rate_limit: str | None = Field(None, description="e.g. '60/minute'; the setting `rate_limit` when empty")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    def __init__(self, r: redis.Redis) -> None:
        self.r = r

    def create(self, name: str, scopes: list[str], rate_limit: str | None = None) -> tuple[str, ApiKey]:
        """Returns (the key in clear — shown once, never stored —, its record)."""
        bad = [s for s in scopes if s not in SCOPES]
        if bad or not scopes:
            raise ValueError(f"unknown scopes {bad}; use {SCOPES}")
        key_id = secrets.token_hex(4)
        key = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        rec = ApiKey(id=key_id, name=name, scopes=sorted(set(scopes)), sha256=_hash(key),
                     created_at=now_iso(), rate_limit=rate_limit)
        with self.r.pipeline() as p:
            p.hset(_KEYS, key_id, rec.model_dump_json())
            p.hset(_BY_HASH, rec.sha256, key_id)
            p.execute()
        return key, rec

    def list(self) -> list[ApiKey]:
        return sorted((ApiKey.model_validate_json(v) for v in self.r.hvals(_KEYS)), key=lambda k: k.created_at)

    def revoke(self, key_id: str) -> ApiKey | None:
        raw = self.r.hget(_KEYS, key_id)
        if raw is None:
            return None
        rec = ApiKey.model_validate_json(raw)
        if rec.revoked_at is None:
            rec.revoked_at = now_iso()
            with self.r.pipeline() as p:
                p.hset(_KEYS, key_id, rec.model_dump_json())
                p.hdel(_BY_HASH, rec.sha256)
                p.execute()
        return rec

    def lookup(self, key: str) -> ApiKey | None:
        key_id = self.r.hget(_BY_HASH, _hash(key))
        raw = self.r.hget(_KEYS, key_id) if key_id else None
        rec = ApiKey.model_validate_json(raw) if raw else None
        return rec if rec and rec.active else None



def keys_required() -> bool:
    """Keys are required unless the operator opened access (the old NIANBAO_REQUIRE_API_KEY still closes it)."""
    s = get_settings()
    return s.require_api_key or not s.open_access


def key_store() -> KeyStore:
    return KeyStore(get_status_store().r)


def presented_key(request: Request) -> str | None:
    """`Authorization: Bearer <key>` or `X-API-Key: <key>`."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def _unauthorized(zh: str, en: str) -> HTTPException:
    return HTTPException(401, f"{zh} / {en}", headers={"WWW-Authenticate": "Bearer"})


# Declared for the OpenAPI document (security schemes on the protected routes); the key itself is read
# by presented_key, so either header works and a missing one is answered by us, bilingually.
_BEARER = HTTPBearer(auto_error=False, description="Authorization: Bearer nbk_…")
_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: nbk_…")


def require_scope(scope: Scope):
    """A FastAPI dependency: a valid, unrevoked key with `scope` (admin keys may also ingest and correct),
    within its rate limit. Returns the key record, or None when access is open and no key was sent
    (a key that is sent is checked even then: a wrong key is a mistake worth telling)."""
    def dep(request: Request, store: KeyStore = Depends(key_store),
            _bearer=Security(_BEARER), _header=Security(_HEADER)) -> ApiKey | None:
        key = presented_key(request)
        if key is None and not keys_required():
            return None
        if key is None:
            raise _unauthorized("缺少 API 密钥（Authorization: Bearer …）", "API key required (Authorization: Bearer …)")
        rec = store.lookup(key)
        if rec is None:
            raise _unauthorized("API 密钥无效或已吊销", "invalid or revoked API key")
        if scope not in rec.scopes and "admin" not in rec.scopes:
            raise HTTPException(403, f"该密钥无 {scope} 权限 / this key lacks the `{scope}` scope")
        check_rate(f"key:{rec.id}", rec.rate_limit)
        return rec
    return dep


def describe(rec: ApiKey) -> dict:
    d = json.loads(rec.model_dump_json(exclude={"sha256"}))
    d["active"] = rec.active
    return d
