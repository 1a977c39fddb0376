"""Office test files made at test time: LibreOffice converts the corpus (HTML, text, DOCX) to .doc/.xls, and
openpyxl lays a report's tables out as the sheets of a workbook. Nothing binary is checked in."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from services.parse.normalize import normalize
from services.parse.parser import parse
from shared.record import Record

# LibreOffice's import filters for inputs it would otherwise open in the wrong application (Writer/Web).
HTML_TO_WRITER = "HTML (StarWriter)"
UTF8_TEXT = "Text (encoded):UTF8,LF,,,"
TO_DOC = "doc:MS Word 97"
TO_XLS = "xls:MS Excel 97"


def soffice_convert(sources: list[Path], out_dir: Path, target: str, infilter: str | None = None) -> list[Path]:
    """Convert files in one LibreOffice run (one start-up), with a throwaway profile."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) 未安装，scripts/setup.sh 会安装它 / not installed; scripts/setup.sh installs it")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-test-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", target, "--outdir", str(out_dir), *map(str, sources)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": profile, "LANG": "C.UTF-8"}
        subprocess.run(cmd, check=True, timeout=300, capture_output=True, env=env)
    ext = target.split(":", 1)[0]
    outputs = [out_dir / f"{s.stem}.{ext}" for s in sources]
    missing = [p.name for p in outputs if not p.is_file()]
    assert not missing, f"LibreOffice made no {missing}"
    return outputs


def record_of_bytes(data: bytes, filename: str) -> Record:
    return parse(normalize(data, hashlib.sha256(data).hexdigest(), filename=filename))


def tables_workbook(record: Record, tables: list[list[list[str]]]) -> bytes:
    """A workbook with one sheet per table, headed by the report's title merged across the sheet (the way
    such files are laid out); numeric cells are stored as numbers."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for i, rows in enumerate(tables, 1):
        sheet = book.create_sheet(f"表{i}")
        width = max(len(r) for r in rows)
        sheet.append([record.meta.title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        for row in rows:
            sheet.append([int(c) if c.isdigit() else c for c in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


FIGURES = ("applications", "active_disclosure", "review_litigation")


def reads_alike(original: Record, converted: Record) -> None:
    """The same body, year and the three tables' values."""
    assert (converted.meta.agency, converted.meta.year) == (original.meta.agency, original.meta.year)
    for table in FIGURES:
        assert getattr(converted, table) == getattr(original, table), table
