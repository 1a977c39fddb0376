"""Never silently wrong, measured: generate reports in the layouts that lose table structure (empty
cells dropped, numbers broken across lines — LONG_TAIL_LAYOUTS), run the pipeline in-process and count
every table cell as right (the truth), unknown (null with provenance "unknown", named by an
INCOMPLETE_TABLE finding) or WRONG (any other value: a number in a cell the document does not put it
in). Prints per layout the cells of each kind and the record grades; exit 1 on any wrong cell.

    .venv/bin/python bench/long_tail.py -n 500 [--layouts sparse,broken] [--error-rate 0.2] [--one-line]
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.pipeline import process_bytes
from tests.synth import generate
from tests.synth.render import LONG_TAIL_LAYOUTS
from tests.test_long_tail import judge, one_line

app = typer.Typer(add_completion=False)


@app.command()
def main(n: int = typer.Option(500, "-n", help="reports per layout"), seed: int = typer.Option(11),
         layouts: str = typer.Option(",".join(LONG_TAIL_LAYOUTS)),
         error_rate: float = typer.Option(0.0, help="share of reports with an injected contradiction"),
         one_line_pages: bool = typer.Option(False, "--one-line", help="each report flattened to one line"),
         examples: int = typer.Option(5)) -> None:
    t0 = time.perf_counter()
    total_wrong = 0
    for layout in layouts.split(","):
        cells: Counter = Counter()
        grades: Counter = Counter()
        shown: list[str] = []
        reports_wrong = 0
        for rep in generate(n, seed, layouts=(layout,), error_rate=error_rate):
            data = one_line(rep.data, rep.encoding) if one_line_pages else rep.data
            record = process_bytes(data, rep.filename)
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
