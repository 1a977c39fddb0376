"""normalize + parse + validate throughput on one core, beside OpenCC t2s alone on the same texts (the
floor no Chinese-text pipeline goes below: one dictionary pass over every character).

    .venv/bin/python bench/parse.py                         # the 5 seed reports, 3 s per measurement
    .venv/bin/python bench/parse.py --synth 200 --seconds 5 # plus 200 generated text/html reports
    .venv/bin/python bench/parse.py --profile parse         # cProfile of one stage, top functions
    .venv/bin/python bench/parse.py --profile full          # cProfile of normalize+parse+validate per report

One process, one thread: the figures are per core. Every stage is warmed up (OpenCC dictionaries, cpca
table, regex compilation) before timing, as a worker process is.
"""
from __future__ import annotations

import cProfile
import hashlib
import platform
import pstats
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.parse.normalize import normalize
from services.parse.normalize.chinese import converter
from services.parse.parser import parse
from services.validate.rules import validate
from tests.synth import generate

SEEDS = Path("/work/shared/corpus/seeds")
app = typer.Typer(add_completion=False)


def _rate(fn: Callable[[], object], n_items: int, seconds: float) -> tuple[float, float]:
    """(items per CPU second in the best round, in the median round) of `fn`, which processes `n_items`,
    repeated for at least `seconds` of CPU time. CPU time, not wall time, and the best round beside the
    median: on a shared, loaded machine the wall clock also counts the time other processes held the
    core, and their cache pressure slows some rounds; the best round is the closest to an idle core."""
    fn()  # warm-up
    times: list[float] = []
    total = 0.0
    while total < seconds:
        c0 = time.process_time()
        fn()
        times.append(time.process_time() - c0)
        total += times[-1]
    times.sort()
    return n_items / times[0], n_items / times[len(times) // 2]


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def load_inputs(seeds: Path, synth: int, seed: int) -> list[tuple[str, bytes]]:
    docs = [(p.name, p.read_bytes()) for p in sorted(seeds.iterdir()) if p.is_file()]
    if synth:
        docs += [(r.filename, r.data) for r in generate(synth, seed, layouts=("pipe", "lines", "tabs", "html"))]
    return docs


@app.command()
def main(
    seeds: Path = typer.Option(SEEDS, help="folder of reports (the seed corpus)"),
    synth: int = typer.Option(0, help="also this many generated text/html reports"),
    seed: int = typer.Option(1, help="generator seed"),
    seconds: float = typer.Option(3.0, help="minimum time per measurement"),
    profile: str = typer.Option("", help="profile one stage instead: normalize, parse, validate, opencc, or full "
                                          "(the three in sequence, per report, as the end-to-end figure runs them)"),
) -> None:
    print("$ " + shlex.join([".venv/bin/python", *sys.argv]))
    print(f"python {platform.python_version()}  {platform.machine()}")
    inputs = load_inputs(seeds, synth, seed)
    ids = [hashlib.sha256(d).hexdigest() for _, d in inputs]
    docs = [normalize(d, i, filename=name) for (name, d), i in zip(inputs, ids, strict=True)]
    records = [parse(d) for d in docs]
    t2s = converter()
    texts = [d.original_text for d in docs]
    n, chars = len(inputs), sum(len(t) for t in texts)
    print(f"{n} reports, {chars / n:.0f} characters avg, {sum(len(d) for _, d in inputs) / n / 1024:.1f} KiB avg")

    def full() -> None:
        for (name, d), i in zip(inputs, ids, strict=True):
            rec = parse(normalize(d, i, filename=name))
            rec.findings = [*rec.findings, *validate(rec)]

    stages: dict[str, Callable[[], object]] = {
        "normalize": lambda: [normalize(d, i, filename=name) for (name, d), i in zip(inputs, ids, strict=True)],
        "parse": lambda: [parse(d) for d in docs],
        "validate": lambda: [validate(r) for r in records],
        "opencc": lambda: [t2s.convert(t) for t in texts],
    }
    if profile:
        fn = full if profile == "full" else stages[profile]
        fn()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(max(1, int(200 / n))):
            fn()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return

    print(f"\n{'measurement':34} {'reports/s best':>14} {'ms/report best':>14} {'reports/s median':>16}")
    results = {name: _rate(fn, n, seconds) for name, fn in stages.items()}
    results["normalize+parse+validate"] = _rate(full, n, seconds)
    for name, (best, median) in results.items():
        label = "OpenCC t2s alone (whole text)" if name == "opencc" else name
        print(f"{label:34} {best:14.0f} {1000 / best:14.3f} {median:16.0f}")
    full_rate = results["normalize+parse+validate"][0]
    print(f"\nend-to-end {full_rate:.0f} reports per CPU-second on one core, best round (target ≥ 500); "
          f"OpenCC alone is {results['opencc'][0] / full_rate:.1f}× faster; load average {_load()}")


if __name__ == "__main__":
    app()
