"""Narrative text of the six sections. Section 1 states the applications received (the count that
NARRATIVE_MISMATCH compares) plus distractors that must not trip it: another year's count, "其中"
subsets, carried-over and handled counts that agree with the table."""
from __future__ import annotations

import random
from dataclasses import dataclass

from shared.record import APP_ORG_COLS, SECTION_TITLES
from tests.synth.values import Truth

CN_NUM = "一二三四五六"


@dataclass
class SectionText:
    no: int
    title: str
    paragraphs: list[str]


def self_name(agency: str) -> str:
    for suffix, me in (("街道办事处", "我街道"), ("镇人民政府", "我镇"), ("乡人民政府", "我乡"),
                       ("委员会", "我委"), ("办公厅", "我厅"), ("办公室", "我办"), ("人民政府", "本机关"),
                       ("厅", "我厅"), ("局", "我局")):
        if agency.endswith(suffix):
            return me
    return "本机关"


_MGMT = [
    "严格落实政府信息发布保密审查和内容审核机制，未经审核的信息一律不得发布。",
    "进一步完善政府信息公开指南和主动公开目录，规范信息公开申请答复流程。",
    "加强政府信息全生命周期管理，及时对已公开信息进行清理和更新。",
    "健全政务公开工作领导机制，明确专人负责政务公开日常工作。",
]
_PLATFORM = [
    "不断完善政府网站信息公开专栏，优化栏目设置，及时更新维护内容。",
    "充分利用政务新媒体平台，丰富政策解读形式，积极回应社会关切。",
    "加强网站安全防护，确保政务公开平台安全稳定运行。",
]
_PROBLEMS = [
    "政务公开工作与群众期待相比仍有差距，公开内容的深度和广度有待加强，政策解读形式还不够丰富。",
    "工作人员业务能力有待提升，部分科室对政务公开工作重视程度不够。",
    "信息发布的及时性有待提高，审核把关力度还需要加强。",
]
_IMPROVE = [
    "下一步，将进一步加强组织领导，完善工作机制，提高政府信息公开工作的规范化、标准化水平。",
    "下一步，将加大培训力度，提升工作人员业务素质，切实做到应公开尽公开。",
    "下一步，将拓展公开渠道，强化政策解读，及时回应群众关切。",
]


def _received_sentence(rng: random.Random, me: str, year: int, n: int) -> str:
    if n == 0 and rng.random() < 0.5:
        return f"{year}年，{me}未收到政府信息公开申请。"
    return rng.choice((
        f"{year}年，{me}共收到政府信息公开申请{n}件。",
        f"全年共收到政府信息公开申请{n}件，均在法定期限内予以答复。",
        f"本年度新收政府信息公开申请{n}件，按时答复率100%。",
        f"{me}全年收到依申请公开{n}件，已按照规定办理。",
    ))


def _distractors(rng: random.Random, truth: Truth, year: int) -> list[str]:
    apps = truth.applications
    out: list[str] = []
    np_ = apps["new_received"]["natural_person"]
    org = sum(apps["new_received"][c] or 0 for c in APP_ORG_COLS)
    if np_ is not None and rng.random() < 0.5:
        out.append(f"其中，自然人申请{np_}件，法人或其他组织申请{org}件。")
    if rng.random() < 0.35:
        prev = max(0, (truth.narrative_count or 0) + rng.randint(-5, 8))
        if prev != truth.narrative_count:
            out.append(f"{year - 1}年共收到政府信息公开申请{prev}件。")
    co = apps["carried_over"]["total"]
    if co and rng.random() < 0.5:
        out.append(f"上年结转政府信息公开申请{co}件。")
    total = apps["total"]["total"]
    if total is not None and rng.random() < 0.4:
        out.append(f"本年度共办结政府信息公开申请{total}件，其中予以公开{apps['granted']['total']}件。")
    return out


def make_sections(rng: random.Random, truth: Truth) -> list[SectionText]:
    year = truth.meta["year"]
    me = self_name(truth.meta["agency"])
    published = rng.randint(20, 900)
    s1 = [
        f"{year}年，{me}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
        f"全面推进决策、执行、管理、服务、结果公开，切实保障人民群众的知情权、参与权、表达权和监督权。",
        f"（一）主动公开。全年公开发布政务信息{published}条，及时公开政策文件、重点领域信息和工作动态。",
        "（二）依申请公开。" + _received_sentence(rng, me, year, truth.narrative_count)
        + "".join(_distractors(rng, truth, year)),
        "（三）政府信息管理。" + rng.choice(_MGMT),
        "（四）平台建设。" + rng.choice(_PLATFORM),
        "（五）监督保障。将政务公开工作纳入年度考核内容，认真落实政务公开评议制度和责任追究制度。",
    ]
    rl = truth.review_litigation
    rl_zero = all(not v for g in rl.values() for v in g.values())
    s4 = ["本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。" if rl_zero
          else "本年度因政府信息公开引起的行政复议、行政诉讼情况如下表。"]
    s5 = [rng.choice(_PROBLEMS), rng.choice(_IMPROVE)]
    s6 = [rng.choice(("本年度未收取信息处理费。", "本年度无其他需要报告的事项。",
                      "本年度收取政府信息公开信息处理费0元。")),
          f"本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"]
    bodies = {1: s1, 2: ["主动公开政府信息情况如下表。"], 3: ["收到和处理政府信息公开申请情况如下表。"],
              4: s4, 5: s5, 6: s6}
    return [SectionText(no, SECTION_TITLES[no], bodies[no]) for no in range(1, 7)]
