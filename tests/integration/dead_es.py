"""The search API under uvicorn on its own port with its own settings — e.g. pointed at an Elasticsearch
URL where nothing listens (a real unreachable server: connection refused, not a mock), or at an index
whose shards cannot be assigned (a real Elasticsearch answering 503 as while it recovers)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.integration.stack import BIN, LOGS, REDIS_DB, REDIS_PORT
from tests.paths import REPO


def free_port() -> int:
    """A port nothing listens on now (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search_api_without_es():
    """A search API whose Elasticsearch cannot be reached (yields its base URL)."""
    return search_api(NIANBAO_ES_URL=f"http://127.0.0.1:{free_port()}", NIANBAO_ES_ALIAS="nianbao-test-no-es")


@contextmanager
def search_api(**settings: str) -> Iterator[str]:
    """Yields the base URL of a search API started with these NIANBAO_* settings."""
    port = free_port()
    env = {**os.environ, "NIANBAO_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}", **settings}
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"search-{port}.log", "ab") as log:
        proc = subprocess.Popen([str(BIN / "uvicorn"), "services.search.app:app", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v1/schema", timeout=5).status_code == 200:  # needs no ES
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"search API did not start (log: {LOGS})")
            time.sleep(0.3)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
