"""The search tests' corpus, sent through the real pipeline: the 5 seeds, the 19 real reports, a batch
of synthetic reports (tests.synth, some with injected errors) and one hostile report whose agency and
section text carry HTML/script. Returns what was indexed, read back from the search API."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from tests.paths import REAL, SEEDS
from tests.synth import TEXT_LAYOUTS, generate

HOSTILE_AGENCY = "测试县<script>window.__xss=1</script>人民政府"
HOSTILE_LINE = '特别说明：<img src=x onerror="window.__xss=1">本段文字应原样显示。'
SYNTH_SEED = 20240601


@dataclass
class Corpus:
    ids: dict[str, str] = field(default_factory=dict)          # filename → report id
    records: dict[str, dict] = field(default_factory=dict)     # id → GET /reports/{id}
    failed: dict[str, dict] = field(default_factory=dict)      # filename → final status
    hostile_id: str | None = None


def hostile_report() -> bytes:
    """A real seed with the title/agency and a section paragraph replaced by hostile markup."""
    text = sorted(SEEDS.glob("*.txt"))[0].read_bytes().decode("utf-8")
    lines = text.splitlines()
    title = next(i for i, line in enumerate(lines) if line.strip())
    lines[title] = f"{HOSTILE_AGENCY}2021年政府信息公开工作年度报告"
    # Into section 1 (the seed may be in traditional characters).
    at = next(i for i, line in enumerate(lines) if "总体情况" in line or "總體情況" in line)
    lines.insert(at + 1, HOSTILE_LINE)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _post(ingest_url: str, name: str, data: bytes) -> str:
    r = httpx.post(f"{ingest_url}/api/v1/documents", files={"file": (name, data)}, timeout=60)
    assert r.status_code == 202, (name, r.status_code, r.text)
    return r.json()["id"]


def load(stack, n_synth: int = 36, timeout: float = 600) -> Corpus:
    files: list[tuple[str, bytes]] = [(f.name, f.read_bytes()) for f in sorted(SEEDS.iterdir()) if f.is_file()]
    files += [(f.name, f.read_bytes()) for f in sorted(REAL.iterdir()) if f.is_file()]
    files += [(r.filename, r.data) for r in generate(n_synth, seed=SYNTH_SEED, layouts=(*TEXT_LAYOUTS, "html"),
                                                    error_rate=0.3)]
    files.append(("hostile.txt", hostile_report()))
    c = Corpus()
    for name, data in files:
        c.ids[name] = _post(stack.ingest_url, name, data)
    c.hostile_id = c.ids["hostile.txt"]
    pending = dict(c.ids)
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=stack.ingest_url, timeout=10) as client:
        while pending and time.monotonic() < deadline:
            for name, doc_id in list(pending.items()):
                st = client.get(f"/api/v1/documents/{doc_id}").json()
                if st["status"] == "indexed":
                    del pending[name]
                elif st["status"] == "failed":
                    c.failed[name] = st
                    del pending[name]
            time.sleep(0.5)
    assert not pending, f"not processed in time: {sorted(pending)}"
    indexed = [i for n, i in c.ids.items() if n not in c.failed]
    with httpx.Client(base_url=stack.search_url, timeout=30) as client, ThreadPoolExecutor(4) as pool:
        for doc_id, rec in zip(indexed, pool.map(lambda i: client.get(f"/api/v1/reports/{i}").json(), indexed), strict=True):
            c.records[doc_id] = rec
    # Index refresh: make sure every indexed record is visible to search before the tests start.
    for _ in range(40):
        n = httpx.get(f"{stack.search_url}/api/v1/search", params={"size": 0, "include_superseded": True,
                                                                   "facets": False}, timeout=30).json()["total"]
        if n >= len(set(indexed)):
            break
        time.sleep(0.5)
    return c
