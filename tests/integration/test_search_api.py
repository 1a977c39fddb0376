"""Issue 6: the search API against the real stack (seeds + real corpus + synthetic + hostile reports
through the pipeline). Expected values are computed from the indexed records themselves."""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict

import pytest

from services.search.routers.common import dig
from shared.schema import catalogue
from tests.integration import search_corpus
from tests.integration.conftest import search_get as get
from tests.integration.conftest import search_json as search

FACET_FIELDS = {"province": "meta.region.province", "city": "meta.region.city", "county": "meta.region.county",
                "level": "meta.level", "year": "meta.year", "template": "meta.template",
                "agency_type": "meta.agency_type"}
NEW = "applications.new_received.total"


@pytest.fixture(scope="module")
def current(corpus) -> list[dict]:
    """Records search shows by default (not superseded)."""
    return [r for r in corpus.records.values() if not r["superseded"]]


def all_ids(stack, **params) -> list[str]:
    res = search(stack, size=100, facets=False, **params)
    assert res["total"] <= 100
    return [h["id"] for h in res["results"]]


def rules_of(rec: dict) -> set[str]:
    return {f["rule"] for f in rec["findings"]}


def test_default_search_hides_superseded(stack, corpus, current):
    assert search(stack, size=0)["total"] == len(current)
    assert search(stack, size=0, include_superseded=True)["total"] == len(corpus.records)


@pytest.mark.parametrize("name", list(FACET_FIELDS))
def test_each_keyword_filter_and_its_facet(stack, current, name):
    """Every facet value's count equals the records with that value, and filtering by it returns exactly them."""
    facets = search(stack, size=0)["facets"][name]
    want = Counter(dig(r, FACET_FIELDS[name]) for r in current)
    want.pop(None, None)
    assert {b["value"]: b["count"] for b in facets} == dict(want)
    value = max(want, key=lambda v: (want[v], str(v)))  # the most common value
    ids = all_ids(stack, **{name: value})
    assert sorted(ids) == sorted(r["id"] for r in current if dig(r, FACET_FIELDS[name]) == value)


@pytest.mark.parametrize("name,key", [("rule", "rule"), ("severity", "severity")])
def test_finding_filters_and_facets(stack, current, name, key):
    facets = {b["value"]: b["count"] for b in search(stack, size=0)["facets"][name]}
    want = Counter(v for r in current for v in {f[key] for f in r["findings"]})
    assert facets == dict(want)
    assert want, "the corpus should have findings"
    value = max(want, key=lambda v: (want[v], v))
    ids = all_ids(stack, **{name: value})
    assert sorted(ids) == sorted(r["id"] for r in current if value in {f[key] for f in r["findings"]})


def test_facets_are_disjunctive_and_filters_combine(stack, current):
    provinces = Counter(r["meta"]["region"]["province"] for r in current if r["meta"]["region"]["province"])
    a, b = [p for p, _ in provinces.most_common(2)]
    res = search(stack, province=a, size=0)
    assert res["total"] == provinces[a]
    # The province facet still offers the other provinces with their own counts.
    assert {x["value"]: x["count"] for x in res["facets"]["province"]}[b] == provinces[b]
    # Other facets are narrowed to province a.
    years_in_a = Counter(r["meta"]["year"] for r in current if r["meta"]["region"]["province"] == a)
    assert {x["value"]: x["count"] for x in res["facets"]["year"]} == dict(years_in_a)
    assert search(stack, province=[a, b], size=0)["total"] == provinces[a] + provinces[b]
    level = current[0]["meta"]["level"]
    both = [r["id"] for r in current if r["meta"]["region"]["province"] == a and r["meta"]["level"] == level]
    assert sorted(all_ids(stack, province=a, level=level)) == sorted(both)


def test_year_range(stack, current):
    ids = all_ids(stack, year_from=2021, year_to=2023)
    assert sorted(ids) == sorted(r["id"] for r in current if 2021 <= r["meta"]["year"] <= 2023)


