#!/usr/bin/env python3
"""Prototype renderer: renders every template of crates/web with the fake contexts in
proto/contexts/*.json into static HTML files, in Bahasa Indonesia and English.

    python3 crates/web/proto/render.py [--out DIR]     # default crates/web/proto/out
    python3 -m http.server -d crates/web/proto/out 8765

It needs jinja2 (a venv outside the repo: ~/.cache/satudata-venv-web). It mimics the Rust side
(minijinja, strict undefined) as closely as jinja2 allows: StrictUndefined, autoescape, the same
globals and filters with the semantics written down in crates/web/README.md ("Functions and
filters"). The Rust implementation must give byte-identical output for the cases in
proto/filters_test.py.

A context file is {"template": "...", "path": "/dataset?q=x", "out": "dataset/index.html",
"status": 200, "context": {...}} and may name "base": "other.json", whose context it deep-merges
(objects merged key by key, everything else replaced). The frame fields (lang, base_url, page,
portal, user, csrf_token, flash) come from contexts/_frame.json unless the page overrides them;
lang is set by the renderer. The rendered page for English goes to out/en/<out>.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import json
import math
import re
import shutil
import sys
import traceback
import tomllib
from pathlib import Path

import jinja2

WEB = Path(__file__).resolve().parent.parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
I18N = WEB / "i18n"
CONTEXTS = Path(__file__).resolve().parent / "contexts"

LANGS = ("id", "en")
MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}
SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # (thousands, decimal)
PORTAL_OFFSET = dt.timezone(dt.timedelta(hours=7))  # WIB; the portal's time zone
PORTAL_TZ_NAME = "WIB"


# ---------------------------------------------------------------------------------------------
# catalogues


def flatten(table: dict, prefix: str = "") -> dict[str, str | dict[str, str]]:
    out: dict[str, str | dict[str, str]] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and ("one" in v or "other" in v):
            if set(v) != {"one", "other"} or not all(isinstance(f, str) and "{n}" in f for f in v.values()):
                raise ValueError(f"{key}: plural forms are `one` and `other`, strings with {{n}}")
            out[key] = dict(v)
        elif isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, str):
            out[key] = v
        else:
            raise ValueError(f"{key}: catalogue values must be strings")
    return out


def load_catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    with open(I18N / f"{lang}.toml", "rb") as f:
        return flatten(tomllib.load(f))


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def translate(catalogue: dict[str, str | dict[str, str]], lang: str, key: str, /, **args) -> str:
    """t(key, **args): the catalogue string with {name} replaced by str(args[name]); of a string
    with plural forms, `one` when str(args['n']) is '1', else `other`.
    A missing key or a placeholder without an argument is an error (never a silent fallback)."""
    try:
        text = catalogue[key]
    except KeyError:
        raise jinja2.TemplateError(f"t(): no key {key!r} in {lang}.toml") from None
    if isinstance(text, dict):
        if "n" not in args:
            raise jinja2.TemplateError(f"t({key!r}): missing argument 'n'")
        text = text["one"] if str(args["n"]) == "1" else text["other"]

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in args:
            raise jinja2.TemplateError(f"t({key!r}): missing argument {name!r}")
        value = args[name]
        if isinstance(value, bool) or value is None:
            raise jinja2.TemplateError(f"t({key!r}): argument {name!r} is {value!r}")
        return str(value)

    return PLACEHOLDER.sub(sub, text)


# ---------------------------------------------------------------------------------------------
# filters (exact semantics: README.md "Functions and filters")


def group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def fmt_num(lang: str, value, decimals=None) -> str:
    if isinstance(value, jinja2.Undefined):
        raise jinja2.UndefinedError("num: undefined value")
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise jinja2.TemplateError(f"num: not a number: {value!r}")
    thousands, decimal = SEPARATORS[lang]
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "–"
        places = 2 if decimals is None else int(decimals)
        text = format(value, f".{places}f")  # correctly rounded, as Rust's {:.N}
        if decimals is None and "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = str(value)
        if decimals:
            text += "." + "0" * int(decimals)
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, frac = text.partition(".")
    out = group(whole, thousands) + (decimal + frac if frac else "")
    if negative and any(c not in "0" for c in whole + frac):
        out = "-" + out
    return out


def parse_when(value) -> tuple[dt.date, dt.datetime | None]:
    if not isinstance(value, str):
        raise jinja2.TemplateError(f"date: not an ISO 8601 string: {value!r}")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value), None
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)  # naive = UTC (CKAN's convention)
    local = stamp.astimezone(PORTAL_OFFSET)
    return local.date(), local


def fmt_date(lang: str, value) -> str:
    day, _ = parse_when(value)
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def fmt_datetime(lang: str, value) -> str:
    day, local = parse_when(value)
    text = f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"
    if local is None:
        return text
    sep = "." if lang == "id" else ":"
    return f"{text} {local.hour:02d}{sep}{local.minute:02d} {PORTAL_TZ_NAME}"


def fmt_bytes(lang: str, value) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise jinja2.TemplateError(f"bytes: not a size: {value!r}")
    if value < 1000:
        return f"{value} B"
    units = ["kB", "MB", "GB", "TB", "PB"]
    v = float(value)
    unit = -1
    while v >= 1000 and unit < len(units) - 1:
        v /= 1000
        unit += 1
    places = 1 if v < 100 else 0
    rounded = float(format(v, f".{places}f"))
    if rounded >= 1000 and unit < len(units) - 1:
        v /= 1000
        unit += 1
        places = 1
        rounded = float(format(v, f".{places}f"))
    return f"{fmt_num(lang, rounded)} {units[unit]}"


def to_key(value) -> str:
    if not isinstance(value, str):
        raise jinja2.TemplateError(f"key: not a string: {value!r}")
    out = re.sub(r"[^a-z0-9]+", "-", value.lower())
    return out.strip("-")


def make_url(lang: str, path: str, target_lang: str | None = None) -> str:
    if not isinstance(path, str) or not path.startswith("/"):
        raise jinja2.TemplateError(f"url: path must start with '/': {path!r}")
    target = target_lang or lang
    if target not in LANGS:
        raise jinja2.TemplateError(f"url: unknown language {target!r}")
    if target == "id":
        return path
    if path == "/" or path.startswith("/?") or path.startswith("/#"):
        return "/en/" + path[1:]
    return "/en" + path


_static_hashes: dict[str, str] = {}


def static_url(name: str) -> str:
    if name not in _static_hashes:
        data = (STATIC / name).read_bytes()
        _static_hashes[name] = hashlib.sha256(data).hexdigest()[:10]
    return f"/static/{name}?v={_static_hashes[name]}"


def environment(lang: str) -> jinja2.Environment:
    """One environment per language, as the Rust side keeps one minijinja Environment per
    language (the functions and filters are bound to it)."""
    catalogue = load_catalogue(lang)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(
        t=lambda key_, /, **args: translate(catalogue, lang, key_, **args),
        url=lambda path, target=None: make_url(lang, path, target),
        static=static_url,
        ui_lang=lang,
    )
    env.filters.update(
        num=lambda v, decimals=None: fmt_num(lang, v, decimals),
        date=lambda v: fmt_date(lang, v),
        datetime=lambda v: fmt_datetime(lang, v),
        bytes=lambda v: fmt_bytes(lang, v),
        key=to_key,
    )
    return env


# ---------------------------------------------------------------------------------------------
# contexts


def deep_merge(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = deep_merge(base[k], v) if k in base else v
        return out
    return copy.deepcopy(over)


def load_page(path: Path) -> dict:
    page = json.loads(path.read_text(encoding="utf-8"))
    if "base" in page:
        parent = load_page(CONTEXTS / page["base"])
        merged = deep_merge(parent, {k: v for k, v in page.items() if k != "base"})
        return merged
    return page


def pages() -> list[tuple[str, dict]]:
    return [(p.stem, load_page(p)) for p in sorted(CONTEXTS.glob("*.json")) if not p.name.startswith("_")]


def full_context(page: dict, lang: str) -> dict:
    frame = json.loads((CONTEXTS / "_frame.json").read_text(encoding="utf-8"))
    ctx = deep_merge(frame, page["context"])
    ctx["lang"] = lang
    ctx.setdefault("page", {})
    ctx["page"] = deep_merge({"path": page["path"], "section": "", "noindex": False}, ctx["page"])
    return ctx


def render_all(out: Path, only: str | None = None) -> list[dict]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(STATIC, out / "static")
    envs = {lang: environment(lang) for lang in LANGS}
    manifest = []
    failures = 0
    for name, page in pages():
        if only and only != name:
            continue
        for lang in LANGS:
            target = out / page["out"] if lang == "id" else out / "en" / page["out"]
            try:
                html = envs[lang].get_template(page["template"]).render(full_context(page, lang))
            except Exception as e:  # noqa: BLE001 - report every page, then fail
                failures += 1
                where = [f"{f.filename}:{f.lineno}" for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(".html")]
                print(f"FAIL {name} [{lang}]: {type(e).__name__}: {e} (at {', '.join(where[-2:]) or '?'})", file=sys.stderr)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        url = "/" + page["out"].removesuffix("index.html")
        manifest.append({
            "name": name,
            "template": page["template"],
            "url": url,
            "status": page.get("status", 200),
            "kind": page.get("kind", "public"),
        })
    (out / "pages.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    if failures:
        raise SystemExit(f"{failures} page(s) failed to render")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument("--only", help="render one context file (its name without .json)")
    args = ap.parse_args()
    manifest = render_all(args.out, args.only)
    print(f"rendered {len(manifest)} pages x {len(LANGS)} languages into {args.out}")


if __name__ == "__main__":
    main()
