#!/usr/bin/env bash
# Run the whole system on this machine:
#   scripts/run.sh [start] [--no-samples]   set up, start everything, print the URLs
#   scripts/run.sh stop                     stop everything started here
#   scripts/run.sh status                   show what runs
# Starting again while things run starts nothing twice (pidfiles in var/run/).
# Environment: INGEST_PORT (8000), SEARCH_PORT (8001), REDIS_PORT (6379), ES_PORT (9200);
# the NIANBAO_* settings default to match them. The APIs listen on 127.0.0.1 only, and this local demo
# opens the ingest API (NIANBAO_OPEN_ACCESS=1: uploads without an API key); NIANBAO_OPEN_ACCESS=0
# scripts/run.sh keeps it closed like a deployment (the sample reports then go in with a temporary key).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

INGEST_PORT="${INGEST_PORT:-8000}"
SEARCH_PORT="${SEARCH_PORT:-8001}"
export REDIS_PORT="${REDIS_PORT:-6379}"
export ES_PORT="${ES_PORT:-9200}"
export NIANBAO_REDIS_URL="${NIANBAO_REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"
export NIANBAO_ES_URL="${NIANBAO_ES_URL:-http://127.0.0.1:$ES_PORT}"
export NIANBAO_INGEST_URL="${NIANBAO_INGEST_URL:-http://127.0.0.1:$INGEST_PORT}"
export NIANBAO_SEARCH_URL="${NIANBAO_SEARCH_URL:-http://127.0.0.1:$SEARCH_PORT}"
# Closed by default everywhere else; here only because the APIs below are bound to 127.0.0.1.
export NIANBAO_OPEN_ACCESS="${NIANBAO_OPEN_ACCESS:-1}"

RUN_DIR="$ROOT/var/run"
LOG_DIR="$ROOT/var/log"
STAGES=(normalize ocr parse validate index)
# The ocr worker reads one page of a scan per task (~3–7 s of one core, the RapidOCR engine a few hundred MB
# per process): its own concurrency, and a pool process over this much memory (KiB) is replaced after its task.
OCR_CONCURRENCY="${OCR_CONCURRENCY:-1}"
OCR_MAX_MEMORY_KB="${OCR_MAX_MEMORY_KB:-1500000}"
API_WAIT_SECONDS="${API_WAIT_SECONDS:-90}"
FAILED=0
declare -A LOG_OFFSET=()   # log size before each start, to read only this run's lines

