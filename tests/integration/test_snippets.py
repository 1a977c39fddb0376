"""Issue 17 item 4: search snippets come from prose, not table debris ("处理决定数量\n\n行政许可\n\n6…"),
against the real stack (seeds, real reports and synthetic ones, tests/integration/search_corpus.py).
A word found in a report's sentences gives snippets of sentences (no cells, blank lines or column
gaps); a word found only in its tables still gives a snippet (its cells joined by " | ")."""
from __future__ import annotations

import re

import pytest

from tests.integration.conftest import search_json as search

MARKED = re.compile(r"<mark>(.*?)</mark>")
# Words of the national tables' labels (shared/schema.py) that prose rarely uses.
TABLE_WORDS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "无法提供", "不予处理", "其他处理",
               "结果维持", "结果纠正", "尚未审结"]


def lines_of(text: str, word: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if word in ln]


def is_sentence(line: str) -> bool:
    """A line of a report that reads as a sentence: long, with sentence punctuation, and not a rendered
    table row (cells joined by " | ")."""
    return len(line) >= 15 and any(p in line for p in "，。；,;") and " | " not in line


def hits_for(stack, word: str) -> list[dict]:
    res = search(stack, q=f'"{word}"', size=100, facets=False, include_superseded=True)
    assert res["total"] <= 100
    return res["results"]


@pytest.mark.parametrize("word", ["行政复议", "依申请公开", "政府信息公开"])
def test_word_in_prose_gives_prose_snippets(stack, corpus, word):
    checked = 0
    for hit in hits_for(stack, word):
        rec = corpus.records[hit["id"]]
        text = rec["text"] or ""
        if not any(is_sentence(ln) for ln in lines_of(text, word)):
            continue  # this report has the word only in tables or headings
        snippets = hit["highlight"].get("text") or []
        assert snippets, hit["id"]
        for s in snippets:
            assert MARKED.search(s), (hit["id"], s)
            # No table debris: no blank lines between cells, no " | " of a table row, no column gaps.
            assert "\n" not in s and " | " not in s and "   " not in s, (hit["id"], s)
        checked += 1
    assert checked >= 5, f"too few reports with {word} in a sentence: {checked}"


def test_word_only_in_a_table_still_gives_a_snippet(stack, corpus):
    checked = 0
    for word in TABLE_WORDS:
        only_table = {i for i, r in corpus.records.items()
                      if lines_of(r["text"] or "", word) and not any(is_sentence(ln) for ln in lines_of(r["text"] or "", word))}
        for hit in hits_for(stack, word):
            if hit["id"] not in only_table:
                continue
            snippets = hit["highlight"].get("text") or []
            assert snippets, (word, hit["id"])
            assert any(word in "".join(MARKED.findall(s)) for s in snippets), (word, snippets)
            assert not any("\n\n" in s for s in snippets), snippets  # cells joined by " | ", not blank lines
            checked += 1
    assert checked >= 5, checked
