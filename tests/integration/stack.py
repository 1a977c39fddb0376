"""The real system for integration tests: Redis and Elasticsearch on test ports (started through the
project's own scripts), five Celery worker processes (one per stage queue, `ocr` included) and both APIs
under uvicorn.
Nothing is mocked and nothing runs eagerly in-process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.paths import REPO

REDIS_PORT = int(os.environ.get("NIANBAO_TEST_REDIS_PORT", "6390"))
ES_PORT = int(os.environ.get("NIANBAO_TEST_ES_PORT", "9250"))
# Several test runs may share one machine (and the test Redis/ES): give each its own API ports and
# Redis database with NIANBAO_TEST_PORT_BASE / NIANBAO_TEST_REDIS_DB.
INGEST_PORT = int(os.environ.get("NIANBAO_TEST_PORT_BASE", "8190"))
SEARCH_PORT = INGEST_PORT + 1
REDIS_DB = int(os.environ.get("NIANBAO_TEST_REDIS_DB", "0"))
STAGES = ("normalize", "parse", "validate", "index")    # the stages every document passes
QUEUES = ("normalize", "ocr", "parse", "validate", "index")  # a worker each: scans' pages go through `ocr` too
# The ocr worker as scripts/run.sh starts it: the engine warmed in its process, a memory cap per pool process.
OCR_WORKER_ENV = {"NIANBAO_OCR_WARM": "1"}
OCR_WORKER_ARGS = ["--max-memory-per-child", "1500000"]
BIN = Path(sys.executable).parent
LOGS = REPO / "test-artifacts" / "logs" / f"{os.getpid()}"


def script(name: str, *args: str, env: dict[str, str]) -> None:
    r = subprocess.run(["bash", str(REPO / "scripts" / name), *args], cwd=REPO, env={**os.environ, **env},
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"scripts/{name} {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")


def server_env() -> dict[str, str]:
    return {"REDIS_PORT": str(REDIS_PORT), "REDIS_DIR": str(REPO / "var" / "test" / f"redis-{REDIS_PORT}"),
            "ES_PORT": str(ES_PORT), "ES_DIR": str(REPO / "var" / "test" / f"es-{ES_PORT}"), "ES_HEAP": "768m"}


def start_servers() -> None:
    env = server_env()
    script("redis.sh", "start", env=env)
    script("es.sh", "start", env=env)


def stop_servers() -> None:
    env = server_env()
    for name in ("redis.sh", "es.sh"):
        try:
            script(name, "stop", env=env)
        except Exception as e:  # noqa: BLE001 — stop the other server too; say what failed
            print(f"stopping {name}: {e}", file=sys.stderr)


@dataclass
class Stack:
    env: dict[str, str]
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{INGEST_PORT}"

    @property
    def search_url(self) -> str:
        return f"http://127.0.0.1:{SEARCH_PORT}"

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{name}.log", "ab")
        # Own session: a kill reaches the worker's pool children too.
        self.procs[name] = subprocess.Popen(argv, cwd=REPO, env={**os.environ, **self.env, **(env or {})}, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        if self.pidfile.parent.exists():
            self._record_pids()

    def start_worker(self, stage: str, **env: str) -> None:
        """One stage's worker; `env`: settings of this worker alone (e.g. a shorter time limit)."""
        ocr = stage == "ocr"
        self._spawn(f"worker-{stage}", [str(BIN / "celery"), "-A", "shared.celery_app", "worker", "-Q", stage,
                                        "-n", f"{stage}-{uuid.uuid4().hex[:6]}@%h", "--concurrency", "1",
                                        *(OCR_WORKER_ARGS if ocr else []),
                                        "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
                    env={**(OCR_WORKER_ENV if ocr else {}), **env})

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        p = self.procs.pop(name)
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        p.wait(timeout=30)

    @property
    def pidfile(self) -> Path:
        return REPO / "var" / "test" / f"stack-{INGEST_PORT}.pids"

    def _kill_stale(self) -> None:
        """Processes left by an earlier run of this port base that was killed before its teardown."""
        if not self.pidfile.exists():
            return
        for line in self.pidfile.read_text().split():
            try:
                os.killpg(int(line), signal.SIGKILL)
            except (ProcessLookupError, ValueError, PermissionError):
                pass
        self.pidfile.unlink()

    def _record_pids(self) -> None:
        self.pidfile.parent.mkdir(parents=True, exist_ok=True)
        self.pidfile.write_text("\n".join(str(p.pid) for p in self.procs.values()))

    def start_api(self, which: str) -> None:
        port = INGEST_PORT if which == "ingest" else SEARCH_PORT
        self._spawn(which, [str(BIN / "uvicorn"), f"services.{which}.app:app", "--host", "127.0.0.1",
                            "--port", str(port)])

    def restart_api(self, which: str, **env: str) -> None:
        """Stop one API and start it again with these settings changed (for the rest of the module)."""
        self.kill(which, signal.SIGTERM)
        self.env.update(env)
        self.start_api(which)
        self._record_pids()
        self.wait_ready()

    def start(self) -> None:
        self._kill_stale()
        for s in QUEUES:
            self.start_worker(s)
        self.start_api("ingest")
        self.start_api("search")
        self._record_pids()
        self.wait_ready()

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                h = httpx.get(f"{self.ingest_url}/api/v1/health", timeout=20)
                s = httpx.get(f"{self.search_url}/api/v1/search", params={"size": 0}, timeout=20)
                last = (h.status_code, h.text[:500], s.status_code)
                if h.status_code == 200 and s.status_code == 200:
                    return
            except httpx.HTTPError as e:
                last = repr(e)
            time.sleep(0.5)
        raise RuntimeError(f"stack not ready: {last}")

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)
        self.pidfile.unlink(missing_ok=True)


def stack_env(tmp: Path) -> dict[str, str]:
    return {
        "NIANBAO_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}",
        "NIANBAO_ES_URL": f"http://127.0.0.1:{ES_PORT}",
        "NIANBAO_ES_ALIAS": f"nianbao-test-{uuid.uuid4().hex[:8]}",
        "NIANBAO_STORAGE_DIR": str(tmp / "storage"),
        "NIANBAO_VISIBILITY_TIMEOUT": "30",  # short, so the crash tests see redelivery quickly
        "NIANBAO_TASK_TIME_LIMIT": "25",
        "NIANBAO_INGEST_URL": f"http://127.0.0.1:{INGEST_PORT}",
        # The API is closed by default; tests that are not about keys open it (on 127.0.0.1 only).
        # The key tests set "0" (tests/integration/test_webhooks.py, test_contract_ingest.py).
        "NIANBAO_OPEN_ACCESS": "1",
    }
