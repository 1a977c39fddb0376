"""The stages run in-process, in order: what `nianbao parse FILE` does and what the workers do one by one."""
from __future__ import annotations

import hashlib

from services.parse.normalize import normalize
from services.parse.parser import parse
from services.parse.parser.recognise import ensure_report
from services.validate.rules import validate
from shared.record import Record


def process_bytes(data: bytes, filename: str | None = None, content_type: str | None = None,
                  source_url: str | None = None) -> Record:
    doc_id = hashlib.sha256(data).hexdigest()
    doc = normalize(data, doc_id, filename=filename, content_type=content_type, source_url=source_url)
    record = parse(doc)
    ensure_report(record)  # not an annual report: ProcessingError not_a_report, as the parse worker
    record.findings = [*record.findings, *validate(record)]
    return record
