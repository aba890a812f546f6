"""Behaviour in a real browser: the dataset page's preview and chart with and without
JavaScript (htmx swaps only the table; without JS every link and form is a full page load),
keyboard-only use, copy buttons, and the chunked upload (progress, a failed chunk, a dropped
connection, resume after a reload)."""
from __future__ import annotations

import hashlib
import json
import os
import urllib.request

import pytest

from conftest import new_context
from helpers import has_visible_focus, tab_walk

DATASET = "/dataset/jumlah-kejadian-bencana-banjir-berdasarkan-kabupaten-kota-di-jawa-barat/"
SEARCH = "/dataset/cari/"
UPLOAD = "/kelola/dataset/jumlah-fasilitas-kesehatan-berdasarkan-jenis-dan-kecamatan-di-kota-mojokerto/unggah/"
FORM_ERRORS = "/kelola/dataset/baru/"

proto_only = pytest.mark.skipif(bool(os.environ.get("SATUDATA_BASE_URL")),
                                reason="uses the prototype's fixed pages and fake upload API")


@proto_only
def test_preview_swaps_only_the_table_with_js(page, base_url):
    page.goto(base_url + DATASET)
    page.evaluate("() => { window.__notReloaded = true; }")
    before = page.url
    page.locator("#pratinjau .pager a[rel=next]").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'h-pratinjau'")
    assert page.evaluate("() => window.__notReloaded === true"), "the whole page was reloaded"
    assert page.url != before and "hal=2" in page.url, "the URL was not pushed (not shareable)"
    assert page.locator("#pratinjau table caption").count() == 1
    page.wait_for_function("() => document.getElementById('pratinjau-live').textContent.length > 0")


@proto_only
def test_chart_form_swaps_only_the_chart_with_js(page, base_url):
    page.goto(base_url + DATASET)
    page.evaluate("() => { window.__notReloaded = true; }")
    page.select_option("#chart-agg", "mean")
    page.locator("#grafik button[type=submit]").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'h-grafik'")
    assert page.evaluate("() => window.__notReloaded === true")
    assert "agg=mean" in page.url


def test_preview_works_without_js(nojs_page, base_url):
    page = nojs_page
    page.goto(base_url + DATASET)
    assert page.locator("button[data-copy]:visible").count() == 0, "copy buttons must stay hidden without JS"
    with page.expect_navigation():
        page.locator("#pratinjau .pager a[rel=next]").click()
    assert "hal=2" in page.url
    # sort link: a plain link
    with page.expect_navigation():
        page.locator("#pratinjau thead a.sort-link").nth(3).click()
    assert "sort=" in page.url
    # filter form: a plain GET form inside a <details>
    page.locator("#pratinjau details summary").click()
    page.fill("input[name='filter[nama_kabupaten_kota][contains]']", "KOTA BANDUNG")
    with page.expect_navigation():
        page.locator("#pratinjau form button[type=submit]").click()
    assert "filter%5Bnama_kabupaten_kota%5D%5Bcontains%5D=KOTA+BANDUNG" in page.url
    # chart form
    with page.expect_navigation():
        page.locator("#grafik button[type=submit]").click()
    assert "x=nama_kabupaten_kota" in page.url


def test_search_facets_without_js(nojs_page, base_url):
    page = nojs_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + "/dataset/")
    facets = page.locator("details.facets")
    assert facets.get_attribute("open") is None, "facets should start collapsed on a phone"
    facets.locator("summary").click()
    page.locator("input[name=topik]").first.check()
    with page.expect_navigation():
        page.locator(".facets__form button[type=submit]").click()
    assert "topik=" in page.url


def test_upload_form_is_plain_multipart_without_js(nojs_page, base_url):
    page = nojs_page
    page.goto(base_url + UPLOAD)
    form = page.locator("form[data-upload]")
    assert form.get_attribute("method") == "post"
    assert form.get_attribute("enctype") == "multipart/form-data"
    assert page.locator("input[type=file][name=berkas]").count() == 1
    assert page.locator("[data-upload-progress]").is_hidden()


