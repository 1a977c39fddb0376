"""Speed work must not change outputs: normalize + parse + validate every seed, real and N generated
report with this checkout and with another one (e.g. `git archive HEAD~3 | tar -x -C /tmp/before`), and
compare the records as JSON.

    .venv/bin/python bench/compare_outputs.py /tmp/before -n 500
"""
from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import sys
from pathlib import Path

import typer

REPO = Path(__file__).resolve().parents[1]
CORPORA = (Path("/work/shared/corpus/seeds"), Path("/work/shared/corpus/real"))
app = typer.Typer(add_completion=False)

# Runs inside the checkout given on the command line (its own code on sys.path first).
_DUMP = r"""
import hashlib, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from services.pipeline import process_bytes
try:
    from tests.synth import generate
except ImportError:  # a checkout from before the generator moved out of shared/
    from shared.synth import generate
n, seed = int(sys.argv[2]), int(sys.argv[3])
items = [(p.name, p.read_bytes()) for d in sys.argv[4:] for p in sorted(Path(d).iterdir()) if p.is_file()]
items += [(r.filename, r.data) for r in generate(n, seed, layouts=("pipe", "lines", "tabs", "html", "docx"))]
for name, data in items:
    try:
        out = process_bytes(data, name).model_dump(mode="json")
        out.pop("id")  # sha256 of the bytes: DOCX files carry a timestamp, so it differs between runs
    except Exception as e:  # a ProcessingError is an output too
        out = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps({"name": name, "record": out}, ensure_ascii=False, sort_keys=True))
"""


def _dump(root: Path, n: int, seed: int) -> list[str]:
    r = subprocess.run([sys.executable, "-c", _DUMP, str(root), str(n), str(seed), *map(str, CORPORA)],
                       capture_output=True, text=True, check=True, cwd=root)
    return r.stdout.splitlines()


@app.command()
def main(before: Path = typer.Argument(..., help="the other checkout"),
         n: int = typer.Option(300, "-n", help="generated reports besides the seed and real corpora"),
         seed: int = typer.Option(11)) -> None:
    print("$ " + shlex.join([".venv/bin/python", *sys.argv]))
    old, new = _dump(before.resolve(), n, seed), _dump(REPO, n, seed)
    assert len(old) == len(new), (len(old), len(new))
    diffs = [json.loads(a)["name"] for a, b in zip(old, new, strict=True) if a != b]
    digest = hashlib.sha256("\n".join(new).encode()).hexdigest()[:16]
    print(f"{len(new)} reports compared, {len(diffs)} differ (outputs sha256 {digest})")
    for name in diffs[:20]:
        print("  differs:", name)
    raise typer.Exit(1 if diffs else 0)


if __name__ == "__main__":
    app()
