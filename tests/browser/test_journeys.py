"""A visitor's journeys through the real portal (tests/browser/real.sh starts and seeds it):
search → facet → dataset → page the table → change the chart → download the CSV (the same
bytes as the API's file) → copy the API example and run it. The same on a 390×844 phone, with
JavaScript off, and with the keyboard only. axe runs on every state the journey reaches;
screenshots of each step go to the screenshot folder."""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import new_context
from helpers import blocking, describe, has_visible_focus, run_axe, tab_walk

pytestmark = pytest.mark.skipif(not os.environ.get("SATUDATA_SEEDED"),
                                reason="needs the real server seeded by tests/browser/real.sh")


@pytest.fixture(scope="module")
def seeded():
    return json.loads(Path(os.environ["SATUDATA_SEEDED"]).read_text(encoding="utf-8"))


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read()


def check_axe(page, label: str, javascript: bool = True) -> None:
    """axe-core runs as a script in the page: not where JavaScript is off (test_pages.py has
    checked those pages with it)."""
    if not javascript:
        return
    bad = blocking(run_axe(page))
    assert not bad, f"axe on {label}:\n" + describe(bad)


def shot(page, shots_dir, name: str) -> None:
    page.screenshot(path=str(shots_dir / f"journey-{name}.png"), full_page=True)


def preview_summary(page) -> str:
    return page.locator("#pratinjau-ringkasan").inner_text().strip()


def journey(page, base_url, seeded, shots_dir, tag: str, javascript: bool, phone: bool, tmp_path) -> None:
    slug = seeded["kunjungan"]
    # Home: search for "kunjungan".
    page.goto(base_url + "/")
    page.fill("#home-q", "kunjungan")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/dataset?q=kunjungan")
    shot(page, shots_dir, f"{tag}-1-search")
    # A facet: the topic. On a phone the facets start closed.
    facets = page.locator("details.facets")
    if phone:
        assert facets.get_attribute("open") is None, "facets should start collapsed on a phone"
        facets.locator("summary").click()
    topic = page.locator("input[name=topik][value='Perlindungan Sosial dan Kesehatan']")
    topic.check()
    page.locator(".facets__form button[type=submit]").click()
    page.wait_for_url("**topik=Perlindungan*")
    assert page.locator(".chips .chip").count() == 1
    check_axe(page, f"{tag} search with a facet", javascript)
    shot(page, shots_dir, f"{tag}-2-facet")
    # The dataset.
    page.locator(f".card__title a[href$='/dataset/{slug}']").click()
    page.wait_for_url(f"**/dataset/{slug}")
    assert preview_summary(page).startswith("Baris 1–25 dari")
    # Page the table: with JavaScript only the table is swapped (and the URL is pushed).
    if javascript:
        page.evaluate("() => { window.__notReloaded = true; }")
    page.locator("#pratinjau .pager a[rel=next]").click()
    page.wait_for_url("**hal=2*")
    page.wait_for_function("() => document.getElementById('pratinjau-ringkasan').textContent.includes('26')")
    assert preview_summary(page).startswith("Baris 26–50 dari")
    if javascript:
        assert page.evaluate("() => window.__notReloaded === true"), "the whole page was reloaded"
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'h-pratinjau'")
        # The API box followed the table (out-of-band swap).
        assert "offset=25" in page.locator("#api-ex-curl").inner_text()
    first_row = page.locator("#pratinjau tbody tr").first.locator("td").all_inner_texts()
    check_axe(page, f"{tag} dataset, page 2", javascript)
    shot(page, shots_dir, f"{tag}-3-page2")
    # Change the chart: bars by kecamatan.
    page.select_option("#chart-x", "nama_kecamatan")
    page.select_option("#chart-jenis", "batang")
    page.locator("#grafik button[type=submit]").click()
    page.wait_for_url("**x=nama_kecamatan*")
    page.wait_for_selector("svg.chart__svg--batang")
    assert "hal=2" in page.url, "the chart keeps the table's page"
    assert page.locator("#grafik table tbody tr").count() == 3
    check_axe(page, f"{tag} chart by kecamatan", javascript)
    shot(page, shots_dir, f"{tag}-4-chart")
    # Download the CSV: the same bytes as the API's file.
    with page.expect_download() as info:
        page.locator(".downloads__list a[href$='/data.csv']").click()
    path = tmp_path / f"{tag}.csv"
    info.value.save_as(path)
    assert path.read_bytes() == fetch(f"{base_url}/datasets/{slug}/data.csv")
    # The API example: copy it (with JavaScript) or read it, and run it.
    if javascript:
        page.locator("button[data-copy='api-ex-curl']").click()
        command = page.evaluate("() => navigator.clipboard.readText()")
    else:
        assert page.locator("button[data-copy]:visible").count() == 0, "copy buttons need JavaScript"
        command = page.locator("#api-ex-curl").inner_text()
    assert command.startswith("curl '"), command
    done = subprocess.run(shlex.split(command) + ["-fsS"], capture_output=True, text=True, timeout=60, check=True)
    answer = json.loads(done.stdout)
    assert len(answer["items"]) == 25 and answer["offset"] == 25
    row = answer["items"][0]
    # The API's first row is the table's first row on page 2 (numbers in Indonesian form there).
    assert row["nama_kecamatan"] in first_row and row["jenis_layanan"] in first_row, (row, first_row)


