#!/usr/bin/env python3
"""Seeds a running `satudata serve` for the browser tests through its JSON API (as an operator
would, after creating the accounts with the CLI), and writes the page list test_pages.py walks.

    seed.py BASE_URL WALIDATA_TOKEN ADMIN_TOKEN PAGES_JSON

Four OPDs' datasets: a rich one published twice (metadata, MS-Ind, MS-Keg, Standar Data
columns, 432 rows), a school count, flood events per kelurahan, a revenue table with decimals;
plus a Terbatas dataset (404 for the public) and a withdrawn one (410). Writes the slugs to
PAGES_JSON's folder as seeded.json for test_journeys.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

KECAMATAN = [("35.76.01", "Prajuritkulon"), ("35.76.02", "Magersari"), ("35.76.03", "Kranggan")]
KELURAHAN = [("35.76.01.1003", "Mentikan"), ("35.76.01.1004", "Kauman"), ("35.76.02.1001", "Gununggedangan"),
             ("35.76.02.1003", "Magersari"), ("35.76.03.1003", "Meri"), ("35.76.03.1006", "Purwotengah")]
LAYANAN = ["Rawat Jalan", "Rawat Inap", "Imunisasi", "KIA", "Gigi", "Laboratorium"]


def request(base, method, path, token=None, body=None, content_type="application/json"):
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}") from None
    return json.loads(raw) if raw else None


def csv(header, rows):
    return ("\n".join([",".join(header)] + [",".join(str(c) for c in r) for r in rows]) + "\n").encode()


def kunjungan(extra_year=False):
    rows = []
    for t in range(2019, 2026 if extra_year else 2025):
        for i, (kode, nama) in enumerate(KECAMATAN):
            for j, layanan in enumerate(LAYANAN):
                for k, jk in enumerate(["Laki-laki", "Perempuan"]):
                    n = 150 + (t - 2019) * 37 + i * 211 + j * 53 + k * 19
                    if extra_year and t == 2020 and i == 0 and j == 0 and k == 0:
                        n += 1  # a correction in version 2
                    rows.append((kode, nama, layanan, jk, n, "Kunjungan", t))
    return csv(["kode_kecamatan", "nama_kecamatan", "jenis_layanan", "jenis_kelamin", "jumlah_kunjungan",
                "satuan", "tahun"], rows)


def publish(base, token, slug, table, number):
    request(base, "POST", f"/api/v1/datasets/{slug}/versions", token, table, "text/csv")
    path = f"/api/v1/datasets/{slug}/versions/{number}"
    report = request(base, "GET", f"{path}/report", token)
    if not report["valid"]:
        raise SystemExit(f"{slug} v{number} is not valid: {json.dumps(report)[:2000]}")
    request(base, "POST", f"{path}/submit", token, {})
    request(base, "POST", f"{path}/review", token, {"decision": "approve"})
    request(base, "POST", f"{path}/publish", token, {})


def dataset(base, token, body):
    return request(base, "POST", "/api/v1/datasets", token, body)["slug"]


def main():
    base, walidata, admin, pages_path = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], Path(sys.argv[4])
    request(base, "PATCH", "/api/v1/portal", admin, {
        "name": "Pemerintah Kota Mojokerto", "region_code": "35.76",
        "contact_name": "Diskominfo Kota Mojokerto", "contact_email": "satudata@mojokertokota.go.id"})
    request(base, "POST", "/api/v1/code-lists", walidata, {
        "slug": "jenis-kelamin", "name": "Jenis Kelamin",
        "items": [{"code": "Laki-laki", "label": "Laki-laki"}, {"code": "Perempuan", "label": "Perempuan"}]})
    request(base, "POST", "/api/v1/standards", walidata, {
        "kode": "JK", "nama": "Jenis Kelamin", "tipe_data": "string", "code_list": "jenis-kelamin",
        "konsep": "Jenis kelamin", "definisi": "Perbedaan biologis antara laki-laki dan perempuan."})
    request(base, "POST", "/api/v1/standards", walidata, {
        "kode": "JML_KUNJUNGAN", "nama": "Jumlah Kunjungan", "tipe_data": "integer", "minimum": 0,
        "ukuran": "Jumlah", "satuan": "Kunjungan", "konsep": "Kunjungan",
        "definisi": "Banyaknya kunjungan pasien ke fasilitas kesehatan dalam satu tahun."})

    kunjungan_slug = dataset(base, walidata, {
        "title": "Jumlah Kunjungan Puskesmas Menurut Kecamatan dan Jenis Layanan di Kota Mojokerto",
        "organization": "dinkes",
        "description": "Jumlah kunjungan pasien ke puskesmas di Kota Mojokerto menurut kecamatan, jenis "
                       "layanan dan jenis kelamin, per tahun.\n\nData dihimpun Dinas Kesehatan dari laporan "
                       "bulanan puskesmas.",
        "tags": ["kesehatan", "puskesmas", "kunjungan"], "topik": "Perlindungan Sosial dan Kesehatan",
        "frekuensi": "Tahunan", "tingkat_penyajian": "Kecamatan", "cakupan_wilayah": "35.76",
        "temporal_start": "2019-01-01", "temporal_end": "2025-12-31", "ukuran": "Jumlah", "satuan": "Kunjungan",
        "contact_name": "Bidang Pelayanan Kesehatan", "contact_email": "dinkes@mojokertokota.go.id",
        "msind": {"nama_indikator": "Jumlah Kunjungan Puskesmas", "konsep": "Kunjungan pasien",
                  "definisi": "Banyaknya kunjungan pasien ke puskesmas dalam satu tahun.",
                  "interpretasi": "Makin tinggi, makin banyak layanan puskesmas dipakai.",
                  "metode_perhitungan": "Menjumlahkan kunjungan dari laporan bulanan.",
                  "klasifikasi_penyajian": ["Kecamatan", "Jenis layanan", "Jenis kelamin"],
                  "indikator_komposit": False, "kegiatan_penghasil": "Pencatatan kunjungan puskesmas",
                  "level_estimasi": "Kecamatan"},
        "mskeg": {"judul_kegiatan": "Pencatatan Kunjungan Puskesmas", "tahun_kegiatan": "2025",
                  "cara_pengumpulan_data": "Pencatatan administrasi"},
    })
    request(base, "PUT", f"/api/v1/datasets/{kunjungan_slug}/schema", walidata, {"fields": [
        {"name": "kode_kecamatan"}, {"name": "nama_kecamatan"}, {"name": "jenis_layanan"},
        {"name": "jenis_kelamin", "standar_data": "JK"},
        {"name": "jumlah_kunjungan", "standar_data": "JML_KUNJUNGAN"}, {"name": "satuan"},
        {"name": "tahun", "type": "year"}],
        "primaryKey": ["kode_kecamatan", "jenis_layanan", "jenis_kelamin", "tahun"]})
    publish(base, walidata, kunjungan_slug, kunjungan(), 1)
    publish(base, walidata, kunjungan_slug, kunjungan(extra_year=True), 2)

    sekolah = dataset(base, walidata, {
        "title": "Jumlah Sekolah Dasar Menurut Kecamatan", "organization": "disdik",
        "description": "Sekolah dasar negeri dan swasta per kecamatan.", "tags": ["pendidikan", "sekolah"],
        "topik": "Pendidikan dan Tenaga Kerja", "frekuensi": "Tahunan",
        "temporal_start": "2020-01-01", "temporal_end": "2024-12-31"})
    publish(base, walidata, sekolah, csv(["kode_kecamatan", "nama_kecamatan", "status", "jumlah_sekolah", "satuan", "tahun"], [
        (k, n, s, 4 + i * 3 + (s == "Swasta") * 2 + (t - 2020), "Sekolah", t)
        for t in range(2020, 2025) for i, (k, n) in enumerate(KECAMATAN) for s in ("Negeri", "Swasta")]), 1)

    banjir = dataset(base, walidata, {
        "title": "Kejadian Banjir dan Genangan Menurut Kelurahan", "organization": "bpbd",
        "description": "Kejadian banjir dan genangan yang dilaporkan warga dan diverifikasi BPBD.",
        "tags": ["banjir", "bencana"], "topik": "Ketertiban Umum dan Keselamatan", "frekuensi": "Bulanan",
        "temporal_start": "2024-01-01", "temporal_end": "2024-12-31"})
    publish(base, walidata, banjir, csv(["kode_kelurahan", "nama_kelurahan", "bulan", "jumlah_kejadian", "satuan", "tahun"], [
        (k, n, b, (i * 7 + b * 3) % 5, "Kejadian", 2024) for i, (k, n) in enumerate(KELURAHAN) for b in range(1, 13)]), 1)

    pad = dataset(base, walidata, {
        "title": "Realisasi Pendapatan Asli Daerah Menurut Jenis Pendapatan", "organization": "bappeda",
        "description": "Realisasi PAD Kota Mojokerto dalam rupiah.", "tags": ["keuangan", "pad"],
        "topik": "Ekonomi dan Industri", "frekuensi": "Tahunan", "satuan": "Rupiah",
        "temporal_start": "2021-01-01", "temporal_end": "2024-12-31"})
    jenis = ["Pajak Daerah", "Retribusi Daerah", "Hasil Pengelolaan Kekayaan Daerah", "Lain-lain PAD yang Sah"]
    publish(base, walidata, pad, csv(["jenis_pendapatan", "realisasi_rupiah", "persentase_target", "satuan", "tahun"], [
        (j, 12_500_000_000 // (i + 1) + t * 1_000_000, round(87.5 + i * 2.25 + (t - 2021) * 0.5, 2), "Rupiah", t)
        for t in range(2021, 2025) for i, j in enumerate(jenis)]), 1)

    terbatas = dataset(base, walidata, {"title": "Data Pasien Rawat Inap Per Nama", "organization": "dinkes",
                                        "akses": "Terbatas", "topik": "Perlindungan Sosial dan Kesehatan"})
    publish(base, walidata, terbatas, kunjungan(), 1)
    lama = dataset(base, walidata, {"title": "Jumlah Penduduk Tahun 2019", "organization": "dinkes",
                                    "topik": "Pemerintahan Umum"})
    publish(base, walidata, lama, csv(["kode_kecamatan", "jumlah", "satuan", "tahun"], [(k, 1000, "Jiwa", 2019) for k, _ in KECAMATAN]), 1)
    request(base, "POST", f"/api/v1/datasets/{lama}/unpublish", walidata,
            {"reason": "Diganti dataset kependudukan dari Disdukcapil yang lebih lengkap."})

    # Waiting for the walidata (issue 20): one for the page checks, one the journey approves
    # and publishes.
    def waiting(title, org, table):
        slug = dataset(base, walidata, {"title": title, "organization": org, "topik": "Pendidikan dan Tenaga Kerja",
                                        "frekuensi": "Tahunan", "description": "Menunggu pemeriksaan Walidata."})
        request(base, "POST", f"/api/v1/datasets/{slug}/versions", walidata, table, "text/csv")
        request(base, "POST", f"/api/v1/datasets/{slug}/versions/1/submit", walidata, {"note": "Data tahun 2024 lengkap."})
        return slug
    guru = csv(["kode_kecamatan", "nama_kecamatan", "jumlah_guru", "satuan", "tahun"],
               [(k, n, 40 + i * 5, "Orang", 2024) for i, (k, n) in enumerate(KECAMATAN)])
    antre = waiting("Jumlah Guru Sekolah Dasar Menurut Kecamatan", "disdik", guru)
    antre_journey = waiting("Jumlah Murid Sekolah Dasar Menurut Kecamatan", "disdik", guru.replace(b"jumlah_guru", b"jumlah_murid") if isinstance(guru, bytes) else guru)

    # The steward's upload journey starts from an empty dataset of their OPD; a draft whose
    # report has errors is one of the workspace pages.
    unggah = dataset(base, walidata, {"title": "Jumlah Tenaga Kesehatan Menurut Kecamatan", "organization": "dinkes",
                                      "topik": "Perlindungan Sosial dan Kesehatan", "frekuensi": "Tahunan",
                                      "description": "Tenaga kesehatan di puskesmas per kecamatan."})
    excel = dataset(base, walidata, {"title": "Kunjungan Puskesmas dari Berkas Excel", "organization": "dinkes",
                                     "topik": "Perlindungan Sosial dan Kesehatan", "frekuensi": "Tahunan"})
    journey = _journey_files(pages_path.parent)
    request(base, "PUT", f"/api/v1/datasets/{unggah}/schema", walidata, journey.pop("schema"))
    galat = dataset(base, walidata, {"title": "Cakupan Imunisasi Dasar Lengkap", "organization": "dinkes",
                                     "topik": "Perlindungan Sosial dan Kesehatan", "frekuensi": "Tahunan"})
    rows = [(k, n, 80 + i, "Persen", 2024) for i, (k, n) in enumerate(KECAMATAN)] + \
           [("3576010", "Prajuritkulon", "delapan puluh", "Persen", 2023)]
    request(base, "POST", f"/api/v1/datasets/{galat}/versions", walidata,
            csv(["kode_kecamatan", "nama_kecamatan", "cakupan", "satuan", "tahun"], rows), "text/csv")

    regions = request(base, "GET", "/healthz") is not None and _regions_loaded(base)
    q = urllib.parse.urlencode({"sort": "-jumlah_kunjungan", "filter[tahun][gte]": "2023", "x": "nama_kecamatan"})
    pages = [
        {"name": "home", "url": "/"},
        {"name": "search", "url": "/dataset"},
        {"name": "search-facet", "url": "/dataset?q=kunjungan&topik=Perlindungan+Sosial+dan+Kesehatan&tahun=2024"},
        {"name": "search-none", "url": "/dataset?q=tidakadasamasekali"},
        {"name": "dataset", "url": f"/dataset/{kunjungan_slug}"},
        {"name": "dataset-filtered", "url": f"/dataset/{kunjungan_slug}?{q}"},
        {"name": "dataset-decimals", "url": f"/dataset/{pad}"},
        {"name": "dataset-monthly", "url": f"/dataset/{banjir}"},
        {"name": "diff", "url": f"/dataset/{kunjungan_slug}/diff/1/2"},
        {"name": "opd-list", "url": "/opd"},
        {"name": "opd", "url": "/opd/dinkes"},
        {"name": "topik-list", "url": "/topik"},
        {"name": "topik", "url": "/topik/pendidikan-dan-tenaga-kerja"},
        {"name": "standards", "url": "/standar-data"},
        {"name": "regions", "url": "/kode-referensi"},
        {"name": "error-404", "url": f"/dataset/{terbatas}", "status": 404},
        {"name": "error-410", "url": f"/dataset/{lama}", "status": 410},
    ]
    if regions:
        pages.append({"name": "regions-kota", "url": "/kode-referensi/35.76"})
        pages.append({"name": "regions-search", "url": "/kode-referensi?q=magersari"})
    for p in pages:
        p.setdefault("status", 200)
        p["kind"] = "public"
    # The workspace (issue 20): the sign-in page as anyone sees it, and the pages a steward
    # signed in through it sees (test_pages.py signs in for kind "workspace").
    pages.append({"name": "signin", "url": "/masuk", "status": 200, "kind": "public"})
    pages.append({"name": "ws-my-datasets", "url": "/kelola/dataset", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-tokens", "url": "/kelola/token", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-dataset", "url": f"/kelola/dataset/{kunjungan_slug}", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-upload", "url": f"/kelola/dataset/{unggah}/unggah", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-report-errors", "url": f"/kelola/dataset/{galat}/versi/1", "status": 200,
                  "kind": "workspace"})
    pages.append({"name": "ws-report-valid", "url": f"/kelola/dataset/{kunjungan_slug}/versi/2", "status": 200,
                  "kind": "workspace"})
    pages.append({"name": "ws-new-dataset", "url": "/kelola/dataset/baru", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-metadata", "url": f"/kelola/dataset/{kunjungan_slug}/metadata", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-schema", "url": f"/kelola/dataset/{kunjungan_slug}/skema", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-history", "url": f"/kelola/dataset/{kunjungan_slug}/riwayat", "status": 200, "kind": "workspace"})
    pages.append({"name": "ws-recap", "url": "/kelola/rekap", "status": 200, "kind": "workspace", "as": "walidata"})
    pages.append({"name": "ws-standards", "url": "/kelola/standar-data", "status": 200, "kind": "workspace", "as": "walidata"})
    pages.append({"name": "ws-standard-variable", "url": "/kelola/standar-data/variabel/JK", "status": 200, "kind": "workspace", "as": "walidata"})
    pages.append({"name": "ws-code-list", "url": "/kelola/standar-data/klasifikasi/jenis-kelamin", "status": 200, "kind": "workspace", "as": "walidata"})
    pages.append({"name": "admin-opds", "url": "/kelola/admin/opd", "status": 200, "kind": "workspace", "as": "admin"})
    pages.append({"name": "admin-opd", "url": "/kelola/admin/opd/dinkes", "status": 200, "kind": "workspace", "as": "admin"})
    pages.append({"name": "admin-accounts", "url": "/kelola/admin/akun", "status": 200, "kind": "workspace", "as": "admin"})
    pages.append({"name": "admin-account", "url": "/kelola/admin/akun/1", "status": 200, "kind": "workspace", "as": "admin"})
    pages.append({"name": "admin-portal", "url": "/kelola/admin/portal", "status": 200, "kind": "workspace", "as": "admin"})
    pages.append({"name": "ws-queue", "url": "/kelola/tinjauan", "status": 200, "kind": "workspace", "as": "walidata"})
    pages.append({"name": "ws-review", "url": f"/kelola/tinjauan/{antre}/1", "status": 200, "kind": "workspace",
                  "as": "walidata"})
    pages_path.write_text(json.dumps(pages, indent=1), encoding="utf-8")
    (pages_path.parent / "seeded.json").write_text(json.dumps({
        "kunjungan": kunjungan_slug, "sekolah": sekolah, "banjir": banjir, "pad": pad,
        "terbatas": terbatas, "withdrawn": lama, "antre": antre, "antre_journey": antre_journey,
        "unggah": unggah, "galat": galat, "excel": excel, "journey": journey},
        indent=1), encoding="utf-8")
    print(f"seeded {len(pages)} pages into {pages_path}")


def _journey_files(folder: Path) -> dict:
    """The steward's files, from the shared generator: one with planted errors (the cells it
    lists on stderr), the same table fixed, and its Table Schema."""
    gen = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "gen_sdi_csv.py"
    bad, good, schema = folder / "kunjungan-galat.csv", folder / "kunjungan-perbaikan.csv", folder / "schema.json"
    planted = subprocess.run([sys.executable, str(gen), "--rows", "300", "--errors", "4", "--seed", "11",
                              "--out", str(bad), "--schema-out", str(schema)],
                             check=True, capture_output=True, text=True).stderr
    subprocess.run([sys.executable, str(gen), "--rows", "300", "--seed", "11", "--out", str(good)], check=True)
    cells = []
    for line in planted.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].isdigit():
            # The generator numbers data rows from the id column; the header is physical row 1.
            cells.append({"row": int(parts[0]) + 1, "column": parts[1], "kind": parts[2]})
    return {"bad": str(bad), "good": str(good), "planted": cells, "schema_file": str(schema),
            "schema": json.loads(schema.read_text(encoding="utf-8"))}


def _regions_loaded(base):
    try:
        request(base, "GET", "/api/v1/regions/35.76")
        return True
    except SystemExit:
        return False


if __name__ == "__main__":
    main()
