"""Closed by default (issue 19): the setting, the Docker deployment and the local run script agree —
only an explicit NIANBAO_OPEN_ACCESS=1 opens uploads and admin, and only where the APIs listen on 127.0.0.1."""
from __future__ import annotations

import re
import subprocess

import yaml

from shared.settings import Settings
from tests.paths import REPO

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
RUN_SH = (REPO / "scripts" / "run.sh").read_text(encoding="utf-8")


def test_settings_default_is_closed(monkeypatch):
    monkeypatch.delenv("NIANBAO_OPEN_ACCESS", raising=False)
    monkeypatch.delenv("NIANBAO_REQUIRE_API_KEY", raising=False)
    assert Settings().open_access is False
    monkeypatch.setenv("NIANBAO_OPEN_ACCESS", "1")
    assert Settings().open_access is True


def test_compose_keeps_keys_required_everywhere():
    for name, svc in COMPOSE["services"].items():
        env = svc.get("environment") or {}
        if isinstance(env, dict) and "NIANBAO_OPEN_ACCESS" in env:
            assert str(env["NIANBAO_OPEN_ACCESS"]) == "0", name
    assert str(COMPOSE["services"]["ingest"]["environment"]["NIANBAO_OPEN_ACCESS"]) == "0"


def test_compose_samples_load_with_a_key_of_their_own():
    cmd = " ".join(COMPOSE["services"]["samples"]["command"])
    assert "apikey create" in cmd and "NIANBAO_API_KEY=" in cmd and "load-samples" in cmd and "apikey revoke" in cmd


def test_run_sh_opens_only_on_loopback_and_says_so():
    assert 'NIANBAO_OPEN_ACCESS="${NIANBAO_OPEN_ACCESS:-1}"' in RUN_SH
    hosts = re.findall(r"uvicorn\S*\s+\S+\s+--host\s+(\S+)", RUN_SH)
    assert hosts and set(hosts) == {"127.0.0.1"}
    assert "采集 API 已开放：只监听 127.0.0.1" in RUN_SH and "Ingest API open: listening on 127.0.0.1 only" in RUN_SH


def test_run_sh_open_access_helper_reads_like_pydantic():
    """The script's open/closed test must agree with how the API reads the same variable."""
    fn = RUN_SH[RUN_SH.index("open_access() {"):]
    fn = fn[:fn.index("\n}\n") + 3]
    for value, want in (("1", True), ("true", True), ("ON", True), ("0", False), ("false", False), ("", False)):
        r = subprocess.run(["bash", "-c", f"{fn}\nNIANBAO_OPEN_ACCESS='{value}'; open_access"], capture_output=True)
        assert (r.returncode == 0) is want, value
