"""The real system for benchmarks, on the benchmarks' own Redis and Elasticsearch (not the shared test
servers): Celery workers per stage queue, the ingest and search APIs under uvicorn, and a sampler of
every worker process's resident memory (pool children included).

Servers: Redis 127.0.0.1:6397 (var/bench/redis), Elasticsearch 127.0.0.1:9280 (var/bench/es), started
through scripts/redis.sh and scripts/es.sh when not already up; `.venv/bin/python bench/_stack.py stop` stops
them (start, status likewise).
"""
from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VAR = Path(os.environ.get("BENCH_VAR", REPO / "var" / "bench"))  # another folder for a second stack
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6397"))
ES_PORT = int(os.environ.get("BENCH_ES_PORT", "9280"))
PORT_BASE = int(os.environ.get("NIANBAO_TEST_PORT_BASE", "8270"))
# The ingest API's health (which pipeline.py waits for) wants a worker on every queue: the ocr one idles
# unless scans are sent.
STAGES = ("normalize", "ocr", "parse", "validate", "index")


def server_env() -> dict[str, str]:
    return {"REDIS_PORT": str(REDIS_PORT), "REDIS_DIR": str(VAR / "redis"), "ES_PORT": str(ES_PORT),
            "ES_DIR": str(VAR / "es"), "ES_HEAP": os.environ.get("BENCH_ES_HEAP", "1g")}


def servers(action: str) -> None:
    """scripts/redis.sh and scripts/es.sh `action` (start|stop|status) for the benchmark servers."""
    for name in ("redis.sh", "es.sh") if action != "stop" else ("es.sh", "redis.sh"):
        r = subprocess.run(["bash", str(REPO / "scripts" / name), action], cwd=REPO,
                           env={**os.environ, **server_env()}, capture_output=True, text=True, timeout=600)
        if r.returncode != 0 and action != "status":
            raise RuntimeError(f"scripts/{name} {action} failed:\n{r.stdout}\n{r.stderr}")


def machine() -> str:
    """One line: date, cores, memory, CPU model, load (for docs/benchmarks.md)."""
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; {os.cpu_count()} cores ({model}), "
            f"{mem:.0f} GiB RAM; python {platform.python_version()}; load average {' '.join(load)}")


