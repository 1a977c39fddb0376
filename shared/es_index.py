"""The Elasticsearch index: template, versioned indices behind an alias, and record → document.

Search reads the alias `nianbao-reports`; the data lives in `nianbao-reports-v<N>`, so a full re-index
can build a new version and swap the alias atomically. Chinese text uses the built-in `cjk` analyzer
(bigrams), facets are keywords, every table cell is a numeric field.

What search needs, and nothing more, is indexed (docs/benchmarks.md §3 has the measurements):
- one full-text field, `text` (the whole document: title, sections, tables), with offsets in the
  postings and stored, so highlighting reads neither `_source` nor re-analyses the text;
  `meta.title`, `meta.agency` and `figures.label` (flat, not nested) for ranking boosts;
- `facet`: every facet value of the report as one keyword `name:value` ("province:江苏省"), so all
  facet counts come from one terms aggregation (one pass over the hits instead of nine);
- `summary`: the JSON a result list shows (meta, finding count and rules, key figures, read-quality
  grade), a stored field, so a page of hits is served without loading the large `_source` (which
  holds the record);
- `quality`: the record's read-quality grade (a facet and a filter) and its cell counts; absent for
  records made before parsers graded them (unknown, not "complete").
"""
from __future__ import annotations

import json
import logging
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from shared.bodies import BodyRegistry
from shared.clients import status_store
from shared.record import Record
from shared.schema import FACETS, KEY_FIGURES, TABLES, split_path
from shared.settings import get_settings

log = logging.getLogger(__name__)

TEMPLATE_NAME = "nianbao-reports"
# Bump with every mapping change: a fresh install creates `<alias>-v<MAPPING_VERSION>`; an existing one
# gets the new mapping through `nianbao reindex` (a new `-v<N+1>` index from the template, alias swapped).
# 2: search fields (one full-text field with offsets, stored; `facet`, `summary`; flat figure labels),
#    two shards.
# 3: `quality` (grade keyword, cell counts); `quality:<grade>` in `facet`, the grade in `summary`.
MAPPING_VERSION = 3


ZH = "zh"              # index analyzer of Chinese text
ZH_QUERY = "zh_query"  # its search analyzer
CJK_BUILTIN = {"type": "cjk"}
# Without analysis-common (the local integ-test build): unigrams and bigrams in the index, so a single
# character is found too; bigrams only in queries ("行政复议" → 行政 政复 复议, one term per position,
# a plain conjunction or an exact phrase), a lone character or word stays a unigram.
CJK_FALLBACK = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "zh_bigrams"]}
CJK_FALLBACK_QUERY = {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "zh_bigrams_only"]}
BIGRAM_FILTER = {"zh_bigrams": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2,
                                "output_unigrams": True, "token_separator": ""},
                 "zh_bigrams_only": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2,
                                     "output_unigrams": False, "output_unigrams_if_no_shingles": True,
                                     "token_separator": ""}}
# Facets: name → indexed path (shared/schema.py). Each report's values also go into `facet` as "name:value".
FACET_PATHS: dict[str, str] = {f.name: f.path for f in FACETS}
# The read-quality grades whose figures are incomplete (shared/record.py Quality): counted by stats and
# export, so a total says how many of its reports may be missing numbers.
INCOMPLETE_GRADES = ("partial", "unreadable")
QUALITY_COUNTS = ("cells_read", "cells_inferred", "cells_unknown", "tables_found")
# Figures shown with every hit (the result list's "key figures", shared/schema.py), kept in `summary`.
SUMMARY_FIGURES: tuple[str, ...] = tuple(k.path for k in KEY_FIGURES)


def has_builtin_cjk(es: Elasticsearch) -> bool:
    try:
        es.indices.analyze(analyzer="cjk", text="年报")
        return True
    except Exception:  # noqa: BLE001 — 400 "failed to find global analyzer [cjk]"
        return False


def analysis_settings(builtin_cjk: bool) -> dict:
    if builtin_cjk:
        return {"analyzer": {ZH: CJK_BUILTIN, ZH_QUERY: CJK_BUILTIN}}
    return {"analyzer": {ZH: CJK_FALLBACK, ZH_QUERY: CJK_FALLBACK_QUERY}, "filter": BIGRAM_FILTER}


def _zh(**extra: Any) -> dict:
    return {"type": "text", "analyzer": ZH, "search_analyzer": ZH_QUERY, **extra}


def _text_kw() -> dict:
    # Stored with offsets: highlighted without reading `_source`.
    return _zh(index_options="offsets", store=True, fields={"kw": {"type": "keyword", "ignore_above": 512}})


