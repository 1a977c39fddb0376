"""Recall of injected contradictions and false positives on consistent reports, per rule, plus table
round-trip rate per layout: generate N synthetic reports, run the pipeline in-process, compare.

    .venv/bin/python bench/synth_recall.py -n 2000 --seed 1 [--layouts pipe,lines,tabs,html,docx,pdf]
"""
from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.pipeline import process_bytes
from tests.synth import ENCODINGS, generate
from tests.test_roundtrip import found_rules, table_diffs

app = typer.Typer(add_completion=False)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.1f}%" if b else "     -"


@app.command()
def main(
    n: int = typer.Option(2000, "-n", help="number of reports"),
    seed: int = typer.Option(1, help="stream seed"),
    error_rate: float = typer.Option(0.3, help="share of reports with an injected contradiction"),
    layouts: str = typer.Option("pipe,lines,tabs,html", help="comma-separated layouts (docx,pdf are slower)"),
    encodings: str = typer.Option(",".join(ENCODINGS)),
    traditional_rate: float = typer.Option(0.2),
    null_rate: float = typer.Option(0.15, help="share of consistent reports with null-marker cells"),
    examples: int = typer.Option(2, help="examples to print per rule miss / false positive"),
) -> None:
    t0 = time.perf_counter()
    tp, fn, fp_clean, fp_injected = Counter(), Counter(), Counter(), Counter()
    by_layout: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list[str]] = defaultdict(list)
    n_clean = n_injected = crashes = 0
    for rep in generate(n, seed, error_rate=error_rate, layouts=layouts.split(","),
                        encodings=encodings.split(","), traditional_rate=traditional_rate,
                        null_rate=null_rate):
        stats = by_layout[rep.layout]
        stats["n"] += 1
        try:
            record = process_bytes(rep.data, rep.filename)
        except Exception as exc:  # noqa: BLE001 — a crash is a result here
            crashes += 1
            stats["crash"] += 1
            if len(samples["CRASH"]) < examples:
                samples["CRASH"].append(f"{rep.filename}: {type(exc).__name__}: {exc}"[:200])
            continue
        diffs = table_diffs(record, rep.truth)
        tables_ok = not diffs
        if diffs and len(samples[f"tables {rep.layout}"]) < examples:
            samples[f"tables {rep.layout}"].append(f"{rep.filename} enc={rep.encoding} trad={rep.traditional} "
                                                   f"nulls={len(rep.null_cells)}: " + "; ".join(diffs[:3]))
        found = found_rules(record)
        stats["tables"] += tables_ok
        stats["rules"] += found == rep.expected_rules
        stats["both"] += tables_ok and found == rep.expected_rules
        if rep.expected_rules:
            n_injected += 1
        else:
            n_clean += 1
        for rule in rep.expected_rules:
            if rule in found:
                tp[rule] += 1
            else:
                fn[rule] += 1
                if len(samples[f"miss {rule}"]) < examples:
                    samples[f"miss {rule}"].append(f"{rep.filename} ({rep.layout}) injection={rep.injection} "
                                                   f"cells={rep.expected_cells}")
        for rule in found - rep.expected_rules:
            (fp_injected if rep.expected_rules else fp_clean)[rule] += 1
            if len(samples[f"false {rule}"]) < examples:
                f = next(f for f in record.findings if f.rule == rule)
                samples[f"false {rule}"].append(f"{rep.filename} ({rep.layout}) tables_ok={tables_ok} "
                                                f"where={f.where} {f.message[:120]}")
    dt = time.perf_counter() - t0
    total = sum(s["n"] for s in by_layout.values())
    print(f"{total} reports ({n_clean} consistent, {n_injected} injected, {crashes} crashed) in {dt:.1f}s\n")
    print(f"{'layout':8} {'n':>6} {'tables':>8} {'rules':>8} {'both':>8} {'crash':>6}")
    for layout, s in sorted(by_layout.items()):
        print(f"{layout:8} {s['n']:6d} {_pct(s['tables'], s['n'])} {_pct(s['rules'], s['n'])} "
              f"{_pct(s['both'], s['n'])} {s['crash']:6d}")
    print(f"\n{'rule':20} {'expected':>8} {'recall':>8} {'FP clean':>9} {'FP/clean':>9} {'FP injected':>12}")
    for rule in sorted(set(tp) | set(fn) | set(fp_clean) | set(fp_injected)):
        exp = tp[rule] + fn[rule]
        print(f"{rule:20} {exp:8d} {_pct(tp[rule], exp)} {fp_clean[rule]:9d} {_pct(fp_clean[rule], n_clean)} "
              f"{fp_injected[rule]:12d}")
    if any(samples.values()) and examples:
        print("\nexamples:")
        for key, lines in sorted(samples.items()):
            for line in lines[:max(examples, 1)]:
                print(f"  {key}: {line}")


if __name__ == "__main__":
    app()