def bench_env(run_id: str | None = None, **extra: str) -> dict[str, str]:
    run_id = run_id or uuid.uuid4().hex[:8]
    return {
        "NIANBAO_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "NIANBAO_ES_URL": f"http://127.0.0.1:{ES_PORT}",
        "NIANBAO_ES_ALIAS": f"nianbao-bench-{run_id}",
        "NIANBAO_EVENTS_PREFIX": f"nianbao-events-bench{run_id}",  # still matches nianbao-events-*
        "NIANBAO_STORAGE_DIR": str(VAR / "storage" / run_id),
        "NIANBAO_INGEST_URL": f"http://127.0.0.1:{PORT_BASE}",
        "NIANBAO_QUEUE_SAMPLE_SECONDS": "5",
        "NIANBAO_OPEN_ACCESS": "1",  # closed by default; the benchmarks' APIs listen on 127.0.0.1 only
        **extra,
    }


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for c in (task / "children").read_text().split():
                out += [int(c), *_children(int(c))]
    except OSError:
        pass
    return out


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process (not its children), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def server_pids() -> dict[str, int]:
    """The benchmark servers' main pids (their pidfiles), for CPU accounting."""
    out = {}
    for name, f in (("elasticsearch", VAR / "es" / "es.pid"), ("redis", VAR / "redis" / "redis.pid")):
        try:
            out[name] = int(f.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return out


@dataclass
class CpuMeter:
    """CPU seconds each watched process (and its descendants) used between start() and stop(): where
    the machine's cores went during a run — our workers, the API, Elasticsearch, Redis."""
    roots: dict[str, int]
    _t0: dict[str, float] = field(default_factory=dict)
    _t1: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0

    def _read(self) -> dict[str, float]:
        out = {}
        for name, root in self.roots.items():
            for i, pid in enumerate([root, *_children(root)]):
                c = cpu_seconds(pid)
                if c is not None:
                    out[f"{name}/{'main' if i == 0 else 'child'}:{pid}"] = c
        return out

    def start(self) -> None:
        self._t0, self.wall = self._read(), time.monotonic()

    def stop(self) -> None:
        self._t1, self.wall = self._read(), time.monotonic() - self.wall

    def total_ms(self, documents: int) -> float:
        return sum(v - self._t0.get(k, 0.0) for k, v in self._t1.items()) * 1000 / max(1, documents)

    def report(self, documents: int) -> list[str]:
        groups: dict[str, float] = defaultdict(float)
        for k, v in self._t1.items():
            groups[k.split("/")[0] + ("" if k.split("/")[0] in ("elasticsearch", "redis") else
                                      " " + k.split("/")[1].split(":")[0])] += v - self._t0.get(k, 0.0)
        total = sum(groups.values())
        lines = [f"{'process group':32} {'CPU s':>8} {'share':>6} {'CPU ms/report':>14}"]
        for g, v in sorted(groups.items(), key=lambda kv: -kv[1]):
            lines.append(f"{g:32} {v:8.1f} {v / total:6.1%} {v * 1000 / max(1, documents):14.2f}")
        lines.append(f"{'total':32} {total:8.1f} {'':6} {total * 1000 / max(1, documents):14.2f}"
                     f"   (wall {self.wall:.1f} s × {os.cpu_count()} cores = {self.wall * (os.cpu_count() or 1):.1f} CPU s)")
        return lines


@dataclass
class RssSampler:
    """VmRSS of each watched process and its descendants, every `interval` seconds."""
    roots: dict[str, int]                         # name → main pid
    interval: float = 1.0
    samples: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.wait(self.interval):
            now = time.monotonic() - t0
            for name, root in self.roots.items():
                for i, pid in enumerate([root, *_children(root)]):
                    kib = rss_kib(pid)
                    if kib is not None:
                        self.samples[f"{name}/{'main' if i == 0 else 'child'}:{pid}"].append((now, kib))

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def report(self) -> list[str]:
        """Per process: peak, and the mean of each quarter of the run (a leak climbs quarter by quarter;
        warm-up shows in the first step only); growth = last − first quarter."""
        lines = [f"{'process':42} {'samples':>7} {'peak MiB':>9} {'Q1':>7} {'Q2':>7} {'Q3':>7} {'Q4':>7} {'growth':>7}"]
        for name, s in sorted(self.samples.items()):
            vals = [k / 1024 for _, k in s]
            q = max(1, len(vals) // 4)
            qs = [vals[i * q:(i + 1) * q] or vals[-q:] for i in range(3)] + [vals[-q:]]
            means = [sum(x) / len(x) for x in qs]
            lines.append(f"{name:42} {len(vals):7d} {max(vals):9.1f} " + " ".join(f"{m:7.1f}" for m in means)
                         + f" {means[3] - means[0]:+7.1f}")
        return lines


@dataclass
class BenchStack:
    env: dict[str, str]
    concurrency: int = 2                          # pool processes per stage worker
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{PORT_BASE}"

    @property
    def search_url(self) -> str:
        return f"http://127.0.0.1:{PORT_BASE + 1}"

    def _spawn(self, name: str, argv: list[str]) -> None:
        logs = VAR / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = open(logs / f"{name}.log", "ab")  # lives as long as the process
        # Celery puts its working directory first on sys.path: run from the checkout under test (--code)
        cwd = {**os.environ, **self.env}.get("PYTHONPATH") or REPO
        self.procs[name] = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **self.env}, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def start_workers(self, stages: tuple[str, ...] = STAGES) -> None:
        for s in stages:
            app = "bench.profiling" if {**os.environ, **self.env}.get("NIANBAO_PROFILE_DIR") else "shared.celery_app"
            self._spawn(f"worker-{s}", [str(BIN / "celery"), "-A", app, "worker", "-Q", s,
                                        "-n", f"bench-{s}-{uuid.uuid4().hex[:6]}@%h",
                                        "--concurrency", str(self.concurrency), "--loglevel", "WARNING",
                                        "--without-gossip", "--without-mingle", "--without-heartbeat"])

    def start_api(self, which: str, workers: int = 1) -> None:
        port = PORT_BASE if which == "ingest" else PORT_BASE + 1
        self._spawn(which, [str(BIN / "uvicorn"), f"services.{which}.app:app", "--host", "127.0.0.1",
                            "--port", str(port), "--workers", str(workers), "--log-level", "warning",
                            "--no-access-log"])

    def wait_http(self, url: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"not ready: {url}")

    def wait_workers(self, timeout: float = 120) -> None:
        """Until every stage worker answers a ping (its pool is up)."""
        from shared.celery_app import app
        want = {n for n in self.procs if n.startswith("worker-")}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            names = {next(iter(r)).split("-")[1] for r in replies}
            if {w.removeprefix("worker-") for w in want} <= names:
                return
            time.sleep(0.5)
        raise RuntimeError("workers not ready")

    def worker_pids(self) -> dict[str, int]:
        return {n: p.pid for n, p in self.procs.items() if n.startswith("worker-")}

    def stop(self) -> None:
        for p in list(self.procs.values()):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for name, p in list(self.procs.items()):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
            del self.procs[name]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


if __name__ == "__main__":
    servers(sys.argv[1] if len(sys.argv) > 1 else "status")
