#!/usr/bin/env python3
"""Fills a satudata SQLite database with N published datasets for the harvest benchmarks.

Each copy repeats the first dataset (which the caller published through the API, so its rows
and files are real): a new UUID, slug, title, tags, OPD, topik and modification time, its own
published version row and four distribution rows pointing at the same content-addressed files.
The FTS index is kept by the database's own triggers.

Usage: seed_catalogue.py DATABASE N
"""

import datetime
import random
import sqlite3
import sys
import uuid

SUBJECTS = ["penduduk", "puskesmas", "sekolah", "guru", "jalan", "jembatan", "pasar", "umkm",
            "pajak", "retribusi", "sampah", "air", "listrik", "posyandu", "imunisasi", "stunting",
            "kemiskinan", "pengangguran", "inflasi", "panen", "ternak", "ikan", "hutan", "banjir",
            "kebakaran", "kecelakaan", "wisata", "hotel", "masjid", "gereja", "perpustakaan",
            "koperasi", "investasi", "perizinan", "pegawai", "anggaran", "belanja", "pendapatan",
            "rumah", "sanitasi"]
DIMENSIONS = ["kecamatan", "kelurahan", "jenis kelamin", "kelompok umur", "bulan", "tahun"]
TOPIK = ["Pertahanan dan Luar Negeri", "Ekonomi dan Industri", "Pembangunan Daerah",
         "Perlindungan Sosial dan Kesehatan", "Ketertiban Umum dan Keselamatan",
         "Pendidikan dan Tenaga Kerja", "Lingkungan dan Sumber Daya Alam", "Budaya dan Agama",
         "Pemerintahan Umum", "Pendukung Umum"]
ORGS = 20


def row(cur, table, where):
    cur.execute(f"SELECT * FROM {table} WHERE {where}")
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone()))


def insert(cur, table, values):
    cols = [k for k in values if k != "id"]
    cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [values[c] for c in cols])
    return cur.lastrowid


def main():
    db, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(7)
    con = sqlite3.connect(db)
    cur = con.cursor()
    template = row(cur, "dataset", "id = 1")
    version = row(cur, "dataset_version", f"id = {template['current_version_id']}")
    cur.execute("SELECT * FROM distribution WHERE version_id = ?", (version["id"],))
    names = [d[0] for d in cur.description]
    files = [dict(zip(names, r)) for r in cur.fetchall()]
    org = row(cur, "organization", "id = 1")
    orgs = [(1, org["name"], org["slug"])]
    for i in range(2, ORGS + 1):
        o = dict(org, uuid=uuid.uuid4().bytes, slug=f"opd-{i:02d}", name=f"Dinas Nomor {i:02d}")
        orgs.append((insert(cur, "organization", o), o["name"], o["slug"]))
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    for i in range(n):
        subject, dim = rng.choice(SUBJECTS), rng.choice(DIMENSIONS)
        year = 2015 + i % 10
        title = f"Jumlah {subject} menurut {dim} tahun {year} ({i})"
        tags = sorted({subject, dim.replace(" ", "-"), str(year)})
        org_id, org_name, org_slug = orgs[i % ORGS]
        at = (start + datetime.timedelta(minutes=i)).isoformat(timespec="microseconds")
        ds = dict(template, uuid=uuid.uuid4().bytes, slug=f"dataset-{i:06d}", title=title,
                  description=f"Data {subject} per {dim}, {org_name}.", organization_id=org_id,
                  topik=TOPIK[i % len(TOPIK)], created_at=at, updated_at=at, published_at=at,
                  current_version_id=None,
                  search_text="\n".join([title, f"Data {subject} per {dim}", *tags, org_name, org_slug]))
        ds_id = insert(cur, "dataset", ds)
        v_id = insert(cur, "dataset_version", dict(version, uuid=uuid.uuid4().bytes, dataset_id=ds_id, published_at=at))
        for f in files:
            insert(cur, "distribution", dict(f, version_id=v_id))
        cur.execute("UPDATE dataset SET current_version_id = ? WHERE id = ?", (v_id, ds_id))
        cur.executemany("INSERT INTO dataset_tag (dataset_id, tag) VALUES (?, ?)", [(ds_id, t) for t in tags])
    con.commit()
    print(f"seeded {n} datasets over {ORGS} OPDs")


if __name__ == "__main__":
    main()