# start_bg NAME PORT|- CMD...: start CMD in its own session (setsid) unless its pidfile is live.
start_bg() {
  local name="$1" port="$2" pid
  shift 2
  if pid="$(live_pid "$RUN_DIR/$name.pid")"; then
    info "$name 已在运行 (pid $pid)，跳过" "$name already running (pid $pid), not starting another"
    return 0
  fi
  if [[ "$port" != - ]] && port_open "$port"; then
    die "端口 $port 已被其他程序占用 ($name 无法启动)" "port $port is used by another program ($name cannot start)"
  fi
  info "启动 $name (日志 var/log/$name.log)" "starting $name (log var/log/$name.log)"
  printf '\n===== %s start: %s =====\n' "$(date '+%F %T')" "$*" >>"$LOG_DIR/$name.log"
  LOG_OFFSET[$name]="$(stat -c %s "$LOG_DIR/$name.log")"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# start_worker STAGE: the Celery worker of one stage queue; the ocr worker warms the OCR engine in its
# processes (NIANBAO_OCR_WARM=1, services/parse/tasks.py) and has its own concurrency and memory cap.
start_worker() {
  local stage="$1"
  if [[ "$stage" == ocr ]]; then
    start_bg worker-ocr - env NIANBAO_OCR_WARM=1 "$VENV/bin/celery" -A shared.celery_app worker -Q ocr \
      -n "ocr@%h" --concurrency "$OCR_CONCURRENCY" --max-memory-per-child "$OCR_MAX_MEMORY_KB" --loglevel INFO
  else
    start_bg "worker-$stage" - "$VENV/bin/celery" -A shared.celery_app worker -Q "$stage" \
      -n "$stage@%h" --concurrency 1 --loglevel INFO
  fi
}

# wait_http NAME URL: wait until NAME answers 2xx at URL (health may say 503 while workers boot).
wait_http() {
  local name="$1" url="$2" code=000 deadline=$((SECONDS + API_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    if ! live_pid "$RUN_DIR/$name.pid" >/dev/null; then
      tail -n 30 "$LOG_DIR/$name.log" >&2 || true
      warn "$name 已退出 (日志 var/log/$name.log)" "$name exited (log var/log/$name.log)"
      FAILED=1
      return 1
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)"
    if [[ "$code" == 2?? ]]; then
      info "$name 就绪 ($url)" "$name ready ($url)"
      return 0
    fi
    sleep 1
  done
  if [[ "$code" == 000 ]]; then
    warn "$name 在 ${API_WAIT_SECONDS}s 内未响应 $url" "$name did not answer $url within ${API_WAIT_SECONDS}s"
  else
    curl -s --max-time 5 "$url" | head -c 600 >&2 || true
    echo >&2
    warn "$name 已响应，但 $url 返回 HTTP $code" "$name answers, but $url returned HTTP $code"
  fi
  FAILED=1
  return 1
}

# wait_worker NAME: a worker has no port; it is ready when Celery logs "ready." after our start.
wait_worker() {
  local name="$1" deadline=$((SECONDS + API_WAIT_SECONDS))
  [[ -n "${LOG_OFFSET[$name]:-}" ]] || return 0   # already running before this call
  while ((SECONDS < deadline)); do
    if tail -c "+$((LOG_OFFSET[$name] + 1))" "$LOG_DIR/$name.log" | grep ' ready\.' >/dev/null; then
      info "$name 就绪" "$name ready"
      return 0
    fi
    if ! live_pid "$RUN_DIR/$name.pid" >/dev/null; then
      tail -n 20 "$LOG_DIR/$name.log" >&2 || true
      warn "$name 已退出 (日志 var/log/$name.log)" "$name exited (log var/log/$name.log)"
      FAILED=1
      return 1
    fi
    sleep 1
  done
  warn "$name 在 ${API_WAIT_SECONDS}s 内未就绪 (日志 var/log/$name.log)" "$name not ready within ${API_WAIT_SECONDS}s (log var/log/$name.log)"
  FAILED=1
  return 1
}

# nianbao_cli CMD...: run a `nianbao` sub-command; a missing command is a warning, not a crash.
nianbao_cli() {
  if [[ ! -x "$VENV/bin/nianbao" ]]; then
    warn "找不到 .venv/bin/nianbao，跳过 'nianbao $*'" ".venv/bin/nianbao not found, skipping 'nianbao $*'"
    FAILED=1
    return 0
  fi
  info "运行 nianbao $*" "running nianbao $*"
  if ! "$VENV/bin/nianbao" "$@"; then
    warn "'nianbao $*' 失败，见上方输出" "'nianbao $*' failed, see the output above"
    FAILED=1
  fi
}

# open_access: whether NIANBAO_OPEN_ACCESS is on (the spellings pydantic reads as true).
open_access() {
  case "${NIANBAO_OPEN_ACCESS,,}" in 1|true|yes|on|t|y) return 0 ;; *) return 1 ;; esac
}

# load_samples: the sample reports through the ingest API; when it is closed and no NIANBAO_API_KEY is
# set, with an ingest key made for this and revoked right after.
load_samples() {
  local key=""
  if open_access || [[ -n "${NIANBAO_API_KEY:-}" ]]; then
    nianbao_cli load-samples
    return 0
  fi
  if ! key="$("$VENV/bin/nianbao" apikey create --name run.sh-samples --scope ingest 2>/dev/null)"; then
    warn "无法创建临时 API 密钥，跳过示例" "could not create a temporary API key, samples skipped"
    FAILED=1
    return 0
  fi
  NIANBAO_API_KEY="$key" nianbao_cli load-samples
  "$VENV/bin/nianbao" apikey revoke "$(cut -d_ -f2 <<<"$key")" >/dev/null || true
}

