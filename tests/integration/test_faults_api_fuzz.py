"""Schemathesis against both OpenAPI specs (ingest and search) on the real stack (the helper:
tests/integration/api_fuzz.py).

- ingest API: whatever requests the spec allows, no answer is a 5xx;
- search API: schemathesis' full set of checks (`--checks all`) over its coverage phase (every
  parameter at and beyond its limits) and positive and negative fuzzed cases —
  every answer documented (status, content type, headers, body schema), every request the schema allows
  accepted, every request it forbids refused with a 4xx — over an index holding real reports, plus the
  report and timeline answers of reports that exist (random ids only ever find 404s)."""
from __future__ import annotations

import schemathesis
from schemathesis import Case

from tests.integration import search_corpus
from tests.integration.api_fuzz import all_checks, fuzz

SEARCH_EXAMPLES = 25  # per operation and mode, after ~2,000 coverage cases: about a minute in all here


def test_ingest_api_never_5xx(stack):
    ops, failures = fuzz(stack.ingest_url)
    assert ops >= 5  # documents (POST, GET), health, dead letters, requeue, webhooks
    assert failures == [], failures[:10]


def coherent(case: Case) -> None:
    """Positive search-API cases made to follow the rules between parameters that the operations'
    descriptions state and a schema of independent query parameters cannot: a paging cursor is only
    the `next` of the previous page of the same query, and a statistic's metric fits its figure."""
    q = case.query
    if not q:
        return
    q.pop("after", None)
    if case.path in ("/api/v1/stats", "/api/v1/stats.xlsx"):  # the same parameters
        if q.get("figure") is None:
            q.pop("per", None)
            if q.get("metric") in ("sum", "avg"):
                q["metric"] = "count"
        elif q.get("per") is not None and q.get("metric") not in (None, "sum"):
            q["metric"] = "sum"


def test_search_api_all_checks(stack):
    corpus = search_corpus.load(stack, n_synth=4)
    assert len(corpus.records) >= 10, corpus.failed
    ops, failures = fuzz(stack.search_url, checks="all", negative=True, coverage=True,
                         max_examples=SEARCH_EXAMPLES, adjust_positive=coherent)
    assert ops >= 8  # search, report, original, stats (+ .xlsx), timeline, export (+ .xlsx), schema
    # The operations random path parameters cannot reach: existing reports and bodies, every check.
    schema = schemathesis.openapi.from_url(f"{stack.search_url}/openapi.json")
    report = schema["/api/v1/reports/{report_id}"]["GET"]
    original = schema["/api/v1/reports/{report_id}/original"]["GET"]
    timeline = schema["/api/v1/agencies/{name}/timeline"]["GET"]
    checks = all_checks()
    for rec in list(corpus.records.values())[:8]:
        for case in (report.Case(path_parameters={"report_id": rec["id"]}),
                     original.Case(path_parameters={"report_id": rec["id"]}),
                     timeline.Case(path_parameters={"name": rec["meta"]["agency"] or "-"})):
            response = case.call(base_url=stack.search_url, timeout=60)
            try:
                case.validate_response(response, checks=checks)
            except Exception as e:  # noqa: BLE001 — a FailureGroup: keep its report
                failures.append(f"{case.formatted_path} → {response.status_code}: {str(e)[:1500]}")
    assert failures == [], "\n\n".join(failures[:10])