def test_journey_desktop(browser, base_url, seeded, shots_dir, tmp_path):
    ctx = new_context(browser)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    try:
        journey(ctx.new_page(), base_url, seeded, shots_dir, "desktop", True, False, tmp_path)
    finally:
        ctx.close()


def test_journey_phone(browser, base_url, seeded, shots_dir, tmp_path):
    ctx = new_context(browser, viewport="phone")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    try:
        page = ctx.new_page()
        journey(page, base_url, seeded, shots_dir, "phone", True, True, tmp_path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the dataset page scrolls sideways at 390 px ({width} px)"
    finally:
        ctx.close()


def test_journey_without_javascript(browser, base_url, seeded, shots_dir, tmp_path):
    ctx = new_context(browser, javascript=False)
    try:
        journey(ctx.new_page(), base_url, seeded, shots_dir, "nojs", False, False, tmp_path)
    finally:
        ctx.close()


def focus_on(page, predicate, limit=300):
    """Tab until `predicate(info)` holds for the focused element; returns every stop passed."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const el = document.activeElement; if (!el || el === document.body) return null;
            const cs = getComputedStyle(el); const r = el.getBoundingClientRect();
            return {tag: el.tagName.toLowerCase(), id: el.id || null, name: el.getAttribute('name'), value: el.value || null,
                    text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 80), href: el.getAttribute('href'),
                    outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor, shadow: cs.boxShadow,
                    bg: cs.backgroundColor, visible: r.width > 0 && r.height > 0}; }""")
        if info is None:
            continue
        stops.append(info)
        if predicate(info):
            return stops
    raise AssertionError(f"never reached the control; last stops: {stops[-5:]}")


