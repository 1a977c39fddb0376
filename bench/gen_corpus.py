"""Write N synthetic reports to a folder plus truth.jsonl (one line per report: filename, layout,
encoding, traditional, injection, expected_rules, expected_cells, truth).

    .venv/bin/python bench/gen_corpus.py out/synth -n 10000 --seed 1 --layouts pipe,lines,tabs,html
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synth import ENCODINGS, KINDS, default_layouts, generate

app = typer.Typer(add_completion=False)


@app.command()
def main(
    out: Path = typer.Argument(..., help="output folder"),
    n: int = typer.Option(1000, "-n", help="number of reports"),
    seed: int = typer.Option(1, help="stream seed"),
    error_rate: float = typer.Option(0.2, help="share of reports with an injected contradiction"),
    layouts: str = typer.Option(",".join(default_layouts()), help="comma-separated layouts"),
    encodings: str = typer.Option(",".join(ENCODINGS), help="comma-separated encodings"),
    traditional_rate: float = typer.Option(0.2, help="share rendered in traditional characters"),
    kinds: str = typer.Option(",".join(KINDS), help="injection kinds"),
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    count = total = 0
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for rep in generate(n, seed, error_rate=error_rate, layouts=layouts.split(","),
                            encodings=encodings.split(","), traditional_rate=traditional_rate,
                            error_kinds=kinds.split(",")):
            (out / rep.filename).write_bytes(rep.data)
            fh.write(json.dumps({
                "filename": rep.filename, "content_type": rep.content_type, "layout": rep.layout,
                "encoding": rep.encoding, "traditional": rep.traditional, "injection": rep.injection,
                "expected_rules": sorted(rep.expected_rules), "expected_cells": rep.expected_cells,
                "null_cells": rep.null_cells, "truth": rep.truth,
            }, ensure_ascii=False) + "\n")
            count += 1
            total += len(rep.data)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    typer.echo(f"reports: {count}  time: {dt:.1f}s ({count / dt:.0f}/s, cpu {cpu:.1f}s)  bytes: {total} "
               f"({total / max(count, 1) / 1024:.1f} KiB avg)  → {out}")


if __name__ == "__main__":
    app()
