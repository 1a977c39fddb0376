"""HTML layout: a government-site article page with real <table>s using rowspan/colspan, wrapped in
site chrome (navigation, scripts, footer) like the crawled pages in the real corpus."""
from __future__ import annotations

import html
import random

from tests.synth.doc import Block
from tests.synth.tables import TRows

_CHROME_TOP = """<div class="header-t"><div class="container"><span id="utime"></span>
<ul class="fl"><li><a class="jft" href="javascript:void(0);">繁體版</a></li>\
<li><a href="javascript:;">无障碍</a></li></ul></div></div>
<div class="mainNav"><ul class="clearfix"><li><a href="/index.shtml">首页</a></li><li><a href="/zwgk/">政府信息公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/zmhd/">政民互动</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; 政府信息公开年报</div>"""
_CHROME_BOTTOM = """<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="footer"><p>主办单位：{agency}　版权所有</p><p>网站标识码：{code}　备案号：ICP备{icp}号</p></div>
<script type="text/javascript">var websiteId = "{code}"; function jft(){{}}</script>"""


def _cell_html(rng: random.Random, text: str) -> str:
    body = html.escape(text).replace("\n", "<br>")
    if rng.random() < 0.5:  # Word-pasted markup around the text
        return f'<p style="text-align: center; line-height: 2;"><span style="font-family: 宋体;">{body}</span></p>'
    return body


def _table(rng: random.Random, rows: TRows) -> str:
    out = ['<table style="BORDER-COLLAPSE:collapse" cellspacing="0" cellpadding="2" border="1">', "<tbody>"]
    for row in rows:
        out.append("<tr>")
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            out.append(f'<td{attrs} valign="center">{_cell_html(rng, c.text)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(rng: random.Random, blocks: list[Block], charset: str) -> str:
    title = next(b.text for b in blocks if b.kind == "title")
    agency = next((b.text for b in blocks if b.kind == "sign"), "")
    parts = [f'<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
             f"<title>{html.escape(title)}_政府信息公开年报</title>",
             '<link rel="stylesheet" type="text/css" href="/xhtml/css/common.css">',
             '<script type="text/javascript" src="/xhtml/js/jquery.min.js"></script>\n</head>\n<body>',
             _CHROME_TOP, '<div class="article">']
    for b in blocks:
        if b.kind == "title":
            parts.append(f'<h1 class="article-title">{html.escape(b.text)}</h1>')
        elif b.kind == "dateline":
            parts.append(f'<div class="article-info"><span>{html.escape(b.text)}</span></div>\n<div class="article-content">')
        elif b.kind == "heading":
            parts.append(f'<p style="text-indent: 2em;"><strong>{html.escape(b.text)}</strong></p>')
        elif b.kind == "para":
            parts.append(f'<p style="text-indent: 2em; line-height: 2;">{html.escape(b.text)}</p>')
        elif b.kind == "table":
            parts.append('<div style="text-align: center;">' + _table(rng, b.rows or []) + "</div>")
        elif b.kind == "sign":
            parts.append(f'<p style="text-align: right;">{html.escape(b.text)}</p>')
    if any(b.kind == "dateline" for b in blocks):
        parts.append("</div>")
    code = "".join(rng.choice("0123456789abcdef") for _ in range(16))
    parts += ["</div>", _CHROME_BOTTOM.format(agency=html.escape(agency or "政府门户网站"), code=code,
                                              icp=rng.randint(10000000, 99999999)), "</body>\n</html>\n"]
    return "\n".join(parts)
