"""Office formats (.doc/.wps/.xls/.xlsx): how a sheet becomes blocks, and hostile files failing alone, fast,
with the right code — a damaged OLE file, a zip bomb, a sheet too big for memory, a converter past its
time or memory limit, a converter whose children outlive it."""
from __future__ import annotations

import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from services.parse.normalize import normalize, sandbox
from services.parse.normalize.extractors.workbook import sheet_blocks
from services.parse.normalize.sheetreader import cell_text
from services.parse.normalize.sniff import OLE_MAGIC
from shared.document import Table
from shared.errors import ProcessingError
from shared.settings import get_settings
from tests.office import TO_DOC, UTF8_TEXT, soffice_convert

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(data: bytes, **kw) -> ProcessingError:
    with pytest.raises(ProcessingError) as exc:
        normalize(data, "id", **kw)
    zh, en = exc.value.message.split(" / ", 1)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii()
    return exc.value


def _book(build) -> bytes:
    book = openpyxl.Workbook()
    build(book.active)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --- sheets → blocks -------------------------------------------------------------------------------
@pytest.mark.parametrize("value,text", [(None, ""), (3.0, "3"), (12, "12"), (3168.0656, "3168.0656"), (0.5, "0.5"),
                                        (True, "TRUE"), (dt.datetime(2024, 1, 17), "2024-01-17"), (" 无 ", " 无 ")])
def test_cell_text(value, text) -> None:
    assert cell_text(value) == text


def test_sheet_title_and_note_lines_around_one_table() -> None:
    grid = [["某局2023年年度报告"] * 3, ["", "", ""], ["信息内容", "", "本年新制作数量"], ["规章", "", "3"],
            ["行政规范性文件", "", "0"], ["注：数据截至年底", "", ""]]
    assert sheet_blocks(grid) == ["某局2023年年度报告",
                                  Table(rows=[["信息内容", "本年新制作数量"], ["规章", "3"], ["行政规范性文件", "0"]]),
                                  "注：数据截至年底"]


def test_sheet_without_a_table_is_text() -> None:
    assert sheet_blocks([["标题"], ["正文第一段"]]) == ["标题", "正文第一段"]
    assert sheet_blocks([["", ""], ["", ""]]) == []


def test_xlsx_merged_cells_repeated_in_every_slot() -> None:
    def build(ws) -> None:
        ws.append(["沭阳县某局2023年政府信息公开工作年度报告"])
        ws.append(["本年新收政府信息公开申请数量", None, 5, 7])
        ws.append(["办理结果", "予以公开", 2, 3.0])
        ws.append([None, "部分公开", 1, 0])
        ws.merge_cells("A1:D1")
        ws.merge_cells("A2:B2")
        ws.merge_cells("A3:A4")
    doc = normalize(_book(build), "id", filename="报告.xlsx", content_type=XLSX)
    assert doc.format == "xlsx" and doc.encoding is None
    assert doc.text.splitlines()[0] == "沭阳县某局2023年政府信息公开工作年度报告"
    assert [t.rows for t in doc.tables] == [[
        ["本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", "5", "7"],
        ["办理结果", "予以公开", "2", "3"],
        ["办理结果", "部分公开", "1", "0"],
    ]]


def test_every_sheet_is_read_in_order() -> None:
    def build(ws) -> None:
        ws.append(["a", "b"])
        ws.append([1, 2])
        second = ws.parent.create_sheet("二")
        second.append(["c", "d"])
        second.append([3, 4])
    doc = normalize(_book(build), "id")
    assert [t.rows for t in doc.tables] == [[["a", "b"], ["1", "2"]], [["c", "d"], ["3", "4"]]]


# --- hostile and broken files ----------------------------------------------------------------------
def _ole_junk() -> bytes:
    return OLE_MAGIC + random.Random(16).randbytes(20_000)


@pytest.mark.parametrize("filename,code", [("报告.doc", "corrupt_doc"), ("报告.wps", "corrupt_wps"),
                                           ("报表.xls", "corrupt_xls"), (None, "unsupported_format")])
