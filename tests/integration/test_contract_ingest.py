"""The ingest API answers what its OpenAPI document says (issue 19): schemathesis with every check
(`--checks all`: status codes, content types, headers and bodies conform; requests the schema allows
are accepted and ones it forbids refused with 4xx; auth not ignored; …), positive and negative data,
all phases (examples, coverage, fuzzing, stateful), against the real stack — closed, as deployed, and
called with an admin API key so every route behind auth is reached.

The schemathesis CLI runs in a subprocess: it is the exact `--checks all` run, with its phases, and
schemathesis' pytest plugin does not load under pytest 9 here. One known false positive of schemathesis
is dropped by tests/integration/contract_hooks.py (and only that one; see its docstring)."""
from __future__ import annotations

import base64
import json
import os
import subprocess

import httpx
import pytest

from tests.integration.conftest import running_stack, wait_status
from tests.integration.stack import BIN, Stack
from tests.paths import REPO

MAX_EXAMPLES = 40  # per operation and phase: ~1000 requests, well under a minute on 2 cores
SEED = 19          # fixed: a failure is reproducible, and CI does not flake on a new draw
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"contract-test-secret-0123456789!").decode()


@pytest.fixture(scope="module")
def closed(servers, tmp_path_factory):
    """A stack as deployed: keys required (NIANBAO_OPEN_ACCESS=0), one webhook source configured."""
    yield from running_stack(tmp_path_factory, "contract", NIANBAO_OPEN_ACCESS="0",
                             NIANBAO_WEBHOOK_SOURCES=json.dumps({"gov": {"secrets": [WEBHOOK_SECRET]}}))


@pytest.fixture(scope="module")
def admin_key(closed: Stack) -> str:
    # A rate limit far above what the run sends: the contract, not the limiter, is under test here.
    r = subprocess.run([str(BIN / "nianbao"), "apikey", "create", "--name", "contract", "--scope", "admin",
                        "--rate-limit", "100000/minute"], cwd=REPO, env={**os.environ, **closed.env},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


@pytest.fixture(scope="module")
def corrected(closed: Stack, admin_key: str) -> tuple[str, str]:
    """A real report with one correction, so the corrections routes are reached beyond their 404."""
    auth = {"Authorization": f"Bearer {admin_key}"}
    sample = REPO / "samples" / "000_642ff1a02613d8d6.txt"
    r = httpx.post(f"{closed.ingest_url}/api/v1/documents", headers=auth,
                   files={"file": (sample.name, sample.read_bytes())}, timeout=30)
    doc_id = r.json()["id"]
    assert wait_status(closed, doc_id)["status"] == "indexed"
    r = httpx.post(f"{closed.ingest_url}/api/v1/reports/{doc_id}/corrections", headers=auth, timeout=10,
                   json={"path": "applications.granted.total", "value": 99, "reason": "contract"})
    assert r.status_code == 201, r.text
    return doc_id, r.json()["id"]


def test_ingest_api_matches_its_openapi_all_checks(closed, admin_key, corrected, tmp_path):
    config = tmp_path / "schemathesis.toml"
    report_id, correction_id = corrected
    # Deliveries to a configured source reach the signature check (401) instead of stopping at 404; the
    # corrections routes work on a real report and correction.
    config.write_text('[[operations]]\ninclude-path = "/api/v1/webhooks/{source}"\n'
                      'parameters = { "path.source" = "gov" }\n'
                      + "".join(f'[[operations]]\ninclude-path = "{p}"\nparameters = {{ "path.report_id" = "{report_id}"'
                                + (f', "path.correction_id" = "{correction_id}"' if "correction_id" in p else "") + " }\n"
                                for p in ("/api/v1/reports/{report_id}/corrections",
                                          "/api/v1/reports/{report_id}/corrections/{correction_id}/revert")))
    r = subprocess.run(
        [str(BIN / "schemathesis"), "--config-file", str(config), "--no-color", "run",
         f"{closed.ingest_url}/openapi.json", "--checks", "all", "--mode", "all",
         "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1",
         "--generation-database", "none", "--suppress-health-check", "all",
         "-H", f"Authorization: Bearer {admin_key}"],
        cwd=REPO, env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.integration.contract_hooks"},
        capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-12000:]
    # documents (POST, GET), health, dead letters, requeue, webhooks; corrections (set, revert, a report's, all)
    assert "Tested: 10" in out, out[-3000:]
    # The key reached every route behind it: only webhook deliveries, which authenticate by signature
    # (not generated here; tests/integration/test_webhooks.py signs real ones), stop at 401.
    assert unauthorized_only(out) <= {"POST /api/v1/webhooks/{source}"}, out[-3000:]
    assert "Missing test data" not in out, out[-3000:]


def unauthorized_only(out: str) -> set[str]:
    """Operations schemathesis' "Authentication failed" warning lists (they answered nothing but 401/403)."""
    if "Authentication failed" not in out:
        return set()
    section = out.split("Authentication failed", 1)[1].split("💡", 1)[0]
    return {line.strip()[2:] for line in section.splitlines() if line.strip().startswith("- ")}


def test_validation_errors_have_the_declared_problem_shape(closed, admin_key):
    """422s answer `detail` as a bilingual string (plus `errors` for field validation), as declared."""
    auth = {"Authorization": f"Bearer {admin_key}"}
    r = httpx.post(f"{closed.ingest_url}/api/v1/documents?source_url=", headers=auth, timeout=10)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str) and "empty document" in r.json()["detail"]
    r = httpx.get(f"{closed.ingest_url}/api/v1/documents/not-an-id", timeout=10)
    body = r.json()
    assert r.status_code == 422 and "请求无效" in body["detail"] and "invalid request" in body["detail"]
    assert body["errors"][0]["loc"] == ["path", "doc_id"]
    r = httpx.post(f"{closed.ingest_url}/api/v1/documents", headers=auth, timeout=10,
                   files={"file": ("r.txt", b"x"), "flie": (None, "typo")})
    assert r.status_code == 422 and "flie" in r.json()["detail"]


def test_openapi_documents_what_each_route_answers(closed):
    spec = httpx.get(f"{closed.ingest_url}/openapi.json", timeout=10).json()
    codes = {(m.upper(), p): set(op["responses"]) for p, ops in spec["paths"].items() for m, op in ops.items()}
    assert codes[("POST", "/api/v1/documents")] >= {"202", "401", "403", "413", "415", "422", "429", "503"}
    assert codes[("GET", "/api/v1/health")] == {"200", "503"}
    assert codes[("POST", "/api/v1/admin/deadletters/{doc_id}/requeue")] >= {"202", "401", "403", "404", "503"}
    assert codes[("POST", "/api/v1/webhooks/{source}")] >= {"200", "202", "401", "404", "409", "413", "415",
                                                             "422", "429", "502", "503", "504"}
    post = spec["paths"]["/api/v1/documents"]["post"]
    assert post["security"] and {"multipart/form-data", "application/octet-stream"} <= set(post["requestBody"]["content"])
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["properties"]["detail"]["type"] == "string"
