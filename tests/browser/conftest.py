"""Browser harness for the satudata web UI: pytest + Playwright (Python) driving Debian's
Chromium, axe-core injected into every page.

Environment:
  SATUDATA_BASE_URL      the server to test, e.g. http://127.0.0.1:18080 (a `satudata serve` on
                         loopback). Unset: the prototype is rendered (crates/web/proto/render.py)
                         and served by tests/browser/fake_server.py on a free loopback port.
  SATUDATA_PAGES         JSON list of pages to check: [{"name", "url", "status", "kind"}]
                         (kind "public" or "workspace"). Unset: the prototype's pages.json.
  SATUDATA_SCREENSHOTS   folder for screenshots and axe-report.json
                         (default: tests/browser/screenshots, ignored by git).
  SATUDATA_AXE_JS        axe.min.js (default: ~/.cache/satudata-browser/axe-core/axe.min.js,
                         fetched by setup.sh with `npm pack axe-core@4.14.1`).
  CHROMIUM               the browser binary (default /usr/bin/chromium). Never downloaded.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROTO = REPO / "crates/web/proto"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 800},
             "phone390": {"width": 390, "height": 844}}
AXE_JS = Path(os.environ.get("SATUDATA_AXE_JS", Path.home() / ".cache/satudata-browser/axe-core/axe.min.js"))
SHOTS = Path(os.environ.get("SATUDATA_SCREENSHOTS", HERE / "screenshots"))


_RENDERED: list[Path] = []


def render_proto() -> Path:
    """Render the prototype once per session; returns its pages.json."""
    out = PROTO / "out"
    if not _RENDERED:
        subprocess.run([sys.executable, str(PROTO / "render.py"), "--out", str(out)], check=True)
        _RENDERED.append(out)
    return out / "pages.json"


def page_list() -> list[dict]:
    """The pages to check (used at collection time to parametrise the tests)."""
    pages = os.environ.get("SATUDATA_PAGES")
    if pages:
        return json.loads(Path(pages).read_text(encoding="utf-8"))
    if os.environ.get("SATUDATA_BASE_URL"):
        raise pytest.UsageError("SATUDATA_PAGES must name a JSON page list when SATUDATA_BASE_URL is set")
    return json.loads(render_proto().read_text(encoding="utf-8"))


def _proto_server():
    """Serve the rendered prototype (with the fake upload API) on a free loopback port."""
    out = render_proto().parent
    sys.path.insert(0, str(HERE))
    import fake_server  # noqa: PLC0415

    httpd = fake_server.serve(out, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}", out / "pages.json"


@pytest.fixture(scope="session")
def server():
    base = os.environ.get("SATUDATA_BASE_URL")
    if base:
        pages = os.environ.get("SATUDATA_PAGES")
        yield {"base": base.rstrip("/"), "pages": Path(pages) if pages else None, "proto": False}
        return
    httpd, base, pages = _proto_server()
    yield {"base": base, "pages": pages, "proto": True}
    httpd.shutdown()


@pytest.fixture(scope="session")
def base_url(server):
    return server["base"]



@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    exe = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    b = playwright_instance.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


def new_context(browser, viewport="desktop", javascript=True, bypass_csp=True, lang="id-ID"):
    """A fresh context. bypass_csp lets axe be injected into pages served with a strict CSP
    (the page's own scripts are still the page's); the CSP itself is checked separately."""
    return browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript,
                               bypass_csp=bypass_csp, locale=lang, reduced_motion="reduce",
                               service_workers="block")


def sign_in(ctx, base_url: str, who: str = "produsen") -> None:
    """Signs a context in through the /masuk form with SATUDATA_SIGNIN ("email password"), or
    SATUDATA_SIGNIN_WALIDATA / SATUDATA_SIGNIN_ADMIN for who="walidata" / "admin"."""
    name = {"walidata": "SATUDATA_SIGNIN_WALIDATA", "admin": "SATUDATA_SIGNIN_ADMIN"}.get(who, "SATUDATA_SIGNIN")
    email, password = os.environ[name].split(" ", 1)
    page = ctx.new_page()
    try:
        page.goto(base_url + "/masuk", wait_until="load")
        page.fill("#f-email", email)
        page.fill("#f-password", password)
        with page.expect_navigation():
            page.click("form[action='/masuk'] button[type=submit]")
        assert "/kelola" in page.url, f"sign-in did not reach the workspace: {page.url}"
    finally:
        page.close()


@pytest.fixture()
def context(browser):
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    p = context.new_page()
    yield p
    p.close()


@pytest.fixture()
def nojs_page(browser):
    ctx = new_context(browser, javascript=False)
    p = ctx.new_page()
    yield p
    ctx.close()


@pytest.fixture(scope="session")
def shots_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def pytest_sessionfinish(session, exitstatus):
    if SHOTS.exists():
        print(f"\nscreenshots and axe report: {SHOTS}", file=sys.stderr)