def _cells_mapping() -> dict[str, Any]:
    """Every cell of both templates (shared/schema.py) a numeric field: money a double, counts a long.
    Dotted row keys become nested object paths ("denied.state_secret" → denied → state_secret)."""
    out: dict[str, Any] = {}
    for table in TABLES:
        props = out.setdefault(table.key, {"properties": {}})["properties"]
        for path in table.all_cells():
            _, row, col = split_path(path)
            node = props
            for part in row.split("."):
                node = node.setdefault(part, {"properties": {}})["properties"]
            node[col] = {"type": "double" if table.column(col).money else "long"}
    return out


def index_body(builtin_cjk: bool = True) -> dict[str, Any]:
    kw = {"type": "keyword"}
    return {
        # Two shards: a search runs on both cores at once (a single client's phrase query measured
        # ~20-30 % faster at the tail, no more CPU in all; docs/benchmarks.md §3).
        "settings": {"number_of_shards": 2, "number_of_replicas": 0, "refresh_interval": get_settings().es_refresh_interval,
                     "analysis": analysis_settings(builtin_cjk)},
        "mappings": {
            "_meta": {"mapping_version": MAPPING_VERSION},
            "dynamic": "false",  # unknown keys are kept in _source but never change the mapping
            "properties": {
                "id": kw,
                "parser_version": kw,
                "indexed_at": {"type": "date"},
                "agency_key": kw,
                "superseded": {"type": "boolean"},
                "meta": {"properties": {
                    "title": _text_kw(),
                    "agency": _text_kw(),
                    "year": {"type": "integer"},
                    "published": {"type": "date", "ignore_malformed": True},
                    "region": {"properties": {"province": kw, "city": kw, "county": kw}},
                    "level": kw,
                    "agency_type": kw,
                    "template": kw,
                    "source": {"properties": {"format": kw, "encoding": kw, "traditional": {"type": "boolean"},
                                              "filename": kw, "source_url": kw}},
                }},
                # Section texts are part of `text`; kept in _source only.
                "sections": {"properties": {"no": {"type": "integer"}, "title": kw}},
                # The one full-text field: the whole document (title, sections, tables).
                "text": _zh(index_options="offsets", store=True),
                # Labels only, flat: a ranking boost (their sentences are in `text`).
                "figures": {"properties": {"label": _zh()}},
                "findings": {"properties": {"rule": kw, "severity": kw, "where": kw,
                                            "message": {"type": "text", "analyzer": ZH}}},
                "finding_count": {"type": "integer"},
                # Read quality (docs/record-extensions.md); reasons stay in the record.
                "quality": {"properties": {"grade": kw, **{c: {"type": "integer"} for c in QUALITY_COUNTS}}},
                "facet": {"type": "keyword", "eager_global_ordinals": True},
                "summary": {"type": "keyword", "index": False, "doc_values": False, "store": True},
                **_cells_mapping(),
                # The full record as produced by the pipeline, returned by GET /reports/{id}.
                "record": {"type": "object", "enabled": False},
            },
        },
    }


def quality_doc(record: Record) -> dict[str, Any] | None:
    """The indexed read quality: grade and counts. None for a record made before parsers graded their
    reading: its grade is unknown, and indexing it as "complete" would pass unchecked figures as checked."""
    if record.quality is None:
        return None
    q = record.quality
    return {"grade": q.grade, **{c: getattr(q, c) for c in QUALITY_COUNTS}}


def ensure_index(es: Elasticsearch, alias: str | None = None) -> str:
    """Create the index template and the first versioned index behind the alias, if missing.
    Idempotent; returns the concrete index the alias points to."""
    alias = alias or get_settings().es_alias
    body = index_body(has_builtin_cjk(es))
    es.indices.put_index_template(name=alias, index_patterns=[f"{alias}-v*"], priority=100,
                                  template={"settings": body["settings"], "mappings": body["mappings"]})
    try:
        current = list(es.indices.get_alias(name=alias).keys())
    except NotFoundError:
        current = []
    if current:
        return current[0]
    index = f"{alias}-v{MAPPING_VERSION}"
    if not es.indices.exists(index=index):
        try:
            es.indices.create(index=index)
            _registry_complete(alias)
        except Exception as e:  # a concurrent starter created it first
            if "resource_already_exists" not in str(e):
                raise
    es.indices.update_aliases(actions=[{"add": {"index": index, "alias": alias, "is_write_index": True}}])
    return index


def _registry_complete(alias: str) -> None:
    """A new, empty index: the body registry (shared/bodies.py) will see every report that enters it."""
    try:
        BodyRegistry(status_store().r, alias).start_empty()
    except Exception:  # Redis unreachable: the stages keep searching, which is only slower
        log.warning("could not mark the body registry complete for %s", alias, exc_info=True)


def mapping_version(es: Elasticsearch, index: str) -> int:
    """The mapping version an index was created with (1: before versions were recorded)."""
    mappings = es.indices.get_mapping(index=index)[index]["mappings"]
    return int((mappings.get("_meta") or {}).get("mapping_version", 1))


