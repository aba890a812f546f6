"""Issue 20: the steward's and the walidata's journeys through the real workspace.

The steward signs in, creates a dataset with the metadata form, imports the walidata's Table
Schema (the shared generator's) as a file, uploads a table with planted errors through the
resumable upload, and the report lists exactly the planted cells; the fixed file is uploaded and submitted; the walidata returns it with a note,
the steward sees the note and submits again; the walidata approves and publishes, and the
dataset is on the public portal and in package_search. Also: the plain form without
JavaScript, the pages at 390×844, and a 100 MB upload over a throttled link that drops.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from conftest import new_context, sign_in
from helpers import blocking, describe, has_visible_focus, run_axe

pytestmark = pytest.mark.skipif(not os.environ.get("SATUDATA_SEEDED"),
                                reason="needs the real server seeded by tests/browser/real.sh")


@pytest.fixture(scope="module")
def seeded():
    return json.loads(Path(os.environ["SATUDATA_SEEDED"]).read_text(encoding="utf-8"))


def check_axe(page, label: str) -> None:
    bad = blocking(run_axe(page))
    assert not bad, f"axe on {label}:\n" + describe(bad)


def shot(page, shots_dir, name: str) -> None:
    page.screenshot(path=str(shots_dir / f"steward-{name}.png"), full_page=True)


def upload(page, path: str, timeout_ms: int = 120_000) -> None:
    """Chooses the file and sends it (upload.js with JavaScript, the plain form without); waits
    for the report page."""
    page.set_input_files("#f-berkas", path)
    page.click("[data-upload-start]")
    page.wait_for_url("**/versi/*", timeout=timeout_ms)


def error_cells(page, report_url: str) -> set[tuple[int, str]]:
    """(row, column) of every error in the report's cell list (all pages)."""
    cells: set[tuple[int, str]] = set()
    url = report_url + "?tingkat=error"
    while url:
        page.goto(url, wait_until="load")
        rows = page.locator("table.cells-table tbody tr")
        for i in range(rows.count()):
            row = rows.nth(i)
            number = row.locator("th").inner_text().strip()
            column = row.locator("td").nth(0).inner_text().strip()
            if number.isdigit():
                cells.add((int(number), column))
        nxt = page.locator("nav.pager a[rel=next]")
        url = nxt.first.get_attribute("href") if nxt.count() else None
        if url and url.startswith("/"):
            url = page.url.split("/kelola/")[0] + url
    return cells


