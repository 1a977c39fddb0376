"""Schemathesis hooks for the ingest API contract test (loaded by the CLI through SCHEMATHESIS_HOOKS).

One known false positive is dropped, nothing else: a negative multipart case whose `file` part was
mutated to a non-string (false, 12, {…}) travels as the bytes of its text, with a filename — on the wire
a valid upload, which the server rightly accepts. Schemathesis keeps the generated value for parts sent
as files, so it calls the acceptance a failure. We drop the failure only when every multipart field, read
as the text that was sent, satisfies the declared schema, every declared query parameter as sent
satisfies its own, and neither path nor headers were negated. Query parameters the operation does not
declare are ignored by the server, as schemathesis itself allows when they are the only negation.
"""
from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, urlsplit

import jsonschema_rs
import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation


def _sent_multipart(body: bytes, content_type: str) -> dict[str, str] | None:
    msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not msg.is_multipart():
        return None
    out: dict[str, str] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            return None
        out[name] = payload.decode(errors="replace")
    return out


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:  # schemathesis' hook signature
    """False drops the failure (see the module docstring); every other failure is kept."""
    if not isinstance(failure, AcceptedNegativeData) or case.meta is None:
        return True
    if not (case.media_type or "").startswith("multipart/form-data"):
        return True
    if any(case.meta.is_negative_at(loc) for loc in ParameterLocation
           if loc not in (ParameterLocation.BODY, ParameterLocation.QUERY)):
        return True
    req = response.request
    query = parse_qs(urlsplit(req.url).query, keep_blank_values=True)
    for param in case.operation.definition.raw.get("parameters", []):
        if param.get("in") == "query" and param["name"] in query:
            check = jsonschema_rs.validator_for(param.get("schema", {}))
            if not all(check.is_valid(v) for v in query[param["name"]]):
                return True
    body = req.body.encode() if isinstance(req.body, str) else req.body
    sent = _sent_multipart(body or b"", req.headers.get("Content-Type", "")) if body else None
    alternative = case.operation.get_body_for_media_type(case.media_type)
    if sent is None or alternative is None:
        return True
    return not jsonschema_rs.validator_for(alternative.optimized_schema).is_valid(sent)
