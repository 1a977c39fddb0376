#!/usr/bin/env bash
# THE test command: set up, then run pytest with any arguments given.
#   scripts/test.sh                 the whole suite
#   scripts/test.sh -k parser -x    any pytest arguments
# Integration tests start their own Redis/Elasticsearch on test ports through scripts/redis.sh
# and scripts/es.sh (see tests/integration/stack.py). JUnit XML goes to test-artifacts/junit.xml.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT" || exit 1

bash "$ROOT/scripts/setup.sh" || die "环境准备失败 (scripts/setup.sh)" "setup failed (scripts/setup.sh)"
mkdir -p test-artifacts

# If we are interrupted, pytest may not reach its teardown: stop the test servers ourselves.
cleanup() {
  REDIS_PORT="${NIANBAO_TEST_REDIS_PORT:-6390}" REDIS_DIR="var/test/redis-${NIANBAO_TEST_REDIS_PORT:-6390}" \
    bash "$ROOT/scripts/redis.sh" stop >/dev/null 2>&1 || true
  ES_PORT="${NIANBAO_TEST_ES_PORT:-9250}" ES_DIR="var/test/es-${NIANBAO_TEST_ES_PORT:-9250}" \
    bash "$ROOT/scripts/es.sh" stop >/dev/null 2>&1 || true
}
trap 'cleanup; exit 130' INT TERM

# The code's own rules first: a broken import contract, a style error (ruff) or a type error (mypy)
# fails the run before any test starts.
info "检查导入约定 (lint-imports)" "checking the import contracts (lint-imports)"
"$VENV/bin/lint-imports" --no-cache || die "导入约定被破坏，见上方输出" "an import contract is broken, see above" 1
info "检查代码风格 (ruff)" "checking the style (ruff)"
"$VENV/bin/ruff" check . || die "代码风格检查未通过，见上方输出" "ruff found style errors, see above" 1
info "检查类型 (mypy)" "checking the types (mypy)"
"$VENV/bin/mypy" || die "类型检查未通过，见上方输出" "mypy found type errors, see above" 1

"$VENV/bin/pytest" --junitxml=test-artifacts/junit.xml "$@" </dev/null &
wait $! ; rc=$?

case "$rc" in
  0) ;;
  5) die "pytest 没有收集到任何测试 (退出码 5)" "pytest collected no tests (exit code 5)" 1 ;;
  *) warn "测试失败 (pytest 退出码 $rc)" "tests failed (pytest exit code $rc)" ;;
esac
exit "$rc"
