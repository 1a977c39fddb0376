"""Which national table template a report uses, decided from the 主动公开 table's own headers
(2019: 新制作/新公开/对外公开总数量, 上一年项目数量/本年增减; 2021: 本年制发/废止/现行有效件数)
and, failing that, from the 2021 sub-rows of (六)其他处理 in the application table."""
from __future__ import annotations

import re

_2019 = re.compile(r"新制作数量|新公开数量|对外公开总数量|上一年项目数量|本年增/?减|"
                   r"采购项目数量|政府集中采购|其他对外管理服务事项")
_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额")
_2021_APP = re.compile(r"逾期不补正|逾期未按收费通知")


def detect(ad_region: str, app_region: str) -> str | None:
    a, b = len(_2019.findall(ad_region)), len(_2021.findall(ad_region))
    if a != b:
        return "2019" if a > b else "2021"
    if app_region and _2021_APP.search(app_region):
        return "2021"
    if app_region and re.search(r"\(六\)[ ]?其他处理", app_region):
        return "2019"
    return None
