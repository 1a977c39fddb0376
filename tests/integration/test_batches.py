"""Documents travel in batches (one message, one status round trip, one bulk request per batch), but
each one's fate is its own: a bad document in a batch fails alone, with its reason, and the others
are indexed."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.conftest import running_stack, wait_status
from tests.paths import SEEDS


@pytest.fixture(scope="module")
def stack(servers, tmp_path_factory):
    # A long linger, so uploads sent together surely share a message even on a loaded machine.
    yield from running_stack(tmp_path_factory, NIANBAO_ENQUEUE_LINGER_SECONDS="2")


def test_bad_documents_fail_alone_inside_a_batch(stack):
    seeds = sorted(p for p in SEEDS.iterdir() if p.is_file())
    uploads = [(p.name, p.read_bytes()) for p in seeds]
    uploads += [("noise.bin", os.urandom(4096)), ("broken.pdf", b"%PDF-1.7\n" + os.urandom(2048))]

    def post(item):
        name, data = item
        r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name}, timeout=60)
        assert r.status_code == 202, r.text
        return name, r.json()["id"]

    with ThreadPoolExecutor(len(uploads)) as pool:
        ids = dict(pool.map(post, uploads))
    final = {name: wait_status(stack, doc_id, timeout=180) for name, doc_id in ids.items()}
    for p in seeds:
        assert final[p.name]["status"] == "indexed", final[p.name]
    for bad in ("noise.bin", "broken.pdf"):
        st = final[bad]
        assert st["status"] == "failed" and st["error"]["stage"] == "normalize"
        assert " / " in st["error"]["message"]  # Chinese / English
    # They went through as one batch: one status write stamped every document normalized at once.
    normalized = [final[p.name]["stages"]["normalized"] for p in seeds]
    assert len(set(normalized)) < len(normalized), normalized
    for name, p in stack.procs.items():
        assert p.poll() is None, f"{name} died"
