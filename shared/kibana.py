"""Import the shipped Kibana saved objects (monitoring/kibana/*.ndjson) through Kibana's saved-objects
import API: POST /api/saved_objects/_import?overwrite=true, multipart/form-data with the NDJSON in the
field `file`, and the `kbn-xsrf` header Kibana requires on every API write.

The data views' index patterns follow the deployment's settings (NIANBAO_EVENTS_PREFIX,
NIANBAO_ES_ALIAS), so the dashboards read the indices this deployment writes.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from pydantic import BaseModel, Field

from shared.settings import ROOT, get_settings

IMPORT_PATH = "/api/saved_objects/_import"
# The saved objects, built by monitoring/kibana_objects.py (a development tool, not shipped code) and
# committed as NDJSON; the data views' ids, which the objects reference.
OUT_DIR = ROOT / "monitoring" / "kibana"
EVENTS_DV = "nianbao-events"
REPORTS_DV = "nianbao-reports"


class ImportFailure(BaseModel):
    id: str
    type: str
    title: str | None = None
    error: dict = Field(default_factory=dict)


class ImportResult(BaseModel):
    success: bool
    successCount: int = 0
    errors: list[ImportFailure] = Field(default_factory=list)


class KibanaError(RuntimeError):
    pass


def load_objects(directory: Path = OUT_DIR) -> list[dict]:
    files = sorted(directory.glob("*.ndjson"))
    if not files:
        raise KibanaError(f"没有找到 NDJSON 文件 / no .ndjson files in {directory}")
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def localize(objects: list[dict], *, events_pattern: str, reports_index: str) -> list[dict]:
    """Point the two data views at this deployment's indices."""
    titles = {EVENTS_DV: events_pattern, REPORTS_DV: reports_index}
    out = []
    for o in objects:
        if o.get("type") == "index-pattern" and o.get("id") in titles:
            o = {**o, "attributes": {**o["attributes"], "title": titles[o["id"]]}}
        out.append(o)
    return out


def ndjson_payload(directory: Path = OUT_DIR) -> bytes:
    s = get_settings()
    objects = localize(load_objects(directory), events_pattern=f"{s.events_prefix}-*", reports_index=s.es_alias)
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode("utf-8")


def wait_until_available(url: str, timeout: float, auth: httpx.Auth | None = None) -> None:
    """Kibana answers /api/status with 200 once it is available (503 while starting)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        try:
            r = httpx.get(f"{url.rstrip('/')}/api/status", timeout=5, auth=auth)
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code}"
        except httpx.HTTPError as e:
            last = repr(e)
        if time.monotonic() >= deadline:
            raise KibanaError(f"Kibana 未就绪 / Kibana not available at {url}: {last}")
        time.sleep(2)


def import_saved_objects(url: str, payload: bytes, *, space: str | None = None, auth: httpx.Auth | None = None,
                         timeout: float = 60) -> ImportResult:
    """One import request; overwrite=true makes re-running it update the objects in place."""
    base = url.rstrip("/") + (f"/s/{space}" if space else "")
    r = httpx.post(base + IMPORT_PATH, params={"overwrite": "true"}, headers={"kbn-xsrf": "nianbao"},
                   files={"file": ("nianbao.ndjson", payload, "application/ndjson")}, auth=auth, timeout=timeout)
    if r.status_code != 200:
        raise KibanaError(f"导入失败 / import failed: HTTP {r.status_code} {r.text[:500]}")
    result = ImportResult.model_validate(r.json())
    if not result.success:
        details = "; ".join(f"{e.type}/{e.id}: {e.error.get('type', e.error)}" for e in result.errors[:10])
        raise KibanaError(f"部分对象导入失败 / some objects were not imported: {details}")
    return result
