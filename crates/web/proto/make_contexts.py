#!/usr/bin/env python3
"""Writes the fake page contexts in proto/contexts/*.json (the contract the Rust side fills).

    python3 crates/web/proto/make_contexts.py

The JSON files are committed; this script is how they were made (and how the chart geometry and
the pager items are computed, as a reference for the Rust side: see chart_bars, chart_line and
pager below). Values are realistic for Kota Mojokerto (Kemendagri 35.76).
"""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "contexts"
BASE = "https://data.mojokertokota.go.id"
random.seed(7)

TOPIK = ["Pertahanan dan Luar Negeri", "Ekonomi dan Industri", "Pembangunan Daerah",
         "Perlindungan Sosial dan Kesehatan", "Ketertiban Umum dan Keselamatan",
         "Pendidikan dan Tenaga Kerja", "Lingkungan dan Sumber Daya Alam", "Budaya dan Agama",
         "Pemerintahan Umum", "Pendukung Umum"]
FREKUENSI = ["Harian", "Mingguan", "Bulanan", "Triwulanan", "Empat Bulanan", "Semesteran",
             "Tahunan", "Dua Tahunan", "Ad-hoc"]
AKSES = ["Terbuka", "Terbatas", "Tertutup"]
TINGKAT = ["Nasional", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan"]
STATUSES = ["DRAFT", "MENUNGGU_PERSETUJUAN", "DITOLAK", "DISETUJUI", "DITAYANGKAN",
            "TIDAK_DITAYANGKAN", "DIBATALKAN"]
TYPES = ["string", "integer", "number", "boolean", "date", "year"]

OPDS = [
    ("dinkes-p2kb", "Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana", "Dinkes P2KB", "dinas", 14),
    ("dispendikbud", "Dinas Pendidikan dan Kebudayaan", "Dispendikbud", "dinas", 11),
    ("bappedalitbang", "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah", "Bappedalitbang", "badan", 9),
    ("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", "dinas", 7),
    ("dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Dispendukcapil", "dinas", 6),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", "badan", 5),
    ("dinsos-p3a", "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos P3A", "dinas", 5),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", "dinas", 4),
    ("dpupr-perakim", "Dinas Pekerjaan Umum dan Penataan Ruang, Perumahan Rakyat dan Kawasan Permukiman", "DPUPR Perakim", "dinas", 4),
    ("dishub", "Dinas Perhubungan", "Dishub", "dinas", 3),
    ("kec-prajuritkulon", "Kecamatan Prajuritkulon", None, "kecamatan", 2),
    ("kec-magersari", "Kecamatan Magersari", None, "kecamatan", 2),
    ("kec-kranggan", "Kecamatan Kranggan", None, "kecamatan", 1),
    ("bapenda", "Badan Pendapatan Daerah", "Bapenda", "badan", 0),
]
OPD = {o[0]: {"slug": o[0], "name": o[1], "url": f"/opd/{o[0]}"} for o in OPDS}

KELURAHAN = [("35.76.01.1001x", "")]  # placeholder, replaced below
KELURAHAN = [
    ("35.76.01.1003", "Mentikan", "35.76.01"), ("35.76.01.1004", "Kauman", "35.76.01"),
    ("35.76.01.1005", "Pulorejo", "35.76.01"), ("35.76.01.1006", "Prajurit Kulon", "35.76.01"),
    ("35.76.01.1007", "Surodinawan", "35.76.01"), ("35.76.01.1008", "Blooto", "35.76.01"),
    ("35.76.02.1001", "Gunung Gedangan", "35.76.02"), ("35.76.02.1002", "Kedundung", "35.76.02"),
    ("35.76.02.1003", "Balongsari", "35.76.02"), ("35.76.02.1004", "Gedongan", "35.76.02"),
    ("35.76.02.1005", "Magersari", "35.76.02"), ("35.76.02.1006", "Wates", "35.76.02"),
    ("35.76.03.1001", "Kranggan", "35.76.03"), ("35.76.03.1002", "Miji", "35.76.03"),
    ("35.76.03.1003", "Meri", "35.76.03"), ("35.76.03.1004", "Jagalan", "35.76.03"),
    ("35.76.03.1005", "Sentanan", "35.76.03"), ("35.76.03.1006", "Purwotengah", "35.76.03"),
]
KECAMATAN = {"35.76.01": "Prajuritkulon", "35.76.02": "Magersari", "35.76.03": "Kranggan"}

JABAR = ["KABUPATEN BOGOR", "KABUPATEN SUKABUMI", "KABUPATEN CIANJUR", "KABUPATEN BANDUNG",
         "KABUPATEN GARUT", "KABUPATEN TASIKMALAYA", "KABUPATEN CIAMIS", "KABUPATEN KUNINGAN",
         "KABUPATEN CIREBON", "KABUPATEN MAJALENGKA", "KABUPATEN SUMEDANG", "KABUPATEN INDRAMAYU",
         "KABUPATEN SUBANG", "KABUPATEN PURWAKARTA", "KABUPATEN KARAWANG", "KABUPATEN BEKASI",
         "KABUPATEN BANDUNG BARAT", "KABUPATEN PANGANDARAN", "KOTA BOGOR", "KOTA SUKABUMI",
         "KOTA BANDUNG", "KOTA CIREBON", "KOTA BEKASI", "KOTA DEPOK", "KOTA CIMAHI",
         "KOTA TASIKMALAYA", "KOTA BANJAR"]
JABAR_CODES = ["32.01", "32.02", "32.03", "32.04", "32.05", "32.06", "32.07", "32.08", "32.09",
               "32.10", "32.11", "32.12", "32.13", "32.14", "32.15", "32.16", "32.17", "32.18",
               "32.71", "32.72", "32.73", "32.74", "32.75", "32.76", "32.77", "32.78", "32.79"]

# --------------------------------------------------------------------------------------------
# formatting as the Rust side does it (for values the context carries pre-formatted)


def opt(name):
    """A chart select's choice: the column name and what a person reads."""
    return {"value": name, "label": name.replace("_", " ")}


def num_id(v, decimals=None):
    if isinstance(v, float):
        text = format(v, f".{2 if decimals is None else decimals}f")
        if decimals is None:
            text = text.rstrip("0").rstrip(".")
    else:
        text = str(v)
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if neg else "") + ".".join(groups) + ("," + frac if frac else "")


def r1(x):
    return round(x, 1)


# --------------------------------------------------------------------------------------------
# pager (reference for Rust): first, last, current ± 2, gaps between


def pager(page, pages, make_url):
    if pages <= 1:
        return {"page": page, "pages": pages, "prev_url": None, "next_url": None, "links": []}
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items, last = [], 0
    for n in shown:
        if n - last > 1:
            items.append({"page": None, "url": None, "current": False, "gap": True})
        items.append({"page": n, "url": make_url(n), "current": n == page, "gap": False})
        last = n
    return {"page": page, "pages": pages,
            "prev_url": make_url(page - 1) if page > 1 else None,
            "next_url": make_url(page + 1) if page < pages else None,
            "links": items}


# --------------------------------------------------------------------------------------------
# chart geometry (reference for Rust)


