"""N generated reports through the real pipeline (ingest API → Redis queue → Celery workers → Elasticsearch)
until all are searchable, beside the ceiling: the same final documents bulk-indexed straight into
Elasticsearch with the client's parallel_bulk helper, in the same run. Prints both throughputs and
their ratio, where the time goes (per-stage durations from the events index and per-stage latency from
the status timestamps) and every worker process's resident memory over the run.

    .venv/bin/python bench/pipeline.py -n 2000              # 2 pool processes per stage worker
    .venv/bin/python bench/pipeline.py -n 10000 --concurrency 2 --clients 16

Uses the benchmark servers (Redis :6397, Elasticsearch :9280; bench/_stack.py), started if needed.
Generated reports are cached in var/bench/corpus-<seed>-<n>/ (text and HTML layouts: DOCX/PDF
rendering is too slow for large corpora).
"""
from __future__ import annotations

import asyncio
import json
import os
import shlex
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._stack import VAR, BenchStack, CpuMeter, RssSampler, bench_env, machine, percentile, server_pids, servers

app = typer.Typer(add_completion=False)
LAYOUTS = ("pipe", "lines", "tabs", "html")


def corpus(n: int, seed: int) -> list[tuple[str, str, bytes]]:
    """(filename, content type, bytes) of reports 0..n-1 of `seed`, generated once and cached."""
    folder = VAR / f"corpus-{seed}-{n}"
    index = folder / "index.jsonl"
    if not index.exists():
        from tests.synth import generate
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        lines = []
        for rep in generate(n, seed, layouts=LAYOUTS):
            (folder / rep.filename).write_bytes(rep.data)
            lines.append(json.dumps({"filename": rep.filename, "content_type": rep.content_type}))
        index.write_text("\n".join(lines) + "\n")
        print(f"generated {n} reports in {time.perf_counter() - t0:.0f}s → {folder}")
    out = []
    for line in index.read_text().splitlines():
        d = json.loads(line)
        out.append((d["filename"], d["content_type"], (folder / d["filename"]).read_bytes()))
    return out


async def upload(url: str, docs: list[tuple[str, str, bytes]], clients: int) -> tuple[float, Counter]:
    """POST every document with `clients` concurrent connections; (seconds, status code counts)."""
    import httpx
    codes: Counter = Counter()
    queue: asyncio.Queue = asyncio.Queue()
    for d in docs:
        queue.put_nowait(d)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as c:
            while not queue.empty():
                name, ctype, data = queue.get_nowait()
                r = await c.post("/api/v1/documents", params={"filename": name}, content=data,
                                 headers={"content-type": ctype})
                codes[r.status_code] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - t0, codes


def wait_searchable(es, alias: str, n: int, statuses, stall: float = 120) -> tuple[float, int]:
    """Poll the alias' count until n documents are searchable, or nothing moved for `stall` seconds
    and every document is indexed or failed. Returns (time, count)."""
    last, last_change = -1, time.monotonic()
    while True:
        count = es.count(index=alias)["count"]
        now = time.monotonic()
        if count != last:
            last, last_change = count, now
        if count >= n:
            return now, count
        if now - last_change > stall:
            done = Counter(s.status for s in statuses)
            print(f"  stalled at {count}/{n}: {dict(done)}")
            return now, count
        time.sleep(0.25)


def stage_events(es, prefix: str) -> list[str]:
    res = es.search(index=f"{prefix}-*", size=0, query={"term": {"event_type": "stage"}}, aggs={
        "stage": {"terms": {"field": "stage", "size": 10}, "aggs": {
            "d": {"stats": {"field": "duration_ms"}},
            "p": {"percentiles": {"field": "duration_ms", "percents": [50, 95, 99]}},
            "status": {"terms": {"field": "status"}},
            "workers": {"cardinality": {"field": "worker"}}}}})
    lines = [f"{'stage':10} {'runs':>6} {'mean ms':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'total s':>8} "
             f"{'procs':>5} statuses"]
    for b in sorted(res["aggregations"]["stage"]["buckets"], key=lambda b: STAGE_ORDER.get(b["key"], 9)):
        p = b["p"]["values"]
        st = ",".join(f"{s['key']}={s['doc_count']}" for s in b["status"]["buckets"])
        lines.append(f"{b['key']:10} {b['doc_count']:6d} {b['d']['avg']:8.1f} {p['50.0']:7.1f} {p['95.0']:7.1f} "
                     f"{p['99.0']:7.1f} {b['d']['sum'] / 1000:8.1f} {b['workers']['value']:5d} {st}")
    return lines


STAGE_ORDER = {"normalize": 0, "parse": 1, "validate": 2, "index": 3}
STEPS = ("queued", "normalized", "parsed", "validated", "indexed")


ES_WORK = {  # node stats: what Elasticsearch spent its time on (`_nodes/stats/indices`)
    "indexing": ("indexing", "index_total", "index_time_in_millis"),
    "search (query)": ("search", "query_total", "query_time_in_millis"),
    "search (fetch)": ("search", "fetch_total", "fetch_time_in_millis"),
    "get / mget": ("get", "total", "time_in_millis"),
    "refresh": ("refresh", "total", "total_time_in_millis"),
    "merge": ("merges", "total", "total_time_in_millis"),
    "flush": ("flush", "total", "total_time_in_millis"),
}


