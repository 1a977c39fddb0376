"""Run a converter in a child process with a time and a memory limit, never in the worker itself: a hostile
file that makes LibreOffice or a spreadsheet library spin, crash or swell fails alone, with a ProcessingError.

The child gets its own session (process group), so the whole tree — `soffice` starts `soffice.bin` —
is killed on timeout, and also after a normal exit (nothing may outlive the call). Limits are applied in
the child before exec: RLIMIT_AS (address space), RLIMIT_CPU (a spinning child dies even if the wall
clock is not watched) and no core files."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.settings import get_settings

from . import errors


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_bytes: int


def limits() -> Limits:
    """The configured limits. The time limit stays a second under the Celery task's soft limit: hitting
    that one would be retried as a transient failure instead of failing the document."""
    s = get_settings()
    soft = max(1, s.task_time_limit - 5)
    return Limits(seconds=max(0.1, min(s.convert_timeout_seconds, soft - 1)), memory_bytes=s.convert_memory_bytes)


def _limiter(lim: Limits) -> Callable[[], None]:
    # Everything is computed here, in the parent: between fork and exec the child only makes the three
    # system calls (a worker may have other threads, whose locks the forked child must not need).
    memory = (lim.memory_bytes, lim.memory_bytes)
    cpu = (int(lim.seconds) + 2, int(lim.seconds) + 2)
    no_core = (0, 0)
    as_, cpu_, core_ = resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_CORE

    def apply() -> None:
        resource.setrlimit(as_, memory)
        resource.setrlimit(cpu_, cpu)
        resource.setrlimit(core_, no_core)
    return apply


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(cmd: Sequence[str], tool: str, *, stdin: bytes | None = None, cwd: Path | None = None,
        env: dict[str, str] | None = None, lim: Limits | None = None) -> tuple[bytes, bytes]:
    """(stdout, stderr) of a successful run. Raises conversion_timeout past the time limit and
    conversion_failed when the child exits non-zero or dies by a signal (out of memory, a crash)."""
    lim = lim or limits()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env,
                            start_new_session=True, preexec_fn=_limiter(lim))
    try:
        out, err = proc.communicate(stdin, timeout=lim.seconds)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.communicate()
        raise errors.conversion_timeout(tool, lim.seconds) from None
    finally:
        # Also on a normal exit and on any exception here (the task's own time limit): no stray children.
        _kill_group(proc.pid)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise errors.conversion_failed(tool, _why(proc.returncode, err))
    return out, err


def _why(returncode: int, stderr: bytes) -> str:
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
        return f"killed by {name}"
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return f"exit {returncode}" + (f", {last[0][:200]}" if last[0] else "")
