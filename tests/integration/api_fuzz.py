"""Schemathesis over an API's own OpenAPI spec on the real stack, shared by the ingest and search tests.

The operations' Hypothesis strategies are driven directly (schemathesis' pytest plugin does not load
under pytest 9 here): one `@given` run per operation and generation mode, a bounded number of examples
each, so a run stays within minutes on a 2-core machine.

- `checks="not_a_server_error"`: no answer is a 5xx (a documented 503 of /api/v1/health excepted);
- `checks="all"`: every response check schemathesis has (`--checks all`): no 5xx, status codes,
  content types, response headers and bodies as documented, requests the schema allows accepted
  (positive data), requests it forbids refused with a 4xx (negative data), and the rest; with
  `negative=True` negative cases are generated too, with `coverage=True` schemathesis' coverage phase
  (each parameter at and beyond its limits, unexpected methods) runs first.

One false positive of schemathesis is dropped, nothing else: a "negative" case whose query, read as
sent, is valid after all (`_query_reads_valid`) may be accepted.

Failures are collected (first ones kept per operation) rather than raised at the first, so one run
reports every operation that breaks its contract."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import CHECKS, not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.core.parameters import ParameterLocation

MAX_EXAMPLES = 12  # per operation and mode: enough to hit odd inputs, short enough for a 2-core machine
PER_OPERATION = 3  # failures kept per operation and mode (the rest are usually the same one again)


def all_checks() -> list:
    """Every registered check (`--checks all`: the 14 of schemathesis 4.32, from not_a_server_error to
    unsupported_method and allow_header_conformance, which judge the coverage phase's unexpected-method
    cases). Class-based checks, if a later version registers any, only its own runner can drive."""
    import schemathesis.specs.openapi.checks  # noqa: F401 — registers the OpenAPI checks

    return [c for c in CHECKS.get_all() if not isinstance(c, type)]


_TRUE, _FALSE = {"true", "1", "yes", "on", "t", "y"}, {"false", "0", "no", "off", "f", "n"}


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    found = {t} if isinstance(t, str) else set(t or ())
    for sub in schema.get("anyOf", []) + schema.get("oneOf", []):
        found |= _types(sub)
    return found


def _as_read(text: str, schema: dict[str, Any]) -> Any:
    """One query-string value as the server reads it: text turned into the declared scalar type."""
    types = _types(schema)
    if "integer" in types:
        try:
            return int(text)
        except ValueError:
            pass
    if "number" in types:
        try:
            return float(text)
        except ValueError:
            pass
    if "boolean" in types and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    return text


def _query_reads_valid(case: Case, response: Any) -> bool:
    """Whether a "negative" case's query, as it went over the wire and as the server reads it (every
    value of an array parameter, the last of any other, each converted to its declared type), fits the
    schema after all. Schemathesis' own allowance for this misses combinations, e.g. a number generated
    for a string `q` together with a lone string for an array parameter: both are valid on the wire."""
    meta = case.meta
    if meta is None or any(meta.is_negative_at(loc) for loc in ParameterLocation if loc is not ParameterLocation.QUERY):
        return False
    container = case.operation.get_parameter_set(ParameterLocation.QUERY)
    props: dict[str, Any] = container.schema.get("properties", {}) if container else {}
    read: dict[str, Any] = {}
    for name, texts in parse_qs(urlsplit(response.request.url).query, keep_blank_values=True).items():
        schema = props.get(name)
        if schema is None:
            continue  # a parameter the operation does not have is ignored
        if "array" in _types(schema):
            read[name] = [_as_read(t, schema.get("items", {})) for t in texts]
        else:
            read[name] = _as_read(texts[-1], schema)
    return container is not None and container.get_strict_validator().is_valid(read)


def fuzz(base_url: str, *, checks: str = "not_a_server_error", negative: bool = False,
         coverage: bool = False, max_examples: int = MAX_EXAMPLES, derandomize: bool = True,
         adjust_positive: Callable[[Case], None] | None = None) -> tuple[int, list[str]]:
    """Fuzzes every operation of `{base_url}/openapi.json`; returns (operations exercised, failures).

    checks: "not_a_server_error" (only: no 5xx) or "all" (schemathesis' full set of checks).
    negative: also generate requests the schema forbids (they must be refused with a 4xx).
    coverage: also run schemathesis' coverage phase first (deterministic: every parameter at its
      boundaries, just beyond them, missing, of the wrong type; the CLI's default first phase).
    derandomize: the same cases every run (CI); False explores new ones.
    adjust_positive: called on each positive case before it is sent, for rules between parameters that
    an OpenAPI schema of independent parameters cannot state (a client follows the operation's
    description there); it may change `case.query` and friends in place."""
    assert checks in ("not_a_server_error", "all"), checks
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    chosen = all_checks() if checks == "all" else [not_a_server_error]
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if negative else [GenerationMode.POSITIVE]
    failures: list[str] = []
    ops = 0

    def check(case: Case, mode: GenerationMode, found: list[str]) -> None:
        if mode is GenerationMode.POSITIVE and adjust_positive is not None:
            adjust_positive(case)
        response = case.call(base_url=base_url, timeout=60)
        if checks == "not_a_server_error":
            if case.formatted_path == "/api/v1/health" and response.status_code == 503:
                return  # the documented answer while a component is down, not an error
            if response.status_code >= 500:
                found.append(f"{case.method} {case.formatted_path} {case.query or ''} → "
                             f"{response.status_code}: {response.text[:300]}")
            return
        try:
            case.validate_response(response, checks=chosen)
        except (FailureGroup, AssertionError) as e:
            only = e.exceptions if isinstance(e, FailureGroup) else (e,)
            if all(isinstance(f, AcceptedNegativeData) for f in only) and _query_reads_valid(case, response):
                return  # the request was valid as sent: accepting it is right
            if len(found) < PER_OPERATION:
                found.append(f"[{mode.value}] {case.method} {case.formatted_path} query={case.query!r}"
                             f" → {response.status_code}: {str(e)[:1500]}")

    for result in schema.get_all_operations():
        op = result.ok()
        ops += 1
        if coverage:  # schemathesis' coverage phase: each parameter at and beyond its limits
            found: list[str] = []
            for case in schema.iter_coverage_cases(op, generation_modes=modes,
                                                   generation_config=schema.config.generation_for(operation=op)):
                check(case, case.meta.generation.mode if case.meta else GenerationMode.POSITIVE, found)
            failures += found
        for mode in modes:
            calls = 0
            found = []

            @settings(max_examples=max_examples, deadline=None, derandomize=derandomize, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case: Case) -> None:
                nonlocal calls
                calls += 1
                check(case, mode, found)  # noqa: B023 — run() runs in this iteration; @given refuses default args

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, e.g. GET /api/v1/schema): no negative case.
                if mode is GenerationMode.NEGATIVE:
                    continue
                raise
            assert calls > 0, (op.label, mode)
            failures += found
    return ops, failures