def es_work(es) -> dict[str, tuple[int, int]]:
    node = next(iter(es.nodes.stats(metric="indices")["nodes"].values()))["indices"]
    return {k: (node[a][b], node[a][c]) for k, (a, b, c) in ES_WORK.items()}


def es_work_report(before: dict, after: dict, documents: int) -> list[str]:
    lines = [f"{'operation':16} {'count':>8} {'per report':>10} {'time s':>8} {'ms/report':>9}"]
    for k in ES_WORK:
        n, ms = after[k][0] - before[k][0], after[k][1] - before[k][1]
        lines.append(f"{k:16} {n:8d} {n / documents:10.2f} {ms / 1000:8.1f} {ms / documents:9.2f}")
    return lines


def stage_latency(statuses) -> list[str]:
    """From the status timestamps: time from one stage's end to the next one's (queue wait + work)."""
    from datetime import datetime
    gaps: dict[str, list[float]] = defaultdict(list)
    for st in statuses:
        ts = {k: datetime.fromisoformat(v).timestamp() for k, v in st.stages.items()}
        for a, b in zip(STEPS, STEPS[1:], strict=False):
            if a in ts and b in ts:
                gaps[f"{a}→{b}"].append((ts[b] - ts[a]) * 1000)
        if "queued" in ts and "indexed" in ts:
            gaps["queued→indexed"].append((ts["indexed"] - ts["queued"]) * 1000)
    lines = [f"{'step (wait + work)':24} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}"]
    for k, v in gaps.items():
        lines.append(f"{k:24} {percentile(v, 50):9.0f} {percentile(v, 95):9.0f} {max(v):9.0f}")
    return lines


def ceiling(es, alias: str, ids: list[str], storage, threads: int, chunk: int, meter=None) -> tuple[float, int]:
    """The final records (validated artifacts) bulk-indexed into a fresh index with the same template;
    seconds from the first request to searchable (refresh included)."""
    from elasticsearch.helpers import parallel_bulk

    from shared.agency_key import agency_key
    from shared.es_index import es_document
    from shared.record import Record
    from shared.status import now_iso
    docs = []
    for i in ids:
        rec = Record.model_validate(storage.get_artifact(i, "validated"))
        docs.append(es_document(rec, agency_key=agency_key(rec), indexed_at=now_iso()))
    target = f"{alias}-v999"  # matches the alias' index template: the same mapping, outside the alias
    es.indices.create(index=target)
    if meter is not None:  # the client's CPU from here on: sending, not building the documents
        meter.start()
    t0 = time.perf_counter()
    ok = 0
    for success, _ in parallel_bulk(es, ({"_index": target, "_id": d["id"], "_source": d} for d in docs),
                                    thread_count=threads, chunk_size=chunk, raise_on_error=False):
        ok += success
    es.indices.refresh(index=target)
    dt = time.perf_counter() - t0
    if meter is not None:
        meter.stop()
    es.indices.delete(index=target)
    return dt, ok


def drop(es, pattern: str) -> None:
    # By name: wildcard deletes are refused (action.destructive_requires_name).
    for name in es.indices.get(index=pattern, expand_wildcards="all"):
        es.indices.delete(index=name)


