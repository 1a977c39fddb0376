"""Opt-in cProfile of Celery pool processes, for finding where a stage's time goes (bench/pipeline.py
--profile). With NIANBAO_PROFILE_DIR set, every pool process profiles itself from start and rewrites
<dir>/<queue>-<pid>.prof after every 25th task (pool children leave with os._exit, so there is no
reliable exit hook). Off by default: nothing is imported or connected.
"""
from __future__ import annotations

import cProfile
import os
import sys
from pathlib import Path

_profiler: cProfile.Profile | None = None
_tasks = 0
_target: Path | None = None


def _queue_name() -> str:
    argv = sys.argv
    return argv[argv.index("-Q") + 1] if "-Q" in argv else "worker"


def start(folder: str) -> None:
    global _profiler, _target
    _target = Path(folder) / f"{_queue_name()}-{os.getpid()}.prof"
    _target.parent.mkdir(parents=True, exist_ok=True)
    _profiler = cProfile.Profile()
    _profiler.enable()


def task_done(every: int = 25) -> None:
    global _tasks
    if _profiler is None or _target is None:
        return
    _tasks += 1
    if _tasks % every == 0:
        _profiler.dump_stats(_target)   # disables the profiler…
        _profiler.enable()              # …so switch it back on
