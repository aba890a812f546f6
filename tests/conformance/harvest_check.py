#!/usr/bin/env python3
"""What a national portal's harvesters do, against a real `satudata serve` seeded over HTTP.

- ckanapi (the CKAN client from PyPI) drives package_search, package_show, organization_list,
  organization_show and `ckanapi dump datasets --all`;
- the CKAN harvester's walk: package_search?rows=100&start=N&sort=id asc until an empty page,
  failing on identical pages, and every public published dataset exactly once;
- the incremental filter metadata_modified:[<timestamp> TO *];
- /data.json against the Project Open Data v1.1 non-federal JSON Schema (check-jsonschema);
- DCAT-AP 3.0.1 with pyshacl: a catalogue page and a complete dataset against dcat-ap-SHACL.ttl
  and ranges.ttl (no violations but the two class checks that need the EU vocabularies), and
  against shapes_recommended.ttl (warnings listed; see ALLOWED_WARNINGS);
- the DCAT harvester's walk: follow hydra:next from /catalog.ttl, every dataset once;
- CSVW: the Link rel="describedby" of a CSV download, validated with csvwvalidate (PyPI csvw).

Run with the virtual environment's python (pyshacl, rdflib).
Usage: harvest_check.py SATUDATA_BINARY VENV STANDARDS_DIR [--datasets N]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PORT = 18383
URL = f"http://127.0.0.1:{PORT}"
TABLE = "kecamatan,jenis_kelamin,jumlah,satuan,tahun\nMagersari,Laki-laki,10,Jiwa,2024\n"


def request(method, path, token=None, body=None, content_type="application/json"):
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"FAIL: {method} {path}: {e.code} {e.read().decode(errors='replace')}")


def seed(bin_path, env):
    """The database, two OPDs, a walidata and an admin; returns their tokens."""
    run = lambda *args: subprocess.run([bin_path, *args], env=env, check=True, capture_output=True, text=True)
    run("migrate")
    run("org", "add", "--slug", "dinkes", "--name", "Dinas Kesehatan")
    run("org", "add", "--slug", "disdik", "--name", "Dinas Pendidikan")
    run("user", "add", "--email", "walidata@ci.go.id", "--name", "Walidata", "--role", "walidata")
    run("user", "add", "--email", "admin@ci.go.id", "--name", "Admin", "--role", "admin")
    token = lambda email: run("token", "create", "--email", email).stdout.strip()
    return token("walidata@ci.go.id"), token("admin@ci.go.id")


def publish_all(token, public, hidden):
    """`public` published Terbuka datasets over two OPDs, plus `hidden` drafts and Terbatas ones."""
    names = []
    for i in range(public + hidden):
        org = "dinkes" if i % 2 else "disdik"
        body = {"title": f"Dataset Uji {i:04d}", "organization": org, "tags": ["uji", f"t{i % 5}"]}
        if i >= public and i % 2:
            body["akses"] = "Terbatas"
        slug = request("POST", "/api/v1/datasets", token, body)["slug"]
        if i >= public and not i % 2:
            continue  # a draft: never published
        request("POST", f"/api/v1/datasets/{slug}/versions", token, TABLE.encode(), "text/csv")
        base = f"/api/v1/datasets/{slug}/versions/1"
        request("POST", f"{base}/submit", token, {})
        request("POST", f"{base}/review", token, {"decision": "approve"})
        request("POST", f"{base}/publish", token, {})
        if i < public:
            names.append(slug)
    return names


def publish_complete(token):
    """A dataset with every recommended property we can give."""
    body = {
        "title": "Jumlah Penduduk menurut Kecamatan",
        "description": "Jumlah penduduk per kecamatan dan jenis kelamin.",
        "organization": "dinkes",
        "tags": ["penduduk"],
        "topik": "Pembangunan Daerah",
        "frekuensi": "Tahunan",
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "contact_name": "Bidang Statistik",
        "contact_email": "statistik@ci.go.id",
        "msind": {"id_msind": "MSIND-0001", "konsep": "Penduduk", "indikator_komposit": False},
        "mskeg": {"judul_kegiatan": "Registrasi Penduduk", "tahun_kegiatan": 2024},
    }
    slug = request("POST", "/api/v1/datasets", token, body)["slug"]
    request("POST", f"/api/v1/datasets/{slug}/versions", token, TABLE.encode(), "text/csv")
    base = f"/api/v1/datasets/{slug}/versions/1"
    for step, payload in (("submit", {}), ("review", {"decision": "approve"}), ("publish", {})):
        request("POST", f"{base}/{step}", token, payload)
    return slug


def check_data_json(venv, standards, work, expected):
    path = os.path.join(work, "data.json")
    with urllib.request.urlopen(URL + "/data.json") as resp, open(path, "wb") as out:
        out.write(resp.read())
    with open(path) as f:
        datasets = json.load(f)["dataset"]
    count = len(datasets)
    check(count == expected, f"data.json has {count} datasets, expected {expected}")
    # The national DCAT-JSON converter reads MS-Ind and MS-Keg as extra top-level keys.
    complete = [d for d in datasets if d["title"] == "Jumlah Penduduk menurut Kecamatan"]
    check(len(complete) == 1, "the complete dataset is in data.json")
    for key, value in (("id_msind", "MSIND-0001"), ("judul_kegiatan", "Registrasi Penduduk"), ("tahun_kegiatan", "2024")):
        check(complete[0].get(key) == value, f"data.json {key} = {complete[0].get(key)!r}, expected {value!r}")
    # The schemas name themselves by their web address, so references would be fetched from the
    # network; local copies without those ids resolve against each other instead.
    def strip_ids(node):
        if isinstance(node, dict):
            return {k: strip_ids(v) for k, v in node.items() if not (k in ("id", "$id") and isinstance(v, str) and v.startswith("http"))}
        if isinstance(node, list):
            return [strip_ids(v) for v in node]
        return node

    for name in ("catalog.json", "dataset-non-federal.json"):
        with open(os.path.join(standards, "pod-v1.1-non-federal", name)) as f:
            local = strip_ids(json.load(f))
        organization = local.get("definitions", {}).get("organization")
        if organization:  # its "#" meant the organization schema itself, by its id
            organization["properties"]["subOrganizationOf"] = {"$ref": "#/definitions/organization"}
        with open(os.path.join(work, name), "w") as f:
            json.dump(local, f)
    schema = os.path.join(work, "catalog.json")
    out = subprocess.run([os.path.join(venv, "bin", "check-jsonschema"), "--schemafile", schema, path], capture_output=True, text=True)
    check(out.returncode == 0, f"data.json against POD v1.1: {out.stdout[-3000:]} {out.stderr[-2000:]}")
    print(f"data.json: {count} datasets, valid against the POD v1.1 non-federal schema")


# Class checks that need the EU vocabularies loaded (as in ckanext-dcat's own tests).
ALLOWED_VIOLATIONS = ("Value does not have class skos:Concept", "Value does not have class dcat:Dataset")
# No recommended property may be missing (the portal's bbox gives the region its coordinates).
ALLOWED_WARNINGS = ()


def shacl(data, shapes):
    import pyshacl
    from rdflib import Graph, Namespace

    SH = Namespace("http://www.w3.org/ns/shacl#")
    shapes_graph = Graph()
    for s in shapes:
        shapes_graph.parse(s, format="turtle")
    # ranges.ttl lists property shapes it never defines (e.g. DistributionShape/6538...);
    # recent pyshacl refuses such graphs, so the dangling references are dropped first.
    dangling = [(s, o) for s, o in shapes_graph.subject_objects(SH.property) if (o, None, None) not in shapes_graph]
    for s, o in dangling:
        shapes_graph.remove((s, SH.property, o))
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    found = []
    for result in report.subjects(SH.resultSeverity, None):
        severity = report.value(result, SH.resultSeverity).split("#")[-1]
        message = str(report.value(result, SH.resultMessage) or "")
        path = report.value(result, SH.resultPath)
        path = data.namespace_manager.normalizeUri(path) if path is not None else ""
        found.append((severity, message, path))
    return found


def check_dcat(standards, slug, expected):
    from rdflib import RDF, Graph, Namespace

    HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
    DCAT = Namespace("http://www.w3.org/ns/dcat#")
    dcat_dir = os.path.join(standards, "dcat-ap-3.0.1")
    mandatory = [os.path.join(dcat_dir, f) for f in ("dcat-ap-SHACL.ttl", "ranges.ttl")]
    recommended = [os.path.join(dcat_dir, "shapes_recommended.ttl")]
    # The complete dataset was created last: with ids ascending it is alone on the last page of
    # one dataset per page, beside the catalogue and its data service.
    for what, path in (("dataset", f"/dataset/{slug}.ttl"), ("catalogue page", f"/catalog.ttl?per_page=1&page={expected}"), ("catalogue page of 20", "/catalog.ttl?per_page=20")):
        data = Graph().parse(URL + path, format="turtle")
        # Each shapes file on its own: they reuse shape IRIs and do not merge.
        violations = [r for r in shacl(data, mandatory) if r[0] == "Violation"]
        unexpected = [r for r in violations if not any(a in r[1] for a in ALLOWED_VIOLATIONS)]
        check(not unexpected, f"DCAT-AP violations in the {what}: {unexpected[:10]}")
        if what.endswith("of 20"):
            continue  # datasets seeded with minimal metadata: recommended properties missing
        warnings = shacl(data, recommended)
        unexpected = [r for r in warnings if not any(a in r[2] for a in ALLOWED_WARNINGS)]
        check(not unexpected, f"recommended-property warnings in the {what}: {unexpected[:10]}")
        print(f"DCAT-AP {what}: {len(data)} triples, no violations but {len(violations)} allowed class "
              f"checks, {len(warnings)} recommended-property warnings")
    for fmt, ext in (("xml", "rdf"), ("json-ld", "jsonld")):
        g = Graph().parse(URL + f"/dataset/{slug}.{ext}", format=fmt)
        check(len(g) > 20, f"/dataset/{slug}.{ext} parses")
    # The DCAT harvester's walk: follow hydra:next.
    url, seen, pages = URL + "/catalog.ttl?per_page=50", [], 0
    while url:
        g = Graph().parse(url, format="turtle")
        pages += 1
        seen.extend(g.objects(None, DCAT.dataset))
        page = next(g.subjects(RDF.type, HYDRA.PagedCollection), None)
        check(page is not None, f"{url} has no hydra:PagedCollection")
        total = int(g.value(page, HYDRA.totalItems))
        check(total == expected, f"hydra:totalItems {total} != {expected}")
        nxt = g.value(page, HYDRA.next)
        url = str(nxt) if nxt is not None else None
        check(pages <= expected, "hydra:next loops")
    check(len(seen) == len(set(seen)) == expected, f"hydra walk saw {len(seen)} ({len(set(seen))} distinct), expected {expected}")
    print(f"DCAT harvest walk: {pages} pages via hydra:next, every dataset once")


def check_csvw(venv, slug):
    """The Link header of a CSV download leads to CSVW metadata that csvw (PyPI) validates
    against the CSV it describes."""
    with urllib.request.urlopen(f"{URL}/datasets/{slug}/data.csv") as resp:
        link = resp.headers.get("Link", "")
    check('rel="describedby"' in link, f"CSV download has no describedby link: {link!r}")
    metadata = link.split(">")[0].lstrip("<")
    out = subprocess.run([os.path.join(venv, "bin", "csvwvalidate"), metadata], capture_output=True, text=True)
    check(out.returncode == 0 and "OK" in out.stdout, f"csvwvalidate {metadata}: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    print(f"CSVW: {metadata} valid for its CSV (csvwvalidate)")


def ckanapi(venv, *args):
    out = subprocess.run(
        [os.path.join(venv, "bin", "ckanapi"), *args, "-r", URL],
        # `dump` starts its workers as `ckanapi` from PATH.
        env=dict(os.environ, PATH=os.path.join(venv, "bin") + os.pathsep + os.environ["PATH"]),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"FAIL: ckanapi {' '.join(args)}: exit {out.returncode}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return out.stdout


def check(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin")
    parser.add_argument("venv")
    parser.add_argument("standards")
    parser.add_argument("--datasets", type=int, default=150)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="satudata-ci-harvest.")
    env = dict(
        os.environ,
        SATUDATA_DATABASE_URL=f"sqlite://{work}/satudata.db",
        SATUDATA_STORAGE=f"file://{work}/objects",
        SATUDATA_CACHE_DIR=f"{work}/cache",
        SATUDATA_LISTEN=f"127.0.0.1:{PORT}",
        SATUDATA_BASE_URL=URL,
        SATUDATA_LOG="warn",
    )
    token, admin = seed(args.bin, env)
    server = subprocess.Popen([args.bin, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/serve.log", "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(URL + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        started = time.time()
        names = publish_all(token, args.datasets, 6)
        print(f"seeded {len(names)} public datasets (+6 hidden) in {time.time() - started:.1f}s")
        expected = set(names)

        # The CKAN harvester's walk.
        seen, previous, start = [], None, 0
        while True:
            q = urllib.parse.urlencode({"rows": 100, "start": start, "sort": "id asc"})
            page = request("GET", f"/api/3/action/package_search?{q}")["result"]
            ids = [p["id"] for p in page["results"]]
            check(page["count"] == len(expected), f"count {page['count']} != {len(expected)}")
            if not ids:
                break
            check(ids != previous, f"identical pages at start={start}")
            previous = ids
            seen.extend(p["name"] for p in page["results"])
            start += 100
        check(len(seen) == len(set(seen)), "a dataset appeared twice in the walk")
        check(set(seen) == expected, "the walk did not return every public dataset")
        print(f"harvest walk: {start // 100} pages, every dataset once, empty page past the end")

        # Incremental harvest: nothing modified in the future, everything since the epoch.
        for since, want in (("2000-01-01T00:00:00.000000Z", len(expected)), ("2999-01-01T00:00:00.000000Z", 0)):
            fq = f"metadata_modified:[{since} TO *]"
            q = urllib.parse.urlencode({"fq": fq, "rows": 0})
            count = request("GET", f"/api/3/action/package_search?{q}")["result"]["count"]
            check(count == want, f"{fq}: {count} != {want}")

        # ckanapi, as an operator would run it.
        found = json.loads(ckanapi(args.venv, "action", "package_search", "fq=organization:dinkes", "rows=1000"))
        check(found["count"] == sum(1 for i in range(args.datasets) if i % 2), "ckanapi package_search by organization")
        shown = json.loads(ckanapi(args.venv, "action", "package_show", f"id={names[0]}"))
        check(shown["name"] == names[0] and shown["type"] == "dataset", "ckanapi package_show")
        check(len(shown["resources"]) == 4, "four resources")
        for r in shown["resources"]:
            with urllib.request.urlopen(r["url"]) as resp:
                check(len(resp.read()) == r["size"], f"resource {r['format']} size")
        orgs = json.loads(ckanapi(args.venv, "action", "organization_list"))
        check(orgs == ["dinkes", "disdik"], f"organization_list {orgs}")
        org = json.loads(ckanapi(args.venv, "action", "organization_show", f"id={shown['owner_org']}"))
        check(org["id"] == shown["owner_org"], "organization_show by id")
        dump = os.path.join(work, "dump.jsonl")
        ckanapi(args.venv, "dump", "datasets", "--all", "-q", "-O", dump)
        with open(dump) as f:
            dumped = [json.loads(line) for line in f if line.strip()]
        check({d["name"] for d in dumped} == expected, "ckanapi dump datasets --all")
        print(f"ckanapi: package_search, package_show, organization_list, organization_show, dump ({len(dumped)} datasets)")
        # The region's coordinates (Kota Mojokerto), which DCAT needs for dct:Location.
        request("PATCH", "/api/v1/portal", admin, {"name": "Pemerintah Kota Mojokerto", "region_code": "35.76", "bbox": [112.41, -7.50, 112.46, -7.44]})
        complete = publish_complete(token)
        check_data_json(args.venv, args.standards, work, len(expected) + 1)
        check_dcat(args.standards, complete, len(expected) + 1)
        check_csvw(args.venv, complete)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
