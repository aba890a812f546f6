"""The crate split's counterfactual, for bench/split_ab.sh (issue 17).

Turns a checkout of the workspace into the same code with one catalog crate, as before the
split: storage, publish, dataquery and harvest become modules of satudata-catalog
(`crate::storage`, ...), their dependencies become the catalog's, and the crates above import
them from the catalog. Nothing else changes, so the two checkouts differ only in their crate
structure. Edits the checkout in place (`git mv`, `git rm`); meant for a scratch clone.

Usage: python3 bench/unsplit.py CHECKOUT
"""

import pathlib
import re
import subprocess
import sys

MOVED = ["storage", "publish", "dataquery", "harvest"]
CRATE_PATH = re.compile(r"(?<![\w$])crate::")


def rewrite(path: pathlib.Path, edit) -> None:
    text = path.read_text()
    changed = edit(text)
    if changed != text:
        path.write_text(changed)


def imports_from(text: str, prefix: str) -> str:
    """`satudata_<moved>::x` and `satudata_<moved>` become `<prefix><moved>::x`."""
    for crate in MOVED:
        text = re.sub(rf"\bsatudata_{crate}::", f"{prefix}{crate}::", text)
        text = re.sub(rf"\bsatudata_{crate}\b(?!_)", f"{prefix}{crate}", text)
    return text


def dependency_lines(manifest: pathlib.Path) -> list[str]:
    text = manifest.read_text()
    section = re.search(r"\[dependencies\]\n(.*?)(\n\[|\Z)", text, re.S).group(1)
    return [line for line in section.splitlines() if line.strip() and not line.startswith("#")]


def dependency_name(line: str) -> str:
    return line.split(".")[0].split("=")[0].strip()


def main(root: pathlib.Path) -> None:
    catalog = root / "crates/catalog"

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True)

    # The sources move in as modules.
    for crate in MOVED:
        git("mv", f"crates/{crate}/src", f"crates/catalog/src/{crate}")
        git("mv", f"crates/catalog/src/{crate}/lib.rs", f"crates/catalog/src/{crate}/mod.rs")
    for crate in MOVED:
        for path in (catalog / "src" / crate).rglob("*.rs"):

            def inside(text: str, crate: str = crate) -> str:
                text = CRATE_PATH.sub(f"crate::{crate}::", text)
                text = re.sub(r"\bsatudata_catalog::", "crate::", text)
                # Crate-level inner attributes are not allowed in a module.
                text = re.sub(r"^#!\[(doc|cfg_attr\(docsrs)[^\n]*\n", "", text, flags=re.M)
                return imports_from(text, "crate::")

            rewrite(path, inside)
    moved_dirs = [catalog / "src" / crate for crate in MOVED]
    for path in (catalog / "src").rglob("*.rs"):
        if not any(path.is_relative_to(d) for d in moved_dirs):
            rewrite(path, lambda text: imports_from(text, "crate::"))
    lib = catalog / "src/lib.rs"
    text = lib.read_text()
    text = text.replace("pub use crate::dataquery as dataquery;\n", "")
    text = text.replace("crate::storage::{self as storage, ", "crate::storage::{")
    modules = "".join(f"pub mod {crate};\n" for crate in sorted(MOVED))
    text = text.replace("pub mod accounts;\n", "pub mod accounts;\n" + modules, 1)
    lib.write_text(text)

    # The crates above import them from the catalog.
    for folder in ["crates/web", "crates/api", "tests"]:
        for path in (root / folder).rglob("*.rs"):
            rewrite(path, lambda text: imports_from(text, "satudata_catalog::"))

    # Manifests: the catalog takes the moved crates' dependencies.
    have = {dependency_name(line) for line in dependency_lines(catalog / "Cargo.toml")}
    extra = []
    for crate in MOVED:
        for line in dependency_lines(root / f"crates/{crate}/Cargo.toml"):
            name = dependency_name(line)
            if not name.startswith("satudata-") and name not in have:
                have.add(name)
                extra.append(line)
    for manifest in ["crates/catalog", "crates/web", "crates/api", "tests"]:
        path = root / manifest / "Cargo.toml"
        text = re.sub(r"^satudata-(storage|publish|dataquery|harvest)\b.*\n", "", path.read_text(), flags=re.M)
        if manifest == "crates/catalog":
            text = text.replace("[dependencies]\n", "[dependencies]\n" + "\n".join(extra) + "\n", 1)
        path.write_text(text)
    workspace = root / "Cargo.toml"
    text = workspace.read_text()
    for crate in MOVED:
        text = text.replace(f'    "crates/{crate}",\n', "")
        text = re.sub(rf"^satudata-{crate} = .*\n", "", text, flags=re.M)
    workspace.write_text(text)
    for crate in MOVED:
        git("rm", "-rq", f"crates/{crate}")
    print("unsplit:", root)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 bench/unsplit.py CHECKOUT")
    main(pathlib.Path(sys.argv[1]))