cmd_start() {
  local samples=1 arg stage
  for arg in "$@"; do
    case "$arg" in
      --no-samples) samples=0 ;;
      *) die "未知参数: $arg" "unknown argument: $arg" 2 ;;
    esac
  done
  bash "$ROOT/scripts/setup.sh"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  bash "$ROOT/scripts/redis.sh" start
  bash "$ROOT/scripts/es.sh" start
  nianbao_cli init-index

  start_bg ingest "$INGEST_PORT" "$VENV/bin/uvicorn" services.ingest.app:app --host 127.0.0.1 --port "$INGEST_PORT"
  start_bg search "$SEARCH_PORT" "$VENV/bin/uvicorn" services.search.app:app --host 127.0.0.1 --port "$SEARCH_PORT"
  for stage in "${STAGES[@]}"; do
    start_worker "$stage"
  done

  # Workers first: the ingest health check reports them.
  for stage in "${STAGES[@]}"; do
    wait_worker "worker-$stage" || true
  done
  wait_http ingest "http://127.0.0.1:$INGEST_PORT/api/v1/health" || true
  wait_http search "http://127.0.0.1:$SEARCH_PORT/api/v1/search" || true
  # After an upgrade that changed the index mapping: rebuild from the stored records (needs the workers).
  nianbao_cli reindex --if-outdated || warn "索引重建未完成，旧索引保持不变；请查看 var/log/ 后运行 nianbao reindex" \
    "index rebuild did not complete, the old index is unchanged; see var/log/, then run nianbao reindex"
  # An index from before the body registry was complete: fill it once (the workers then skip searches).
  nianbao_cli registry-rebuild --if-incomplete
  # After a parser upgrade: re-read the stored originals of records an older parser made (1.1.0 stopped
  # placing numbers by guess), through the queues, without waiting.
  nianbao_cli reprocess --outdated --no-wait || warn "旧记录重新解析未能排队；可稍后运行 nianbao reprocess --outdated" \
    "queueing the re-parse of older records failed; run nianbao reprocess --outdated later"
  ((samples)) && load_samples

  cat <<EOF

  年报系统已启动 / Nianbao is running
    界面 / UI                          http://127.0.0.1:$SEARCH_PORT/
    检索 API 文档 / search API docs     http://127.0.0.1:$SEARCH_PORT/docs
    采集 API 文档 / ingest API docs     http://127.0.0.1:$INGEST_PORT/docs
    Elasticsearch                      $NIANBAO_ES_URL
    Redis                              $NIANBAO_REDIS_URL
    日志 / logs                         var/log/  (ES: var/es-$ES_PORT/logs/, Redis: var/redis-$REDIS_PORT/redis.log)
    停止 / stop                         scripts/run.sh stop

EOF
  if open_access; then
    cat <<EOF
  采集 API 已开放：只监听 127.0.0.1，本机上传和管理无需 API 密钥（NIANBAO_OPEN_ACCESS=1，仅供本机演示；
  部署时不要设置，默认需要密钥：nianbao apikey create --name … --scope ingest）。
  Ingest API open: listening on 127.0.0.1 only, uploads and admin need no API key on this machine
  (NIANBAO_OPEN_ACCESS=1, for a local demo; leave it unset in a deployment, where keys are required
  by default: nianbao apikey create --name … --scope ingest).

EOF
  else
    cat <<EOF
  采集 API 需要 API 密钥 / the ingest API requires API keys:
    .venv/bin/nianbao apikey create --name 我的上传 --scope ingest    → NIANBAO_API_KEY=nbk_…

EOF
  fi
  if ((FAILED)); then
    die "部分组件未正常启动，见上方警告" "some parts did not start cleanly, see the warnings above"
  fi
}

cmd_stop() {
  local stage
  for stage in "${STAGES[@]}"; do
    stop_pid "worker-$stage" "$RUN_DIR/worker-$stage.pid" 30
  done
  stop_pid search "$RUN_DIR/search.pid" 15
  stop_pid ingest "$RUN_DIR/ingest.pid" 15
  bash "$ROOT/scripts/es.sh" stop
  bash "$ROOT/scripts/redis.sh" stop
}

cmd_status() {
  local name pid rc=0
  for name in ingest search "${STAGES[@]/#/worker-}"; do
    if pid="$(live_pid "$RUN_DIR/$name.pid")"; then
      info "$name 运行中 (pid $pid)" "$name running (pid $pid)"
    else
      info "$name 未运行" "$name not running"
      rc=3
    fi
  done
  bash "$ROOT/scripts/redis.sh" status || rc=3
  bash "$ROOT/scripts/es.sh" status >/dev/null || rc=3
  return "$rc"
}

case "${1:-start}" in
  start) shift || true; cmd_start "$@" ;;
  --no-samples) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 [start] [--no-samples] | stop | status" >&2; exit 2 ;;
esac
