"""Office uploads through the real queue (issue 16 part 5): a .doc (LibreOffice in the normalize worker)
and an .xlsx (the sandboxed spreadsheet reader) end `indexed` with the original report's figures; a
damaged .doc ends `failed` with its code while the workers go on."""
from __future__ import annotations

import random

import httpx
import pytest

from services.parse.normalize import normalize
from services.parse.normalize.sniff import OLE_MAGIC
from tests.integration.conftest import wait_status
from tests.integration.stack import Stack
from tests.office import FIGURES, HTML_TO_WRITER, TO_DOC, record_of_bytes, soffice_convert, tables_workbook
from tests.paths import REAL

SOURCE = REAL / "2023_shuyang_fgj.html"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("office-upload")
    doc = soffice_convert([SOURCE], tmp, TO_DOC, HTML_TO_WRITER)[0].read_bytes()
    original = record_of_bytes(SOURCE.read_bytes(), SOURCE.name)
    tables = [t.rows for t in normalize(SOURCE.read_bytes(), "src", filename=SOURCE.name).tables]
    return {"报告.doc": doc, "报表.xlsx": tables_workbook(original, tables)}


def upload(stack: Stack, name: str, data: bytes) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", files={"file": (name, data)}, timeout=30)
    assert r.status_code == 202, r.text
    return r.json()["id"]


@pytest.mark.parametrize("name,fmt", [("报告.doc", "doc"), ("报表.xlsx", "xlsx")])
def test_office_upload_is_indexed_with_the_originals_figures(stack: Stack, files: dict[str, bytes], name: str,
                                                             fmt: str) -> None:
    doc_id = upload(stack, name, files[name])
    st = wait_status(stack, doc_id)
    assert st["status"] == "indexed", st
    rec = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=10).json()
    original = record_of_bytes(SOURCE.read_bytes(), SOURCE.name).model_dump(mode="json")
    assert rec["meta"]["source"]["format"] == fmt and rec["meta"]["source"]["filename"] == name
    assert (rec["meta"]["agency"], rec["meta"]["year"]) == (original["meta"]["agency"], original["meta"]["year"])
    for table in FIGURES:
        assert rec[table] == original[table], table
    raw = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}/original", timeout=10)
    assert raw.status_code == 200 and raw.content == files[name]
    assert raw.headers["content-disposition"].startswith("attachment")


def test_damaged_doc_fails_alone(stack: Stack) -> None:
    junk = OLE_MAGIC + random.Random(7).randbytes(30_000)
    st = wait_status(stack, upload(stack, "坏.doc", junk))
    assert st["status"] == "failed" and st["error"]["code"] == "corrupt_doc", st
    assert " / " in st["error"]["message"]
