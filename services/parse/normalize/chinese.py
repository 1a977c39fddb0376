"""Traditional → simplified with OpenCC (t2s). The converter and the set of characters it changes are built
once per process: building is slow, and the set lets simplified documents (most of them) skip conversion."""
from __future__ import annotations

import re
from functools import lru_cache

from shared.textnorm import converter, to_simplified  # noqa: F401 — re-exported for the normalizer

# Share of CJK characters that must be traditional-only for a document to count as traditional. Simplified
# pages do carry a few ("繁體版" links, names): the threshold keeps those from flipping the flag.
TRADITIONAL_SHARE = 0.02
MIN_TRADITIONAL_CHARS = 3


@lru_cache(maxsize=1)
def _traditional_rx() -> re.Pattern[str]:
    """A character class of every CJK character t2s changes on its own (about 3,800)."""
    chars = [chr(cp) for cp in range(0x3400, 0xA000)]
    # One call, characters separated by newlines so that phrase rules do not apply across them.
    converted = converter().convert("\n".join(chars)).split("\n")
    changed = "".join(a for a, b in zip(chars, converted, strict=True) if a != b)
    return re.compile(f"[{re.escape(changed)}]")


def _cjk_estimate(text: str) -> int:
    # CJK characters take three UTF-8 bytes and ASCII one: a cheap count without a per-character loop.
    return max(1, (len(text.encode("utf-8")) - len(text)) // 2)


def is_traditional(text: str) -> bool:
    hits = len(_traditional_rx().findall(text))  # one pass (a search first would scan traditional text twice)
    return hits >= MIN_TRADITIONAL_CHARS and hits >= TRADITIONAL_SHARE * _cjk_estimate(text)
