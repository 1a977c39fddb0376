"""Search latency through the real search API (uvicorn) over a large index: p50/p95/p99 at 1, 4 and 16
concurrent clients for (a) full text + all facets, (b) a figure range filter + sort by that figure,
(c) stats grouped by province and year.

    .venv/bin/python bench/search.py --docs 100000 --base 2000
    .venv/bin/python bench/search.py --reuse              # the index of the previous run, if complete
    .venv/bin/python bench/search.py --reuse --no-request-cache   # every facet count computed afresh

The index: `--base` generated text/HTML reports go through the real normalize → parse → validate code
in-process and become indexed documents (es_document, as the index worker builds them); each is then
indexed under `docs / base` ids, its copies spread over the report years (the copy's year replaces the
report's in meta and record). So text and tables are real pipeline output; the bodies and wording repeat
every `base` reports. Bulk-loaded with parallel_bulk, refresh off during the load, into the benchmark
Elasticsearch (:9280).

Besides wall-clock percentiles, each row gives the CPU milliseconds per request that Elasticsearch and
the search API process used (from /proc): on a shared machine these move far less than wall time.
The queries rotate, so from the second round on Elasticsearch's shard request cache answers repeated
requests as it would for users repeating a search: the facet counts whole, the hits up to their fetch
phase (highlights and stored fields are still read). `--no-request-cache` turns that cache off on the
index and in the search API for the run: every request is computed afresh.
"""
from __future__ import annotations

import hashlib
import os
import shlex
import sys
import threading
import time
from pathlib import Path

import httpx
import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._stack import BenchStack, _children, bench_env, cpu_seconds, machine, percentile, server_pids, servers

app = typer.Typer(add_completion=False)
ALIAS_RUN = "search"  # fixed run id: the index survives between runs (--reuse)
YEARS = tuple(range(2019, 2026))
WORDS = ("行政复议", "政府信息公开", "依申请公开", "主动公开", "信访", "国家秘密", "行政诉讼", "政务公开 平台",
         "\"政府信息公开申请\"", "公开 -复议", "财政预算", "行政处罚", "收费", "网站", "培训")
FIGURES = ("applications.new_received.total", "applications.granted.total", "review_litigation.review.total",
           "applications.total.natural_person", "applications.carried_forward.total")


def build_docs(base: int, seed: int) -> list[dict]:
    from bench.pipeline import corpus
    from services.pipeline import process_bytes
    from shared.agency_key import agency_key
    from shared.es_index import es_document
    from shared.status import now_iso
    out = []
    t0 = time.perf_counter()
    for name, ctype, data in corpus(base, seed):
        try:
            rec = process_bytes(data, name, content_type=ctype)
        except Exception:  # noqa: BLE001 — a report the pipeline refuses is not indexed there either
            continue
        out.append(es_document(rec, agency_key=agency_key(rec), indexed_at=now_iso()))
    print(f"{len(out)} base documents through normalize+parse+validate in {time.perf_counter() - t0:.0f}s")
    return out


def copies(base_docs: list[dict], n: int):
    for i in range(n):
        b, k = base_docs[i % len(base_docs)], i // len(base_docs)
        if k == 0:
            doc = b
        else:
            doc = dict(b, meta=dict(b["meta"]), record=dict(b["record"], meta=dict(b["record"]["meta"])))
            doc["id"] = hashlib.sha256(f"{b['id']}/{k}".encode()).hexdigest()
            year = YEARS[(YEARS.index(b["meta"]["year"]) + k) % len(YEARS)] if b["meta"].get("year") in YEARS \
                else YEARS[k % len(YEARS)]
            doc["meta"]["year"] = doc["record"]["meta"]["year"] = year
            doc["record"]["id"] = doc["id"]
        yield {"_index": INDEX[0], "_id": doc["id"], "_source": doc}


INDEX: list[str] = []


def load(es, alias: str, n: int, base: int, seed: int, threads: int) -> None:
    from elasticsearch.helpers import parallel_bulk

    from shared.es_index import ensure_index
    for name in es.indices.get(index=f"{alias}-v*", expand_wildcards="all"):
        es.indices.delete(index=name)
    INDEX[:] = [ensure_index(es, alias)]
    docs = build_docs(base, seed)
    es.indices.put_settings(index=INDEX[0], settings={"refresh_interval": "-1"})
    t0, ok = time.perf_counter(), 0
    for success, _ in parallel_bulk(es.options(request_timeout=300), copies(docs, n), thread_count=threads,
                                    chunk_size=250, raise_on_error=False):
        ok += success
        if ok % 10000 == 0:
            print(f"  {ok} indexed, {ok / (time.perf_counter() - t0):.0f}/s", flush=True)
    es.indices.put_settings(index=INDEX[0], settings={"refresh_interval": "1s"})
    es.indices.refresh(index=INDEX[0])
    es.options(request_timeout=1800).indices.forcemerge(index=INDEX[0], max_num_segments=5)
    print(f"loaded {ok} documents in {time.perf_counter() - t0:.0f}s")