def es_document(record: Record, *, agency_key: str | None = None, indexed_at: str | None = None,
                superseded: bool = False) -> dict[str, Any]:
    """The indexed form of a record: searchable fields plus the whole record, unindexed."""
    data = record.model_dump(mode="json")
    doc: dict[str, Any] = {
        "id": record.id,
        "parser_version": record.parser_version,
        "indexed_at": indexed_at,
        "agency_key": agency_key,
        "superseded": superseded,
        "meta": data["meta"],
        "sections": data["sections"],
        "text": record.text,
        "figures": data["figures"],
        "findings": [{k: f[k] for k in ("rule", "severity", "where", "message")} for f in data["findings"]],
        "finding_count": sum(1 for f in record.findings if f.severity in ("error", "warning")),
        "active_disclosure": data["active_disclosure"],
        "review_litigation": data["review_litigation"],
        "applications": data["applications"],  # flat dotted keys: ES expands them to object paths
        "record": data,
    }
    quality = quality_doc(record)
    if quality is not None:  # absent, not null: `exists` and the facet see an ungraded report as ungraded
        doc["quality"] = quality
    doc["facet"] = facet_values(doc)
    doc["summary"] = json.dumps({
        "meta": data["meta"], "finding_count": doc["finding_count"],
        "finding_rules": sorted({f.rule for f in record.findings if f.severity in ("error", "warning")}),
        "figures": {k: dig(doc, k) for k in SUMMARY_FIGURES},
        "quality": quality and {"grade": quality["grade"], "cells_unknown": quality["cells_unknown"]}},
        ensure_ascii=False, separators=(",", ":"))
    return doc


def dig(src: dict, path: str) -> Any:
    """A value at a dotted path of a document: "applications.granted.total". Application row keys are
    flat dotted keys in the record ("denied.state_secret") but object paths in ES _source may be either."""
    node: Any = src
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(node, dict):
            return None
        # Longest key first: {"denied.state_secret": {...}} as well as {"denied": {"state_secret": ...}}.
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in node:
                node = node[key]
                i = j
                break
        else:
            return None
    return node


def facet_values(doc: dict[str, Any]) -> list[str]:
    """"name:value" for every facet value of an index document (findings: every rule and severity)."""
    out: list[str] = []
    for name, path in FACET_PATHS.items():
        if path.startswith("findings."):
            values = sorted({f[path.split(".", 1)[1]] for f in doc.get("findings") or []})
        else:
            v = dig(doc, path)
            values = [] if v is None else [v]
        out += [f"{name}:{v}" for v in values]
    return out


# --- full re-index: build a new versioned index, swap the alias only when it is complete ---------
def alias_indices(es: Elasticsearch, alias: str) -> list[str]:
    try:
        return sorted(es.indices.get_alias(name=alias).keys())
    except NotFoundError:
        return []


def create_next_index(es: Elasticsearch, alias: str | None = None) -> str:
    """A new, empty `<alias>-v<N+1>` (the template gives it the current mapping); the alias is untouched."""
    alias = alias or get_settings().es_alias
    ensure_index(es, alias)  # the template must exist before the index is created
    existing = es.indices.get(index=f"{alias}-v*", expand_wildcards="all")
    versions = [int(n.rsplit("-v", 1)[1]) for n in existing if n.rsplit("-v", 1)[1].isdigit()]
    index = f"{alias}-v{max(versions + [MAPPING_VERSION]) + 1}"
    es.indices.create(index=index, settings={"refresh_interval": "-1"})  # bulk build; refreshed before the swap
    return index


def swap_alias(es: Elasticsearch, index: str, alias: str | None = None) -> list[str]:
    """Point the alias at `index` only, in one atomic update; returns the indices it left."""
    alias = alias or get_settings().es_alias
    es.indices.put_settings(index=index, settings={"refresh_interval": get_settings().es_refresh_interval})
    es.indices.refresh(index=index)
    old = [i for i in alias_indices(es, alias) if i != index]
    es.indices.update_aliases(actions=[*({"remove": {"index": i, "alias": alias}} for i in old),
                                       {"add": {"index": index, "alias": alias, "is_write_index": True}}])
    return old


def index_into(es: Elasticsearch, target: str, record: Record, *, agency_key: str | None, indexed_at: str,
               alias: str | None = None) -> None:
    """Write a record into a re-index target, keeping the superseded flag it has behind the alias now."""
    alias = alias or get_settings().es_alias
    try:
        superseded = bool(es.get(index=alias, id=record.id, source_includes=["superseded"])
                          ["_source"].get("superseded", False))
    except NotFoundError:
        superseded = False
    es.index(index=target, id=record.id, document=es_document(record, agency_key=agency_key,
                                                              indexed_at=indexed_at, superseded=superseded))
