"""Legacy word-processor files (.doc, .wps) → DOCX bytes with LibreOffice headless, in the sandbox.

Each call has its own temporary directory holding the input, the output and a fresh LibreOffice profile
(`-env:UserInstallation`): concurrent conversions never share a profile or its lock, and a crash leaves
nothing behind. LibreOffice picks its import filter from the content, so the suffix is only a hint."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from . import errors, sandbox

TOOL = "LibreOffice"


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise errors.conversion_failed(TOOL, "soffice not installed (scripts/setup.sh installs it)")
    return path


def to_docx(data: bytes, suffix: str) -> bytes:
    # A killed LibreOffice may still be dying while the directory goes: never fail the document for that.
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        src = work / f"in.{suffix}"
        src.write_bytes(data)
        out = work / "out"
        cmd = [soffice(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
               "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)]
        # HOME too: LibreOffice writes caches there; the tmp dir keeps them per call.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LANG": "C.UTF-8"}
        _, stderr = sandbox.run(cmd, TOOL, cwd=work, env=env)
        result = out / "in.docx"
        if not result.is_file() or result.stat().st_size == 0:
            # soffice exits 0 when it cannot load a file; it says so on stderr
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise errors.conversion_failed(TOOL, detail[0][:200])
        return result.read_bytes()