def test_steward_creates_uploads_fixes_submits_and_publishes(browser, base_url, seeded, shots_dir):
    journey = seeded["journey"]
    title = "Jumlah Kunjungan Layanan Puskesmas Menurut Kelurahan"
    slug = "jumlah-kunjungan-layanan-puskesmas-menurut-kelurahan"
    steward = new_context(browser)
    walidata = new_context(browser)
    try:
        sign_in(steward, base_url)
        page = steward.new_page()
        # A new dataset with the metadata form, then the walidata's Table Schema imported as a file.
        page.goto(f"{base_url}/kelola/dataset", wait_until="load")
        with page.expect_navigation():
            page.click("main a[href='/kelola/dataset/baru']")
        page.fill("#f-title", title)
        page.fill("#f-description", "Kunjungan ke puskesmas per kelurahan, jenis layanan, dan bulan.")
        page.select_option("#f-topik", "Perlindungan Sosial dan Kesehatan")
        page.select_option("#f-frekuensi", "Tahunan")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.endswith(f"/kelola/dataset/{slug}"), page.url
        with page.expect_navigation():
            page.click(f"main a[href='/kelola/dataset/{slug}/skema']")
        page.set_input_files("#f-schema_file", journey["schema_file"])
        with page.expect_navigation():
            page.click(f"form[action='/kelola/dataset/{slug}/skema/impor'] button[type=submit]")
        assert page.url.endswith(f"/kelola/dataset/{slug}/skema"), page.url
        assert page.locator(".notice--sukses").count() == 1, page.inner_text("main")[:500]
        assert page.locator("input[name=count]").get_attribute("value") == "14"
        check_axe(page, "schema imported")
        shot(page, shots_dir, "0-schema-imported")
        with page.expect_navigation():
            page.click(f"main a[href='/kelola/dataset/{slug}/unggah']")
        check_axe(page, "upload")
        shot(page, shots_dir, "1-upload")

        # The file with planted errors: exactly those cells are reported, Ajukan is disabled.
        upload(page, journey["bad"])
        assert page.url.endswith(f"/kelola/dataset/{slug}/versi/1"), page.url
        assert page.locator("#submit-why").count() == 1
        assert page.locator(f"form[action='/kelola/dataset/{slug}/versi/1/ajukan']").count() == 0
        check_axe(page, "report with errors")
        shot(page, shots_dir, "2-report-errors")
        planted = {(c["row"], c["column"]) for c in journey["planted"]}
        assert error_cells(page, f"{base_url}/kelola/dataset/{slug}/versi/1") == planted

        # The fixed file: valid, and submitted with a note.
        page.goto(f"{base_url}/kelola/dataset/{slug}/versi/1", wait_until="load")
        with page.expect_navigation():
            page.click("a.button[href$='/unggah']")
        upload(page, journey["good"])
        assert page.url.endswith(f"/kelola/dataset/{slug}/versi/2"), page.url
        assert page.locator(".verdict-box--ok").count() == 1
        check_axe(page, "valid report")
        shot(page, shots_dir, "3-report-valid")
        page.fill("#f-note", "Data 2010 lengkap, sudah diperbaiki.")
        with page.expect_navigation():
            page.click(f"form[action='/kelola/dataset/{slug}/versi/2/ajukan'] button[type=submit]")
        assert page.url.endswith(f"/kelola/dataset/{slug}"), page.url
        assert page.locator(".notice--sukses").count() == 1
        assert "MENUNGGU PERSETUJUAN" in page.content()

        # The walidata returns it with a note.
        sign_in(walidata, base_url, "walidata")
        review = walidata.new_page()
        review.goto(f"{base_url}/kelola/tinjauan/{slug}/2", wait_until="load")
        note = "Satuan kolom jumlah_kunjungan mohon dijelaskan di deskripsi."
        review.fill("#f-note", note)
        with review.expect_navigation():
            review.click(f"form[action='/kelola/tinjauan/{slug}/2/kembalikan'] button[type=submit]")
        assert review.locator(".notice--sukses").count() == 1

        # The steward sees the note and submits again.
        page.goto(f"{base_url}/kelola/dataset/{slug}", wait_until="load")
        assert note in page.inner_text("main")
        assert "DITOLAK" in page.content()
        shot(page, shots_dir, "4-returned")
        page.goto(f"{base_url}/kelola/dataset/{slug}/versi/2", wait_until="load")
        with page.expect_navigation():
            page.click(f"form[action='/kelola/dataset/{slug}/versi/2/ajukan'] button[type=submit]")
        assert page.locator(".notice--sukses").count() == 1

        # Approved and published: on the portal and in the CKAN API.
        review.goto(f"{base_url}/kelola/tinjauan/{slug}/2", wait_until="load")
        with review.expect_navigation():
            review.click(f"form[action='/kelola/tinjauan/{slug}/2/setujui'] button[type=submit]")
        with review.expect_navigation():
            review.click(f"form[action='/kelola/tinjauan/{slug}/2/tayangkan'] button[type=submit]")
        assert "ditayangkan" in review.locator(".notice").first.inner_text()
        public = walidata.new_page()
        public.goto(f"{base_url}/dataset/{slug}", wait_until="load")
        assert title in public.locator("h1").inner_text()
        with urllib.request.urlopen(base_url + "/api/3/action/package_search?q=puskesmas", timeout=60) as r:
            found = json.loads(r.read())
        assert any(x["title"] == title for x in found["result"]["results"]), found
    finally:
        steward.close()
        walidata.close()