@app.command()
def main(
    n: int = typer.Option(2000, "-n", help="number of generated reports"),
    seed: int = typer.Option(1, help="generator seed"),
    concurrency: int = typer.Option(2, help="pool processes per stage worker"),
    clients: int = typer.Option(16, help="concurrent uploading clients"),
    bulk_threads: int = typer.Option(2, help="parallel_bulk threads for the ceiling"),
    bulk_chunk: int = typer.Option(500, help="parallel_bulk chunk size"),
    keep: bool = typer.Option(False, help="keep the index, events and storage of this run"),
    rss_interval: float = typer.Option(1.0, help="seconds between memory samples"),
    events: bool = typer.Option(True, help="pipeline events on (as deployed); off to see their cost"),
    profile: bool = typer.Option(False, help="cProfile every worker pool process (slower); prints each "
                                              "stage's top functions by own time"),
    code: Path = typer.Option(None, help="run the workers and API from another checkout (before/after "
                                         "comparisons: git archive REV | tar -x -C DIR)"),
) -> None:
    print("$ " + shlex.join([".venv/bin/python", *sys.argv]))
    run_id = uuid.uuid4().hex[:8]
    prof_dir = VAR / f"profile-{run_id}"
    env = bench_env(run_id, NIANBAO_EVENTS_ENABLED="1" if events else "0",
                    **({"NIANBAO_PROFILE_DIR": str(prof_dir)} if profile else {}),
                    **({"PYTHONPATH": str(code.resolve())} if code else {}))
    os.environ.update(env)  # before the first import of shared.settings: this process is a client too
    servers("start")
    from shared.clients import es_client
    from shared.clients import storage as get_storage
    from shared.es_index import ensure_index
    from shared.settings import get_settings
    from shared.status import StatusStore

    docs = corpus(n, seed)
    print(machine())
    print(f"run {run_id}: {n} reports ({sum(len(d) for *_, d in docs) / n / 1024:.1f} KiB avg), "
          f"5 stage workers (ocr idle) × {concurrency} processes, {clients} clients, code {code or 'this checkout'}")
    es = es_client()
    store = StatusStore()
    store.r.flushdb()
    ensure_index(es)
    stack = BenchStack(env, concurrency=concurrency)
    try:
        stack.start_workers()
        stack.start_api("ingest")
        stack.wait_http(f"{stack.ingest_url}/api/v1/health")
        stack.wait_workers()
        sampler = RssSampler(stack.worker_pids(), interval=rss_interval)
        sampler.start()
        cpu = CpuMeter({**stack.worker_pids(), "ingest-api": stack.procs["ingest"].pid, **server_pids()})
        work0 = es_work(es)
        cpu.start()
        t0 = time.monotonic()
        up_s, codes = asyncio.run(upload(stack.ingest_url, docs, clients))
        print(f"uploaded in {up_s:.1f}s ({n / up_s:.0f} documents/s accepted), responses {dict(codes)}")
        ids = store.ids()
        t_end, count = wait_searchable(es, get_settings().es_alias, len(ids),
                                       _LazyStatuses(store, ids))
        sampler.stop()
        cpu.stop()
        work1 = es_work(es)
        wall = t_end - t0
        statuses = [s for s in (store.get(i) for i in ids) if s is not None]
        tally = Counter(s.status for s in statuses)
        errors = Counter(f"{s.error.stage}:{s.error.code}" for s in statuses if s.error)
        pipe_rate = count / wall
        print(f"\npipeline: {count} searchable of {len(ids)} accepted in {wall:.1f}s = {pipe_rate:.1f} reports/s; "
              f"statuses {dict(tally)} {dict(errors) or ''}")
        if events:
            es.indices.refresh(index=f"{get_settings().events_prefix}-*")
            print("\nper-stage task durations (events index, work inside the task incl. its Redis/ES calls):")
            print("\n".join(stage_events(es, get_settings().events_prefix)))
        print("\nper-step latency (status timestamps; includes queue wait):")
        print("\n".join(stage_latency(statuses)))
        print("\nwhere the CPU went (uploads to searchable; the benchmark's own client not counted):")
        print("\n".join(cpu.report(count)))
        print("\nElasticsearch's work (node stats; times are summed over threads, not CPU):")
        print("\n".join(es_work_report(work0, work1, count)))
        print("\nworker memory (VmRSS, MiB):")
        print("\n".join(sampler.report()))
        if profile:
            print_profiles(prof_dir)
    finally:
        stack.stop()
    indexed = [s.id for s in statuses if s.status == "indexed"]
    c_cpu = CpuMeter({"bench client (parallel_bulk)": os.getpid(), **server_pids()})
    c_s, c_ok = ceiling(es, get_settings().es_alias, indexed, get_storage(), bulk_threads, bulk_chunk, c_cpu)
    c_rate = c_ok / c_s
    print(f"\nceiling: parallel_bulk ({bulk_threads} threads, chunks of {bulk_chunk}) of the same {c_ok} final "
          f"documents in {c_s:.1f}s = {c_rate:.0f} reports/s")
    print("\n".join(c_cpu.report(c_ok)))
    p_ms, c_ms = cpu.total_ms(count), c_cpu.total_ms(c_ok)
    print(f"\npipeline {pipe_rate:.1f} reports/s vs ceiling {c_rate:.0f} reports/s: ratio {pipe_rate / c_rate:.3f} "
          f"(target ≥ 0.5)")
    print(f"CPU per report: pipeline {p_ms:.1f} ms vs ceiling {c_ms:.1f} ms: ratio {c_ms / p_ms:.3f} (the ratio "
          f"the throughputs reach when both are CPU-bound on an otherwise idle machine)")
    if not keep:
        import shutil
        drop(es, f"{get_settings().es_alias}-v*")
        if events:
            drop(es, f"{get_settings().events_prefix}-*")
        shutil.rmtree(get_settings().storage_dir, ignore_errors=True)


def print_profiles(folder: Path, top: int = 25) -> None:
    """Each stage's pool processes merged: the functions with the most own time, and the total."""
    import pstats
    for stage in STAGE_ORDER:
        files = sorted(folder.glob(f"{stage}-*.prof"))
        if not files:
            continue
        st = pstats.Stats(*map(str, files))
        print(f"\n--- profile of {stage} ({len(files)} processes, {st.total_tt:.1f}s profiled; {folder}) ---")
        st.sort_stats("tottime").print_stats(top)
        st.sort_stats("cumulative").print_stats(top)


class _LazyStatuses:
    """Statuses read only when the wait stalls (reading 10,000 of them every poll would load Redis)."""
    def __init__(self, store, ids: list[str]) -> None:
        self.store, self.ids = store, ids

    def __iter__(self):
        return (s for s in (self.store.get(i) for i in self.ids) if s is not None)


if __name__ == "__main__":
    app()