def test_figure_range_filters(stack, current):
    values = sorted(v for r in current if (v := dig(r, NEW)) is not None)
    mid = values[len(values) // 2]
    ids = all_ids(stack, f=f"{NEW}>={mid}")
    assert sorted(ids) == sorted(r["id"] for r in current if (dig(r, NEW) or -1) >= mid)
    two = all_ids(stack, f=[f"{NEW}>={mid}", "applications.granted.total<10"])
    assert sorted(two) == sorted(r["id"] for r in current if (dig(r, NEW) or -1) >= mid
                                 and dig(r, "applications.granted.total") is not None
                                 and dig(r, "applications.granted.total") < 10)
    # A dotted application row (flat key in the record, object path in the index).
    path = "applications.unable.not_held.total"
    assert sorted(all_ids(stack, f=f"{path}>0")) == sorted(r["id"] for r in current if (dig(r, path) or 0) > 0)


@pytest.mark.parametrize("bad", ["applications.bogus.total>1", "applications.total.total ~ 3", "script>1"])
def test_bad_figure_filter_is_422(stack, corpus, bad):
    assert get(stack, "/api/v1/search", f=bad).status_code == 422


def test_sort_by_figure_and_year(stack, current):
    res = search(stack, sort=f"-{NEW}", size=100, facets=False)
    vals = [h["figures"][NEW] for h in res["results"]]
    stated = [v for v in vals if v is not None]
    assert stated == sorted(stated, reverse=True) and vals[:len(stated)] == stated  # missing values last
    years = [h["meta"]["year"] for h in search(stack, sort="year", size=100, facets=False)["results"]]
    assert years == sorted(years)
    assert get(stack, "/api/v1/search", sort="meta.record").status_code == 422


@pytest.mark.parametrize("params", [{}, {"q": "政府信息公开"}, {"sort": "-applications.granted.total"}])
def test_paging_with_cursors_has_no_duplicates_or_gaps(stack, current, params):
    big = search(stack, size=100, facets=False, **params)
    want = [h["id"] for h in big["results"]]
    assert len(want) == big["total"] > 14
    got: list[str] = []
    cursor = None
    for _ in range(50):
        page = search(stack, size=7, facets=False, **params, **({"after": cursor} if cursor else {}))
        got += [h["id"] for h in page["results"]]
        cursor = page["next"]
        if not cursor:
            break
    assert got == want


def test_page_size_is_capped_and_bad_cursor_rejected(stack, corpus):
    assert get(stack, "/api/v1/search", size=101).status_code == 422
    assert get(stack, "/api/v1/search", after="not-a-cursor").status_code == 422


def test_text_search_phrase_exclusion_and_safe_syntax(stack, current):
    ids = set(all_ids(stack, q="行政复议"))
    assert ids and ids <= {r["id"] for r in current if "行政复议" in (r.get("text") or "")}
    excl = set(all_ids(stack, q="政府信息 -公安"))
    assert excl and not any("公安" in (r.get("text") or "") + (r["meta"]["agency"] or "")
                            for r in current if r["id"] in excl)
    # Raw ES syntax is not interpreted: no error, no regex/field query.
    for q in ["meta.agency:*", "/.*/", "政府~2", "a AND (b", "*", "{{}}"]:
        assert get(stack, "/api/v1/search", q=q).status_code == 200, q
    assert search(stack, q="/.*/", size=0)["total"] == 0


def test_quoted_phrases_stay_phrases(stack, corpus):
    """Bare words are each required anywhere; a quoted phrase only where its words are contiguous."""
    hostile = corpus.hostile_id  # section 1 holds "特别说明：…本段文字应原样显示"
    assert hostile in all_ids(stack, q="本段 特别说明")
    assert hostile in all_ids(stack, q='"特别说明"')
    assert hostile not in all_ids(stack, q='"本段 特别说明"')
    assert hostile not in all_ids(stack, q='"本段特别说明"')


@pytest.mark.parametrize("q", ["罚", "议"])
def test_single_character_finds_every_report_with_it(stack, current, q):
    assert sorted(all_ids(stack, q=q)) == sorted(r["id"] for r in current if q in (r.get("text") or ""))


def test_facets_count_the_text_hits(stack, current):
    """The facet counts (a separate request without the facet filters) match the hits of the same query."""
    hits = set(all_ids(stack, q="行政复议 公开"))
    assert hits
    res = search(stack, q="行政复议 公开", size=0)
    assert res["total"] == len(hits) and res["total_relation"] == "eq"
    want = Counter(r["meta"]["year"] for r in current if r["id"] in hits)
    assert {b["value"]: b["count"] for b in res["facets"]["year"]} == dict(want)
    year = max(want, key=lambda y: (want[y], y))
    res = search(stack, q="行政复议 公开", year=year, size=100)
    assert sorted(h["id"] for h in res["results"]) == sorted(r["id"] for r in current
                                                             if r["id"] in hits and r["meta"]["year"] == year)
    assert {b["value"]: b["count"] for b in res["facets"]["year"]} == dict(want)  # its own filter not applied


def test_relevance_paging_cursor_is_bound_to_its_kind(stack, corpus):
    sorted_page = search(stack, size=5, facets=False, sort="-year")
    text_page = search(stack, q="政府信息公开", size=5, facets=False)
    assert sorted_page["next"] and text_page["next"]
    assert get(stack, "/api/v1/search", q="政府信息公开", after=sorted_page["next"]).status_code == 422
    assert get(stack, "/api/v1/search", sort="-year", after=text_page["next"]).status_code == 422


def test_highlights_escape_document_html(stack, corpus):
    res = search(stack, q="特别说明")
    hit = next(h for h in res["results"] if h["id"] == corpus.hostile_id)
    frags = " ".join(s for v in hit["highlight"].values() for s in v)
    assert "<mark>" in frags
    assert "&lt;img" in frags and "<img" not in frags


def test_stats_sum_by_province_matches_records(stack, current):
    res = get(stack, "/api/v1/stats", metric="sum", figure=NEW, group="province").json()
    want: dict[str, int] = defaultdict(int)
    for r in current:
        if r["meta"]["region"]["province"] and dig(r, NEW) is not None:
            want[r["meta"]["region"]["province"]] += dig(r, NEW)
    assert {row["province"]: row["value"] for row in res["rows"]} == pytest.approx(dict(want))
    assert res["overall"]["value"] == pytest.approx(sum(v for r in current if (v := dig(r, NEW)) is not None))


def test_stats_two_groups_avg_count_and_ratio(stack, current):
    res = get(stack, "/api/v1/stats", metric="avg", figure=NEW, group=["level", "year"]).json()
    cells: dict[tuple, list] = defaultdict(list)
    for r in current:
        if (v := dig(r, NEW)) is not None and r["meta"]["level"]:
            cells[(r["meta"]["level"], r["meta"]["year"])].append(v)
    assert {(x["level"], x["year"]): x["value"] for x in res["rows"]} == \
        pytest.approx({k: sum(v) / len(v) for k, v in cells.items()})
    res = get(stack, "/api/v1/stats", metric="count", group="year").json()
    assert {x["year"]: x["value"] for x in res["rows"]} == dict(Counter(r["meta"]["year"] for r in current))
    g, t = "applications.granted.total", "applications.total.total"
    res = get(stack, "/api/v1/stats", metric="sum", figure=g, per=t, group="province", year_from=2021).json()
    num: dict[str, float] = defaultdict(float)
    den: dict[str, float] = defaultdict(float)
    for r in current:
        p = r["meta"]["region"]["province"]
        if p and r["meta"]["year"] >= 2021 and dig(r, g) is not None and dig(r, t) is not None:
            num[p] += dig(r, g)
            den[p] += dig(r, t)
    assert {x["province"]: x["value"] for x in res["rows"]} == \
        pytest.approx({p: (num[p] / den[p] if den[p] else None) for p in num})
    assert get(stack, "/api/v1/stats", group=["province", "province"]).status_code == 422
    assert get(stack, "/api/v1/stats", metric="sum", figure="nope").status_code == 422


def test_timeline_of_one_body(stack, current):
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for r in current:
        by_agency[r["meta"]["agency"]].append(r)
    name, recs = max(by_agency.items(), key=lambda kv: len({r["meta"]["year"] for r in kv[1]}))
    assert len({r["meta"]["year"] for r in recs}) >= 3, name
    res = get(stack, f"/api/v1/agencies/{name}/timeline").json()
    years = sorted({r["meta"]["year"] for r in recs})
    assert res["years"] == years
    fig = next(x for x in res["figures"] if x["path"] == NEW)
    by_year = {r["meta"]["year"]: dig(r, NEW) for r in recs}
    assert fig["values"] == [by_year[y] for y in years]
    for i in range(1, len(years)):
        a, b = fig["values"][i - 1], fig["values"][i]
        if a is not None and b is not None:
            assert fig["change"][i] == b - a
    assert get(stack, "/api/v1/agencies/不存在的机关/timeline").status_code == 404


def test_export_csv_rows_match_hits(stack, current):
    r = get(stack, "/api/v1/export", province=current[0]["meta"]["region"]["province"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    total = search(stack, province=current[0]["meta"]["region"]["province"], size=0)["total"]
    assert len(rows) - 1 == total
    header = rows[0]
    col = next(i for i, h in enumerate(header) if h.endswith(" " + NEW))
    by_id = {r["id"]: r for r in current}
    for row in rows[1:]:
        want = dig(by_id[row[0]], NEW)
        assert row[col] == ("" if want is None else str(want))
    everything = get(stack, "/api/v1/export").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(everything)))) - 1 == len(current)