def test_keyboard_only_dataset_page(page, base_url):
    page.goto(base_url + DATASET)
    walk = tab_walk(page)
    assert walk, "nothing takes focus"
    assert walk[0]["href"] == "#isi", f"the skip link must come first, got {walk[0]}"
    missing = [w for w in walk if not has_visible_focus(w)]
    assert not missing, f"no visible focus on: {missing[:5]}"
    hrefs = [w["href"] for w in walk]
    assert any(h and h.endswith(".csv") for h in hrefs), "the CSV download is not reachable by keyboard"
    # the skip link works
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "isi"
    # the preview's filter disclosure opens with the keyboard
    page.locator("#pratinjau details summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#pratinjau details").get_attribute("open") is not None


def test_keyboard_only_error_summary(page, base_url):
    page.goto(base_url + FORM_ERRORS)
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')"), "the error summary should have focus"
    page.keyboard.press("Tab")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert target == "#f-title"
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#f-title'")
    assert page.locator("#f-title").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-title").input_value() == "jumlah faskes", "the input was not kept"


def test_keyboard_reaches_every_public_control(page, base_url):
    for path in ("/", SEARCH):
        page.goto(base_url + path)
        walk = tab_walk(page)
        ids = {w["id"] for w in walk}
        assert ("home-q" in ids) or ("search-q" in ids), f"search box not reachable on {path}"
        assert all(has_visible_focus(w) for w in walk), f"invisible focus on {path}"


@proto_only
def test_copy_button(browser, base_url):
    ctx = new_context(browser)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    try:
        page.goto(base_url + DATASET)
        button = page.locator("button[data-copy='api-ex-curl']")
        assert button.is_visible()
        button.click()
        page.wait_for_function("() => document.getElementById('copy-live').textContent.length > 0")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith("curl '") and "/api/v1/datasets/" in copied
    finally:
        ctx.close()


def _faults(base_url, **faults):
    req = urllib.request.Request(base_url + "/__faults", data=json.dumps(faults).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def _uploads(base_url):
    return json.loads(urllib.request.urlopen(base_url + "/__uploads").read())


@proto_only
def test_chunked_upload_survives_failures(page, base_url, tmp_path):
    size = 3 * 256 * 1024 + 12345  # four chunks of the fake server's 256 KiB
    data = (b"kode_kecamatan,jumlah,tahun\n" + b"35.76.01,12,2025\n" * (size // 17))[:size]
    path = tmp_path / "faskes_2025.csv"
    path.write_bytes(data)
    # chunk 2 answers 503 (retried after 1 s); chunk 3 is stored but its answer is lost
    _faults(base_url, fail_patch=[2], drop_patch=[4], chunk_size=256 * 1024, delay_ms=0)
    page.goto(base_url + UPLOAD)
    page.set_input_files("#f-berkas", str(path))
    page.locator("[data-upload-start]").click()
    page.wait_for_url("**/versi/4/", timeout=60000)
    done = [u for u in _uploads(base_url) if u["size"] == size]
    assert done and done[-1]["sha256"] == hashlib.sha256(data).hexdigest(), "the server got different bytes"
    assert done[-1]["patches"] == 4, "a chunk was sent twice or skipped"


@proto_only
def test_chunked_upload_resumes_after_reload(page, base_url, tmp_path):
    size = 6 * 256 * 1024
    data = os.urandom(size)
    path = tmp_path / "besar.csv"
    path.write_bytes(data)
    _faults(base_url, fail_patch=[], drop_patch=[], chunk_size=256 * 1024, delay_ms=400)
    page.goto(base_url + UPLOAD)
    page.set_input_files("#f-berkas", str(path))
    page.locator("[data-upload-start]").click()
    page.wait_for_function("() => document.querySelector('[data-upload-bar]').value >= 30")
    page.locator("[data-upload-pause]").click()
    assert page.locator("[data-upload-text]").inner_text().strip() != ""
    partial = [u for u in _uploads(base_url) if u["size"] == size][-1]
    assert 0 < partial["offset"] < size
    _faults(base_url, delay_ms=0)
    page.reload()
    page.set_input_files("#f-berkas", str(path))
    page.locator("[data-upload-start]").click()
    page.wait_for_url("**/versi/4/", timeout=60000)
    final = [u for u in _uploads(base_url) if u["size"] == size][-1]
    assert final["id"] == partial["id"], "the upload started over instead of resuming"
    assert final["sha256"] == hashlib.sha256(data).hexdigest()