def test_random_bytes_after_an_ole_header(filename, code) -> None:
    t0 = time.monotonic()
    assert _error(_ole_junk(), filename=filename).code == code
    assert time.monotonic() - t0 < 2  # refused from the header, LibreOffice never started


def test_ole_junk_named_txt_is_not_read_as_text() -> None:
    assert _error(_ole_junk(), filename="report.txt", content_type="text/plain").code == "unsupported_format"


def test_xlsx_zip_bomb_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 << 20))
    assert len(buf.getvalue()) < 1 << 20
    assert _error(buf.getvalue(), filename="bomb.xlsx").code == "too_large"


def _huge_merge() -> bytes:
    """A tiny workbook whose one merged range covers a whole sheet: 17 billion cells to expand."""
    data = _book(lambda ws: ws.append(["x", 1]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                                     b'<mergeCell ref="A1:XFD1048576"/></mergeCells>')
            zout.writestr(info, body)
    return out.getvalue()


def test_huge_sheet_fails_alone_in_its_child(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "convert_memory_bytes", 256 << 20)  # the test's own, to be quick
    t0 = time.monotonic()
    err = _error(_huge_merge(), filename="huge.xlsx")
    assert err.code == "too_large" and "spreadsheet" in err.en
    assert time.monotonic() - t0 < 10


def test_spreadsheet_reader_timeout(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "convert_timeout_seconds", 0.05)
    assert _error(_book(lambda ws: ws.append(["a", "b"])), filename="t.xlsx").code == "conversion_timeout"


@pytest.fixture(scope="module")
def small_doc(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    tmp = tmp_path_factory.mktemp("doc")
    src = tmp / "r.txt"
    src.write_text("某局2023年政府信息公开工作年度报告\n一、总体情况\n", encoding="utf-8")
    return soffice_convert([src], tmp, TO_DOC, UTF8_TEXT)[0].read_bytes()


def test_libreoffice_timeout_kills_it_and_leaves_nothing(monkeypatch, small_doc: bytes) -> None:
    monkeypatch.setattr(get_settings(), "convert_timeout_seconds", 0.3)
    before = set(Path(tempfile.gettempdir()).glob("nianbao-lo-*"))
    t0 = time.monotonic()
    err = _error(small_doc, filename="r.doc")
    assert err.code == "conversion_timeout" and "LibreOffice" in err.en
    assert time.monotonic() - t0 < 5
    assert set(Path(tempfile.gettempdir()).glob("nianbao-lo-*")) == before  # its profile and files are gone


def test_libreoffice_out_of_memory(monkeypatch, small_doc: bytes) -> None:
    monkeypatch.setattr(get_settings(), "convert_memory_bytes", 64 << 20)
    assert _error(small_doc, filename="r.doc").code == "conversion_failed"


def test_the_time_limit_stays_under_the_task_soft_limit(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "convert_timeout_seconds", 60.0)
    monkeypatch.setattr(get_settings(), "task_time_limit", 25)
    assert sandbox.limits().seconds == 19  # soft limit 20 s, less a second


def test_sandbox_kills_the_whole_process_group(tmp_path: Path) -> None:
    """A child that leaves a grandchild behind: on timeout both die (the group is killed, not only the child)."""
    pidfile = tmp_path / "grandchild"
    script = (f"import subprocess, time; p = subprocess.Popen(['sleep', '60']); "
              f"open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    with pytest.raises(ProcessingError) as exc:
        sandbox.run([sys.executable, "-c", script], "test", lim=sandbox.Limits(seconds=1.0, memory_bytes=1 << 30))
    assert exc.value.code == "conversion_timeout"
    pid = int(pidfile.read_text())
    time.sleep(0.2)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def test_sandbox_reports_a_crash() -> None:
    with pytest.raises(ProcessingError) as exc:
        sandbox.run([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"], "test")
    assert exc.value.code == "conversion_failed" and "SIGSEGV" in exc.value.en