def nice_ticks(maximum, count=4):
    """0 and `count` steps of 1, 2, 2.5 or 5 × 10^k covering maximum."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    top = step * math.ceil(maximum / step)
    n = round(top / step)
    return [step * i for i in range(n + 1)]


def tick_label(v):
    return num_id(int(v) if float(v).is_integer() else float(v))


def chart_bars(rows):
    """Horizontal bars, each category's label on its own line above its bar (readable at 360 px).
    viewBox width W = 400; top margin 24 for the value tick labels; each category takes 40
    units: label baseline at +14, bar from +20 to +34; bars start at x 0 and the longest ends at
    W - 56 (room for the value text, written 4 units after the bar end)."""
    W, TOP, ROW, PAD_R = 400, 24, 40, 56
    values = [r[1] for r in rows]
    ticks = nice_ticks(max(values) if values else 0)
    top = ticks[-1]
    plot_w = W - PAD_R
    height = TOP + ROW * len(rows) + 8
    grid = [{"x1": r1(plot_w * t / top), "y1": TOP - 6, "x2": r1(plot_w * t / top), "y2": height - 4,
             "label": tick_label(t), "lx": r1(plot_w * t / top), "ly": 14,
             "anchor": "start" if i == 0 else ("end" if i == len(ticks) - 1 else "middle")}
            for i, t in enumerate(ticks)]
    bars = []
    for i, (label, value) in enumerate(rows):
        y0 = TOP + ROW * i
        w = r1(plot_w * value / top)
        shown = label if len(label) <= 48 else label[:47] + "…"
        bars.append({"x": 0, "y": y0 + 20, "w": w, "h": 14, "label": shown, "lx": 0, "ly": y0 + 14,
                     "value": num_id(value), "vx": r1(w + 4), "vy": y0 + 32})
    return {"width": W, "height": height, "axis": {"x1": 0, "y1": TOP - 6, "x2": 0, "y2": height - 4},
            "grid": grid, "bars": bars, "line": None, "points": []}


def chart_line(rows):
    """A line over ordered x values. viewBox 400 × 240; plot from x 48 to 388, y 16 to 200;
    y tick labels right-aligned at x 42; x labels under the axis at y 220 (every k-th label when
    more than 8, so that at most 8 are written)."""
    W, H, L, R, T, B = 400, 240, 48, 388, 16, 200
    values = [r[1] for r in rows]
    ticks = nice_ticks(max(values) if values else 0)
    top = ticks[-1]
    n = len(rows)
    xs = [L + (R - L) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    ys = [B - (B - T) * v / top for v in values]
    every = max(1, math.ceil(n / 8))
    grid = [{"x1": L, "y1": r1(B - (B - T) * t / top), "x2": R, "y2": r1(B - (B - T) * t / top),
             "label": tick_label(t), "lx": L - 6, "ly": r1(B - (B - T) * t / top + 4), "anchor": "end"}
            for t in ticks]
    points = [{"cx": r1(x), "cy": r1(y), "label": rows[i][0] if i % every == 0 or i == n - 1 else "",
               "value": num_id(values[i]), "lx": r1(x), "ly": 220} for i, (x, y) in enumerate(zip(xs, ys))]
    path = "M " + " L ".join(f"{r1(x)} {r1(y)}" for x, y in zip(xs, ys))
    return {"width": W, "height": H, "axis": {"x1": L, "y1": B, "x2": R, "y2": B},
            "grid": grid, "bars": [], "line": path, "points": points}


# --------------------------------------------------------------------------------------------
# shared pieces


def card(slug, title, opd, topik, frek, akses="Terbuka", desc="", updated="2026-04-30T03:15:00Z",
         downloads=0, rows=None, formats=("CSV", "XLSX", "JSON", "Parquet")):
    return {"slug": slug, "url": f"/dataset/{slug}", "title": title, "description": desc,
            "organization": {"slug": opd, "name": OPD[opd]["name"]}, "topik": topik,
            "frekuensi": frek, "akses": akses, "formats": list(formats), "updated_at": updated,
            "download_count": downloads, "row_count": rows}


CARDS = [
    card("jumlah-penduduk-berdasarkan-jenis-kelamin-dan-kelurahan-di-kota-mojokerto",
         "Jumlah Penduduk Berdasarkan Jenis Kelamin dan Kelurahan di Kota Mojokerto", "dispendukcapil",
         "Pemerintahan Umum", "Semesteran", desc="Jumlah penduduk menurut jenis kelamin di 18 kelurahan, hasil konsolidasi data kependudukan per semester.",
         updated="2026-05-04T02:00:00Z", downloads=1873, rows=216),
    card("jumlah-kejadian-bencana-banjir-berdasarkan-kabupaten-kota-di-jawa-barat",
         "Jumlah Kejadian Bencana Banjir Berdasarkan Kabupaten/Kota di Jawa Barat", "bpbd",
         "Ketertiban Umum dan Keselamatan", "Tahunan", desc="Rekap kejadian banjir per kabupaten/kota, dihimpun untuk perbandingan antardaerah.",
         updated="2026-05-12T07:40:00Z", downloads=1204, rows=12345),
    card("jumlah-fasilitas-kesehatan-berdasarkan-jenis-dan-kecamatan-di-kota-mojokerto",
         "Jumlah Fasilitas Kesehatan Berdasarkan Jenis dan Kecamatan di Kota Mojokerto", "dinkes-p2kb",
         "Perlindungan Sosial dan Kesehatan", "Tahunan", updated="2026-03-18T01:00:00Z", downloads=954, rows=45),
    card("angka-partisipasi-murni-sekolah-dasar-berdasarkan-kecamatan-di-kota-mojokerto",
         "Angka Partisipasi Murni Sekolah Dasar Berdasarkan Kecamatan di Kota Mojokerto", "dispendikbud",
         "Pendidikan dan Tenaga Kerja", "Tahunan", updated="2026-02-02T04:00:00Z", downloads=611, rows=30),
    card("volume-sampah-terangkut-ke-tpa-randegan-per-bulan",
         "Volume Sampah Terangkut ke TPA Randegan per Bulan", "dlh", "Lingkungan dan Sumber Daya Alam",
         "Bulanan", updated="2026-05-01T08:30:00Z", downloads=388, rows=96),
    card("realisasi-pendapatan-asli-daerah-kota-mojokerto-menurut-jenis-pendapatan-dan-bulan-tahun-anggaran-2025-termasuk-pajak-daerah-retribusi-daerah-hasil-pengelolaan-kekayaan-daerah-yang-dipisahkan-dan-lain-lain-pad-yang-sah",
         "Realisasi Pendapatan Asli Daerah Kota Mojokerto Menurut Jenis Pendapatan dan Bulan Tahun Anggaran 2025 (Termasuk Pajak Daerah, Retribusi Daerah, Hasil Pengelolaan Kekayaan Daerah yang Dipisahkan, dan Lain-lain PAD yang Sah)",
         "bappedalitbang", "Ekonomi dan Industri", "Bulanan", updated="2026-01-20T02:00:00Z", downloads=97, rows=72),
    card("jumlah-keluarga-penerima-manfaat-pkh-berdasarkan-kelurahan",
         "Jumlah Keluarga Penerima Manfaat PKH Berdasarkan Kelurahan", "dinsos-p3a",
         "Perlindungan Sosial dan Kesehatan", "Triwulanan", akses="Terbatas", updated="2026-04-10T03:00:00Z", downloads=45, rows=72),
    card("panjang-jalan-kota-berdasarkan-kondisi-jalan",
         "Panjang Jalan Kota Berdasarkan Kondisi Jalan", "dpupr-perakim", "Pembangunan Daerah", "Tahunan",
         updated="2025-12-30T02:00:00Z", downloads=230, rows=20),
]


def save(name, page):
    (OUT / f"{name}.json").write_text(json.dumps(page, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


USER_PRODUSEN = {"name": "Rina Wulandari", "email": "rina.wulandari@mojokertokota.go.id", "role": "produsen",
                 "organization": {"slug": "dinkes-p2kb", "name": OPD["dinkes-p2kb"]["name"]}}
USER_WALIDATA = {"name": "Agus Setiawan", "email": "agus.setiawan@mojokertokota.go.id", "role": "walidata",
                 "organization": {"slug": "diskominfo", "name": OPD["diskominfo"]["name"]}}
USER_ADMIN = {"name": "Admin Portal", "email": "admin@mojokertokota.go.id", "role": "admin", "organization": None}
CSRF = "c3JmLXRva2VuLWZvci10aGUtcHJvdG90eXBl"


def ws_frame(user, section="kelola"):
    return {"user": user, "csrf_token": CSRF, "page": {"section": section, "noindex": True}}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    save_frame()
    public_pages()
    dataset_pages()
    workspace_pages()
    admin_pages()


def save_frame():
    (OUT / "_frame.json").write_text(json.dumps({
        "lang": "id",
        "base_url": BASE,
        "page": {"path": "/", "section": "", "noindex": False},
        "portal": {"name": "Pemerintah Kota Mojokerto", "short_name": "Satu Data Kota Mojokerto",
                   "region_name": "Kota Mojokerto", "contact_email": "satudata@mojokertokota.go.id",
                   "contact_name": "Diskominfo Kota Mojokerto"},
        "user": None,
        "csrf_token": "",
        "flash": None,
        "workspace": True,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def search_hidden(pairs):
    return [{"name": k, "value": v} for k, v in pairs]


def public_pages():
    topics = [{"name": t, "url": f"/topik/{t.lower().replace(' ', '-')}", "count": c}
              for t, c in zip(TOPIK, [0, 6, 9, 17, 5, 11, 4, 2, 13, 2])]
    save("home", {"template": "public/home.html", "path": "/", "out": "index.html", "context": {
        "page": {"section": "beranda"},
        "intro": "Portal Satu Data Kota Mojokerto memuat data sektoral yang dihasilkan oleh perangkat daerah, diperiksa oleh Walidata (Diskominfo), dan dibuka untuk masyarakat sesuai Perpres 39/2019 tentang Satu Data Indonesia.",
        "totals": {"datasets": 69, "opd": 13, "downloads": 48213, "rows": 1284511},
        "topics": topics,
        "opds": [{"name": o[1], "url": f"/opd/{o[0]}", "count": o[4]} for o in OPDS[:12] if o[4]],
        "opds_more_url": "/opd",
        "newest": [CARDS[1], CARDS[0], CARDS[4], CARDS[2], CARDS[5]],
        "popular": [CARDS[0], CARDS[1], CARDS[2], CARDS[3], CARDS[4]],
    }})
    save("home-empty", {"base": "home.json", "path": "/", "out": "contoh/beranda-kosong/index.html", "context": {
        "intro": None, "totals": {"datasets": 0, "opd": 0, "downloads": 0, "rows": 0},
        "topics": [{"name": t, "url": f"/topik/{t.lower().replace(' ', '-')}", "count": 0} for t in TOPIK],
        "opds": [], "newest": [], "popular": []}})

    def facet(key, items):
        return {"key": key, "buckets": [{"value": v, "label": lbl, "count": c, "selected": s} for v, lbl, c, s in items]}

    facets = [
        facet("opd", [(o[0], o[1], o[4], False) for o in OPDS if o[4]][:10]),
        facet("topik", [(t, None, c, False) for t, c in zip(TOPIK, [0, 6, 9, 17, 5, 11, 4, 2, 13, 2]) if c]),
        facet("tahun", [(str(y), None, c, False) for y, c in [(2025, 41), (2024, 52), (2023, 47), (2022, 30), (2021, 12)]]),
        facet("format", [(f, None, 69, False) for f in ["CSV", "JSON", "Parquet", "XLSX"]]),
        facet("frekuensi", [(f, None, c, False) for f, c in [("Tahunan", 38), ("Semesteran", 9), ("Bulanan", 12), ("Triwulanan", 6), ("Ad-hoc", 4)]]),
    ]
    results = CARDS[:6] + [card(f"contoh-dataset-{i}", t, o, tp, "Tahunan", updated="2025-11-0%dT02:00:00Z" % (i % 9 + 1), downloads=50 - i)
                           for i, (t, o, tp) in enumerate([
                               ("Jumlah Tenaga Kesehatan Berdasarkan Jenis Tenaga dan Puskesmas", "dinkes-p2kb", "Perlindungan Sosial dan Kesehatan"),
                               ("Jumlah Sekolah Menengah Pertama Negeri dan Swasta Berdasarkan Kecamatan", "dispendikbud", "Pendidikan dan Tenaga Kerja"),
                               ("Indeks Kepuasan Masyarakat terhadap Layanan Publik", "bappedalitbang", "Pemerintahan Umum"),
                               ("Jumlah Titik Akses Wi-Fi Publik Berdasarkan Kelurahan", "diskominfo", "Pendukung Umum"),
                               ("Jumlah Kendaraan Uji Berkala Berdasarkan Jenis Kendaraan", "dishub", "Ekonomi dan Industri"),
                           ])]
    save("search", {"template": "public/search.html", "path": "/dataset", "out": "dataset/index.html", "context": {
        "page": {"section": "dataset"},
        "q": "", "total": 69, "first": 1, "last": 11, "results": results, "sort": "terbaru",
        "sort_options": ["terbaru", "judul", "unduhan"],
        "facets": facets, "active": [], "clear_url": "/dataset",
        "keep_q": [], "keep_facets": [], "keep_sort": [],
        "pagination": pager(1, 4, lambda n: f"/dataset?hal={n}"),
        "suggestions": []}})
    f2 = json.loads(json.dumps(facets))
    f2[0]["buckets"][5]["selected"] = True
    f2[2]["buckets"][0]["selected"] = True
    save("search-q", {"base": "search.json", "path": "/dataset?q=banjir&opd=bpbd&tahun=2025", "out": "dataset/cari/index.html", "context": {
        "q": "banjir", "total": 2, "first": 1, "last": 2, "results": [CARDS[1], card("peta-rawan-genangan-dan-banjir-kota-mojokerto", "Titik Rawan Genangan dan Banjir di Kota Mojokerto", "bpbd", "Ketertiban Umum dan Keselamatan", "Tahunan", desc="Lokasi genangan yang dilaporkan warga dan hasil pemantauan lapangan BPBD.", downloads=77)],
        "sort": "relevan", "sort_options": ["relevan", "terbaru", "judul", "unduhan"],
        "facets": [f2[0], f2[2], f2[4]],
        "active": [{"key": "opd", "value": "bpbd", "label": OPD["bpbd"]["name"], "remove_url": "/dataset?q=banjir&tahun=2025"},
                   {"key": "tahun", "value": "2025", "label": None, "remove_url": "/dataset?q=banjir&opd=bpbd"}],
        "clear_url": "/dataset?q=banjir",
        "keep_q": search_hidden([("opd", "bpbd"), ("tahun", "2025"), ("urut", "relevan")]),
        "keep_facets": search_hidden([("q", "banjir"), ("urut", "relevan")]),
        "keep_sort": search_hidden([("q", "banjir"), ("opd", "bpbd"), ("tahun", "2025")]),
        "pagination": pager(1, 1, lambda n: "/dataset?q=banjir"),
    }})
    save("search-none", {"base": "search-q.json", "path": "/dataset?q=stunting+balita&opd=dlh", "out": "dataset/kosong/index.html", "context": {
        "q": "stunting balita", "total": 0, "first": 0, "last": 0, "results": [],
        "facets": [{"key": "opd", "buckets": [{"value": "dlh", "label": OPD["dlh"]["name"], "count": 0, "selected": True}]}],
        "active": [{"key": "opd", "value": "dlh", "label": OPD["dlh"]["name"], "remove_url": "/dataset?q=stunting+balita"}],
        "clear_url": "/dataset?q=stunting+balita",
        "keep_q": search_hidden([("opd", "dlh")]), "keep_facets": search_hidden([("q", "stunting balita")]),
        "keep_sort": search_hidden([("q", "stunting balita"), ("opd", "dlh")]),
        "suggestions": [{"label": "“stunting balita” di semua OPD (3 dataset)", "url": "/dataset?q=stunting+balita"},
                        {"label": "Topik: Perlindungan Sosial dan Kesehatan", "url": "/topik/perlindungan-sosial-dan-kesehatan"}],
    }})

    save("opd-list", {"template": "public/opd_list.html", "path": "/opd", "out": "opd/index.html", "context": {
        "page": {"section": "opd"},
        "opds": sorted([{"name": o[1], "short_name": o[2], "kind": o[3], "url": f"/opd/{o[0]}", "count": o[4],
                         "overdue": {"dinkes-p2kb": 2, "dlh": 1}.get(o[0], 0)} for o in OPDS], key=lambda x: x["name"])}})
    dinkes_cards = [CARDS[2]] + [card(f"dinkes-{i}", t, "dinkes-p2kb", "Perlindungan Sosial dan Kesehatan", f, downloads=d)
                                 for i, (t, f, d) in enumerate([
                                     ("Jumlah Kasus Demam Berdarah Dengue (DBD) Berdasarkan Kelurahan", "Bulanan", 301),
                                     ("Persentase Balita Stunting Berdasarkan Puskesmas", "Semesteran", 287),
                                     ("Cakupan Imunisasi Dasar Lengkap Berdasarkan Kelurahan", "Tahunan", 190)])]
    save("opd", {"template": "public/collection.html", "path": "/opd/dinkes-p2kb", "out": "opd/dinkes-p2kb/index.html", "context": {
        "page": {"section": "opd"}, "kind": "opd",
        "collection": {"name": OPD["dinkes-p2kb"]["name"],
                       "description": "Perangkat daerah yang menyelenggarakan urusan kesehatan serta pengendalian penduduk dan keluarga berencana di Kota Mojokerto.",
                       "contact": {"email": "dinkes@mojokertokota.go.id", "phone": "(0321) 322 111", "website": "https://dinkes.mojokertokota.go.id", "address": "Jl. Kartini No. 2, Kota Mojokerto"},
                       "search_url": "/dataset?opd=dinkes-p2kb", "count": 14},
        "datasets": dinkes_cards, "first": 1, "last": 4, "pagination": pager(1, 1, lambda n: "")}})
    save("topik-list", {"template": "public/topik_list.html", "path": "/topik", "out": "topik/index.html", "context": {
        "page": {"section": "topik"}, "topics": topics}})
    save("topik-empty", {"template": "public/collection.html", "path": "/topik/pertahanan-dan-luar-negeri", "out": "topik/pertahanan-dan-luar-negeri/index.html", "context": {
        "page": {"section": "topik"}, "kind": "topik",
        "collection": {"name": "Pertahanan dan Luar Negeri", "description": None, "contact": None,
                       "search_url": "/dataset?topik=Pertahanan+dan+Luar+Negeri", "count": 0},
        "datasets": [], "first": 0, "last": 0, "pagination": pager(1, 1, lambda n: "")}})

    save("standards", {"template": "public/standards.html", "path": "/standar-data", "out": "standar-data/index.html", "context": {
        "page": {"section": "standar"}, "q": "", "can_edit": False,
        "variables": [
            {"kode": "JK", "nama": "Jenis Kelamin", "konsep": "Perbedaan biologis antara laki-laki dan perempuan.", "definisi": "Jenis kelamin penduduk sebagaimana tercatat dalam dokumen kependudukan.", "tipe_data": "string", "code_list": {"slug": "jenis-kelamin", "name": "Jenis Kelamin"}, "ukuran": None, "satuan": None, "rules": ["nilai dari klasifikasi Jenis Kelamin"], "used_by": 12},
            {"kode": "KODE_KEL", "nama": "Kode Kelurahan (Kemendagri)", "konsep": "Kode wilayah administrasi desa/kelurahan.", "definisi": "Kode desa/kelurahan menurut Kepmendagri, bertitik (35.76.01.1003).", "tipe_data": "string", "code_list": None, "ukuran": None, "satuan": None, "rules": ["pola ^35\\.76\\.0[1-3]\\.[12]\\d{3}$"], "used_by": 21},
            {"kode": "JML_PDDK", "nama": "Jumlah Penduduk", "konsep": "Penduduk adalah WNI dan WNA yang bertempat tinggal di wilayah Indonesia.", "definisi": "Banyaknya penduduk yang terdaftar pada akhir periode.", "tipe_data": "integer", "code_list": None, "ukuran": "Jumlah", "satuan": "Jiwa", "rules": ["≥ 0"], "used_by": 5},
            {"kode": "TAHUN", "nama": "Tahun", "konsep": None, "definisi": "Tahun data (empat angka).", "tipe_data": "year", "code_list": None, "ukuran": None, "satuan": None, "rules": ["2000 – 2030"], "used_by": 64},
        ],
        "code_lists": [
            {"slug": "jenis-kelamin", "name": "Jenis Kelamin", "description": "Klasifikasi jenis kelamin (BPS).", "codes": [{"code": "1", "label": "Laki-laki"}, {"code": "2", "label": "Perempuan"}]},
            {"slug": "jenjang-pendidikan", "name": "Jenjang Pendidikan", "description": None, "codes": [{"code": c, "label": l} for c, l in [("1", "SD/MI"), ("2", "SMP/MTs"), ("3", "SMA/SMK/MA"), ("4", "Diploma"), ("5", "Sarjana")]]},
        ]}})

    reg_common = {"page": {"section": "kode"}, "q": "", "loaded": True,
                  "attribution": "idn-area-data 4.0.1"}
    save("regions", {"template": "public/regions.html", "path": "/kode-referensi", "out": "kode-referensi/index.html", "context": dict(reg_common, **{
        "region": None, "ancestors": [], "child_level": "provinsi", "results": None,
        "api_url": "/api/v1/regions",
        "children": [{"code": c, "name": n, "url": f"/kode-referensi/{c}", "kind": None} for c, n in [
            ("11", "Aceh"), ("12", "Sumatera Utara"), ("13", "Sumatera Barat"), ("31", "DKI Jakarta"), ("32", "Jawa Barat"),
            ("33", "Jawa Tengah"), ("34", "Daerah Istimewa Yogyakarta"), ("35", "Jawa Timur"), ("36", "Banten"), ("51", "Bali"),
            ("91", "Papua"), ("92", "Papua Barat"), ("95", "Papua Pegunungan"), ("96", "Papua Barat Daya")]]})})
    save("regions-kota", {"template": "public/regions.html", "path": "/kode-referensi/35.76", "out": "kode-referensi/35.76/index.html", "context": dict(reg_common, **{
        "region": {"code": "35.76", "name": "Kota Mojokerto", "level": "kabupaten-kota"},
        "ancestors": [{"code": "35", "name": "Jawa Timur", "url": "/kode-referensi/35"}],
        "child_level": "kecamatan", "results": None, "api_url": "/api/v1/regions?parent=35.76",
        "children": [{"code": c, "name": n, "url": f"/kode-referensi/{c}", "kind": None} for c, n in KECAMATAN.items()]})})
    save("regions-kec", {"template": "public/regions.html", "path": "/kode-referensi/35.76.01", "out": "kode-referensi/35.76.01/index.html", "context": dict(reg_common, **{
        "region": {"code": "35.76.01", "name": "Prajuritkulon", "level": "kecamatan"},
        "ancestors": [{"code": "35", "name": "Jawa Timur", "url": "/kode-referensi/35"}, {"code": "35.76", "name": "Kota Mojokerto", "url": "/kode-referensi/35.76"}],
        "child_level": "desa-kelurahan", "results": None, "api_url": "/api/v1/regions?parent=35.76.01",
        "children": [{"code": c, "name": n, "url": None, "kind": "kelurahan"} for c, n, k in KELURAHAN if k == "35.76.01"]})})
    save("regions-search", {"template": "public/regions.html", "path": "/kode-referensi?q=kranggan", "out": "kode-referensi/cari/index.html", "context": dict(reg_common, **{
        "q": "kranggan", "region": None, "ancestors": [], "child_level": "provinsi", "children": [], "api_url": "/api/v1/regions",
        "results": [{"code": "35.76.03", "name": "Kranggan", "level": "kecamatan", "url": "/kode-referensi/35.76.03", "path": "Jawa Timur › Kota Mojokerto"},
                    {"code": "35.76.03.1001", "name": "Kranggan", "level": "desa-kelurahan", "url": None, "path": "Jawa Timur › Kota Mojokerto › Kranggan"},
                    {"code": "33.05.12.2004", "name": "Kranggan", "level": "desa-kelurahan", "url": None, "path": "Jawa Tengah › Kabupaten Kebumen › Pejagoan"}]})})

    save("error-404", {"template": "errors/error.html", "path": "/dataset/tidak-ada", "out": "contoh/404/index.html", "status": 404, "context": {
        "page": {"noindex": True}, "status": 404, "withdrawn": None, "request_id": None}})
    save("error-500", {"template": "errors/error.html", "path": "/dataset", "out": "contoh/500/index.html", "status": 500, "context": {
        "page": {"noindex": True}, "status": 500, "withdrawn": None, "request_id": "01J9Z3K8Q4T7V2"}})
    save("error-410", {"template": "errors/error.html", "path": "/dataset/jumlah-pelanggan-pdam-berdasarkan-golongan", "out": "contoh/410/index.html", "status": 410, "context": {
        "page": {"noindex": True}, "status": 410, "request_id": None,
        "withdrawn": {"title": "Jumlah Pelanggan PDAM Berdasarkan Golongan Tarif", "organization": {"name": OPD["dpupr-perakim"]["name"], "url": "/opd/dpupr-perakim"},
                      "reason": "Data digantikan oleh dataset baru dari Perumda Air Minum Maja Tirta yang mencakup seluruh golongan tarif sejak 2024.",
                      "withdrawn_at": "2026-03-02T04:10:00Z", "last_version_downloads": []}}})


def dataset_pages():
    slug = "jumlah-kejadian-bencana-banjir-berdasarkan-kabupaten-kota-di-jawa-barat"
    url = f"/dataset/{slug}"
    cols = [("id", False, False, "integer"), ("kode_provinsi", False, False, "string"), ("nama_provinsi", False, False, "string"),
            ("kode_kabupaten_kota", False, False, "string"), ("nama_kabupaten_kota", False, False, "string"),
            ("jumlah_kejadian", True, True, "integer"), ("satuan", False, False, "string"), ("tahun", False, True, "year")]
    rows = []
    for i in range(25):
        k = i % 27
        rows.append([num_id(i + 1), "32", "JAWA BARAT", JABAR_CODES[k], JABAR[k], num_id(random.randint(0, 1800)), "KEJADIAN", str(2015 + i // 27)])
    preview = {
        "columns": [{"name": n, "title": {"kode_kabupaten_kota": "Kode Kabupaten/Kota (Kemendagri)", "tahun": "Tahun", "jumlah_kejadian": None}.get(n),
                     "numeric": num, "range": rng, "sort": "desc" if n == "tahun" else None,
                     "sort_url": f"{url}?sort={'tahun' if n == 'tahun' else n}#pratinjau",
                     "filter_eq": "", "filter_gte": "", "filter_lte": "", "filter_contains": "", "label": n.replace("_", " ")} for n, num, rng, _ in cols],
        "rows": rows, "row_numbers": list(range(1, 26)), "first": 1, "last": 25, "total": 12345, "total_all": 12345,
        "filtered": False, "active": [], "clear_url": f"{url}#pratinjau",
        "keep": [{"name": "sort", "value": "-tahun"}],
        "pagination": pager(1, 494, lambda n: f"{url}?sort=-tahun&hal={n}#pratinjau"),
        "csv_url": f"/api/v1/datasets/{slug}/data?sort=-tahun&format=csv&limit=all",
        "json_url": f"/api/v1/datasets/{slug}/data?sort=-tahun&limit=25"}
    sums = sorted(((JABAR[i], random.randint(40, 1900) * 9) for i in range(27)), key=lambda r: -r[1])
    chart = {"x": "nama_kabupaten_kota", "y": "jumlah_kejadian", "agg": "sum", "jenis": "batang",
             "x_options": [opt(c[0]) for c in cols], "y_options": [opt("id"), opt("jumlah_kejadian")],
             "title": "Total jumlah kejadian menurut nama kabupaten kota",
             "x_label": "Nama kabupaten kota", "y_label": "jumlah kejadian",
             "rows": [{"label": l, "value": num_id(v)} for l, v in sums],
             "truncated": False, "category_count": 27,
             "keep": [{"name": "sort", "value": "-tahun"}],
             "svg": chart_bars(sums)}
    api_url = f"{BASE}/api/v1/datasets/{slug}/data?sort=-tahun&limit=25"
    examples = [
        {"lang": "curl", "code": f"curl '{api_url}'"},
        {"lang": "python", "code": f"import requests\n\nurl = \"{BASE}/api/v1/datasets/{slug}/data\"\nparams = {{\"sort\": \"-tahun\", \"limit\": 25}}\nhalaman = requests.get(url, params=params, timeout=30).json()\nfor baris in halaman[\"items\"]:\n    print(baris)"},
        {"lang": "r", "code": f"library(jsonlite)\n\nurl <- \"{api_url}\"\nhalaman <- fromJSON(url)\nhead(halaman$items)"},
        {"lang": "javascript", "code": f"const url = new URL(\"{BASE}/api/v1/datasets/{slug}/data\");\nurl.searchParams.set(\"sort\", \"-tahun\");\nurl.searchParams.set(\"limit\", \"25\");\nconst halaman = await (await fetch(url)).json();\nconsole.table(halaman.items);"},
        {"lang": "ckan", "code": f"curl '{BASE}/api/3/action/datastore_search?resource_id=5f0c8a4e-2b7d-4c1e-9a57-3d2f6b1e8c40&sort=tahun%20desc&limit=25'"},
    ]
    dataset = {
        "slug": slug, "title": "Jumlah Kejadian Bencana Banjir Berdasarkan Kabupaten/Kota di Jawa Barat", "url": url,
        "description": "Jumlah kejadian bencana banjir yang tercatat di setiap kabupaten/kota di Provinsi Jawa Barat, per tahun sejak 2015.\n\nData dihimpun BPBD dari laporan kejadian harian dan diverifikasi setiap akhir tahun. Satu baris memuat satu kabupaten/kota untuk satu tahun.",
        "organization": {"name": OPD["bpbd"]["name"], "url": "/opd/bpbd"},
        "topik": "Ketertiban Umum dan Keselamatan", "topik_url": "/topik/ketertiban-umum-dan-keselamatan",
        "tags": [{"name": t, "url": f"/dataset?q={t}"} for t in ["banjir", "bencana", "kebencanaan"]],
        "frekuensi": "Tahunan", "next_update": "2027-01-31", "overdue": False,
        "license": {"id": "CC-BY-4.0", "title": "Creative Commons Atribusi 4.0 Internasional", "url": "https://creativecommons.org/licenses/by/4.0/deed.id"},
        "akses": "Terbuka", "data_updated_at": "2026-05-12T07:40:00Z", "metadata_updated_at": "2026-05-12T07:45:00Z",
        "published_at": "2024-02-05T03:00:00Z", "version": 3, "row_count": 12345, "column_count": 8,
        "tingkat_penyajian": "Kabupaten/Kota", "cakupan_wilayah": {"code": "32", "name": "Jawa Barat", "url": "/kode-referensi/32"},
        "temporal_start": "2015-01-01", "temporal_end": "2025-12-31", "ukuran": "Jumlah", "satuan": "Kejadian",
        "prioritas_tahun": 2026, "contact_name": "Bidang Kedaruratan dan Logistik BPBD", "contact_email": "bpbd@mojokertokota.go.id",
        "download_count": 1204,
        "msind": {"id_msind": "MSIND-3576-0042", "nama_indikator": "Jumlah Kejadian Bencana Banjir",
                  "konsep": "Bencana banjir adalah peristiwa meluapnya air yang menggenangi daratan dan menimbulkan kerugian.",
                  "definisi": "Banyaknya kejadian banjir yang tercatat dalam satu tahun di suatu kabupaten/kota.",
                  "interpretasi": "Semakin tinggi angkanya, semakin sering wilayah itu mengalami banjir.",
                  "metode_perhitungan": "Menjumlahkan laporan kejadian banjir yang terverifikasi dalam satu tahun kalender.",
                  "ukuran": "Jumlah", "satuan": "Kejadian", "klasifikasi_penyajian": ["Kabupaten/Kota", "Tahun"],
                  "indikator_komposit": False, "indikator_pembangun": None, "kegiatan_penghasil": "Pencatatan kejadian bencana",
                  "variabel_pembangun": "Jumlah kejadian banjir", "level_estimasi": "Kabupaten/Kota"},
        "mskeg": [{"key": "judul_kegiatan", "value": "Pendataan Kejadian Bencana"}, {"key": "tahun_kegiatan", "value": "2025"},
                  {"key": "cara_pengumpulan_data", "value": "Pencacahan lengkap"}, {"key": "i_instansi_penyelanggara", "value": OPD["bpbd"]["name"]}],
        "can_edit": False, "manage_url": None}
    versions = [{"number": n, "published_at": d, "row_count": r, "current": n == 3, "note": note,
                 "downloads": [{"format": f, "url": f"/datasets/{slug}/versions/{n}/data.{f.lower()}", "byte_size": b}
                               for f, b in [("CSV", s), ("XLSX", int(s * 0.62)), ("JSON", int(s * 2.4)), ("Parquet", int(s * 0.18))]],
                 "diff_url": f"/dataset/{slug}/diff/{n - 1}/{n}" if n > 1 else None}
                for n, d, r, s, note in [(3, "2026-05-12T07:40:00Z", 12345, 1248311, None), (2, "2025-02-03T02:00:00Z", 11988, 1201100, "Perbaikan kode Kota Banjar"), (1, "2024-02-05T03:00:00Z", 10800, 1080000, None)]]
    ctx = {
        "page": {"section": "dataset"}, "dataset": dataset,
        "downloads": versions[0]["downloads"],
        "extra_downloads": {"csv_bom_url": f"/datasets/{slug}/data.csv?bom=1", "datapackage_url": f"/datasets/{slug}/datapackage.json", "csvw_url": f"/datasets/{slug}/data.csv-metadata.json"},
        "preview": preview, "chart": chart,
        "variables": [{"name": n, "type": ty, "title": None, "description": None, "satuan": "Kejadian" if n == "jumlah_kejadian" else None,
                       "standar": ({"kode": "KODE_KAB", "nama": "Kode Kabupaten/Kota (Kemendagri)", "konsep": "Kode wilayah administrasi kabupaten/kota.", "definisi": "Kode kabupaten/kota menurut Kepmendagri, bertitik (32.01).", "url": "/standar-data#var-KODE_KAB"} if n == "kode_kabupaten_kota"
                                     else {"kode": "TAHUN", "nama": "Tahun", "konsep": None, "definisi": "Tahun data (empat angka).", "url": "/standar-data#var-TAHUN"} if n == "tahun" else None)}
                      for n, _, _, ty in cols],
        "quality": {
            "principles": [
                {"key": "standar_data", "verdict": "sebagian", "note": "2 dari 8 kolom terikat pada Standar Data (kode_kabupaten_kota, tahun)."},
                {"key": "metadata", "verdict": "terpenuhi", "note": "MS-Ind lengkap: 12 dari 12 isian."},
                {"key": "interoperabilitas", "verdict": "terpenuhi", "note": "Tabel rapi, terbaca mesin (CSV, JSON, Parquet, XLSX), tanpa galat."},
                {"key": "kode_referensi", "verdict": "terpenuhi", "note": "Semua 12.345 kode wilayah ada dalam daftar Kemendagri."}],
            "checks": [{"key": k, "ok": ok, "detail": d} for k, ok, d in [
                ("description", True, None), ("keywords", True, None), ("theme", True, None), ("spatial", True, None),
                ("temporal", True, None), ("license", True, None), ("access_rights", True, None), ("contact", True, None),
                ("publisher", True, None), ("download_url", True, None), ("machine_readable", True, None),
                ("msind", True, "12 dari 12"), ("standar_data", False, "2 dari 8 kolom")]],
            "mqa": {"total": 355, "band": "Excellent", "parts": [{"key": k, "score": s, "max": mx} for k, s, mx in [
                ("findability", 100, 100), ("accessibility", 100, 100), ("interoperability", 80, 110), ("reusability", 75, 75), ("contextuality", 20, 20)]]}},
        "api": {"endpoint": api_url, "examples": examples, "docs_url": "/api/docs"},
        "oob": {"preview": False, "chart": False, "api": False},
        "versions": versions}
    save("dataset", {"template": "public/dataset.html", "path": url, "out": f"dataset/{slug}/index.html", "context": ctx})

    # a Terbatas dataset, seen by a signed-in user, preview filtered, line chart by tahun
    slug2 = "jumlah-penduduk-berdasarkan-jenis-kelamin-dan-kelurahan-di-kota-mojokerto"
    url2 = f"/dataset/{slug2}"
    pop_rows = []
    years = list(range(2015, 2026))
    for kel in KELURAHAN[:13]:
        for jk in ("Laki-laki", "Perempuan"):
            pop_rows.append([kel[0], kel[1], jk, num_id(random.randint(2100, 6400)), "2025"])
    pop_rows = pop_rows[:25]
    cols2 = [("kode_kelurahan", False, False), ("nama_kelurahan", False, False), ("jenis_kelamin", False, False), ("jumlah_penduduk", True, True), ("tahun", False, True)]
    yearly = [(str(y), 128_000 + (y - 2015) * 1_450 + random.randint(-500, 500)) for y in years]
    ctx2 = json.loads(json.dumps(ctx))
    d2 = ctx2["dataset"]
    d2.update({"slug": slug2, "url": url2, "title": CARDS[0]["title"], "akses": "Terbatas",
               "organization": {"name": OPD["dispendukcapil"]["name"], "url": "/opd/dispendukcapil"},
               "topik": "Pemerintahan Umum", "topik_url": "/topik/pemerintahan-umum", "frekuensi": "Semesteran",
               "next_update": "2026-01-31", "overdue": True, "row_count": 4752, "column_count": 5, "version": 8,
               "description": "Jumlah penduduk menurut jenis kelamin di 18 kelurahan Kota Mojokerto, dari data konsolidasi bersih kependudukan.",
               "cakupan_wilayah": {"code": "35.76", "name": "Kota Mojokerto", "url": "/kode-referensi/35.76"},
               "tingkat_penyajian": "Desa/Kelurahan", "satuan": "Jiwa", "prioritas_tahun": None, "msind": None, "mskeg": [],
               "license": None, "can_edit": True, "manage_url": f"/kelola/dataset/{slug2}", "download_count": 1873})
    ctx2["user"] = USER_WALIDATA
    ctx2["csrf_token"] = CSRF
    ctx2["preview"] = {
        "columns": [{"name": n, "title": None, "numeric": num, "range": rng, "sort": None, "sort_url": f"{url2}?filter[jenis_kelamin]=Perempuan&sort={n}#pratinjau",
                     "filter_eq": "Perempuan" if n == "jenis_kelamin" else "", "filter_gte": "2025" if n == "tahun" else "", "filter_lte": "", "filter_contains": "", "label": n.replace("_", " ")} for n, num, rng in cols2],
        "rows": [r for r in pop_rows if r[2] == "Perempuan"][:12], "row_numbers": list(range(26, 38)), "first": 26, "last": 37, "total": 37, "total_all": 4752,
        "filtered": True,
        "active": [{"column": "jenis_kelamin", "label": "Jenis kelamin", "op": "eq", "value": "Perempuan", "remove_url": f"{url2}?filter[tahun][gte]=2025#pratinjau"},
                   {"column": "tahun", "label": "Tahun", "op": "gte", "value": "2025", "remove_url": f"{url2}?filter[jenis_kelamin]=Perempuan#pratinjau"}],
        "clear_url": f"{url2}#pratinjau", "keep": [],
        "pagination": pager(2, 2, lambda n: f"{url2}?filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2025&hal={n}#pratinjau"),
        "csv_url": f"/api/v1/datasets/{slug2}/data?filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2025&format=csv&limit=all",
        "json_url": f"/api/v1/datasets/{slug2}/data?filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2025&limit=25"}
    ctx2["chart"] = {"x": "tahun", "y": "jumlah_penduduk", "agg": "sum", "jenis": "garis", "x_options": [opt(c[0]) for c in cols2],
                     "y_options": [opt("jumlah_penduduk")], "title": "Total jumlah penduduk menurut tahun",
                     "x_label": "Tahun", "y_label": "jumlah penduduk",
                     "rows": [{"label": l, "value": num_id(v)} for l, v in yearly], "truncated": False, "category_count": len(yearly),
                     "keep": [{"name": "filter[jenis_kelamin]", "value": "Perempuan"}], "svg": chart_line(yearly)}
    ctx2["variables"] = [{"name": n, "type": "integer" if n == "jumlah_penduduk" else ("year" if n == "tahun" else "string"), "title": None,
                          "description": "Jumlah penduduk terdaftar." if n == "jumlah_penduduk" else None, "satuan": "Jiwa" if n == "jumlah_penduduk" else None,
                          "standar": {"kode": "JK", "nama": "Jenis Kelamin", "konsep": "Perbedaan biologis antara laki-laki dan perempuan.", "definisi": "Jenis kelamin penduduk sebagaimana tercatat dalam dokumen kependudukan.", "url": "/standar-data#var-JK"} if n == "jenis_kelamin" else None}
                         for n, _, _ in cols2]
    ctx2["quality"]["principles"][1] = {"key": "metadata", "verdict": "belum-terpenuhi", "note": "MS-Ind belum diisi (0 dari 12 isian)."}
    ctx2["quality"]["checks"][11] = {"key": "msind", "ok": False, "detail": "0 dari 12"}
    ctx2["quality"]["checks"][5] = {"key": "license", "ok": False, "detail": None}
    ctx2["quality"]["mqa"]["total"] = 262
    ctx2["quality"]["mqa"]["band"] = "Good"
    ctx2["api"]["endpoint"] = f"{BASE}/api/v1/datasets/{slug2}/data?filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2025&limit=25"
    ctx2["versions"] = [dict(v, downloads=[dict(dl, url=dl["url"].replace(slug, slug2)) for dl in v["downloads"]], diff_url=(v["diff_url"] or "").replace(slug, slug2) or None) for v in versions]
    save("dataset-terbatas", {"template": "public/dataset.html", "path": url2 + "?filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2025&hal=2",
                              "out": f"dataset/{slug2}/index.html", "context": ctx2})

    # no numeric column: no chart; long title
    slug3 = CARDS[5]["slug"]
    ctx3 = json.loads(json.dumps(ctx))
    ctx3["dataset"].update({"slug": slug3, "url": f"/dataset/{slug3}", "title": CARDS[5]["title"], "prioritas_tahun": None,
                            "organization": {"name": OPD["bappedalitbang"]["name"], "url": "/opd/bappedalitbang"}, "tags": [], "description": ""})
    ctx3["chart"] = None
    ctx3["preview"]["columns"] = [dict(c, numeric=False, range=False) for c in ctx3["preview"]["columns"]]
    save("dataset-nochart", {"template": "public/dataset.html", "path": f"/dataset/{slug3}", "out": f"dataset/{slug3}/index.html", "context": ctx3})

    save("diff", {"template": "public/diff.html", "path": f"/dataset/{slug}/diff/2/3", "out": f"dataset/{slug}/diff/2/3/index.html", "context": {
        "page": {"section": "dataset"},
        "dataset": {"title": dataset["title"], "url": url, "organization": dataset["organization"]},
        "json_url": f"/api/v1/datasets/{slug}/versions/2/diff/3", "diff": DIFF}})


DIFF = {"from": 2, "to": 3, "key": ["kode_kabupaten_kota", "tahun"], "columns_added": ["satuan"], "columns_removed": [],
        "rows_added": 357, "rows_removed": 0, "rows_changed": 2, "rows_unchanged": 11986,
        "added": {"columns": ["kode_kabupaten_kota", "nama_kabupaten_kota", "jumlah_kejadian", "tahun"],
                  "rows": [["32.01", "KABUPATEN BOGOR", "1.204", "2025"], ["32.02", "KABUPATEN SUKABUMI", "688", "2025"]]},
        "removed": {"columns": [], "rows": []},
        "changed": [{"key": "kode_kabupaten_kota = 32.79, tahun = 2024", "changes": [{"column": "nama_kabupaten_kota", "from": "BANJAR", "to": "KOTA BANJAR"}, {"column": "jumlah_kejadian", "from": "41", "to": "44"}]},
                    {"key": "kode_kabupaten_kota = 32.18, tahun = 2023", "changes": [{"column": "jumlah_kejadian", "from": "17", "to": "19"}]}]}

WS_SLUG = "jumlah-fasilitas-kesehatan-berdasarkan-jenis-dan-kecamatan-di-kota-mojokerto"
WS_TITLE = "Jumlah Fasilitas Kesehatan Berdasarkan Jenis dan Kecamatan di Kota Mojokerto"


def ws_dataset(status="DITOLAK", step=3, note="Kolom kode_kecamatan masih memakai kode BPS (3576010). Mohon ganti dengan kode Kemendagri bertitik, misalnya 35.76.01."):
    base = f"/kelola/dataset/{WS_SLUG}"
    return {"slug": WS_SLUG, "title": WS_TITLE, "organization": {"name": OPD["dinkes-p2kb"]["name"], "slug": "dinkes-p2kb"},
            "status": status, "status_note": note, "step": step, "public_url": None,
            "urls": {"overview": base, "metadata": base + "/metadata", "upload": base + "/unggah", "schema": base + "/skema", "history": base + "/riwayat"}}


EVENTS = [
    {"action": "upload", "actor": "Rina Wulandari", "at": "2026-05-14T02:21:00Z", "version": 4, "from": None, "to": "DRAFT", "note": None, "changes": []},
    {"action": "return", "actor": "Agus Setiawan (Walidata)", "at": "2026-05-13T06:02:00Z", "version": 3, "from": "MENUNGGU_PERSETUJUAN", "to": "DITOLAK",
     "note": "Kolom kode_kecamatan masih memakai kode BPS (3576010). Mohon ganti dengan kode Kemendagri bertitik, misalnya 35.76.01.", "changes": []},
    {"action": "submit", "actor": "Rina Wulandari", "at": "2026-05-12T01:30:00Z", "version": 3, "from": "DRAFT", "to": "MENUNGGU_PERSETUJUAN", "note": "Data 2025 sudah lengkap.", "changes": []},
    {"action": "metadata", "actor": "Rina Wulandari", "at": "2026-05-11T09:12:00Z", "version": None, "from": None, "to": None, "note": None,
     "changes": [{"field": "Frekuensi", "from": "Ad-hoc", "to": "Tahunan"}, {"field": "Satuan", "from": "", "to": "Unit"}]},
    {"action": "publish", "actor": "Agus Setiawan (Walidata)", "at": "2025-03-02T03:00:00Z", "version": 2, "from": "DISETUJUI", "to": "DITAYANGKAN", "note": None, "changes": []},
]


def workspace_pages():
    wsf = ws_frame(USER_PRODUSEN)
    save("signin", {"template": "workspace/signin.html", "path": "/masuk", "out": "masuk/index.html", "kind": "workspace", "context": {
        "page": {"section": "masuk", "noindex": True}, "csrf_token": CSRF,
        "form": {"email": "", "next": "/kelola"}, "errors": [], "field_errors": {}, "retry_after": None}})
    save("signin-error", {"base": "signin.json", "out": "contoh/masuk-galat/index.html", "context": {
        "form": {"email": "rina.wulandari@mojokertokota.go.id", "next": "/kelola"},
        "errors": [{"field": "password", "message": "E-mail atau kata sandi salah. Periksa lalu coba lagi."}],
        "field_errors": {"password": "E-mail atau kata sandi salah. Periksa lalu coba lagi."}, "retry_after": None}})
    save("tokens", {"template": "workspace/tokens.html", "path": "/kelola/token", "out": "kelola/token/index.html", "kind": "workspace", "context": dict(wsf, **{
        "tokens": [{"id": 12, "label": "Sesi peramban", "prefix": "sd_9f2c", "created_at": "2026-05-14T01:00:00Z", "expires_at": "2026-06-13T01:00:00Z", "last_used_at": "2026-05-14T02:25:00Z", "revoked_at": None, "is_session": True},
                   {"id": 9, "label": "Skrip unggah otomatis Puskesmas", "prefix": "sd_41aa", "created_at": "2026-02-01T03:00:00Z", "expires_at": None, "last_used_at": "2026-05-10T23:00:00Z", "revoked_at": None, "is_session": False},
                   {"id": 4, "label": "Uji coba", "prefix": "sd_0b7e", "created_at": "2025-11-20T03:00:00Z", "expires_at": "2026-02-18T03:00:00Z", "last_used_at": None, "revoked_at": "2026-01-05T02:00:00Z", "is_session": False}],
        "new_token": {"label": "Skrip laporan bulanan", "secret": "sd_7c1e0f5a9b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f"},
        "form": {"label": "", "expires_days": "90"}, "errors": [], "field_errors": {}})})

    save("my-datasets", {"template": "workspace/my_datasets.html", "path": "/kelola/dataset", "out": "kelola/dataset/index.html", "kind": "workspace", "context": dict(wsf, **{
        "can_create": True, "filters": {"status": "", "opd": "", "q": ""}, "statuses": STATUSES, "organizations": None,
        "due": [{"title": "Jumlah Kasus Demam Berdarah Dengue (DBD) Berdasarkan Kelurahan", "url": "/kelola/dataset/dinkes-0", "frekuensi": "Bulanan", "next_update": "2026-04-30", "days_late": 14},
                {"title": "Persentase Balita Stunting Berdasarkan Puskesmas", "url": "/kelola/dataset/dinkes-1", "frekuensi": "Semesteran", "next_update": "2026-01-31", "days_late": 103}],
        "datasets": [
            {"title": WS_TITLE, "url": f"/kelola/dataset/{WS_SLUG}", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "status": "DITOLAK",
             "status_note": "Kolom kode_kecamatan masih memakai kode BPS (3576010). Mohon ganti dengan kode Kemendagri bertitik.", "version": 3, "updated_at": "2026-05-13T06:02:00Z",
             "next_update": None, "overdue": False, "akses": "Terbuka", "action": {"label_key": "ws.action_fix", "url": f"/kelola/dataset/{WS_SLUG}/unggah"}},
            {"title": "Jumlah Kasus Demam Berdarah Dengue (DBD) Berdasarkan Kelurahan", "url": "/kelola/dataset/dinkes-0", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "status": "DITAYANGKAN",
             "status_note": None, "version": 16, "updated_at": "2026-03-31T02:00:00Z", "next_update": "2026-04-30", "overdue": True, "akses": "Terbuka", "action": {"label_key": "ws.action_update", "url": "/kelola/dataset/dinkes-0/unggah"}},
            {"title": "Cakupan Imunisasi Dasar Lengkap Berdasarkan Kelurahan", "url": "/kelola/dataset/dinkes-2", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "status": "MENUNGGU_PERSETUJUAN",
             "status_note": None, "version": 2, "updated_at": "2026-05-09T04:00:00Z", "next_update": None, "overdue": False, "akses": "Terbuka", "action": {"label_key": "ws.action_wait", "url": "/kelola/dataset/dinkes-2"}},
            {"title": "Jumlah Ibu Hamil Risiko Tinggi Berdasarkan Puskesmas", "url": "/kelola/dataset/dinkes-3", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "status": "DRAFT",
             "status_note": None, "version": 1, "updated_at": "2026-05-14T01:10:00Z", "next_update": None, "overdue": False, "akses": "Tertutup", "action": {"label_key": "ws.action_submit", "url": "/kelola/dataset/dinkes-3/versi/1"}},
            {"title": "Rasio Dokter per 100.000 Penduduk", "url": "/kelola/dataset/dinkes-4", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "status": "DISETUJUI",
             "status_note": None, "version": 5, "updated_at": "2026-05-12T08:00:00Z", "next_update": None, "overdue": False, "akses": "Terbuka", "action": {"label_key": "ws.action_wait", "url": "/kelola/dataset/dinkes-4"}},
            {"title": "Daftar Apotek Berizin", "url": "/kelola/dataset/dinkes-5", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "status": "DRAFT",
             "status_note": None, "version": None, "updated_at": "2026-05-02T01:10:00Z", "next_update": None, "overdue": False, "akses": "Terbuka", "action": {"label_key": "ws.action_upload", "url": "/kelola/dataset/dinkes-5/unggah"}},
        ], "total": 6, "pagination": pager(1, 1, lambda n: "")})})
    save("my-datasets-empty", {"base": "my-datasets.json", "out": "contoh/dataset-saya-kosong/index.html", "context": {"due": [], "datasets": [], "total": 0}})

    ws = ws_dataset()
    save("ws-dataset", {"template": "workspace/dataset.html", "path": f"/kelola/dataset/{WS_SLUG}", "out": f"kelola/dataset/{WS_SLUG}/index.html", "kind": "workspace", "context": dict(wsf, **{
        "ws": ws, "tab": "overview", "next": {"key": "returned", "url": ws["urls"]["upload"]},
        "facts": {"frekuensi": "Tahunan", "next_update": "2027-01-31", "overdue": False, "akses": "Terbuka", "metadata_complete": False, "missing_fields": ["MS-Ind: Interpretasi", "MS-Ind: Metode perhitungan"]},
        "versions": [
            {"number": 4, "created_at": "2026-05-14T02:21:00Z", "original_filename": "faskes_2025_revisi.xlsx", "byte_size": 48213, "row_count": 45, "error_count": 3, "warning_count": 2, "status": "DRAFT", "status_note": None,
             "report_url": f"/kelola/dataset/{WS_SLUG}/versi/4", "can_cancel": True, "cancel_url": f"/kelola/dataset/{WS_SLUG}/versi/4/batal"},
            {"number": 3, "created_at": "2026-05-12T01:10:00Z", "original_filename": "faskes_2025.csv", "byte_size": 3911, "row_count": 45, "error_count": 0, "warning_count": 3, "status": "DITOLAK",
             "status_note": "Kolom kode_kecamatan masih memakai kode BPS (3576010).", "report_url": f"/kelola/dataset/{WS_SLUG}/versi/3", "can_cancel": False, "cancel_url": ""},
            {"number": 2, "created_at": "2025-02-27T03:00:00Z", "original_filename": "faskes_2024.csv", "byte_size": 3790, "row_count": 42, "error_count": 0, "warning_count": 0, "status": "DITAYANGKAN",
             "status_note": None, "report_url": f"/kelola/dataset/{WS_SLUG}/versi/2", "can_cancel": False, "cancel_url": ""},
            {"number": 1, "created_at": "2025-02-20T03:00:00Z", "original_filename": "Rekap Faskes.pdf", "byte_size": 221004, "row_count": None, "error_count": None, "warning_count": None, "status": "DIBATALKAN",
             "status_note": None, "report_url": f"/kelola/dataset/{WS_SLUG}/versi/1", "can_cancel": False, "cancel_url": ""}]})})

    form_empty = {k: "" for k in ["title", "description", "organization", "topik", "tags", "akses", "license", "frekuensi", "tingkat_penyajian", "cakupan_wilayah",
                                  "temporal_start", "temporal_end", "prioritas_tahun", "ukuran", "satuan", "contact_name", "contact_email",
                                  "msind_id_msind", "msind_nama_indikator", "msind_konsep", "msind_definisi", "msind_interpretasi", "msind_metode_perhitungan",
                                  "msind_ukuran", "msind_satuan", "msind_klasifikasi_penyajian", "msind_indikator_komposit", "msind_indikator_pembangun",
                                  "msind_kegiatan_penghasil", "msind_variabel_pembangun", "msind_level_estimasi"]}
    mskeg_groups = [("i", ["id_mskeg", "id_kegiatan", "judul_kegiatan", "tahun_kegiatan", "jenis_statistik", "cara_pengumpulan_data", "sektor_kegiatan", "identitas_rekomendasi",
                           "i_instansi_penyelanggara", "i_alamat", "i_telepon", "i_email", "i_faksimile"]),
                    ("ii", ["ii_unit_eselon1", "ii_unit_eselon2", "ii_pj_nama", "ii_pj_jabatan", "ii_pj_alamat", "ii_pj_telepon", "ii_pj_email", "ii_pj_faksimile"]),
                    ("iii", ["iii_latar_belakang_kegiatan", "iii_tujuan_kegiatan"]),
                    ("iv", ["iv_kegiatan_ini_dilakukan", "iv_frekuensi_penyelanggara", "iv_tipe_pengumpulan_data", "iv_cakupan_wilayah_pengumpulan_data", "iv_metode_pengumpulan_data",
                            "iv_sarana_pengumpulan_data", "iv_unit_pengumpulan_data"]),
                    ("v", ["v_jenis_rancangan_sampel", "v_metode_pemilihan_sampel_tahap_terakhir", "v_metode_yang_digunakan", "v_kerangka_sampel_tahap_terakhir",
                           "v_fraksi_sampel_keseluruhan", "v_nilai_perkiraan_sampling_error_variabel_utama", "v_unit_sampel", "v_unit_observasi"]),
                    ("vi", ["vi_apakah_melakukan_uji_coba", "vi_metode_pemeriksaan_kualitas_pengumpulan_data", "vi_apakah_melakukan_penyesuaian_nonrespon", "vi_petugas_pengumpulan_data",
                            "vi_persyaratan_pendidikan_terendah_petugas_pengumpulan_data", "vi_jumlah_petugas_supervisor", "vi_jumlah_petugas_enumerator", "vi_apakah_melakukan_pelatihan_petugas"]),
                    ("vii", ["vii_tahapan_pengolahan_data", "vii_metode_analisis", "vii_unit_analisis", "vii_tingkat_penyajian_hasil_analisis"]),
                    ("viii", ["viii_ketersediaan_produk_tercetak", "viii_ketersediaan_produk_digital", "viii_ketersediaan_produk_mikrodata"])]
    for _, keys in mskeg_groups:
        for k in keys:
            form_empty["mskeg_" + k] = ""
    form_err = dict(form_empty, title="jumlah faskes", description="", topik="Perlindungan Sosial dan Kesehatan", akses="Terbuka", license="CC-BY-4.0",
                    frekuensi="Tahunan", tingkat_penyajian="Kecamatan", cakupan_wilayah="3576", temporal_start="2025-01-01", temporal_end="2024-12-31",
                    satuan="Unit", ukuran="Jumlah", contact_email="dinkes@mojokertokota", msind_indikator_komposit="ya", mskeg_tahun_kegiatan="dua ribu dua lima")
    errs = [("title", "Judul terlalu pendek. Tulis judul lengkap, misalnya “Jumlah Fasilitas Kesehatan Berdasarkan Jenis dan Kecamatan di Kota Mojokerto”."),
            ("description", "Isi deskripsi: apa isi data ini, dari mana asalnya, dan apa arti satu baris."),
            ("cakupan_wilayah", "3576 adalah kode BPS. Tulis kode Kemendagri bertitik: 35.76 (Kota Mojokerto)."),
            ("temporal_end", "Tanggal akhir (31 Desember 2024) lebih awal dari tanggal awal (1 Januari 2025)."),
            ("contact_email", "Alamat e-mail tidak lengkap, misalnya dinkes@mojokertokota.go.id."),
            ("msind_indikator_pembangun", "Indikator komposit wajib menyebut indikator pembangunnya."),
            ("mskeg_tahun_kegiatan", "Tahun kegiatan ditulis dengan angka, misalnya 2025.")]
    common_form = {"organizations": None, "own_opd": OPD["dinkes-p2kb"]["name"],
                   "vocab": {"topik": TOPIK, "frekuensi": FREKUENSI, "akses": AKSES, "tingkat": TINGKAT},
                   "licenses": [{"value": "CC-BY-4.0", "label": "Creative Commons Atribusi 4.0 (CC-BY-4.0)"}, {"value": "CC-BY-SA-4.0", "label": "Creative Commons Atribusi-BerbagiSerupa 4.0 (CC-BY-SA-4.0)"},
                                {"value": "CC0-1.0", "label": "CC0 1.0 — Domain Publik"}, {"value": "ODbL-1.0", "label": "Open Database License 1.0 (ODbL-1.0)"}],
                   "mskeg_groups": [{"key": k, "fields": f} for k, f in mskeg_groups]}
    save("dataset-form-create", {"template": "workspace/dataset_form.html", "path": "/kelola/dataset/baru", "out": "kelola/dataset/baru/index.html", "kind": "workspace", "status": 422,
                                 "context": dict(wsf, **common_form, **{"mode": "create", "action_url": "/kelola/dataset/baru", "ws": None, "tab": "metadata",
                                                                        "form": form_err, "errors": [{"field": f, "message": m} for f, m in errs],
                                                                        "field_errors": dict(errs), "mskeg_filled": 1, "mskeg_open": True})})
    form_ok = dict(form_empty, title=WS_TITLE, description="Jumlah rumah sakit, puskesmas, klinik dan apotek di setiap kecamatan, per akhir tahun.", topik="Perlindungan Sosial dan Kesehatan",
                   tags="faskes, puskesmas, rumah sakit", akses="Terbuka", license="CC-BY-4.0", frekuensi="Tahunan", tingkat_penyajian="Kecamatan", cakupan_wilayah="35.76",
                   temporal_start="2025-01-01", temporal_end="2025-12-31", ukuran="Jumlah", satuan="Unit", contact_name="Seksi Sumber Daya Kesehatan", contact_email="dinkes@mojokertokota.go.id",
                   msind_nama_indikator="Jumlah Fasilitas Kesehatan", msind_konsep="Fasilitas pelayanan kesehatan adalah tempat penyelenggaraan upaya pelayanan kesehatan.",
                   msind_definisi="Banyaknya fasilitas pelayanan kesehatan yang berizin dan beroperasi pada akhir tahun.", msind_klasifikasi_penyajian="Jenis fasilitas, Kecamatan",
                   msind_indikator_komposit="tidak", msind_level_estimasi="Kecamatan", msind_ukuran="Jumlah", msind_satuan="Unit")
    save("dataset-form-edit", {"template": "workspace/dataset_form.html", "path": f"/kelola/dataset/{WS_SLUG}/metadata", "out": f"kelola/dataset/{WS_SLUG}/metadata/index.html", "kind": "workspace",
                               "context": dict(wsf, **common_form, **{"mode": "edit", "action_url": f"/kelola/dataset/{WS_SLUG}/metadata", "ws": ws, "tab": "metadata",
                                                                      "form": form_ok, "errors": [], "field_errors": {}, "mskeg_filled": 0, "mskeg_open": False})})

    up = {"ws": ws, "tab": "upload", "action_url": f"/kelola/dataset/{WS_SLUG}/unggah", "create_url": f"/kelola/dataset/{WS_SLUG}/unggahan",
          "max_bytes": 2147483648, "accept": ".csv,.xlsx,.json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/json",
          "errors": [], "field_errors": {}, "job": None, "template_url": f"/kelola/dataset/{WS_SLUG}/contoh.csv"}
    save("upload", {"template": "workspace/upload.html", "path": f"/kelola/dataset/{WS_SLUG}/unggah", "out": f"kelola/dataset/{WS_SLUG}/unggah/index.html", "kind": "workspace",
                    "context": dict(wsf, **up)})
    save("upload-job", {"base": "upload.json", "path": f"/kelola/dataset/{WS_SLUG}/unggah?job=01JA2", "out": "contoh/unggah-diperiksa/index.html", "context": {
        "job": {"id": "01JA2", "state": "validating", "status_url": "/kelola/unggahan/01JA2", "refresh_url": f"/kelola/dataset/{WS_SLUG}/unggah?job=01JA2", "filename": "faskes_2025_revisi.xlsx", "received": 48213, "size": 48213, "rows_checked": 30, "message": None, "report_url": None}}})
    save("upload-error", {"base": "upload.json", "path": f"/kelola/dataset/{WS_SLUG}/unggah", "out": "contoh/unggah-galat/index.html", "status": 422, "context": {
        "errors": [{"field": "berkas", "message": "Berkas “Rekap Faskes.pdf” bukan tabel. Unggah CSV, XLSX atau JSON; PDF tidak dapat dibaca mesin."}],
        "field_errors": {"berkas": "Berkas “Rekap Faskes.pdf” bukan tabel. Unggah CSV, XLSX atau JSON; PDF tidak dapat dibaca mesin."}}})

    rep_url = f"/kelola/dataset/{WS_SLUG}/versi/4"
    header = ["kode_kecamatan", "nama_kecamatan", "jenis_faskes", "jumlah", "satuan", "tahun"]
    grid_rows = []
    flags = {(7, 0): ("error", "bps-region-code", ""), (9, 3): ("error", "type-error", ""), (12, 0): ("error", "unknown-region-code", ""), (14, 3): ("warning", "indonesian-number", "")}
    data = [("35.76.01", "Prajuritkulon", "Puskesmas", "2"), ("35.76.01", "Prajuritkulon", "Klinik Pratama", "5"), ("35.76.01", "Prajuritkulon", "Apotek", "14"),
            ("35.76.02", "Magersari", "Rumah Sakit", "3"), ("35.76.02", "Magersari", "Puskesmas", "2"), ("3576021", "Kranggan", "Puskesmas", "2"),
            ("35.76.02", "Magersari", "Apotek", "19"), ("35.76.03", "Kranggan", "Klinik Pratama", "dua"), ("35.76.03", "Kranggan", "Apotek", "11"),
            ("35.76.03", "Kranggan", "Rumah Sakit", "1"), ("35.76.04", "Kranggan", "Klinik Utama", "1"), ("35.76.01", "Prajuritkulon", "Praktik Mandiri", "1.204")]
    for i, (a, b, c, d) in enumerate(data):
        n = i + 2
        cells = []
        for j, v in enumerate([a, b, c, d, "Unit", "2025"]):
            f = flags.get((n, j))
            cells.append({"value": v, "flag": {"severity": f[0], "type": f[1], "message": ""} if f else None})
        grid_rows.append({"number": n, "cells": cells})
    # fix the flag cells to the rows we put the odd values in
    for r in grid_rows:
        for j, c in enumerate(r["cells"]):
            c["flag"] = None
            v = c["value"]
            if j == 0 and v == "3576021":
                c["flag"] = {"severity": "error", "type": "bps-region-code", "message": "3576021 adalah kode BPS; kode Kemendagri-nya 35.76.03."}
            if j == 0 and v == "35.76.04":
                c["flag"] = {"severity": "error", "type": "unknown-region-code", "message": "35.76.04 tidak ada dalam daftar Kemendagri."}
            if j == 3 and v == "dua":
                c["flag"] = {"severity": "error", "type": "type-error", "message": "“dua” bukan bilangan bulat."}
            if j == 3 and v == "1.204":
                c["flag"] = {"severity": "warning", "type": "indonesian-number", "message": "1.204 ditulis dengan titik ribuan; dibaca sebagai 1204."}
    cells_items = [
        {"row": 7, "column": "kode_kecamatan", "value": "3576021", "type": "bps-region-code", "severity": "error", "message": "3576021 adalah kode BPS; kode Kemendagri-nya 35.76.03 (Kranggan).", "grid_url": rep_url + "?baris=2"},
        {"row": 9, "column": "jumlah", "value": "dua", "type": "type-error", "severity": "error", "message": "“dua” bukan bilangan bulat (kolom jumlah bertipe bilangan bulat).", "grid_url": rep_url + "?baris=2"},
        {"row": 12, "column": "kode_kecamatan", "value": "35.76.04", "type": "unknown-region-code", "severity": "error", "message": "35.76.04 tidak ada dalam daftar Kemendagri. Kota Mojokerto punya 35.76.01–35.76.03.", "grid_url": rep_url + "?baris=2"},
        {"row": 13, "column": "jumlah", "value": "1.204", "type": "indonesian-number", "severity": "warning", "message": "1.204 ditulis dengan titik ribuan; dibersihkan menjadi 1204.", "grid_url": rep_url + "?baris=2"},
        {"row": 48, "column": None, "value": None, "type": "totals-row", "severity": "warning", "message": "Baris 48 berisi “Jumlah” dan angka total; baris total akan dihapus saat dibersihkan.", "grid_url": None},
        {"row": None, "column": "satuan", "value": None, "type": "non-snake-case-header", "severity": "info", "message": "Judul kolom “Satuan ” diubah menjadi “satuan”.", "grid_url": None},
    ]
    report = {
        "valid": False, "error_count": 3, "warning_count": 2, "info_count": 1, "truncated": False,
        "by_type": [{"type": t, "severity": s, "count": c, "url": f"{rep_url}?temuan={t}"} for t, s, c in [
            ("bps-region-code", "error", 1), ("type-error", "error", 1), ("unknown-region-code", "error", 1), ("indonesian-number", "warning", 1), ("totals-row", "warning", 1), ("non-snake-case-header", "info", 1)]],
        "columns": [{"name": "kode_kecamatan", "type": "string", "standar": "KODE_KEC · Kode Kecamatan (Kemendagri)", "errors": 2, "warnings": 0, "url": rep_url + "?kolom=kode_kecamatan"},
                    {"name": "nama_kecamatan", "type": "string", "standar": None, "errors": 0, "warnings": 0, "url": rep_url + "?kolom=nama_kecamatan"},
                    {"name": "jenis_faskes", "type": "string", "standar": None, "errors": 0, "warnings": 0, "url": rep_url + "?kolom=jenis_faskes"},
                    {"name": "jumlah", "type": "integer", "standar": None, "errors": 1, "warnings": 1, "url": rep_url + "?kolom=jumlah"},
                    {"name": "satuan", "type": "string", "standar": None, "errors": 0, "warnings": 0, "url": rep_url + "?kolom=satuan"},
                    {"name": "tahun", "type": "year", "standar": "TAHUN · Tahun", "errors": 0, "warnings": 0, "url": rep_url + "?kolom=tahun"}],
        "table": {"format": "xlsx", "sheet": "Faskes 2025", "encoding": "utf-8", "delimiter": None, "header_row": 3, "row_count": 46, "column_count": 6, "empty_columns": []},
        "region": {"checked": 45, "known": 43, "reference": "idn-area-data 4.0.1"}, "schema_inferred": False, "schema_url": f"/kelola/dataset/{WS_SLUG}/skema",
        "suggestions": {"key": ["kode_kecamatan", "jenis_faskes"], "region_columns": ["kode_kecamatan"]}}
    rep = {
        "ws": ws_dataset(status="DRAFT", step=3, note=None), "tab": "report",
        "version": {"number": 4, "created_at": "2026-05-14T02:21:00Z", "original_filename": "faskes_2025_revisi.xlsx", "byte_size": 48213, "uploaded_by": "Rina Wulandari",
                    "status": "DRAFT", "status_note": None, "source_url": f"/api/v1/datasets/{WS_SLUG}/versions/4/source", "clean_csv_url": f"/api/v1/datasets/{WS_SLUG}/versions/4/clean.csv"},
        "report": report, "not_table_message": None,
        "cells": {"filters": {"temuan": "", "kolom": "", "tingkat": ""}, "type_options": [b["type"] for b in report["by_type"]], "column_options": header,
                  "rows": cells_items, "total": 6, "first": 1, "last": 6, "pagination": pager(1, 1, lambda n: ""), "keep": [], "clear_url": rep_url},
        "grid": {"columns": header, "first_row": 2, "last_row": 13, "rows": grid_rows, "prev_url": None, "next_url": rep_url + "?baris=27"},
        "clean_log": {"rows_written": 45, "changes": [
            {"rule": "to-csv", "count": 1, "examples": []}, {"rule": "title-rows", "count": 2, "examples": [{"before": "REKAP FASILITAS KESEHATAN KOTA MOJOKERTO 2025", "after": "(dihapus)"}]},
            {"rule": "snake-case-header", "count": 1, "examples": [{"before": "Satuan ", "after": "satuan"}]},
            {"rule": "indonesian-number", "count": 1, "examples": [{"before": "1.204", "after": "1204"}]}, {"rule": "totals-rows", "count": 1, "examples": [{"before": "Jumlah;;;97", "after": "(dihapus)"}]}]},
        "diff": DIFF | {"from": 2, "to": 4, "key": ["kode_kecamatan", "jenis_faskes"], "columns_added": [], "rows_added": 3, "rows_changed": 1, "rows_unchanged": 41,
                        "added": {"columns": header, "rows": [["35.76.01", "Prajuritkulon", "Praktik Mandiri", "1204", "Unit", "2025"]]},
                        "changed": [{"key": "kode_kecamatan = 35.76.02, jenis_faskes = Apotek", "changes": [{"column": "jumlah", "from": "17", "to": "19"}]}]},
        "submit": {"allowed": False, "url": f"{rep_url}/ajukan", "reason": "errors", "error_count": 3},
        "reupload_url": f"/kelola/dataset/{WS_SLUG}/unggah", "can_cancel": True, "cancel_url": f"{rep_url}/batal"}
    save("report", {"template": "workspace/report.html", "path": rep_url, "out": f"kelola/dataset/{WS_SLUG}/versi/4/index.html", "kind": "workspace", "context": dict(wsf, **rep)})
    rep_ok = json.loads(json.dumps(rep))
    rep_ok["report"].update({"valid": True, "error_count": 0, "warning_count": 1, "info_count": 0,
                             "by_type": [{"type": "totals-row", "severity": "warning", "count": 1, "url": f"{rep_url}?temuan=totals-row"}]})
    for c in rep_ok["report"]["columns"]:
        c["errors"], c["warnings"] = 0, 0
    rep_ok["cells"].update({"rows": [cells_items[4]], "total": 1, "last": 1, "type_options": ["totals-row"]})
    rep_ok["grid"] = None
    rep_ok["submit"] = {"allowed": True, "url": f"{rep_url}/ajukan", "reason": None, "error_count": 0}
    rep_ok["version"]["number"] = 5
    rep_ok["version"]["original_filename"] = "faskes_2025_perbaikan.csv"
    save("report-valid", {"template": "workspace/report.html", "path": f"/kelola/dataset/{WS_SLUG}/versi/5", "out": "contoh/laporan-valid/index.html", "kind": "workspace", "context": dict(wsf, **rep_ok)})

    std = [{"kode": k, "nama": n, "tipe_data": t, "satuan": s} for k, n, t, s in [
        ("JK", "Jenis Kelamin", "string", None), ("KODE_KEC", "Kode Kecamatan (Kemendagri)", "string", None), ("KODE_KEL", "Kode Kelurahan (Kemendagri)", "string", None),
        ("JML_PDDK", "Jumlah Penduduk", "integer", "Jiwa"), ("JML_FASKES", "Jumlah Fasilitas Kesehatan", "integer", "Unit"), ("TAHUN", "Tahun", "year", None)]]
    save("schema", {"template": "workspace/schema.html", "path": f"/kelola/dataset/{WS_SLUG}/skema", "out": f"kelola/dataset/{WS_SLUG}/skema/index.html", "kind": "workspace", "context": dict(wsf, **{
        "ws": ws_dataset(status="DRAFT", step=3, note=None), "tab": "schema", "action_url": f"/kelola/dataset/{WS_SLUG}/skema", "source": "stored",
        "columns": [{"name": "kode_kecamatan", "standar": "KODE_KEC", "type": "string", "title": "Kode kecamatan", "required": True, "key": True, "sample": ["35.76.01", "35.76.02"], "suggested": None, "more": None},
                    {"name": "nama_kecamatan", "standar": "", "type": "string", "title": "", "required": True, "key": False, "sample": ["Prajuritkulon", "Magersari"], "suggested": None, "more": None},
                    {"name": "jenis_faskes", "standar": "", "type": "string", "title": "Jenis fasilitas kesehatan", "required": True, "key": True, "sample": ["Puskesmas", "Apotek", "Klinik Pratama"], "suggested": None, "more": None},
                    {"name": "jumlah", "standar": "", "type": "integer", "title": "", "required": True, "key": False, "sample": ["2", "14", "19"], "suggested": "JML_FASKES", "more": "Juga: paling kecil 0"},
                    {"name": "satuan", "standar": "", "type": "string", "title": "", "required": False, "key": False, "sample": ["Unit"], "suggested": None, "more": None},
                    {"name": "tahun", "standar": "TAHUN", "type": "year", "title": "", "required": True, "key": False, "sample": ["2025"], "suggested": None, "more": None}],
        "standards": std, "types": TYPES, "errors": [], "field_errors": {},
        "import_url": f"/kelola/dataset/{WS_SLUG}/skema/impor", "import_text": ""})})

    wf = ws_frame(USER_WALIDATA, "tinjauan")
    save("queue", {"template": "workspace/queue.html", "path": "/kelola/tinjauan", "out": "kelola/tinjauan/index.html", "kind": "workspace", "context": dict(wf, **{
        "filters": {"status": "MENUNGGU_PERSETUJUAN", "opd": "", "prioritas": False, "urut": "lama"}, "statuses": ["MENUNGGU_PERSETUJUAN", "DISETUJUI", "DITOLAK"],
        "organizations": [{"value": o[0], "label": o[1]} for o in OPDS],
        "entries": [
            {"title": "Cakupan Imunisasi Dasar Lengkap Berdasarkan Kelurahan", "review_url": "/kelola/tinjauan/dinkes-2/2", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "version": 2,
             "submitted_at": "2026-05-09T04:00:00Z", "waiting_days": 5, "score": 288, "band": "Good", "errors": 0, "warnings": 2, "prioritas_tahun": 2026, "status": "MENUNGGU_PERSETUJUAN", "pembina_needed": True},
            {"title": "Jumlah Siswa Berdasarkan Jenjang Pendidikan dan Kecamatan", "review_url": "/kelola/tinjauan/dispendikbud-7/4", "organization": {"name": OPD["dispendikbud"]["name"]}, "version": 4,
             "submitted_at": "2026-05-11T02:00:00Z", "waiting_days": 3, "score": 341, "band": "Good", "errors": 0, "warnings": 0, "prioritas_tahun": None, "status": "MENUNGGU_PERSETUJUAN", "pembina_needed": False},
            {"title": "Jumlah Kendaraan Uji Berkala Berdasarkan Jenis Kendaraan", "review_url": "/kelola/tinjauan/dishub-1/1", "organization": {"name": OPD["dishub"]["name"]}, "version": 1,
             "submitted_at": "2026-05-13T09:30:00Z", "waiting_days": 1, "score": 174, "band": "Sufficient", "errors": 0, "warnings": 5, "prioritas_tahun": None, "status": "MENUNGGU_PERSETUJUAN", "pembina_needed": False}],
        "total": 3, "pagination": pager(1, 1, lambda n: "")})})
    rv_ws = ws_dataset(status="MENUNGGU_PERSETUJUAN", step=5, note=None)
    review = {"ws": rv_ws, "tab": "review",
              "version": {"number": 3, "created_at": "2026-05-12T01:10:00Z", "original_filename": "faskes_2025.csv", "byte_size": 3911, "uploaded_by": "Rina Wulandari",
                          "status": "MENUNGGU_PERSETUJUAN", "status_note": None, "source_url": "#", "clean_csv_url": None, "submitted_at": "2026-05-12T01:30:00Z", "submit_note": "Data 2025 sudah lengkap."},
              "summary": {"error_count": 0, "warning_count": 3, "row_count": 45, "column_count": 6,
                          "by_type": [{"type": "bps-region-code", "severity": "warning", "count": 2}, {"type": "totals-row", "severity": "warning", "count": 1}],
                          "report_url": f"/kelola/dataset/{WS_SLUG}/versi/3"},
              "metadata": [{"label": l, "value": v} for l, v in [("Judul", WS_TITLE), ("OPD", OPD["dinkes-p2kb"]["name"]), ("Topik", "Perlindungan Sosial dan Kesehatan"),
                                                                   ("Frekuensi", "Tahunan"), ("Tingkat penyajian", "Kecamatan"), ("Cakupan wilayah", "35.76 · Kota Mojokerto"),
                                                                   ("Periode", "1 Januari 2025 – 31 Desember 2025"), ("Lisensi", "CC-BY-4.0"), ("Akses", "Terbuka"), ("Kontak", None)]],
              "msind": {"filled": 9, "total": 12, "missing": ["Interpretasi", "Metode perhitungan", "Kegiatan penghasil"]},
              "quality": {"principles": [{"key": "standar_data", "verdict": "sebagian", "note": "2 dari 6 kolom terikat pada Standar Data."},
                                         {"key": "metadata", "verdict": "sebagian", "note": "MS-Ind 9 dari 12 isian."},
                                         {"key": "interoperabilitas", "verdict": "terpenuhi", "note": "Tabel rapi dan tanpa galat."},
                                         {"key": "kode_referensi", "verdict": "sebagian", "note": "43 dari 45 kode wilayah ada dalam daftar Kemendagri."}],
                          "checks": [], "mqa": {"total": 301, "band": "Good", "parts": []}},
              "diff": None, "events": EVENTS[1:],
              "actions": {"approve": True, "send_back": True, "publish": False, "withdraw": False, "blocked": None},
              "urls": {"approve": f"/kelola/tinjauan/{WS_SLUG}/3/setujui", "send_back": f"/kelola/tinjauan/{WS_SLUG}/3/kembalikan", "publish": f"/kelola/tinjauan/{WS_SLUG}/3/tayangkan",
                       "withdraw": f"/kelola/dataset/{WS_SLUG}/tarik", "edit_metadata": f"/kelola/dataset/{WS_SLUG}/metadata"},
              "prioritas": {"year": None, "pembina_approved": False, "walidata_approved": False},
              "form": {"note": "", "reason": ""}, "errors": [], "field_errors": {}}
    save("review", {"template": "workspace/review.html", "path": f"/kelola/tinjauan/{WS_SLUG}/3", "out": f"kelola/tinjauan/{WS_SLUG}/3/index.html", "kind": "workspace", "context": dict(wf, **review)})
    save("review-error", {"base": "review.json", "out": "contoh/tinjauan-galat/index.html", "status": 422, "context": {
        "errors": [{"field": "note", "message": "Tulis catatan untuk OPD: apa yang harus diperbaiki sebelum data dapat disetujui."}],
        "field_errors": {"note": "Tulis catatan untuk OPD: apa yang harus diperbaiki sebelum data dapat disetujui."}}})
    save("review-published", {"base": "review.json", "out": "contoh/tinjauan-tayang/index.html", "context": {
        "ws": ws_dataset(status="DISETUJUI", step=6, note=None),
        "version": {"status": "DISETUJUI", "submit_note": None},
        "actions": {"approve": False, "send_back": True, "publish": True, "withdraw": True, "blocked": None},
        "prioritas": {"year": 2026, "pembina_approved": True, "walidata_approved": True}, "diff": DIFF}})
    save("history", {"template": "workspace/history.html", "path": f"/kelola/dataset/{WS_SLUG}/riwayat", "out": f"kelola/dataset/{WS_SLUG}/riwayat/index.html", "kind": "workspace", "context": dict(wsf, **{
        "ws": ws, "tab": "history", "events": EVENTS, "json_url": f"/api/v1/datasets/{WS_SLUG}/history"})})
    recap_rows = []
    for o in OPDS:
        counts = [random.randint(0, 3), random.randint(0, 2), random.randint(0, 1), random.randint(0, 1), o[4], random.randint(0, 1)]
        overdue = {"dinkes-p2kb": 2, "dlh": 1, "dishub": 1}.get(o[0], 0)
        recap_rows.append({"organization": {"name": o[1], "url": f"/kelola/dataset?opd={o[0]}"}, "counts": counts, "total": sum(counts), "overdue": overdue,
                           "overdue_by_frekuensi": [{"frekuensi": "Bulanan", "count": 1}, {"frekuensi": "Semesteran", "count": overdue - 1}] if overdue > 1 else ([{"frekuensi": "Tahunan", "count": 1}] if overdue else []),
                           "mean_score": random.randint(150, 360) if o[4] else None})
    save("recap", {"template": "workspace/recap.html", "path": "/kelola/rekap", "out": "kelola/rekap/index.html", "kind": "workspace", "context": dict(wf, **{
        "generated_at": "2026-05-14T03:00:00Z", "filters": {"tahun": ""}, "years": ["2026", "2025"],
        "statuses": ["DRAFT", "MENUNGGU_PERSETUJUAN", "DITOLAK", "DISETUJUI", "DITAYANGKAN", "TIDAK_DITAYANGKAN"],
        "rows": recap_rows, "totals": {"counts": [sum(r["counts"][i] for r in recap_rows) for i in range(6)], "total": sum(r["total"] for r in recap_rows),
                                       "overdue": sum(r["overdue"] for r in recap_rows), "mean_score": 268},
        "csv_url": "/kelola/rekap.csv", "xlsx_url": "/kelola/rekap.xlsx"})})
    save("standards-edit", {"template": "workspace/standards.html", "path": "/kelola/standar-data", "out": "kelola/standar-data/index.html", "kind": "workspace", "context": dict(wf, **{
        "variables": [dict(s, code_list="Jenis Kelamin" if s["kode"] == "JK" else None, used_by=random.randint(0, 30), edit_url=f"/kelola/standar-data/variabel/{s['kode']}") for s in std],
        "code_lists": [{"slug": "jenis-kelamin", "name": "Jenis Kelamin", "count": 2, "edit_url": "/kelola/standar-data/klasifikasi/jenis-kelamin"},
                       {"slug": "jenjang-pendidikan", "name": "Jenjang Pendidikan", "count": 5, "edit_url": "/kelola/standar-data/klasifikasi/jenjang-pendidikan"}],
        "new_variable_url": "/kelola/standar-data/variabel/baru", "new_code_list_url": "/kelola/standar-data/klasifikasi/baru"})})
    save("standard-form", {"template": "workspace/standard_form.html", "path": "/kelola/standar-data/variabel/baru", "out": "kelola/standar-data/variabel/baru/index.html", "kind": "workspace", "status": 422,
                           "context": dict(wf, **{"kind": "variable", "mode": "create", "action_url": "/kelola/standar-data/variabel/baru",
                                                  "form": {"kode": "jml faskes", "nama": "Jumlah Fasilitas Kesehatan", "konsep": "", "definisi": "", "tipe_data": "integer", "code_list": "", "ukuran": "Jumlah", "satuan": "Unit", "minimum": "0", "maximum": "", "pattern": ""},
                                                  "code_lists": [{"value": "jenis-kelamin", "label": "Jenis Kelamin"}, {"value": "jenjang-pendidikan", "label": "Jenjang Pendidikan"}], "types": TYPES,
                                                  "errors": [{"field": "kode", "message": "Kode hanya boleh huruf besar, angka dan garis bawah, misalnya JML_FASKES."}],
                                                  "field_errors": {"kode": "Kode hanya boleh huruf besar, angka dan garis bawah, misalnya JML_FASKES."}})})
    save("code-list-form", {"template": "workspace/standard_form.html", "path": "/kelola/standar-data/klasifikasi/jenis-kelamin", "out": "kelola/standar-data/klasifikasi/jenis-kelamin/index.html", "kind": "workspace",
                            "context": dict(wf, **{"kind": "code_list", "mode": "edit", "action_url": "/kelola/standar-data/klasifikasi/jenis-kelamin",
                                                   "form": {"slug": "jenis-kelamin", "name": "Jenis Kelamin", "description": "Klasifikasi jenis kelamin (BPS).", "codes": "1;Laki-laki\n2;Perempuan"},
                                                   "code_lists": [], "types": TYPES, "errors": [], "field_errors": {}})})


def admin_pages():
    af = ws_frame(USER_ADMIN, "admin")
    kinds = ["dinas", "badan", "sekretariat", "inspektorat", "kecamatan", "kelurahan", "bagian", "lainnya"]
    opd_form_empty = {k: "" for k in ["slug", "name", "short_name", "kind", "email", "phone", "website", "address", "description"]}
    save("admin-opds", {"template": "admin/opds.html", "path": "/kelola/admin/opd", "out": "kelola/admin/opd/index.html", "kind": "workspace", "context": dict(af, **{
        "opds": [{"slug": o[0], "name": o[1], "short_name": o[2], "kind": o[3], "datasets": o[4], "accounts": random.randint(1, 4), "edit_url": f"/kelola/admin/opd/{o[0]}"} for o in OPDS],
        "kinds": kinds, "opd": None, "form": dict(opd_form_empty, kind="dinas"), "errors": [], "field_errors": {}})})
    save("admin-opd", {"template": "admin/opd_form.html", "path": "/kelola/admin/opd/dlh", "out": "kelola/admin/opd/dlh/index.html", "kind": "workspace", "context": dict(af, **{
        "opd": {"slug": "dlh", "name": OPD["dlh"]["name"], "action_url": "/kelola/admin/opd/dlh"}, "kinds": kinds,
        "form": dict(opd_form_empty, slug="dlh", name=OPD["dlh"]["name"], short_name="DLH", kind="dinas", email="dlh@mojokertokota", website="https://dlh.mojokertokota.go.id"),
        "errors": [{"field": "email", "message": "Alamat e-mail tidak lengkap, misalnya dlh@mojokertokota.go.id."}],
        "field_errors": {"email": "Alamat e-mail tidak lengkap, misalnya dlh@mojokertokota.go.id."}})})
    roles = ["admin", "walidata", "produsen", "pembina"]
    orgs = [{"value": o[0], "label": o[1]} for o in OPDS]
    save("admin-accounts", {"template": "admin/accounts.html", "path": "/kelola/admin/akun", "out": "kelola/admin/akun/index.html", "kind": "workspace", "context": dict(af, **{
        "accounts": [
            {"name": "Admin Portal", "email": "admin@mojokertokota.go.id", "role": "admin", "organization": None, "active": True, "last_sign_in": "2026-05-14T01:00:00Z", "edit_url": "/kelola/admin/akun/1"},
            {"name": "Agus Setiawan", "email": "agus.setiawan@mojokertokota.go.id", "role": "walidata", "organization": {"name": OPD["diskominfo"]["name"]}, "active": True, "last_sign_in": "2026-05-13T06:00:00Z", "edit_url": "/kelola/admin/akun/2"},
            {"name": "Rina Wulandari", "email": "rina.wulandari@mojokertokota.go.id", "role": "produsen", "organization": {"name": OPD["dinkes-p2kb"]["name"]}, "active": True, "last_sign_in": "2026-05-14T02:20:00Z", "edit_url": "/kelola/admin/akun/3"},
            {"name": "Statistisi BPS Kota Mojokerto", "email": "bps3576@bps.go.id", "role": "pembina", "organization": None, "active": True, "last_sign_in": None, "edit_url": "/kelola/admin/akun/4"},
            {"name": "Budi Santoso", "email": "budi.santoso@mojokertokota.go.id", "role": "produsen", "organization": {"name": OPD["dlh"]["name"]}, "active": False, "last_sign_in": "2025-08-01T02:00:00Z", "edit_url": "/kelola/admin/akun/5"}],
        "filters": {"q": "", "role": ""}, "roles": roles, "organizations": orgs,
        "form": {"email": "", "name": "", "role": "produsen", "organization": ""}, "errors": [], "field_errors": {}})})
    save("admin-account", {"template": "admin/account.html", "path": "/kelola/admin/akun/3", "out": "kelola/admin/akun/3/index.html", "kind": "workspace", "context": dict(af, **{
        "account": {"id": "3", "name": "Rina Wulandari", "email": "rina.wulandari@mojokertokota.go.id", "created_at": "2025-01-10T02:00:00Z", "active_tokens": 2,
                    "urls": {"save": "/kelola/admin/akun/3", "password": "/kelola/admin/akun/3/sandi", "revoke": "/kelola/admin/akun/3/cabut"}},
        "form": {"name": "Rina Wulandari", "role": "produsen", "organization": "dinkes-p2kb", "active": True}, "roles": roles, "organizations": orgs,
        "errors": [], "field_errors": {}})})
    save("admin-portal", {"template": "admin/portal.html", "path": "/kelola/admin/portal", "out": "kelola/admin/portal/index.html", "kind": "workspace", "context": dict(af, **{
        "form": {"name": "Pemerintah Kota Mojokerto", "short_name": "Satu Data Kota Mojokerto", "region_code": "35.76",
                 "description": "Portal Satu Data Kota Mojokerto memuat data sektoral yang dihasilkan oleh perangkat daerah.",
                 "contact_name": "Diskominfo Kota Mojokerto", "contact_email": "satudata@mojokertokota.go.id",
                 "bbox_west": "112,4052", "bbox_south": "-7,4985", "bbox_east": "112,4568", "bbox_north": "-7,4461"},
        "region_name": "Kota Mojokerto, Jawa Timur", "errors": [], "field_errors": {}})})


if __name__ == "__main__":
    main()
