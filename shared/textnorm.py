"""OpenCC traditional → simplified: one converter per process, shared by normalization, body matching
and search queries (building it loads dictionaries, which is slow)."""
from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return converter().convert(text)
