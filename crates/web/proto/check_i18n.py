#!/usr/bin/env python3
"""Checks the string catalogues (exit 1 on any problem):
  1. id.toml and en.toml have exactly the same keys;
  2. every value is a non-empty string, with the same {placeholders} in both languages;
  3. every literal key the templates use, t("section.key"), exists;
  4. every dynamic key prefix the templates build, t("prefix." ~ x), has at least one key.
  5. no fake context uses a field name that is a Python dict method (items, keys, values, get,
     update, pop, copy...): jinja2 would resolve x.items to the method, minijinja to the field.
Pure standard library (Python ≥ 3.11); run it in CI next to the Rust test that does the same.

    python3 crates/web/proto/check_i18n.py
"""
from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
LITERAL = re.compile(r"(?<![A-Za-z_.])t\(\s*['\"]([A-Za-z0-9_.-]+)['\"]\s*[,)]")
PREFIX = re.compile(r"(?<![A-Za-z_.])t\(\s*['\"]([A-Za-z0-9_.-]+)['\"]\s*~")
DICT_METHODS = {"items", "keys", "values", "get", "update", "pop", "popitem", "copy", "clear", "setdefault", "fromkeys"}


def flatten(table, prefix=""):
    out = {}
    for k, v in table.items():
        if isinstance(v, dict) and ("one" in v or "other" in v):
            out[f"{prefix}{k}"] = v  # plural forms
        elif isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def walk_keys(value, path, problems):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in DICT_METHODS:
                problems.append(f"{path}.{k}: field named like a dict method")
            walk_keys(v, f"{path}.{k}", problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            walk_keys(v, f"{path}[{i}]", problems)


def main() -> int:
    problems: list[str] = []
    cats = {}
    for lang in ("id", "en"):
        with open(WEB / "i18n" / f"{lang}.toml", "rb") as f:
            cats[lang] = flatten(tomllib.load(f))
    ids, ens = set(cats["id"]), set(cats["en"])
    problems += [f"only in id.toml: {k}" for k in sorted(ids - ens)]
    problems += [f"only in en.toml: {k}" for k in sorted(ens - ids)]
    def forms(value):
        """A string's forms: itself, or the `one` and `other` of plural forms."""
        if isinstance(value, dict) and set(value) == {"one", "other"}:
            return list(value.values())
        return [value]

    for key in sorted(ids & ens):
        a, b = forms(cats["id"][key]), forms(cats["en"][key])
        if not all(isinstance(f, str) and f.strip() for f in a + b):
            problems.append(f"{key}: empty or not a string")
            continue
        if len(a + b) > 2 and not all("{n}" in f for f in a + b):
            problems.append(f"{key}: plural forms without {{n}}")
        pa = {p for f in a for p in PLACEHOLDER.findall(f)}
        pb = {p for f in b for p in PLACEHOLDER.findall(f)}
        if pa != pb:
            problems.append(f"{key}: placeholders differ: id {sorted(pa)} en {sorted(pb)}")
    used = set()
    for tpl in sorted((WEB / "templates").rglob("*.html")):
        text = tpl.read_text(encoding="utf-8")
        for key in LITERAL.findall(text):
            used.add(key)
            if key not in ids:
                problems.append(f"{tpl.relative_to(WEB)}: t({key!r}) has no catalogue entry")
        for prefix in PREFIX.findall(text):
            if not any(k.startswith(prefix) for k in ids):
                problems.append(f"{tpl.relative_to(WEB)}: no catalogue key starts with {prefix!r}")
    for ctx in sorted((WEB / "proto" / "contexts").glob("*.json")):
        walk_keys(json.loads(ctx.read_text(encoding="utf-8")), ctx.name, problems)
    for p in problems:
        print(p)
    print(f"{len(ids)} keys per language, {len(used)} used literally in templates; "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
