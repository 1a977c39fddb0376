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
def parse(paths: list[Path] = typer.Argument(..., exists=True, readable=True, help="a file, or files and folders"),
          indent: int = typer.Option(1, help="JSON indent (one report)"),
          summary: bool = typer.Option(False, "--summary", help="one line per report and a summary "
                                       "(as `nianbao check`) instead of the records")) -> None:
    """Normalize → parse → validate in-process (no servers). One FILE: its record as JSON. Several
    files or a folder: one record per line (JSON Lines); with --summary, how each report reads."""
    if summary:
        check(paths, json_out=None, strict=False)
        return
    from services.pipeline import process_bytes
    from shared.errors import ProcessingError
    if len(paths) == 1 and paths[0].is_file():
        file = paths[0]
        try:
            record = process_bytes(file.read_bytes(), filename=file.name)
        except ProcessingError as e:
            typer.echo(json.dumps({"error": e.as_dict()}, ensure_ascii=False), err=True)
            raise typer.Exit(2) from None
        sys.stdout.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=indent or None) + "\n")
        return
    failed = 0
    for file in tqdm(_report_files(paths), desc="解析 / parse", unit="doc", file=sys.stderr, disable=None):
        try:
            record = process_bytes(file.read_bytes(), filename=file.name)
        except ProcessingError as e:
            failed += 1
            tqdm.write(json.dumps({"file": str(file), "error": e.as_dict()}, ensure_ascii=False), file=sys.stderr)
            continue
        tqdm.write(json.dumps({"file": str(file), **record.model_dump(mode="json")}, ensure_ascii=False),
                   file=sys.stdout)
    if failed:
        raise typer.Exit(2)


# Rule ids that say a table's figures may be wrong or incomplete (as /work's read check judges them):
# the tables' own arithmetic, and the findings of tables not (fully) read.
ARITHMETIC_RULES = frozenset({"APP_BALANCE", "APP_ROW_SUM", "APP_TOTAL_SUM", "REVIEW_SUM", "LITIGATION_SUM"})
_DOUBT_WORDS = ("INCOMPLETE", "AMBIGUOUS", "UNREAD", "UNKNOWN", "MISSING_TABLE", "EMPTY")
_REPORT_SUFFIXES = frozenset({"", ".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf", ".doc", ".wps",
                              ".xls", ".xlsx"})


