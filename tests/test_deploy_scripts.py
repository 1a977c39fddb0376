"""The deployment files agree with each other and the helper scripts behave: docker-compose.yml
(services, queues, shared storage, versions), scripts/redis.sh on a private port, and
scripts/test.sh turning pytest's "no tests collected" into a failure."""
from __future__ import annotations

import os
import re
import socket
import subprocess

import elasticsearch
import pytest
import yaml

from tests.paths import REPO

STAGES = ("normalize", "ocr", "parse", "validate", "index")
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def _es_version_in_scripts() -> str:
    m = re.search(r'^ES_VERSION="([0-9.]+)"', (REPO / "scripts" / "lib.sh").read_text(), re.M)
    assert m, "ES_VERSION not found in scripts/lib.sh"
    return m.group(1)


def _volume_targets(service: dict) -> dict[str, str]:
    out = {}
    for v in service.get("volumes", []):
        src, dst = v.split(":")[:2]
        out[dst] = src
    return out


def test_compose_has_every_service():
    want = {"elasticsearch", "kibana", "redis", "init", "ingest", "search", "flower",
            *(f"worker-{s}" for s in STAGES)}
    assert want <= set(SERVICES)


def test_elasticsearch_versions_agree():
    """Local zip, Docker image, Kibana and the Python client must share the major version."""
    local = _es_version_in_scripts()
    assert SERVICES["elasticsearch"]["image"].endswith(f":{local}")
    assert SERVICES["kibana"]["image"].endswith(f":{local}")
    assert elasticsearch.__versionstr__.split(".")[0] == local.split(".")[0]


@pytest.mark.parametrize("stage", STAGES)
def test_worker_consumes_its_own_queue_and_scales(stage):
    svc = SERVICES[f"worker-{stage}"]
    cmd = svc["command"]
    assert cmd[:4] == ["celery", "-A", "shared.celery_app", "worker"]
    assert cmd[cmd.index("-Q") + 1] == stage
    assert "container_name" not in svc  # a fixed name would forbid --scale
    assert _volume_targets(svc).get("/data/storage") == "storage"


def test_ocr_worker_warms_its_engine_and_has_a_memory_ceiling():
    svc = SERVICES["worker-ocr"]
    assert svc["environment"]["NIANBAO_OCR_WARM"] == "1"
    assert "--max-memory-per-child" in svc["command"]
    assert "NIANBAO_OCR_WARM" not in SERVICES["worker-parse"].get("environment", {})


def test_app_services_share_settings_and_storage():
    for name in ("ingest", *(f"worker-{s}" for s in STAGES)):
        env = SERVICES[name]["environment"]
        assert env["NIANBAO_REDIS_URL"] == "redis://redis:6379/0"
        assert env["NIANBAO_ES_URL"] == "http://elasticsearch:9200"
        assert env["NIANBAO_STORAGE_DIR"] == "/data/storage"
        assert _volume_targets(SERVICES[name])["/data/storage"] == "storage"
    assert "storage" in COMPOSE["volumes"]


def test_init_and_redis_commands():
    assert SERVICES["init"]["command"] == ["nianbao", "init-index"]
    redis_cmd = SERVICES["redis"]["command"]
    assert redis_cmd[redis_cmd.index("--appendonly") + 1] == "yes"


@pytest.mark.parametrize("script", sorted(p.name for p in (REPO / "scripts").glob("*.sh")))
def test_scripts_parse(script):
    r = subprocess.run(["bash", "-n", str(REPO / "scripts" / script)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_redis_script_lifecycle(tmp_path):
    port = _free_port()
    env = {**os.environ, "REDIS_PORT": str(port), "REDIS_DIR": str(tmp_path / "redis")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(REPO / "scripts" / "redis.sh"), *args], env=env,
                              capture_output=True, text=True, timeout=60)

    try:
        assert run("start").returncode == 0
        assert run("start").returncode == 0  # second start reuses it
        assert run("status").returncode == 0
        ping = subprocess.run(["redis-cli", "-p", str(port), "config", "get", "appendonly"],
                              capture_output=True, text=True)
        assert ping.stdout.split() == ["appendonly", "yes"]
        assert (tmp_path / "redis" / "redis.pid").exists()
    finally:
        assert run("stop").returncode == 0
    assert run("status").returncode == 3
    assert not (tmp_path / "redis" / "redis.pid").exists()


@pytest.mark.integration
def test_test_script_fails_when_no_tests_are_collected(tmp_path):
    (tmp_path / "empty").mkdir()
    r = subprocess.run(["bash", str(REPO / "scripts" / "test.sh"), str(tmp_path / "empty"), "-p", "no:cacheprovider",
                        f"--junitxml={tmp_path / 'junit.xml'}"],
                       cwd=REPO, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                       env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})  # faster: no plugins needed
    assert r.returncode == 1
    assert "collected no tests (exit code 5)" in r.stderr
