#!/usr/bin/env bash
# Validate docker-compose.yml: `docker compose config` where the Compose plugin exists, else the
# Compose Specification JSON schema through check-jsonschema (installed into .local/tools-venv).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

if docker compose version >/dev/null 2>&1; then
  docker compose config -q && info "docker compose config: 通过" "docker compose config: ok"
  exit 0
fi
if command -v docker-compose >/dev/null; then
  docker-compose config -q && info "docker-compose config: 通过" "docker-compose config: ok"
  exit 0
fi
TOOLS="$LOCAL_DIR/tools-venv"
if [[ ! -x "$TOOLS/bin/check-jsonschema" ]]; then
  info "安装 check-jsonschema 到 .local/tools-venv" "installing check-jsonschema into .local/tools-venv"
  python3 -m venv "$TOOLS" && "$TOOLS/bin/pip" install -q --disable-pip-version-check check-jsonschema \
    || die "安装 check-jsonschema 失败" "installing check-jsonschema failed"
fi
"$TOOLS/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml \
  || die "docker-compose.yml 不符合 Compose 规范" "docker-compose.yml does not match the Compose Specification"
info "没有 Docker Compose；已按 Compose 规范 JSON Schema 校验" "no Docker Compose here; checked against the Compose Specification JSON schema"