def _report_files(paths: list[Path]) -> list[Path]:
    """Files named, and the report files in folders named (by suffix: a folder's manifest.json or
    links.tsv is not a report)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(f for f in _files([p]) if f.suffix.lower() in _REPORT_SUFFIXES)
        else:
            out.extend(_files([p]))
    return out


def judge(record) -> dict:
    """How one record reads: clean (grade complete, or no grade and all three tables found; no
    error/warning about the tables' arithmetic or an incomplete table; agency and year found),
    unreadable (grade unreadable, or no table found) or flagged (anything between: the record says
    what it could not read or what does not add up)."""
    quality = getattr(record, "quality", None)
    grade = getattr(quality, "grade", None) if quality is not None else None
    rules = sorted({f.rule for f in record.findings if f.severity in ("error", "warning")})
    missing_tables = sum(f.rule == "MISSING_TABLE" for f in record.findings)
    table_rules = [r for r in rules if r in ARITHMETIC_RULES or any(w in r for w in _DOUBT_WORDS)]
    meta = record.meta
    no_meta = [k for k, v in (("agency", meta.agency), ("year", meta.year)) if not v]
    if grade == "unreadable" or (grade is None and missing_tables >= 3):
        verdict = "unreadable"
    elif (grade in (None, "complete")) and not table_rules and not no_meta:
        verdict = "clean"
    else:
        verdict = "flagged"
    return {"verdict": verdict, "agency": meta.agency, "year": meta.year, "grade": grade,
            "rules": rules, "missing_meta": no_meta,
            "province": meta.region.province, "city": meta.region.city, "level": meta.level}


_MARK = {"clean": "✓", "flagged": "!", "unreadable": "✗", "not_a_report": "✗"}
NOT_A_REPORT = "not_a_report"  # services/parse/parser/recognise.py CODE (not imported here: keeps --help fast)


@app.command()
def check(paths: list[Path] = typer.Argument(..., exists=True, readable=True, help="files or folders of reports"),
          json_out: Path | None = typer.Option(None, "--json", help="also write each report's result here (JSON)"),
          strict: bool = typer.Option(False, help="exit 1 unless every report is clean")) -> None:
    """How a folder of reports reads: one line per report (file, agency, year, read-quality grade, the
    error and warning rule ids) and a summary of clean / flagged / unreadable reports, and of documents
    refused as not annual reports (not_a_report: the workers fail them and never index them)."""
    from services.pipeline import process_bytes
    from shared.errors import ProcessingError
    files = _report_files(paths)
    results: list[dict] = []
    for file in tqdm(files, desc="检查 / check", unit="doc", file=sys.stderr, disable=None):
        try:
            r = judge(process_bytes(file.read_bytes(), filename=file.name))
        except ProcessingError as e:
            # Refused as not a report (services/parse/parser/recognise.py): the workers fail it the same way
            r = {"verdict": "not_a_report" if e.code == NOT_A_REPORT else "unreadable", "agency": None,
                 "year": None, "grade": None, "rules": [], "missing_meta": [], "error": e.code or str(e),
                 "message": e.message}
        r["file"] = str(file)
        results.append(r)
        rules = ",".join(r["rules"]) or "-"
        extra = f" (无 / no {'+'.join(r['missing_meta'])})" if r.get("missing_meta") else ""
        extra += f" [{r['error']}]" if r.get("error") else ""
        extra += f" {r['message']}" if r["verdict"] == "not_a_report" else ""
        tqdm.write(f"{_MARK[r['verdict']]} {r['verdict']:<10} {file}\t{r['agency'] or '-'}\t{r['year'] or '-'}\t"
                   f"{r['grade'] or '-'}\t{rules}{extra}", file=sys.stdout)
    n = {v: sum(r["verdict"] == v for r in results) for v in _MARK}
    # "not a report" is named only when there is one, so the usual summary line stays as it was
    refused_zh = f"，不是年报 {n['not_a_report']}" if n["not_a_report"] else ""
    refused_en = f", not a report {n['not_a_report']}" if n["not_a_report"] else ""
    typer.echo(f"报告 {len(results)} 份：无误 {n['clean']}，已标记 {n['flagged']}，无法读取 {n['unreadable']}{refused_zh} / "
               f"reports {len(results)}: clean {n['clean']}, flagged {n['flagged']}, unreadable {n['unreadable']}"
               f"{refused_en}")
    if json_out:
        json_out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if strict and n["clean"] < len(results):
        raise typer.Exit(1)


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
    key = get_settings().api_key
    with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {key}"} if key else None) as c:
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
    from shared.clients import es_client
    from shared.es_index import ensure_index
    typer.echo(f"索引 / index: {get_settings().es_alias} → {ensure_index(es_client())}")


@app.command("registry-rebuild")
def registry_rebuild(if_incomplete: bool = typer.Option(False, "--if-incomplete",
                                                        help="only when the registry is not marked complete")) -> None:
    """Fill the body registry (which report is current for each body and year) from the index and mark
    it complete, so the workers stop searching Elasticsearch for reports it does not know."""
    from shared.bodies import BodyRegistry
    from shared.clients import es_client, status_store
    from shared.es_index import ensure_index
    alias = get_settings().es_alias
    bodies = BodyRegistry(status_store().r)
    if if_incomplete and bodies.is_complete():
        typer.echo(f"登记表已完整 / the body registry of {alias} is complete")
        return
    es = es_client()
    ensure_index(es)
    n = bodies.rebuild(es)
    typer.echo(f"已登记 {n} 份现行年报 / registered {n} current reports of {alias}; registry complete")


@app.command("load-samples")
def load_samples(url: str = typer.Option(None, help="ingest API base URL"), force: bool = False) -> None:
    """Load the shipped sample reports when the index is empty (a newcomer's first search finds something)."""
    from shared.clients import es_client
    from shared.es_index import ensure_index
    es = es_client()
    ensure_index(es)
    n = es.count(index=get_settings().es_alias)["count"]
    if n and not force:
        typer.echo(f"索引已有 {n} 份年报，跳过示例 / index has {n} reports, samples skipped")
        return
    ingest([SAMPLES], url=url, wait=True, timeout=120)


# --- API keys ------------------------------------------------------------------------------------
apikey_app = typer.Typer(help="API 密钥（哈希存储，可吊销）/ API keys (stored hashed, revocable)", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")


def _keys():
    from services.ingest.auth import KeyStore
    from shared.status import StatusStore
    return KeyStore(StatusStore().r)


@apikey_app.command("create")
def apikey_create(name: str = typer.Option(..., help="who uses the key"),
                  scope: list[str] = typer.Option(["ingest"], help="ingest, correct and/or admin (repeatable)"),
                  rate_limit: str = typer.Option(None, help="e.g. 60/minute; default: setting rate_limit")) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    try:
        key, rec = _keys().create(name, scope, rate_limit)
    except ValueError as e:
        typer.echo(f"参数错误 / bad arguments: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"密钥 {rec.id}（{','.join(rec.scopes)}）已创建，仅显示这一次 / key {rec.id} "
               f"({','.join(rec.scopes)}) created; shown this once only:", err=True)
    typer.echo(key)


@apikey_app.command("list")
def apikey_list() -> None:
    """List keys (id, name, scopes, created, revoked) — never the keys themselves."""
    from services.ingest.auth import describe
    for rec in _keys().list():
        typer.echo(json.dumps(describe(rec), ensure_ascii=False))


@apikey_app.command("revoke")
def apikey_revoke(key_id: str = typer.Argument(..., help="the key id shown by `apikey list`")) -> None:
    """Revoke a key: it stops working at once."""
    rec = _keys().revoke(key_id)
    if rec is None:
        typer.echo(f"未找到密钥 / no such key: {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"已吊销 / revoked: {rec.id} ({rec.name})")


# --- reprocessing and re-indexing ----------------------------------------------------------------
@app.command()
def reprocess(failed: bool = typer.Option(False, "--failed", help="only documents whose processing failed"),
              below_version: str = typer.Option(None, help="only records made by a parser older than this"),
              outdated: bool = typer.Option(False, "--outdated",
                                            help="only records made by a parser older than this one "
                                                 "(after an upgrade: re-read with the new parser)"),
              wait: bool = typer.Option(True, help="follow progress until every document is done"),
              timeout: float = typer.Option(3600, help="seconds to wait")) -> None:
    """Re-run normalize → parse → validate → index from the stored originals, through the queues."""
    from services.reprocess import requeue, select, wait_done
    from shared.status import StatusStore
    from shared.storage import Storage
    statuses, storage = StatusStore(), Storage(get_settings().storage_dir)
    if outdated:
        from shared.record import PARSER_VERSION
        below_version = PARSER_VERSION
    ids = select(statuses, storage, failed=failed, below_version=below_version)
    with tqdm(total=len(ids), desc="排队 / queue", unit="doc") as bar:
        for i in range(0, len(ids), 100):
            bar.update(len(requeue(ids[i:i + 100], statuses)))
    if not wait or not ids:
        typer.echo(f"已排队 / queued: {len(ids)}")
        return
    with tqdm(total=len(ids), desc="处理 / processing", unit="doc") as bar:
        final = wait_done(ids, statuses, bar.update, timeout)
    n_ok = sum(v == "indexed" for v in final.values())
    typer.echo(f"已入索引 / indexed: {n_ok}, 失败 / failed: {len(final) - n_ok}, "
               f"未完成 / unfinished: {len(ids) - len(final)}")
    if len(final) < len(ids):
        raise typer.Exit(1)


@app.command()
def reindex(timeout: float = typer.Option(3600, help="seconds to wait for the new index to be complete"),
            keep_old: bool = typer.Option(False, help="keep the previous index after the swap"),
            if_outdated: bool = typer.Option(False, "--if-outdated",
                                             help="only when the live index has an older mapping than this code "
                                                  "(scripts/run.sh runs this after an upgrade)")) -> None:
    """Rebuild the index from the stored records into a new version; swap the alias only when complete."""
    from services.reindex import live_ids
    from services.reindex import reindex as run
    from shared.clients import es_client
    from shared.es_index import MAPPING_VERSION, alias_indices, mapping_version
    from shared.storage import Storage
    es = es_client()
    if if_outdated:
        live = alias_indices(es, get_settings().es_alias)
        old = [i for i in live if mapping_version(es, i) < MAPPING_VERSION]
        if not old:
            typer.echo(f"索引映射为最新版本 {MAPPING_VERSION}，无需重建 / index mapping is current "
                       f"(version {MAPPING_VERSION}), nothing to rebuild")
            return
        typer.echo(f"索引 {', '.join(old)} 的映射版本过旧，重建为版本 {MAPPING_VERSION} / index {', '.join(old)} "
                   f"has an older mapping: rebuilding it as version {MAPPING_VERSION}")
    total = len(live_ids(es, get_settings().es_alias))
    with tqdm(total=total, desc="重建索引 / reindex", unit="doc") as bar:
        res = run(es, Storage(get_settings().storage_dir), bar.update, timeout, keep_old=keep_old)
    if not res.swapped:
        typer.echo(f"未切换别名：{len(res.missing)} 份未进入新索引，线上索引未改动 / alias NOT swapped: "
                   f"{len(res.missing)} of {res.expected} documents missing; the live index is unchanged", err=True)
        raise typer.Exit(1)
    typer.echo(f"别名 {get_settings().es_alias} → {res.index}（{res.reached} 份）/ alias swapped to {res.index} "
               f"({res.reached} documents); previous: {', '.join(res.old) or '-'}")


@app.command("kibana-import")
def kibana_import(url: str = typer.Option(None, help="Kibana base URL (default NIANBAO_KIBANA_URL)"),
                  directory: Path = typer.Option(None, "--dir", help="folder of .ndjson saved objects"),
                  space: str = typer.Option(None, help="Kibana space id (default space when omitted)"),
                  wait: float = typer.Option(0, help="seconds to wait for Kibana to become available"),
                  username: str = typer.Option(None, envvar="KIBANA_USERNAME"),
                  password: str = typer.Option(None, envvar="KIBANA_PASSWORD")) -> None:
    """Import the data views and dashboards of monitoring/kibana into Kibana (idempotent, overwrites)."""
    import httpx

    from shared.kibana import OUT_DIR, KibanaError, import_saved_objects, ndjson_payload, wait_until_available
    base = url or get_settings().kibana_url
    auth = httpx.BasicAuth(username, password or "") if username else None
    try:
        if wait:
            wait_until_available(base, wait, auth)
        result = import_saved_objects(base, ndjson_payload(directory or OUT_DIR), space=space, auth=auth)
    except (KibanaError, httpx.HTTPError) as e:
        typer.echo(f"✗ {e}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"已导入 {result.successCount} 个对象 / imported {result.successCount} saved objects into {base}")


@app.command("events-prune")
def events_prune(days: int = typer.Option(None, min=1, help="keep this many days (default NIANBAO_EVENTS_RETENTION_DAYS)"),
                 dry_run: bool = typer.Option(False, "--dry-run", help="only list what would be deleted")) -> None:
    """Delete daily pipeline-event indices older than N days (retention without ILM)."""
    from shared.clients import es_client
    from shared.events_index import prune_events
    days = days or get_settings().events_retention_days
    if days < 1:
        typer.echo("保留天数为 0：不删除 / retention is 0 days: nothing is deleted")
        return
    doomed = prune_events(es_client(), days, dry_run=dry_run)
    verb = "将删除 / would delete" if dry_run else "已删除 / deleted"
    typer.echo(f"{verb} {len(doomed)}: {', '.join(doomed) or '-'}")


if __name__ == "__main__":
    app()
