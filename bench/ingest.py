"""Accepted documents per second at the ingest API: each one stored durably (fsynced, content-addressed),
its status registered in Redis and its id enqueued, with 16 concurrent clients. No workers run, so
the figure is the API's alone; afterwards the normalize queue is checked to hold every accepted id.

    .venv/bin/python bench/ingest.py -n 2000 --clients 16 [--api-workers 2]

Distinct generated reports (a resubmitted document is answered from its status without storing or
enqueuing it again, which would flatter the figure). Benchmark Redis (:6397) and Elasticsearch (:9280).
"""
from __future__ import annotations

import asyncio
import os
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._stack import BenchStack, bench_env, machine, percentile, servers
from bench.pipeline import corpus

app = typer.Typer(add_completion=False)


async def post_all(url: str, docs: list[tuple[str, str, bytes]], clients: int) -> tuple[float, Counter, list[float]]:
    codes: Counter = Counter()
    lat: list[float] = []
    it = iter(docs)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as c:
            for name, ctype, data in it:  # one shared iterator: each document is sent once
                t0 = time.perf_counter()
                r = await c.post("/api/v1/documents", params={"filename": name}, content=data,
                                 headers={"content-type": ctype})
                lat.append((time.perf_counter() - t0) * 1000)
                codes[r.status_code] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - t0, codes, lat


@app.command()
def main(
    n: int = typer.Option(2000, "-n", help="documents to send"),
    seed: int = typer.Option(1),
    clients: int = typer.Option(16, help="concurrent clients"),
    api_workers: int = typer.Option(1, help="uvicorn worker processes of the ingest API"),
    code: Path = typer.Option(None, help="run the API from another checkout (before/after comparisons)"),
) -> None:
    print("$ " + shlex.join([".venv/bin/python", *sys.argv]))
    env = bench_env(NIANBAO_EVENTS_ENABLED="0", NIANBAO_QUEUE_SAMPLE_SECONDS="0",
                    **({"PYTHONPATH": str(code.resolve())} if code else {}))
    os.environ.update(env)
    servers("start")
    from shared.settings import get_settings
    from shared.status import StatusStore
    docs = corpus(n, seed)
    store = StatusStore()
    store.r.flushdb()
    stack = BenchStack(env)
    try:
        stack.start_api("ingest", workers=api_workers)
        stack.wait_http(f"{stack.ingest_url}/openapi.json")  # /health is 503 without workers
        asyncio.run(post_all(stack.ingest_url, docs[:20], 4))  # warm-up (its documents count as sent)
        print(machine())
        dt, codes, lat = asyncio.run(post_all(stack.ingest_url, docs[20:], clients))
    finally:
        stack.stop()
    sent = len(docs) - 20
    from shared.messages import ids_of_message
    time.sleep(1)  # the API's enqueue batcher sends what it holds on shutdown
    messages = store.r.lrange("normalize", 0, -1)
    queued = len(set().union(*(ids_of_message(m) for m in messages))) if messages else 0
    print(f"\n{sent} documents ({sum(len(d) for *_, d in docs[20:]) / sent / 1024:.1f} KiB avg), {clients} clients, "
          f"{api_workers} API process(es): {dt:.1f}s = {codes[202] / dt:.0f} accepted documents/s; "
          f"responses {dict(codes)}")
    print(f"latency p50 {percentile(lat, 50):.1f} ms, p95 {percentile(lat, 95):.1f} ms, p99 {percentile(lat, 99):.1f} ms")
    print(f"normalize queue holds {len(messages)} messages naming {queued} documents, status store "
          f"{store.count()} documents (expect {len(docs)})")
    store.r.flushdb()
    import shutil
    shutil.rmtree(get_settings().storage_dir, ignore_errors=True)


if __name__ == "__main__":
    app()
