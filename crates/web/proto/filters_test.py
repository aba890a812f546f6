#!/usr/bin/env python3
"""The filters' exact behaviour, as cases both implementations must pass: this prototype's
(render.py) and, later, the Rust one (which can load filter_cases.json, written by this script
with --write). Run: python3 crates/web/proto/filters_test.py  (needs jinja2: the venv)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import render  # noqa: E402

CASES = [
    # num(value, decimals=None)
    ("num", "id", 0, [], "0"), ("num", "id", 7, [], "7"), ("num", "id", 1234, [], "1.234"),
    ("num", "en", 1234, [], "1,234"), ("num", "id", 1234567, [], "1.234.567"),
    ("num", "id", -1234567, [], "-1.234.567"), ("num", "id", 1234.5, [], "1.234,5"),
    ("num", "en", 1234.5, [], "1,234.5"), ("num", "id", 12.0, [], "12"), ("num", "id", 0.125, [], "0,12"),
    ("num", "id", 0.375, [], "0,38"), ("num", "id", 2.675, [], "2,67"), ("num", "id", 12.5, [1], "12,5"),
    ("num", "id", 12, [1], "12,0"), ("num", "id", 1234.5678, [2], "1.234,57"), ("num", "id", -0.001, [], "0"),
    ("num", "id", None, [], "–"), ("num", "id", float("nan"), [], "–"), ("num", "en", 1e21, [0], "1,000,000,000,000,000,000,000"),
    # date(value): a date stays that date; a datetime is shown in WIB (UTC+7); naive = UTC
    ("date", "id", "2026-05-12", [], "12 Mei 2026"), ("date", "en", "2026-05-12", [], "12 May 2026"),
    ("date", "id", "2026-01-01", [], "1 Januari 2026"), ("date", "id", "2026-05-12T16:59:59Z", [], "12 Mei 2026"),
    ("date", "id", "2026-05-12T17:00:00Z", [], "13 Mei 2026"), ("date", "id", "2026-05-12T10:00:00.123456", [], "12 Mei 2026"),
    ("date", "id", "2026-12-31T23:30:00+07:00", [], "31 Desember 2026"), ("date", "en", "2026-08-17T00:00:00+09:00", [], "16 August 2026"),
    # datetime(value): 24-hour clock, "." in Indonesian, ":" in English, then WIB
    ("datetime", "id", "2026-05-14T02:21:00Z", [], "14 Mei 2026 09.21 WIB"), ("datetime", "en", "2026-05-14T02:21:00Z", [], "14 May 2026 09:21 WIB"),
    ("datetime", "id", "2026-05-14T17:05:00Z", [], "15 Mei 2026 00.05 WIB"), ("datetime", "id", "2026-05-14", [], "14 Mei 2026"),
    # bytes(n): 1000-based; one decimal below 100 (trailing ,0 dropped), none from 100
    ("bytes", "id", 0, [], "0 B"), ("bytes", "id", 999, [], "999 B"), ("bytes", "id", 1000, [], "1 kB"),
    ("bytes", "id", 1234, [], "1,2 kB"), ("bytes", "en", 1234, [], "1.2 kB"), ("bytes", "id", 48213, [], "48,2 kB"),
    ("bytes", "id", 774353, [], "774 kB"), ("bytes", "id", 999949, [], "1 MB"), ("bytes", "id", 99949, [], "99,9 kB"), ("bytes", "id", 99960, [], "100 kB"), ("bytes", "id", 999999, [], "1 MB"),
    ("bytes", "id", 1248311, [], "1,2 MB"), ("bytes", "id", 2147483648, [], "2,1 GB"), ("bytes", "en", 524288000, [], "524 MB"),
    # key(s): lower case; every run of characters other than a-z0-9 becomes one "-"; trimmed
    ("key", "id", "Tahunan", [], "tahunan"), ("key", "id", "Kabupaten/Kota", [], "kabupaten-kota"),
    ("key", "id", "Ad-hoc", [], "ad-hoc"), ("key", "id", "MENUNGGU_PERSETUJUAN", [], "menunggu-persetujuan"),
    ("key", "id", "Perlindungan Sosial dan Kesehatan", [], "perlindungan-sosial-dan-kesehatan"),
    ("key", "id", "CC-BY-4.0", [], "cc-by-4-0"), ("key", "id", "  Empat  Bulanan ", [], "empat-bulanan"), ("key", "id", "Parquet", [], "parquet"),
    # url(path, lang=None): the English page of a path is /en + path; / becomes /en/
    ("url", "id", "/", [], "/"), ("url", "en", "/", [], "/en/"), ("url", "en", "/dataset?q=banjir", [], "/en/dataset?q=banjir"),
    ("url", "en", "/?x=1", [], "/en/?x=1"), ("url", "id", "/dataset", ["en"], "/en/dataset"), ("url", "en", "/dataset", ["id"], "/dataset"),
    # t(key, **args)
    ("t", "id", "home.n_datasets", [{"n": "1.234"}], "1.234 dataset"), ("t", "en", "pager.page_of", [{"page": "2", "pages": "494"}], "Page 2 of 494"),
]


def apply(kind, lang, value, args):
    if kind == "num":
        return render.fmt_num(lang, value, *args)
    if kind == "date":
        return render.fmt_date(lang, value)
    if kind == "datetime":
        return render.fmt_datetime(lang, value)
    if kind == "bytes":
        return render.fmt_bytes(lang, value)
    if kind == "key":
        return render.to_key(value)
    if kind == "url":
        return render.make_url(lang, value, *args)
    if kind == "t":
        return render.translate(render.load_catalogue(lang), lang, value, **(args[0] if args else {}))
    raise ValueError(kind)


def main():
    failures = 0
    for kind, lang, value, args, expected in CASES:
        got = apply(kind, lang, value, args)
        if got != expected:
            failures += 1
            print(f"FAIL {kind}({value!r}, {args}) [{lang}]: {got!r} != {expected!r}")
    if "--write" in sys.argv:
        out = [{"filter": k, "lang": l, "input": (None if isinstance(v, float) and v != v else v), "args": a, "expected": e,
                **({"input_is_nan": True} if isinstance(v, float) and v != v else {})} for k, l, v, a, e in CASES]
        (Path(__file__).resolve().parent / "filter_cases.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
