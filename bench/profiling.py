"""cProfile of Celery pool processes, for finding where a stage's time goes (bench/pipeline.py
--profile starts its workers as `celery -A bench.profiling worker …`). Every pool process profiles
itself from start and rewrites $NIANBAO_PROFILE_DIR/<queue>-<pid>.prof after every 25th task (pool
children leave with os._exit, so there is no reliable exit hook). The deployed workers never load this.
"""
from __future__ import annotations

import cProfile
import os
import sys
from pathlib import Path

from celery.signals import task_postrun, worker_process_init

from shared.celery_app import app

__all__ = ["app"]  # what `celery -A bench.profiling` runs: the application, profiled

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


worker_process_init.connect(lambda **_: start(os.environ["NIANBAO_PROFILE_DIR"]), weak=False)
task_postrun.connect(lambda **_: task_done(), weak=False)
