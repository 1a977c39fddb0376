"""Durable, content-addressed storage of raw documents and of each stage's output.

Raw bytes are written (and fsynced) before the ingest API answers 202, so an accepted document is a
kept document. Stages pass ids, never bytes: each stage reads its input artifact from here and writes
its output artifact here, atomically (write to a temp file, rename). Artifacts are not fsynced: they
are recomputable from the raw bytes (`nianbao reprocess`), and an fsync per stage was a wait on the
disk per document and stage (bench/pipeline.py); readers never see a half-written file either way.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

STAGES = ("normalized", "parsed", "validated")
# The OCR stage's artifacts, one folder per document: its plan (`ocr-plan`: which pages) and each page read
# (`ocr-<page>`, 0-based), kept so that a page is read once however often the document is normalized.
_OCR_ARTIFACT = re.compile(r"ocr-(plan|[0-9]{1,5})")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # --- paths -------------------------------------------------------------------------------
    def raw_path(self, doc_id: str) -> Path:
        return self.root / "raw" / doc_id[:2] / doc_id

    def artifact_path(self, doc_id: str, stage: str) -> Path:
        if _OCR_ARTIFACT.fullmatch(stage):
            return self.root / "ocr" / doc_id[:2] / doc_id / f"{stage}.json"
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        return self.root / stage / doc_id[:2] / f"{doc_id}.json"

    # --- raw ---------------------------------------------------------------------------------
    def put_raw(self, data: bytes) -> str:
        doc_id = sha256_hex(data)
        path = self.raw_path(doc_id)
        if not path.exists():
            _atomic_write(path, data, durable=True)
        return doc_id

    def get_raw(self, doc_id: str) -> bytes:
        return self.raw_path(doc_id).read_bytes()

    def has_raw(self, doc_id: str) -> bool:
        return self.raw_path(doc_id).exists()

    def iter_raw_ids(self):
        base = self.root / "raw"
        if not base.exists():
            return
        for sub in sorted(base.iterdir()):
            for f in sorted(sub.iterdir()):
                if len(f.name) == 64:
                    yield f.name

    # --- artifacts ---------------------------------------------------------------------------
    def put_artifact(self, doc_id: str, stage: str, obj: Any) -> None:
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        _atomic_write(self.artifact_path(doc_id, stage), data, durable=False)

    def get_artifact(self, doc_id: str, stage: str) -> Any:
        return json.loads(self.artifact_path(doc_id, stage).read_bytes())

    # A stage's output model as JSON straight from pydantic's serializer (no dict in between): the same
    # file as put_artifact(model.model_dump(mode="json")) writes, at a third of the CPU.
    def put_model(self, doc_id: str, stage: str, model: BaseModel) -> None:
        _atomic_write(self.artifact_path(doc_id, stage), model.model_dump_json().encode(), durable=False)

    def get_model(self, doc_id: str, stage: str, cls: type[M]) -> M:
        return cls.model_validate_json(self.artifact_path(doc_id, stage).read_bytes())


def _atomic_write(path: Path, data: bytes, durable: bool) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except FileNotFoundError:  # the first file of its folder: make the folder only then
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
