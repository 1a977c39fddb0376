"""`nianbao kibana-import` against a stand-in for Kibana: a local HTTP server that records the request
and answers like Kibana's saved-objects import API (POST /api/saved_objects/_import, multipart field
`file`, `kbn-xsrf` header, `overwrite=true`). Kibana itself cannot run on these machines."""
from __future__ import annotations

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from services.cli import app
from shared.kibana import load_objects
from shared.settings import get_settings


class FakeKibana(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.status_answers = [200]           # successive /api/status codes; the last one repeats
        self.import_answer: dict | None = None  # None: success with the number of objects received

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def imports(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("/_import")]


class Handler(BaseHTTPRequestHandler):
    server: FakeKibana

    def log_message(self, *_):
        pass

    def _answer(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.requests.append({"method": "GET", "path": urlsplit(self.path).path})
        answers = self.server.status_answers
        code = answers.pop(0) if len(answers) > 1 else answers[0]
        self._answer(code, {"status": {"overall": {"level": "available" if code == 200 else "unavailable"}}})

    def do_POST(self):
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers["content-length"]))
        rec = {"method": "POST", "path": parts.path, "query": parse_qs(parts.query),
               "headers": {k.lower(): v for k, v in self.headers.items()}, "files": {}}
        msg = BytesParser(policy=HTTP).parsebytes(
            f"content-type: {self.headers['content-type']}\r\n\r\n".encode() + body)
        for part in msg.iter_parts():
            rec["files"][part.get_param("name", header="content-disposition")] = (
                part.get_filename(), part.get_payload(decode=True))
        self.server.requests.append(rec)
        if "kbn-xsrf" not in rec["headers"]:  # what Kibana answers without the header
            return self._answer(400, {"statusCode": 400, "error": "Bad Request",
                                      "message": "Request must contain a kbn-xsrf header."})
        lines = [json.loads(x) for x in rec["files"].get("file", (None, b""))[1].decode().splitlines() if x]
        self._answer(200, self.server.import_answer or {"success": True, "successCount": len(lines), "errors": []})


@pytest.fixture
def kibana():
    srv = FakeKibana()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def settings_env(monkeypatch):
    monkeypatch.setenv("NIANBAO_EVENTS_PREFIX", "acme-events")
    monkeypatch.setenv("NIANBAO_ES_ALIAS", "acme-reports")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(app, ["kibana-import", *args])


def test_import_request_has_kibanas_documented_shape(kibana, settings_env):
    res = run("--url", kibana.url)
    assert res.exit_code == 0, res.output
    [req] = kibana.imports()
    assert req["method"] == "POST" and req["path"] == "/api/saved_objects/_import"
    assert req["query"] == {"overwrite": ["true"]}  # never together with createNewCopies
    assert req["headers"]["kbn-xsrf"]
    assert req["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert set(req["files"]) == {"file"}
    filename, content = req["files"]["file"]
    assert filename.endswith(".ndjson")  # Kibana refuses other extensions
    sent = [json.loads(line) for line in content.decode("utf-8").splitlines()]
    shipped = load_objects()
    assert [(o["type"], o["id"]) for o in sent] == [(o["type"], o["id"]) for o in shipped]
    # The data views follow this deployment's index names; everything else is sent as shipped.
    titles = {o["id"]: o["attributes"]["title"] for o in sent if o["type"] == "index-pattern"}
    assert titles == {"nianbao-events": "acme-events-*", "nianbao-reports": "acme-reports"}
    assert [o for o in sent if o["type"] != "index-pattern"] == [o for o in shipped if o["type"] != "index-pattern"]
    assert f"imported {len(shipped)} saved objects" in res.output


def test_space_goes_into_the_path(kibana):
    assert run("--url", kibana.url, "--space", "ops").exit_code == 0
    assert kibana.imports()[0]["path"] == "/s/ops/api/saved_objects/_import"


def test_waits_for_kibana_to_become_available(kibana):
    kibana.status_answers = [503, 503, 200]
    res = run("--url", kibana.url, "--wait", "30")
    assert res.exit_code == 0, res.output
    assert [r["path"] for r in kibana.requests] == ["/api/status"] * 3 + ["/api/saved_objects/_import"]


def test_partial_failure_is_reported_and_fails_the_command(kibana):
    kibana.import_answer = {"success": False, "successCount": 3, "errors": [
        {"id": "nianbao-pipeline", "type": "dashboard", "title": "管道运行 / Pipeline",
         "error": {"type": "missing_references", "references": [{"type": "lens", "id": "x"}]}}]}
    res = run("--url", kibana.url)
    assert res.exit_code == 1
    assert "dashboard/nianbao-pipeline" in res.output and "missing_references" in res.output


def test_unreachable_kibana_fails_cleanly():
    res = run("--url", "http://127.0.0.1:9")  # discard port: nothing listens
    assert res.exit_code == 1 and "Traceback" not in res.output
