"""Never silently wrong, measured: generate reports in the layouts that lose table structure (empty
cells dropped, numbers broken across lines — LONG_TAIL_LAYOUTS), run the pipeline in-process and count
every table cell as right (the truth), unknown (null with provenance "unknown", named by an
INCOMPLETE_TABLE finding) or WRONG (any other value: a number in a cell the document does not put it
in). Prints per layout the cells of each kind and the record grades; exit 1 on any wrong cell.

    .venv/bin/python bench/long_tail.py -n 500 [--layouts sparse,broken] [--error-rate 0.2]
"""
from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.pipeline import process_bytes  # noqa: E402
from shared.synth import generate  # noqa: E402
from shared.synth.render import LONG_TAIL_LAYOUTS  # noqa: E402

TABLES = ("active_disclosure", "applications", "review_litigation")
app = typer.Typer(add_completion=False)


def judge(record, truth: dict) -> tuple[Counter, list[str]]:
    """Cells right / unknown (and flagged) / wrong, with the wrong ones' paths."""
    named = {p for f in record.findings if f.rule == "INCOMPLETE_TABLE" for p in (f.actual or [])}
    missing = {f.where for f in record.findings if f.rule == "MISSING_TABLE" and f.where}
    count: Counter = Counter()
    wrong: list[str] = []
    for table in TABLES:
        got = getattr(record, table)
        for row, cols in truth[table].items():
            for col, want in cols.items():
                path = f"{table}.{row}.{col}"
                value = got.get(row, {}).get(col)
                prov = record.provenance.get(path)
                if value == want or (value is not None and want is not None and abs(value - want) < 1e-6):
                    count["right"] += 1
                elif value is None and ((prov is not None and prov.source == "unknown" and path in named)
                                        or table in missing):
                    count["unknown"] += 1
                elif want is None and value == 0 and prov is not None and prov.source == "inferred":
                    count["right"] += 1  # a null marker (counted 0) whose column the sums fixed
                else:
                    count["wrong"] += 1
                    wrong.append(f"{path}: got {value!r} want {want!r}")
    return count, wrong


@app.command()
def main(n: int = typer.Option(500, "-n", help="reports per layout"), seed: int = typer.Option(11),
         layouts: str = typer.Option(",".join(LONG_TAIL_LAYOUTS)),
         error_rate: float = typer.Option(0.0, help="share of reports with an injected contradiction"),
         examples: int = typer.Option(5)) -> None:
    t0 = time.perf_counter()
    total_wrong = 0
    for layout in layouts.split(","):
        cells: Counter = Counter()
        grades: Counter = Counter()
        shown: list[str] = []
        reports_wrong = 0
        for rep in generate(n, seed, layouts=(layout,), error_rate=error_rate):
            record = process_bytes(rep.data, rep.filename)
            count, wrong = judge(record, rep.truth)
            cells.update(count)
            grades[record.quality.grade if record.quality else "-"] += 1
            if wrong:
                reports_wrong += 1
                shown += [f"{rep.filename} ({rep.injection}): {w}" for w in wrong[:2]][: max(0, examples - len(shown))]
        all_cells = sum(cells.values())
        print(f"{layout:8s} reports {n}: cells {all_cells}, right {cells['right']} "
              f"({100 * cells['right'] / all_cells:.1f}%), unknown+flagged {cells['unknown']} "
              f"({100 * cells['unknown'] / all_cells:.1f}%), WRONG {cells['wrong']} in {reports_wrong} reports; "
              f"grades {dict(grades)}")
        for s in shown:
            print("   ", s)
        total_wrong += cells["wrong"]
    print(f"{time.perf_counter() - t0:.1f} s; wrong cells in all: {total_wrong}")
    raise typer.Exit(1 if total_wrong else 0)


if __name__ == "__main__":
    app()
