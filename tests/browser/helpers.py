"""Helpers shared by the browser tests: axe, keyboard-only walking, page invariants."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import AXE_JS

BLOCKING = {"serious", "critical"}


def run_axe(page) -> list[dict]:
    """Inject axe-core and run it with the WCAG 2.x A/AA rules (plus best practices). Returns
    the violations as axe reports them."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} missing: run tests/browser/setup.sh (npm pack axe-core@4.14.1)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
              resultTypes: ['violations']
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }"""
    )
    return result


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for n in v["nodes"]:
            lines.append(f"    {n['target']}: {n['summary'].splitlines()[-1] if n['summary'] else ''}")
    return "\n".join(lines)


FOCUS_PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id || null, text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
          href: el.getAttribute('href'), outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor,
          shadow: cs.boxShadow, bg: cs.backgroundColor, visible: r.width > 0 && r.height > 0};
}"""


def tab_walk(page, limit=400) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the document or cycles; return
    what had focus at each step (keyboard-only use)."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_PROBE)
        if info is None:
            break
        if seen and info == seen[0]:
            break
        seen.append(info)
    return seen


def has_visible_focus(info: dict) -> bool:
    """Our focus style: a yellow background, a box-shadow or an outline."""
    outline_on = not info["outline"].startswith("none") and not info["outline"].split(" ")[1].startswith("0")
    return outline_on or info["shadow"] not in ("none", "") or info["bg"] in ("rgb(255, 221, 0)",)


def save_report(path: Path, report: dict) -> None:
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
