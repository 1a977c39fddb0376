"""OpenCC traditional → simplified, shared by normalization and by search queries."""
from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")  # building the converter loads dictionaries: once per process


def to_simplified(text: str) -> str:
    return _t2s().convert(text)
