"""Every page, in Bahasa Indonesia and English, at 1280×800 and 360×800 (the narrowest common phone): it loads, has the
structure the accessibility rules ask for, passes axe-core without a serious or critical
violation, ships no inline script, handler or style, and is screenshotted."""
from __future__ import annotations

import json

import pytest

from conftest import VIEWPORTS, new_context, page_list, sign_in
from helpers import blocking, describe, run_axe

PAGES = page_list()
LANGS = ["id", "en"]
REPORT: dict[str, list] = {}


def localized(url: str, lang: str) -> str:
    if lang == "id":
        return url
    return "/en/" + url[1:] if url == "/" or url.startswith("/?") else "/en" + url


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def viewport_context(request, browser):
    ctx = new_context(browser, viewport=request.param)
    yield request.param, ctx
    ctx.close()


@pytest.fixture(scope="module")
def signed_in_contexts(browser, server, base_url):
    """Per viewport, a context signed in through /masuk (for pages of kind "workspace")."""
    made: dict = {}

    def get(viewport, who):
        if (viewport, who) not in made:
            ctx = new_context(browser, viewport=viewport)
            sign_in(ctx, base_url, who)
            made[(viewport, who)] = ctx
        return made[(viewport, who)]

    yield get
    for ctx in made.values():
        ctx.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("entry", PAGES, ids=[p["name"] for p in PAGES])
def test_page(entry, lang, viewport_context, signed_in_contexts, server, base_url, shots_dir):
    viewport, ctx = viewport_context
    if entry.get("kind") == "workspace" and not server["proto"]:
        ctx = signed_in_contexts(viewport, entry.get("as", "produsen"))
    page = ctx.new_page()
    try:
        response = page.goto(base_url + localized(entry["url"], lang), wait_until="load")
        assert response is not None
        if not server["proto"]:
            assert response.status == entry.get("status", 200)
        problems = page.evaluate(
            """(lang) => {
              const out = [];
              if (document.documentElement.lang !== lang) out.push('html lang is ' + document.documentElement.lang);
              const h1 = document.querySelectorAll('h1').length;
              if (h1 !== 1) out.push(h1 + ' h1 elements');
              if (document.querySelectorAll('main').length !== 1) out.push('not exactly one <main>');
              const skip = document.querySelector('body a');
              if (!skip || skip.getAttribute('href') !== '#isi') out.push('first link is not the skip link');
              if (!document.getElementById('isi')) out.push('no #isi target');
              document.querySelectorAll('script:not([src])').forEach(s => { if (!s.type || s.type.includes('javascript') || s.type === 'module') out.push('inline script'); });
              document.querySelectorAll('*').forEach(el => {
                for (const a of el.attributes) {
                  if (a.name.startsWith('on')) out.push('inline handler ' + a.name + ' on ' + el.tagName);
                  if (a.name === 'style') out.push('inline style on ' + el.tagName);
                  if (a.name.startsWith('hx-on')) out.push('hx-on needs eval: ' + el.tagName);
                }
              });
              document.querySelectorAll('table').forEach(t => { if (!t.querySelector('caption')) out.push('table without caption'); });
              document.querySelectorAll('table thead th').forEach(th => { if (!th.getAttribute('scope')) out.push('th without scope'); });
              ['id', 'en', 'x-default'].forEach(h => { if (!document.querySelector('link[rel=alternate][hreflang="' + h + '"]')) out.push('no hreflang ' + h); });
              const title = document.title.trim();
              if (!title || title.startsWith('–')) out.push('empty <title>');
              document.querySelectorAll('svg[role=img]').forEach(s => { if (!s.querySelector('title') || !s.querySelector('desc')) out.push('svg img without title/desc'); });
              return out;
            }""",
            lang,
        )
        shot = shots_dir / f"{entry['name']}-{lang}-{viewport}.png"
        page.screenshot(path=str(shot), full_page=True)
        violations = run_axe(page)
        REPORT[f"{entry['name']} [{lang}, {viewport}]"] = violations
        (shots_dir / "axe-report.json").write_text(json.dumps(REPORT, indent=1, ensure_ascii=False), encoding="utf-8")
        assert not problems, "\n".join(problems)
        bad = blocking(violations)
        assert not bad, "axe found serious/critical violations:\n" + describe(bad)
        if viewport == "phone":
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"], f"page scrolls sideways at {VIEWPORTS['phone']['width']} px ({width} px wide)"
    finally:
        page.close()