def queries(kind: str, i: int) -> tuple[str, dict]:
    if kind == "a":
        return "/api/v1/search", {"q": WORDS[i % len(WORDS)]}
    if kind == "b":
        fig = FIGURES[i % len(FIGURES)]
        return "/api/v1/search", {"f": f"{fig}>={5 + i % 40}", "sort": f"-{fig}"}
    return "/api/v1/stats", {"group": ["province", "year"], "metric": "sum",
                             "figure": FIGURES[i % len(FIGURES)]}


def measure(url: str, kind: str, clients: int, per_client: int,
            by_query: dict[str, list[float]] | None = None) -> tuple[list[float], int]:
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run(c: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=url, timeout=60) as h:
            for j in range(per_client):
                path, params = queries(kind, c * 7919 + j)
                t0 = time.perf_counter()
                try:
                    ok = h.get(path, params=params).status_code == 200
                except httpx.HTTPError:  # timed out or reset under overload: an error, not a crash
                    ok = False
                mine.append((time.perf_counter() - t0) * 1000)
                if by_query is not None:
                    with lock:
                        by_query.setdefault(str(params.get("q")), []).append(mine[-1])  # kind (a) only
                if not ok:
                    with lock:
                        errors[0] += 1
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors[0]


@app.command()
def main(
    docs: int = typer.Option(100_000, help="documents in the index"),
    base: int = typer.Option(2000, help="distinct generated reports behind them"),
    seed: int = typer.Option(1),
    reuse: bool = typer.Option(False, help="keep the index of the previous run when it holds `docs` documents"),
    requests: int = typer.Option(200, help="requests per query kind and concurrency level"),
    levels: str = typer.Option("1,4,16", help="concurrent clients"),
    api_workers: int = typer.Option(1, help="uvicorn worker processes of the search API"),
    bulk_threads: int = typer.Option(2),
    request_cache: bool = typer.Option(True, help="Elasticsearch's shard request cache on the index (default on)"),
    per_query: bool = typer.Option(False, help="also print each query's median and maximum (1 client, kind a)"),
) -> None:
    print("$ " + shlex.join([".venv/bin/python", *sys.argv]))
    env = bench_env(ALIAS_RUN, NIANBAO_EVENTS_ENABLED="0", NIANBAO_QUEUE_SAMPLE_SECONDS="0",
                    NIANBAO_SEARCH_REQUEST_CACHE="1" if request_cache else "0")
    os.environ.update(env)
    servers("start")
    from shared.clients import es_client
    from shared.settings import get_settings
    es = es_client(request_timeout=120)
    alias = get_settings().es_alias
    have = es.count(index=alias)["count"] if es.indices.exists_alias(name=alias) else 0
    if not (reuse and have == docs):
        load(es, alias, docs, base, seed, bulk_threads)
    print(machine())
    print(f"index {alias}: {es.count(index=alias)['count']} documents; request cache {'on' if request_cache else 'off'}")
    es.indices.put_settings(index=alias, settings={"index.requests.cache.enable": request_cache})
    es.indices.clear_cache(index=alias, request=True)
    es_pid = server_pids().get("elasticsearch")
    stack = BenchStack(env)
    try:
        stack.start_api("search", workers=api_workers)
        stack.wait_http(f"{stack.search_url}/api/v1/search?size=0")
        api_pids = lambda: [stack.procs["search"].pid, *_children(stack.procs["search"].pid)]  # noqa: E731 — a one-line helper

        def cpu() -> tuple[float, float]:
            return (cpu_seconds(es_pid) or 0.0) if es_pid else 0.0, sum(cpu_seconds(x) or 0.0 for x in api_pids())
        names = {"a": "full text + all facets", "b": "figure filter + sort", "c": "stats province × year"}
        for kind in "abc":  # warm-up: caches as a running service has them
            measure(stack.search_url, kind, 1, 15)
        print(f"\n{'query':24} {'clients':>7} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} "
              f"{'errors':>6} {'ES CPU ms/req':>13} {'API CPU ms/req':>14}")
        for kind in "abc":
            for c in map(int, levels.split(",")):
                t0, (e0, a0) = time.perf_counter(), cpu()
                each: dict[str, list[float]] | None = {} if per_query and kind == "a" and c == 1 else None
                lat, err = measure(stack.search_url, kind, c, max(1, requests // c), each)
                rate = len(lat) / (time.perf_counter() - t0)
                e1, a1 = cpu()
                n = max(1, len(lat))
                print(f"{names[kind]:24} {c:7d} {len(lat):5d} {percentile(lat, 50):8.1f} {percentile(lat, 95):8.1f} "
                      f"{percentile(lat, 99):8.1f} {rate:7.1f} {err:6d} {(e1 - e0) * 1000 / n:13.1f} "
                      f"{(a1 - a0) * 1000 / n:14.1f}", flush=True)
                for q, ms in sorted((each or {}).items(), key=lambda kv: -percentile(kv[1], 50)):
                    print(f"    {q:22} n {len(ms):3d}  median {percentile(ms, 50):6.1f}  max {max(ms):6.1f} ms")
        print("\ntarget: (a) p95 ≤ 50 ms at 1 client; load average now " + Path("/proc/loadavg").read_text().split()[0])
    finally:
        stack.stop()
        es.indices.put_settings(index=alias, settings={"index.requests.cache.enable": True})


if __name__ == "__main__":
    app()
