#!/usr/bin/env bash
# Local single-node Elasticsearch (the integ-test zip unpacked by setup.sh).
#   scripts/es.sh start|stop|status|wait|logs
# Environment (so tests can run their own instance beside the default one):
#   ES_PORT            HTTP port                     (default 9200)
#   ES_TRANSPORT_PORT  transport port                (default ES_PORT+100)
#   ES_DIR             data, logs, config, pidfile   (default var/es-$ES_PORT)
#   ES_HEAP            JVM heap, -Xms = -Xmx         (default 1g)
#   ES_WAIT_SECONDS    how long start/wait wait for health yellow (default 180)
#   ES_JAVA_HOME       JDK >= 21 (default: found by setup.sh's rules)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ES_PORT="${ES_PORT:-9200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-$((ES_PORT + 100))}"
ES_DIR="${ES_DIR:-var/es-$ES_PORT}"
[[ "$ES_DIR" == /* ]] || ES_DIR="$ROOT/$ES_DIR"
ES_HEAP="${ES_HEAP:-1g}"
ES_WAIT_SECONDS="${ES_WAIT_SECONDS:-180}"
CLUSTER="nianbao-$ES_PORT"
PIDFILE="$ES_DIR/es.pid"
URL="http://127.0.0.1:$ES_PORT"
LOG="$ES_DIR/logs/$CLUSTER.log"
STARTUP_LOG="$ES_DIR/logs/startup.log"

# Cluster health is yellow or green (a single node never gets replicas: yellow is normal).
healthy() {
  curl -fsS --max-time 5 "$URL/_cluster/health" 2>/dev/null | grep -E '"status":"(yellow|green)"' >/dev/null
}

show_log_tail() {
  local f
  for f in "$STARTUP_LOG" "$LOG"; do
    [[ -s "$f" ]] || continue
    echo "----- tail -n 40 $f -----" >&2
    tail -n 40 "$f" >&2
  done
}

# wait_healthy [PID]: poll health for ES_WAIT_SECONDS; give up early if PID dies.
wait_healthy() {
  local pid="${1:-}" deadline=$((SECONDS + ES_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    healthy && return 0
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 1
  done
  return 1
}

# Per-instance config dir: a copy of the distribution's, with our elasticsearch.yml and
# JVM file paths moved into ES_DIR (the distribution's are relative to the working dir).
write_config() {
  local conf="$ES_DIR/config"
  mkdir -p "$conf/jvm.options.d" "$ES_DIR/data" "$ES_DIR/logs" "$ES_DIR/tmp"
  cp "$ES_HOME/config/log4j2.properties" "$conf/"
  sed -e "s#file=gc.log#file=$ES_DIR/logs/gc.log#" \
      -e "s#-XX:ErrorFile=hs_err_pid%p.log#-XX:ErrorFile=$ES_DIR/logs/hs_err_pid%p.log#" \
      "$ES_HOME/config/jvm.options" >"$conf/jvm.options"
  echo "-XX:HeapDumpPath=$ES_DIR/logs" >"$conf/jvm.options.d/nianbao.options"
  # The integ-test zip carries x-pack-core and x-pack-security only, so xpack.security.*
  # is accepted; no ML/geoip settings exist here.
  cat >"$conf/elasticsearch.yml" <<EOF
# Written by scripts/es.sh on every start; edit the script, not this file.
cluster.name: $CLUSTER
node.name: $CLUSTER
path.data: $ES_DIR/data
path.logs: $ES_DIR/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
# Small disks (CI) must not flip indices to read-only.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  if [[ "$(id -u)" == 0 ]]; then
    chown -R "$ES_USER:$ES_USER" "$ES_DIR"
    as_es_user test -w "$ES_DIR/data" \
      || die "用户 $ES_USER 无法写入 $ES_DIR (上级目录权限不足，如 pytest 的 tmp_path；请放在 var/ 下)" \
             "user $ES_USER cannot write $ES_DIR (a parent directory is closed, e.g. pytest's tmp_path; put it under var/)"
  fi
}

cmd_start() {
  local pid jh
  if healthy; then
    info "Elasticsearch 已在 $URL 运行，复用" "Elasticsearch already running at $URL, reusing it"
    return 0
  fi
  # One starter per instance: a concurrent `start` waits here, then finds the node starting/healthy.
  mkdir -p "$(dirname "$ES_DIR")"
  exec 8>"$ES_DIR.start.lock"
  flock -w "$((ES_WAIT_SECONDS + 60))" 8 || die "等待启动锁超时 ($ES_DIR.start.lock)" "timed out waiting for the start lock ($ES_DIR.start.lock)"
  if pid="$(live_pid "$PIDFILE")"; then
    info "Elasticsearch 正在启动 (pid $pid)，等待" "Elasticsearch is starting (pid $pid), waiting"
  else
    port_open "$ES_PORT" && die "端口 $ES_PORT 已被其他程序占用" "port $ES_PORT is used by another program"
    port_open "$ES_TRANSPORT_PORT" && die "传输端口 $ES_TRANSPORT_PORT 已被占用 (设置 ES_TRANSPORT_PORT)" \
                                            "transport port $ES_TRANSPORT_PORT is in use (set ES_TRANSPORT_PORT)"
    [[ -x "$ES_HOME/bin/elasticsearch" ]] || die "未安装 Elasticsearch，请先运行 scripts/setup.sh" \
                                                 "Elasticsearch is not installed, run scripts/setup.sh first"
    jh="$(find_java_home)" || die "找不到 JDK >= $MIN_JAVA，请先运行 scripts/setup.sh" \
                                  "no JDK >= $MIN_JAVA found, run scripts/setup.sh first"
    write_config
    rm -f "$PIDFILE"
    info "启动 Elasticsearch $ES_VERSION ($URL, 数据 $ES_DIR)" "starting Elasticsearch $ES_VERSION ($URL, data in $ES_DIR)"
    # -d: the launcher returns once the node has started (or failed); -p: pidfile.
    if ! (cd "$ES_DIR" && as_es_user env -u JAVA_HOME \
            ES_JAVA_HOME="$jh" ES_PATH_CONF="$ES_DIR/config" ES_TMPDIR="$ES_DIR/tmp" \
            ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_EXTRA_JAVA_OPTS:-}" \
            "$ES_HOME/bin/elasticsearch" -d -p "$PIDFILE" >>"$STARTUP_LOG" 2>&1 </dev/null 8>&-); then
      show_log_tail
      die "Elasticsearch 启动失败 (日志见 $ES_DIR/logs)" "Elasticsearch failed to start (logs in $ES_DIR/logs)"
    fi
    pid="$(live_pid "$PIDFILE" || true)"
  fi
  if ! wait_healthy "$pid"; then
    show_log_tail
    die "Elasticsearch 在 ${ES_WAIT_SECONDS}s 内未达到 yellow 状态 (日志见 $ES_DIR/logs)" \
        "Elasticsearch did not reach health yellow within ${ES_WAIT_SECONDS}s (logs in $ES_DIR/logs)"
  fi
  info "Elasticsearch 就绪: $URL" "Elasticsearch ready: $URL"
}

cmd_status() {
  local pid
  if healthy; then
    pid="$(live_pid "$PIDFILE" || echo '?')"
    info "Elasticsearch 运行中 ($URL, pid $pid)" "Elasticsearch running ($URL, pid $pid)"
    curl -fsS --max-time 5 "$URL/_cluster/health?pretty" || true
    return 0
  fi
  if pid="$(live_pid "$PIDFILE")"; then
    info "Elasticsearch 进程存在但未就绪 (pid $pid)" "Elasticsearch process exists but is not healthy (pid $pid)"
    return 1
  fi
  info "Elasticsearch 未运行 ($URL)" "Elasticsearch is not running ($URL)"
  return 3
}

cmd_wait() {
  wait_healthy "$(live_pid "$PIDFILE" || true)" && { info "Elasticsearch 就绪: $URL" "Elasticsearch ready: $URL"; return 0; }
  show_log_tail
  die "等待 Elasticsearch 超时 (${ES_WAIT_SECONDS}s)" "timed out waiting for Elasticsearch (${ES_WAIT_SECONDS}s)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) stop_pid "Elasticsearch :$ES_PORT" "$PIDFILE" 60 ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  logs) show_log_tail ;;
  *) echo "usage: ES_PORT=9200 $0 start|stop|status|wait|logs" >&2; exit 2 ;;
esac
