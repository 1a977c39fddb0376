from __future__ import annotations

import signal
import time

import httpx
import pytest
import redis

from tests.integration import search_corpus
from tests.integration.stack import Stack, stack_env, start_servers, stop_servers


def _sigterm_as_interrupt(*_):
    # `timeout` and CI stop pytest with SIGTERM: turn it into KeyboardInterrupt so fixture teardown
    # still stops the worker and API processes this run started.
    raise KeyboardInterrupt


signal.signal(signal.SIGTERM, _sigterm_as_interrupt)


@pytest.fixture(scope="session")
def servers():
    start_servers()
    yield
    stop_servers()


def running_stack(tmp_path_factory, name: str = "stack", **extra_env: str):
    """A fresh stack (empty Redis database, own index and storage) for a module; extra NIANBAO_* settings."""
    env = {**stack_env(tmp_path_factory.mktemp(name)), **extra_env}
    redis.Redis.from_url(env["NIANBAO_REDIS_URL"]).flushdb()
    s = Stack(env=env)
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def stack(servers, tmp_path_factory):
    yield from running_stack(tmp_path_factory)


@pytest.fixture(scope="module")
def corpus(stack):
    """The search corpus (seeds, real reports, generated reports) indexed on the module's stack; a module
    that needs another corpus defines its own fixture of this name."""
    c = search_corpus.load(stack)
    assert len(c.records) >= 40, c.failed
    return c


def wait_status(stack: Stack, doc_id: str, want=("indexed", "failed"), timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    st = None
    while time.monotonic() < deadline:
        st = httpx.get(f"{stack.ingest_url}/api/v1/documents/{doc_id}", timeout=5).json()
        if st["status"] in want:
            return st
        time.sleep(0.3)
    raise AssertionError(f"{doc_id} did not reach {want}: {st}")


def search_get(stack: Stack, path: str, **params) -> httpx.Response:
    """GET a path of the search API."""
    return httpx.get(f"{stack.search_url}{path}", params=params, timeout=60)


def search_json(stack: Stack, **params) -> dict:
    """The JSON of /api/v1/search, asserting it answered 200."""
    r = search_get(stack, "/api/v1/search", **params)
    assert r.status_code == 200, r.text
    return r.json()