def test_upload_without_javascript_and_on_a_phone(browser, base_url, seeded, shots_dir):
    """The plain multipart form (no JavaScript) reaches the same report; the upload and report
    pages at 390×844 pass axe and fit the screen."""
    slug, journey = seeded["galat"], seeded["journey"]
    nojs = new_context(browser, javascript=False)
    phone = new_context(browser, viewport="phone390")
    try:
        sign_in(nojs, base_url)
        page = nojs.new_page()
        page.goto(f"{base_url}/kelola/dataset/{slug}/unggah", wait_until="load")
        page.set_input_files("#f-berkas", journey["bad"])
        with page.expect_navigation():
            page.click("[data-upload-start]")
        # Checked within a few seconds: the report; else the page that says it is being checked.
        for _ in range(60):
            if "/versi/" in page.url:
                break
            assert page.locator(".job").count() == 1, page.content()[:2000]
            done = page.locator(".job--done a.button")
            link = done if done.count() else page.locator(".job__refresh a")
            time.sleep(0 if done.count() else 1)
            with page.expect_navigation():
                link.click()
        assert page.url.endswith(f"/kelola/dataset/{slug}/versi/2"), page.url
        assert page.locator("table.cells-table").count() == 1
        # No file chosen: the error summary, 422.
        page.goto(f"{base_url}/kelola/dataset/{slug}/unggah", wait_until="load")
        with page.expect_navigation() as nav:
            page.click("[data-upload-start]")
        assert nav.value.status == 422
        assert page.locator(".error-summary a[href='#f-berkas']").count() == 1

        sign_in(phone, base_url)
        small = phone.new_page()
        for name, path in (("upload", f"/kelola/dataset/{slug}/unggah"),
                           ("report", f"/kelola/dataset/{slug}/versi/2")):
            small.goto(base_url + path, wait_until="load")
            check_axe(small, f"{name} at 390 px")
            width = small.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"{name} is {width} px wide at 390 px"
            shot(small, shots_dir, f"phone-{name}")
    finally:
        nojs.close()
        phone.close()


def test_xlsx_upload(browser, base_url, seeded, shots_dir, tmp_path):
    """A workbook (the portal's own published data.xlsx of another dataset) goes through the
    resumable upload; the report reads its sheet and every row, without errors."""
    source = seeded["kunjungan"]
    with urllib.request.urlopen(f"{base_url}/datasets/{source}/data.xlsx", timeout=60) as r:
        workbook = r.read()
    assert workbook[:2] == b"PK", "an XLSX (zip) file"
    path = tmp_path / "kunjungan-puskesmas.xlsx"
    path.write_bytes(workbook)
    with urllib.request.urlopen(f"{base_url}/api/v1/datasets/{source}/versions", timeout=60) as r:
        rows = json.loads(r.read())["items"][0]["row_count"]
    ctx = new_context(browser)
    try:
        sign_in(ctx, base_url)
        page = ctx.new_page()
        page.goto(f"{base_url}/kelola/dataset/{seeded['excel']}/unggah", wait_until="load")
        upload(page, str(path))
        assert page.url.endswith(f"/kelola/dataset/{seeded['excel']}/versi/1"), page.url
        assert page.locator(".verdict-box--ok").count() == 1, page.inner_text("main")[:1500]
        facts = page.locator("#h-file").locator("xpath=..").inner_text()
        assert "XLSX" in facts, facts
        assert f"{rows:,}".replace(",", ".") + " baris" in facts, facts
        check_axe(page, "report of an XLSX upload")
        shot(page, shots_dir, "xlsx-report")
    finally:
        ctx.close()


