"""The read-quality tests' corpus (issue 15), parsed by the real pipeline, then rebuilt by `nianbao reindex`:

- complete: two reports whose tables read cleanly (Sanming's 2023 report has cells the parser infers
  from the table's identities);
- partial: the Putian science bureau's 2022 report (wild-dev), whose tables print fewer numbers than
  cells (table 四 has a single "0"), so some cells cannot be placed;
- unreadable: a real report with its three tables cut out;
- ungraded: a real report whose stored record has its quality removed, as records made before the
  parser graded its reading (1.1.0) are stored.

The stored records reach the index the way every stored record does on an upgrade: `nianbao reindex`
(index worker, es_document). Expected values in the tests are computed from the records read back."""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.record import Record
from shared.storage import Storage
from tests.integration.conftest import wait_status
from tests.integration.stack import BIN, Stack
from tests.paths import REAL, REPO, SHARED

WILD = SHARED / "corpus" / "wild-dev"
PUTIAN = WILD / "2022_putian_kjj.txt"
COMPLETE = (REAL / "2024_huaian_city.txt", WILD / "2023_sanming_city.txt")
UNGRADED = "2019_shanghai_bgt.html"
# Bodies differ across the corpus on purpose: no CROSS_YEAR re-validation may rewrite a stored record
# after it was edited here.
UNREADABLE_FROM = "2021_pingtan_gyz.txt"
OLD_PARSER = "1.0.1"  # the last parser version before grading (shared/record.py PARSER_VERSION)


@dataclass
class QualityCorpus:
    ids: dict[str, str] = field(default_factory=dict)         # role → report id
    records: dict[str, dict] = field(default_factory=dict)    # id → GET /reports/{id}

    def grade(self, doc_id: str) -> str | None:
        q = self.records[doc_id].get("quality")
        return q["grade"] if q else None


def without_tables() -> bytes:
    """A real report with sections 二–四 (the three tables) cut out: nothing to read."""
    text = (REAL / UNREADABLE_FROM).read_text(encoding="utf-8")
    return (text[:text.index("二、主动公开")] + text[text.index("五、存在的主要问题"):]).encode("utf-8")


def _post(stack: Stack, data: bytes, name: str) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name}, timeout=30)
    assert r.status_code == 202, r.text
    doc_id = r.json()["id"]
    assert wait_status(stack, doc_id, timeout=180)["status"] == "indexed", name
    return doc_id


def nianbao(stack: Stack, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run([str(BIN / "nianbao"), *args], cwd=REPO, env={**os.environ, **stack.env},
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def load(stack: Stack) -> QualityCorpus:
    c = QualityCorpus()
    for i, path in enumerate(COMPLETE):
        c.ids[f"complete{i}"] = _post(stack, path.read_bytes(), path.name)
    c.ids["partial"] = _post(stack, PUTIAN.read_bytes(), PUTIAN.name)
    c.ids["unreadable"] = _post(stack, without_tables(), "no-tables.txt")
    c.ids["ungraded"] = _post(stack, (REAL / UNGRADED).read_bytes(), UNGRADED)

    storage = Storage(Path(stack.env["NIANBAO_STORAGE_DIR"]))
    for role, doc_id in c.ids.items():
        record = storage.get_model(doc_id, "validated", Record)
        assert record.quality is not None, f"the parser did not grade {role}"
        if role == "ungraded":  # as stored before grading existed
            record.quality, record.provenance, record.parser_version = None, {}, OLD_PARSER
            storage.put_model(doc_id, "validated", record)
    nianbao(stack, "reindex", "--timeout", "180")

    with httpx.Client(base_url=stack.search_url, timeout=30) as client:
        for doc_id in c.ids.values():
            c.records[doc_id] = client.get(f"/api/v1/reports/{doc_id}").json()
        deadline = time.monotonic() + 30
        while client.get("/api/v1/search", params={"size": 0, "facets": False}).json()["total"] < len(c.ids):
            assert time.monotonic() < deadline, "the rebuilt index never showed every report"
            time.sleep(0.3)
    return c
