#!/usr/bin/env bash
# Local Redis (Debian's redis-server), the Celery broker and result backend.
#   scripts/redis.sh start|stop|status
# Environment (so tests can run their own instance beside the default one):
#   REDIS_PORT  port on 127.0.0.1                 (default 6379)
#   REDIS_DIR   append-only file, dump, log, pid  (default var/redis-$REDIS_PORT)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_DIR="${REDIS_DIR:-var/redis-$REDIS_PORT}"
[[ "$REDIS_DIR" == /* ]] || REDIS_DIR="$ROOT/$REDIS_DIR"
PIDFILE="$REDIS_DIR/redis.pid"
LOGFILE="$REDIS_DIR/redis.log"

ping() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep PONG >/dev/null; }

cmd_start() {
  local i
  command -v redis-server >/dev/null || die "未安装 redis-server，请先运行 scripts/setup.sh" \
                                            "redis-server is not installed, run scripts/setup.sh first"
  if ping; then
    info "Redis 已在端口 $REDIS_PORT 运行，复用" "Redis already running on port $REDIS_PORT, reusing it"
    live_pid "$PIDFILE" >/dev/null || warn "该 Redis 不是本脚本启动的 (无 $PIDFILE)，可能未开启 AOF" \
                                           "that Redis was not started by this script (no $PIDFILE); AOF may be off"
    return 0
  fi
  mkdir -p "$(dirname "$REDIS_DIR")"
  exec 8>"$REDIS_DIR.start.lock"   # one starter per instance
  flock -w 60 8 || die "等待启动锁超时" "timed out waiting for the start lock"
  if ! ping && ! live_pid "$PIDFILE" >/dev/null; then
    port_open "$REDIS_PORT" && die "端口 $REDIS_PORT 已被其他程序占用" "port $REDIS_PORT is used by another program"
    mkdir -p "$REDIS_DIR"
    rm -f "$PIDFILE"
    info "启动 Redis (127.0.0.1:$REDIS_PORT, 数据 $REDIS_DIR)" "starting Redis (127.0.0.1:$REDIS_PORT, data in $REDIS_DIR)"
    # appendonly: every write goes to the AOF, so queued jobs survive a restart.
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
      --appendonly yes --appendfsync everysec \
      --daemonize yes --pidfile "$PIDFILE" --logfile "$LOGFILE" 8>&- \
      || die "redis-server 启动失败 (日志: $LOGFILE)" "redis-server failed to start (log: $LOGFILE)"
  fi
  for ((i = 0; i < 100; i++)); do
    ping && { info "Redis 就绪: redis://127.0.0.1:$REDIS_PORT/0" "Redis ready: redis://127.0.0.1:$REDIS_PORT/0"; return 0; }
    sleep 0.1
  done
  [[ -s "$LOGFILE" ]] && tail -n 20 "$LOGFILE" >&2
  die "Redis 在 10s 内未响应 PING (日志: $LOGFILE)" "Redis did not answer PING within 10s (log: $LOGFILE)"
}

cmd_status() {
  if ping; then
    info "Redis 运行中 (127.0.0.1:$REDIS_PORT, pid $(live_pid "$PIDFILE" || echo '?'))" \
         "Redis running (127.0.0.1:$REDIS_PORT, pid $(live_pid "$PIDFILE" || echo '?'))"
    return 0
  fi
  info "Redis 未运行 (端口 $REDIS_PORT)" "Redis is not running (port $REDIS_PORT)"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) stop_pid "Redis :$REDIS_PORT" "$PIDFILE" 30 ;;
  status) cmd_status ;;
  *) echo "usage: REDIS_PORT=6379 $0 start|stop|status" >&2; exit 2 ;;
esac
