"""Synthetic annual reports with known truth, for round-trip tests, validation recall/precision and
benchmarks.

    from tests.synth import generate
    for rep in generate(100, seed=7, error_rate=0.2):
        record = process_bytes(rep.data, rep.filename)
        # rep.truth: meta + the three tables (record keys); rep.expected_rules: rule ids a correct
        # validator raises (error + warning); rep.expected_cells: record paths of injected errors

Deterministic: report i of seed s depends only on (s, i) and the options.
"""
from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tests.synth.inject import KINDS, Injection, inject
from tests.synth.render import ENCODINGS, LAYOUTS, TEXT_LAYOUTS, layout_format, pdf_available, render
from tests.synth.tables import Style
from tests.synth.values import apply_null_markers, make_truth

__all__ = ["SynthReport", "generate", "make_report", "LAYOUTS", "TEXT_LAYOUTS", "ENCODINGS", "KINDS",
           "default_layouts"]

NULL_MARKERS = ("/", "—", "无")
# Structured layouts can also leave a cell empty (like the real crawled HTML); in plain text an empty
# cell is indistinguishable from layout whitespace, so it is not used there.
STRUCTURED_NULL_MARKERS = (*NULL_MARKERS, "")
YEARS = tuple(range(2019, 2026))


@dataclass
class SynthReport:
    filename: str
    data: bytes
    content_type: str
    truth: dict                       # meta + active_disclosure/applications/review_litigation (+ narrative_count)
    expected_rules: set[str]          # error + warning rule ids a correct validator must raise
    expected_cells: list[str]         # record paths of the injected errors
    layout: str
    encoding: str | None
    traditional: bool
    injection: str | None = None      # the injection kind, None for a consistent report
    null_cells: list[str] = field(default_factory=list)  # cells rendered as / — 无 (truth None)
    expected_paths: dict[str, list[str]] = field(default_factory=dict)  # rule → paths (oracle)


def default_layouts() -> tuple[str, ...]:
    return LAYOUTS if pdf_available() else tuple(x for x in LAYOUTS if x != "pdf")


def make_report(seed: int, index: int, *, error_rate: float = 0.2, layouts: Sequence[str] | None = None,
                encodings: Sequence[str] = ENCODINGS, traditional_rate: float = 0.2,
                years: Sequence[int] = YEARS, error_kinds: Sequence[str] = KINDS,
                null_rate: float = 0.15, money_unit_rate: float = 0.3,
                null_markers: Sequence[str] | None = None) -> SynthReport:
    """Report `index` of the stream for `seed`."""
    rng = random.Random(f"nianbao-synth/{seed}/{index}")
    layouts = tuple(layouts or default_layouts())
    layout = rng.choice(layouts)
    traditional = rng.random() < traditional_rate
    encoding: str | None = None
    if layout_format(layout) in ("text", "html"):
        usable = [e for e in encodings if e != "big5" or traditional] or list(encodings)
        encoding = rng.choice(usable)
        if encoding == "big5":
            traditional = True
    kind = rng.choice(tuple(error_kinds)) if error_kinds and rng.random() < error_rate else None
    truth = make_truth(rng, rng.choice(tuple(years)), level="township" if kind == "PLAUSIBILITY" else None)
    injection: Injection | None = inject(rng, truth, kind) if kind else None
    null_cells = apply_null_markers(rng, truth) if not kind and rng.random() < null_rate else []
    markers = null_markers or (STRUCTURED_NULL_MARKERS if layout in ("html", "docx", "pdf") else NULL_MARKERS)
    style = Style(null_marker=rng.choice(markers),
                  money=rng.choice(("wan", "yuan")) if rng.random() < money_unit_rate else "plain",
                  fullwidth=rng.random() < 0.3)
    out = render(rng, truth, layout, encoding or "utf-8", traditional, style)
    truth.meta["source"] = {"format": out.format, "encoding": out.encoding, "traditional": out.traditional}
    return SynthReport(
        filename=f"synth_{seed}_{index:06d}.{out.extension}",
        data=out.data, content_type=out.content_type, truth=truth.to_dict(),
        expected_rules=set(injection.rules) if injection else set(),
        expected_cells=injection.cells if injection else [],
        layout=layout, encoding=out.encoding, traditional=out.traditional,
        injection=kind, null_cells=null_cells,
        expected_paths=dict(injection.rules) if injection else {},
    )


def generate(n: int, seed: int, *, start: int = 0, **options) -> Iterator[SynthReport]:
    """`n` reports (indices start … start+n-1); options as `make_report`."""
    for i in range(start, start + n):
        yield make_report(seed, i, **options)