def test_journey_keyboard_only(page, base_url, seeded, shots_dir, tmp_path):
    slug = seeded["kunjungan"]
    page.goto(base_url + "/")
    stops = focus_on(page, lambda i: i["id"] == "home-q")
    assert stops[0]["href"] == "#isi", "the skip link comes first"
    page.keyboard.type("kunjungan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dataset?q=kunjungan")
    stops = focus_on(page, lambda i: i["name"] == "topik" and i["value"] == "Perlindungan Sosial dan Kesehatan")
    page.keyboard.press("Space")
    stops += focus_on(page, lambda i: i["tag"] == "button" and "Terapkan" in i["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**topik=Perlindungan*")
    stops += focus_on(page, lambda i: (i["href"] or "").endswith(f"/dataset/{slug}"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/dataset/{slug}")
    stops += focus_on(page, lambda i: i["text"].startswith("Unduh CSV"))
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".csv")
    stops += focus_on(page, lambda i: "hal=2" in (i["href"] or "") and (i["href"] or "").endswith("#pratinjau") and "›" in i["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**hal=2*")
    page.wait_for_function("() => document.getElementById('pratinjau-ringkasan').textContent.includes('26')")
    shot(page, shots_dir, "keyboard-page2")
    invisible = [s for s in stops if s["visible"] and not has_visible_focus(s)]
    assert not invisible, f"focus not visible on: {invisible[:5]}"
    # Every stop of the dataset page shows its focus.
    walk = tab_walk(page)
    assert len(walk) > 20
    hidden = [s for s in walk if s["visible"] and not has_visible_focus(s)]
    assert not hidden, f"focus not visible on: {hidden[:5]}"


def test_journey_workspace_tokens(browser, base_url, shots_dir):
    """Issue 20, first part: a steward signs in through /masuk (real cookie, real CSRF token,
    the browser's own Origin header), lands on "my datasets", creates an API token that works
    with the JSON API, revokes it, and signs out (the old session is gone)."""
    email, password = os.environ["SATUDATA_SIGNIN"].split(" ", 1)
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        page.goto(base_url + "/kelola/token", wait_until="load")
        assert "/masuk?next=" in page.url, page.url
        check_axe(page, "sign-in")
        # A wrong password first: the error summary, the e-mail kept.
        page.fill("#f-email", email)
        page.fill("#f-password", "bukan-kata-sandinya")
        with page.expect_navigation():
            page.click("form[action='/masuk'] button[type=submit]")
        assert page.locator(".error-summary").count() == 1
        assert page.input_value("#f-email") == email
        check_axe(page, "sign-in with an error")
        shot(page, shots_dir, "ws-signin-error")
        page.fill("#f-password", password)
        with page.expect_navigation():
            page.click("form[action='/masuk'] button[type=submit]")
        assert page.url.endswith("/kelola/token"), page.url
        cookie = next(c for c in ctx.cookies() if c["name"] == "satudata_sesi")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.fill("#f-label", "Skrip uji peramban")
        page.select_option("#f-expires_days", "30")
        with page.expect_navigation():
            page.click("form[action='/kelola/token'] button[type=submit]")
        secret = page.locator("#new-token").inner_text().strip()
        assert secret.startswith("sdt_"), secret
        check_axe(page, "token created")
        shot(page, shots_dir, "ws-token-created")
        req = urllib.request.Request(base_url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert json.loads(fetch_request(req))["email"] == email
        row = page.locator("tr", has_text="Skrip uji peramban")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        assert page.locator(".notice--sukses").count() == 1, page.content()[:2000]
        with pytest.raises(urllib.error.HTTPError):
            fetch_request(req)
        page.goto(base_url + "/kelola/dataset", wait_until="load")
        check_axe(page, "my datasets")
        with page.expect_navigation():
            page.click("form[action='/keluar'] button[type=submit]")
        assert page.url.rstrip("/") == base_url, page.url
        assert page.locator(".notice--info").count() == 1
        page.goto(base_url + "/kelola/dataset", wait_until="load")
        assert "/masuk" in page.url, "signed out"
    finally:
        ctx.close()


def test_journey_walidata_review_and_publish(browser, base_url, seeded, shots_dir):
    """Issue 20: the walidata signs in through /masuk, opens the queue, tries to return a
    version without a note (the error summary), approves it, publishes it (the background job;
    the page reports it), and the dataset appears on the public portal and in package_search."""
    slug = seeded["antre_journey"]
    title = "Jumlah Murid Sekolah Dasar Menurut Kecamatan"
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        page.goto(base_url + "/kelola", wait_until="load")
        email, password = os.environ["SATUDATA_SIGNIN_WALIDATA"].split(" ", 1)
        page.fill("#f-email", email)
        page.fill("#f-password", password)
        with page.expect_navigation():
            page.click("form[action='/masuk'] button[type=submit]")
        # `next` brings it back to /kelola, which sends the walidata to the queue.
        assert page.url.endswith("/kelola/tinjauan"), page.url
        check_axe(page, "queue")
        shot(page, shots_dir, "ws-queue")
        with page.expect_navigation():
            page.click(f"a[href='/kelola/tinjauan/{slug}/1']")
        assert page.locator("h1").inner_text().startswith("Pemeriksaan versi 1")
        check_axe(page, "review")
        # Return without a note: refused, the error summary links to the field.
        with page.expect_navigation():
            page.click(f"form[action='/kelola/tinjauan/{slug}/1/kembalikan'] button[type=submit]")
        assert page.locator(".error-summary a[href='#f-note']").count() == 1
        check_axe(page, "review with an error")
        shot(page, shots_dir, "ws-review-error")
        with page.expect_navigation():
            page.click(f"form[action='/kelola/tinjauan/{slug}/1/setujui'] button[type=submit]")
        assert page.url.endswith(f"/kelola/tinjauan/{slug}/1"), page.url
        assert page.locator(".notice--sukses").count() == 1
        with page.expect_navigation():
            page.click(f"form[action='/kelola/tinjauan/{slug}/1/tayangkan'] button[type=submit]")
        notice = page.locator(".notice").first.inner_text()
        assert "ditayangkan" in notice, notice
        shot(page, shots_dir, "ws-review-published")
        # On the public portal and in the CKAN API.
        public = ctx.new_page()
        public.goto(base_url + f"/dataset/{slug}", wait_until="load")
        assert title in public.locator("h1").inner_text()
        public.close()
        found = json.loads(fetch(base_url + "/api/3/action/package_search?q=murid"))
        assert any(r["title"] == title for r in found["result"]["results"]), found
    finally:
        ctx.close()


def fetch_request(req) -> bytes:
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.read()