def test_large_upload_over_a_throttled_dropping_link(browser, base_url, seeded, shots_dir, tmp_path):
    """A 100 MB table over a link throttled to 4 MB/s that drops for a few seconds halfway:
    the progress bar moves, the upload resumes from the server's offset, and the version holds
    exactly the file."""
    slug = seeded["unggah"]
    gen = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "gen_sdi_csv.py"
    big = tmp_path / "kunjungan-besar.csv"
    subprocess.run([sys.executable, str(gen), "--rows", "850000", "--seed", "5", "--out", str(big)], check=True)
    size = big.stat().st_size
    assert size >= 100_000_000, size
    ctx = new_context(browser)
    try:
        sign_in(ctx, base_url)
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")

        def link(offline: bool) -> None:
            cdp.send("Network.emulateNetworkConditions", {
                "offline": offline, "latency": 40, "downloadThroughput": 4_000_000,
                "uploadThroughput": 4_000_000})

        link(False)
        page.goto(f"{base_url}/kelola/dataset/{slug}/unggah", wait_until="load")
        page.set_input_files("#f-berkas", str(big))
        page.click("[data-upload-start]")
        seen: list[float] = []
        dropped_at = None
        deadline = time.time() + 600
        while "/versi/" not in page.url and time.time() < deadline:
            try:
                value = page.evaluate("() => { const b = document.querySelector('[data-upload-bar]');"
                                      " return b ? b.value : null; }")
            except PlaywrightError:
                # The page went on to the report while it was being read.
                page.wait_for_load_state("load")
                continue
            if value is not None:
                seen.append(float(value))
            if dropped_at is None and seen and seen[-1] >= 40:
                shot(page, shots_dir, "large-progress")
                # One figure on screen (the detail line); the 10 % milestones go to screen
                # readers only, so no older figure shows beside it.
                shown = page.locator("[data-upload-text]").inner_text()
                assert "%" not in shown, shown
                assert "%" in page.locator("[data-upload-announce]").text_content(), "no milestone"
                link(True)
                dropped_at = seen[-1]
                detail = ""
                for _ in range(20):
                    time.sleep(0.5)
                    detail = page.locator("[data-upload-detail]").inner_text()
                    if "luring" in detail or "terputus" in detail.lower():
                        break
                shot(page, shots_dir, "large-offline")
                link(False)
                assert "luring" in detail or "terputus" in detail.lower(), detail
                after = len(seen)
            time.sleep(0.5)
        dropped = dropped_at is not None
        assert dropped, f"the upload never reached 40 %: {seen[-5:]}"
        # It went on from where the server was, not from the start.
        assert min(seen[after:], default=100) >= dropped_at - 5, (dropped_at, seen[after:after + 5])
        assert "/versi/" in page.url, f"not finished: {seen[-5:]}"
        moving = sorted(set(v for v in seen if 0 < v < 100))
        assert len(moving) >= 5, f"the bar did not move: {moving}"
        number = page.url.rstrip("/").rsplit("/", 1)[1]
        text = page.inner_text("main")
        assert "kunjungan-besar.csv" in text
        # The stored file is the whole file, once.
        response = page.request.get(f"{base_url}/kelola/dataset/{slug}/versi/{number}/berkas")
        assert response.status == 200
        body = response.body()
        assert len(body) == size and body == big.read_bytes()
    finally:
        ctx.close()



def focus_on(page, predicate, limit=400):
    """Tab until `predicate(info)` holds for the focused element; returns every stop passed."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const el = document.activeElement; if (!el || el === document.body) return null;
            const cs = getComputedStyle(el); const r = el.getBoundingClientRect();
            return {tag: el.tagName.toLowerCase(), id: el.id || null, name: el.getAttribute('name'),
                    text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 80), href: el.getAttribute('href'),
                    outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor, shadow: cs.boxShadow,
                    bg: cs.backgroundColor, visible: r.width > 0 && r.height > 0}; }""")
        if info is None:
            continue
        stops.append(info)
        if predicate(info):
            return stops
    raise AssertionError(f"never reached the control; last stops: {stops[-5:]}")


def test_steward_creates_a_dataset_by_keyboard_only(browser, base_url, shots_dir):
    """Sign in, open "my datasets", create a dataset with the metadata form, and land on its
    overview, with the keyboard only; every control passed shows its focus."""
    email, password = os.environ["SATUDATA_SIGNIN"].split(" ", 1)
    ctx = new_context(browser, viewport="phone390")
    try:
        page = ctx.new_page()
        page.goto(base_url + "/masuk", wait_until="load")
        stops = focus_on(page, lambda i: i["id"] == "f-email")
        page.keyboard.type(email)
        stops += focus_on(page, lambda i: i["id"] == "f-password")
        page.keyboard.type(password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.goto(base_url + "/kelola/dataset", wait_until="load")
        stops += focus_on(page, lambda i: (i["href"] or "") == "/kelola/dataset/baru")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        title = "Jumlah Posyandu Aktif Menurut Kelurahan"
        for field, keys in (("f-title", title),
                            ("f-description", "Posyandu yang aktif setiap bulan, per kelurahan."),
                            ("f-topik", "Perl"), ("f-frekuensi", "Tah")):
            stops += focus_on(page, lambda i, f=field: i["id"] == f)
            page.keyboard.type(keys)
        assert page.input_value("#f-topik") == "Perlindungan Sosial dan Kesehatan"
        assert page.input_value("#f-frekuensi") == "Tahunan"
        stops += focus_on(page, lambda i: i["tag"] == "button" and "Simpan dan lanjut" in i["text"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/kelola/dataset/jumlah-posyandu-aktif-menurut-kelurahan"), page.url
        assert page.locator(".notice--sukses").count() == 1
        shot(page, shots_dir, "keyboard-created")
        hidden = [s for s in stops if s["visible"] and not has_visible_focus(s)]
        assert not hidden, f"focus not visible on: {hidden[:5]}"
    finally:
        ctx.close()
