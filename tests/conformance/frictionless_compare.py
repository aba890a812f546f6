#!/usr/bin/env python3
"""Compares `satudata validate` with frictionless-py on generated clean-format files.

For several fault counts K, the benchmark generator plants K faults; both validators check the
file against the generator's Table Schema. Every error frictionless reports must be in our report
at the same row and column with the same type, and the only errors we add must be the duplicate
keys (uniqueKeys) that frictionless does not check.

    frictionless_compare.py SATUDATA_BIN GENERATOR [--rows N]
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("satudata")
    ap.add_argument("generator")
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--frictionless", default="frictionless")
    a = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for k in (0, 5, 10, 23):
            planted = subprocess.run(
                [sys.executable, a.generator, "--rows", str(a.rows), "--errors", str(k),
                 "--out", str(work / "data.csv"), "--schema-out", str(work / "schema.json")],
                check=True, capture_output=True, text=True,
            ).stderr.splitlines()
            # frictionless refuses absolute paths unless trusted: run it inside the folder.
            fl = subprocess.run(
                [a.frictionless, "validate", "data.csv", "--schema", "schema.json", "--json"],
                cwd=work, capture_output=True, text=True,
            )
            theirs = {
                (e["rowNumber"], e["fieldName"], e["type"])
                for task in json.loads(fl.stdout)["tasks"] for e in task["errors"]
            }
            ours_run = subprocess.run(
                [a.satudata, "validate", str(work / "data.csv"), "--schema", str(work / "schema.json"),
                 "--format", "json", "--max-findings", "100000"],
                capture_output=True, text=True,
            )
            report = json.loads(ours_run.stdout)
            ours = {
                (f["row_number"], f["field_name"], f["type"])
                for f in report["findings"] if f["severity"] == "error"
            }
            duplicates = {
                (int(line.split("\t")[0]) + 1, line.split("\t")[1], "unique-error")
                for line in planted if line.endswith("duplicate_key")
            }
            missing = theirs - ours
            extra = ours - theirs - duplicates
            expected_exit = 0 if k == 0 else 1
            ok = not missing and not extra and duplicates <= ours and ours_run.returncode == expected_exit
            status = "ok" if ok else "MISMATCH"
            print(f"K={k}: frictionless {len(theirs)} errors, satudata {len(ours)} "
                  f"(+{len(ours - theirs)} duplicate keys frictionless misses): {status}")
            if status != "ok":
                failures += 1
                print(f"  missing from satudata: {sorted(missing)}")
                print(f"  only in satudata (not duplicate keys): {sorted(extra)}")
                print(f"  satudata exited {ours_run.returncode}, expected {expected_exit}")
    print(f"{4 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