def test_original_document_is_served_safely(stack, corpus):
    r = get(stack, f"/api/v1/reports/{corpus.hostile_id}/original")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content == search_corpus.hostile_report()
    html_id = corpus.ids["2019_shanghai_bgt.html"]
    r = get(stack, f"/api/v1/reports/{html_id}/original")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert "sandbox" in r.headers["content-security-policy"]
    assert get(stack, "/api/v1/reports/" + "0" * 64 + "/original").status_code == 404
    assert get(stack, "/api/v1/reports/..%2F..%2Fetc/original").status_code == 404


def test_ui_is_served_with_vendored_echarts(stack, corpus):
    r = get(stack, "/")
    assert r.status_code == 200 and "年报" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert get(stack, "/vendor/echarts.min.js").status_code == 200
    assert "https://" not in r.text and "http://" not in r.text  # nothing from a CDN


def test_schema_endpoint_serves_the_catalogue(stack, corpus):
    """GET /api/v1/schema is shared/schema.py's catalogue, and what the other endpoints name (facets,
    key figures, cell labels in stats and export) is what it declares."""
    r = get(stack, "/api/v1/schema")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "max-age" in r.headers.get("cache-control", "")  # a browser keeps it between pages
    data = r.json()
    assert data == catalogue().model_dump(mode="json")
    assert [t["key"] for t in data["tables"]] == ["active_disclosure", "applications", "review_litigation"]
    label = {c["path"]: c["zh"] for c in data["cells"]}
    assert label["applications.granted.other_org"] == "三(一)予以公开 · 其他组织"

    assert list(search(stack, size=0)["facets"]) == [f["name"] for f in data["facets"]]
    hit = search(stack, size=1, facets=False)["results"][0]
    assert list(hit["figures"]) == [k["path"] for k in data["key_figures"]]
    fig = "review_litigation.litigation_direct.total"
    stats = get(stack, "/api/v1/stats", metric="sum", figure=fig, group="province").json()
    assert stats["figure_label"] == label[fig] == "行政诉讼（未经复议直接起诉） · 总计"
    header = next(csv.reader(io.StringIO(get(stack, "/api/v1/export").content.decode("utf-8-sig"))))
    assert header[-len(data["cells"]):] == [f"{c['zh']} {c['path']}" for c in data["cells"]]

    spec = get(stack, "/openapi.json").json()
    op = spec["paths"]["/api/v1/schema"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Catalogue")
    assert {"Catalogue", "Table", "Row", "Column", "Facet", "KeyFigure"} <= set(spec["components"]["schemas"])
    # The shape served before, derived from the same catalogue, still answers (deprecated).
    assert spec["paths"]["/api/v1/record-schema"]["get"]["deprecated"] is True
    old = get(stack, "/api/v1/record-schema").json()
    assert [(c["path"], c["label"]) for c in old["cells"]] == list(label.items())


# Issue 19: Elasticsearch unreachable → every endpoint that needs it answers a retryable 503.
UNAVAILABLE = "检索服务暂不可用，请稍后重试 / search is temporarily unavailable, retry later"
NEEDS_ES = ["/api/v1/search", "/api/v1/search?q=公开&size=0&facets=false", "/api/v1/reports/" + "a" * 64,
            "/api/v1/reports/" + "a" * 64 + "/original", "/api/v1/reports/no-such-id",
            "/api/v1/stats", "/api/v1/stats?figure=applications.new_received.total&group=year",
            "/api/v1/agencies/某某市人民政府/timeline", "/api/v1/export", "/api/v1/export?year=2023"]


def test_elasticsearch_down_is_503_with_retry_after():
    import httpx

    from tests.integration.dead_es import search_api_without_es

    with search_api_without_es() as url:
        for path in NEEDS_ES:
            r = httpx.get(url + path, timeout=60)
            assert r.status_code == 503, (path, r.status_code, r.text[:300])
            assert int(r.headers["Retry-After"]) > 0, path
            assert r.headers["content-type"].startswith("application/json"), path
            assert r.json() == {"detail": UNAVAILABLE}, path
            assert UNAVAILABLE.index("检索") < UNAVAILABLE.index("search")  # Chinese first
        # What does not need Elasticsearch still answers; a bad parameter is still the user's 422.
        assert httpx.get(url + "/api/v1/schema", timeout=30).status_code == 200
        assert httpx.get(url + "/", timeout=30).status_code == 200
        assert httpx.get(url + "/api/v1/search", params={"size": 1000}, timeout=30).status_code == 422


def test_elasticsearch_recovering_is_503(servers):
    """A real Elasticsearch whose index has no shard it can search (the state while a node restarts and
    recovers: here an index whose only shard may be allocated to no node) answers 503; so do we."""
    import uuid

    import httpx

    from shared.clients import es_client as client
    from shared.es_index import MAPPING_VERSION
    from tests.integration.dead_es import search_api
    from tests.integration.stack import ES_PORT

    es_url = f"http://127.0.0.1:{ES_PORT}"
    es = client(es_url)
    alias = f"nianbao-test-unassigned-{uuid.uuid4().hex[:8]}"
    index = f"{alias}-v{MAPPING_VERSION}"
    es.indices.create(index=index, aliases={alias: {}}, wait_for_active_shards="0",
                      settings={"number_of_shards": 1, "number_of_replicas": 0,
                                "index.routing.allocation.require._name": "no-such-node"})
    try:
        with search_api(NIANBAO_ES_URL=es_url, NIANBAO_ES_ALIAS=alias) as url:
            for path in NEEDS_ES:
                r = httpx.get(url + path, timeout=60)
                assert r.status_code == 503, (path, r.status_code, r.text[:300])
                assert int(r.headers["Retry-After"]) > 0, path
                assert r.json() == {"detail": UNAVAILABLE}, path
    finally:
        es.indices.delete(index=index)
