"""The `nianbao` command: parse a file in-process, send files to the ingest API, manage the index."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx
import typer
from tqdm import tqdm

from shared.settings import ROOT, get_settings

app = typer.Typer(help="年报 Nianbao: 政府信息公开工作年度报告的接收、校验与检索 / ingest, check and search annual reports",
                  no_args_is_help=True, add_completion=False)
SAMPLES = ROOT / "samples"


@app.command()
def parse(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
          indent: int = typer.Option(1, help="JSON indent")) -> None:
    """Normalize → parse → validate FILE in-process (no servers) and print the record as JSON."""
    from services.pipeline import process_bytes
    from shared.errors import ProcessingError
    try:
        record = process_bytes(file.read_bytes(), filename=file.name)
    except ProcessingError as e:
        typer.echo(json.dumps({"error": e.as_dict()}, ensure_ascii=False), err=True)
        raise typer.Exit(2)
    sys.stdout.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=indent or None) + "\n")


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        elif p.is_file():
            out.append(p)
        else:
            typer.echo(f"跳过不存在的路径 / skipping missing path: {p}", err=True)
    return out


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="files or folders"),
           url: str = typer.Option(None, help="ingest API base URL"),
           wait: bool = typer.Option(False, help="wait until every document is indexed or failed"),
           timeout: float = typer.Option(300, help="seconds to wait with --wait")) -> None:
    """Send files or whole folders to the ingest API, with a progress bar and a summary."""
    base = (url or get_settings().ingest_url).rstrip("/")
    files = _files(paths)
    accepted: dict[str, str] = {}
    dup = failed = 0
    with httpx.Client(base_url=base, timeout=60) as c:
        for f in tqdm(files, desc="上传 / upload", unit="doc"):
            try:
                r = c.post("/api/v1/documents", files={"file": (f.name, f.read_bytes())})
            except httpx.HTTPError as e:
                failed += 1
                tqdm.write(f"✗ {f}: {e}")
                continue
            if r.status_code == 202:
                body = r.json()
                accepted[body["id"]] = str(f)
                dup += body["duplicate"]
            else:
                failed += 1
                tqdm.write(f"✗ {f}: {r.status_code} {r.text[:200]}")
        final: dict[str, str] = {}
        if wait and accepted:
            deadline = time.monotonic() + timeout
            pending = set(accepted)
            with tqdm(total=len(pending), desc="处理 / processing", unit="doc") as bar:
                while pending and time.monotonic() < deadline:
                    for doc_id in list(pending):
                        st = c.get(f"/api/v1/documents/{doc_id}").json()
                        if st["status"] in ("indexed", "failed"):
                            final[doc_id] = st["status"] + (f": {st['error']['message']}" if st.get("error") else "")
                            pending.discard(doc_id)
                            bar.update(1)
                    if pending:
                        time.sleep(0.5)
    typer.echo(f"文件 {len(files)} 个：接收 {len(accepted)}（重复 {dup}），失败 {failed} / "
               f"files {len(files)}: accepted {len(accepted)} (duplicates {dup}), rejected {failed}")
    if wait:
        bad = {k: v for k, v in final.items() if not v.startswith("indexed")}
        typer.echo(f"已入索引 / indexed: {sum(v == 'indexed' for v in final.values())}, "
                   f"失败 / failed: {len(bad)}, 未完成 / unfinished: {len(accepted) - len(final)}")
        for k, v in bad.items():
            typer.echo(f"  {accepted[k]}: {v}")
    if failed:
        raise typer.Exit(1)


@app.command("init-index")
def init_index() -> None:
    """Create the index template and the versioned index behind the alias (idempotent)."""
    from shared.es_index import client, ensure_index
    typer.echo(f"索引 / index: {get_settings().es_alias} → {ensure_index(client())}")


@app.command("load-samples")
def load_samples(url: str = typer.Option(None, help="ingest API base URL"), force: bool = False) -> None:
    """Load the shipped sample reports when the index is empty (a newcomer's first search finds something)."""
    from shared.es_index import client, ensure_index
    es = client()
    ensure_index(es)
    n = es.count(index=get_settings().es_alias)["count"]
    if n and not force:
        typer.echo(f"索引已有 {n} 份年报，跳过示例 / index has {n} reports, samples skipped")
        return
    ingest([SAMPLES], url=url, wait=True, timeout=120)


if __name__ == "__main__":
    app()
