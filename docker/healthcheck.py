#!/usr/bin/env python3
"""The image's HEALTHCHECK, for both things the container runs.

JupyterLab (the default): asks /api where the entrypoint made it listen, reading the same
variables with the same defaults as docker/entrypoint.sh (TABBY_IP 0.0.0.0, TABBY_PORT
8888), so `docker run -e TABBY_PORT=9999` stays healthy.

`docker run IMAGE serve ...`: the entrypoint execs `tabby serve` as PID 1 (or as the child
of `docker run --init`'s init); its own arguments say where it listens (--host, which the
entrypoint sets to 0.0.0.0 unless given; --port, default 8080), and /v2/health/ready answers 200 once every
model has loaded (never behind --token-file). TABBY_HEALTHCHECK_PID names another process
to look at (tests). A wildcard address is reached over loopback; an IPv6 address goes in
brackets."""
import os
import pathlib
import sys
import urllib.request

INITS = {"tini", "docker-init", "dumb-init"}


def argv(pid):
    try:
        raw = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def children(pid):
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return text.split()


def serve_args():
    """The arguments after `serve` of the container's `tabby serve`, or None."""
    pid = os.environ.get("TABBY_HEALTHCHECK_PID") or "1"
    candidates = [pid]
    if argv(pid) and os.path.basename(argv(pid)[0]) in INITS:
        candidates += children(pid)
    for p in candidates:
        args = argv(p)
        if len(args) >= 2 and os.path.basename(args[0]) == "tabby" and args[1] == "serve":
            return args[2:]
    return None


def option(args, name, default):
    """`--name VALUE` or `--name=VALUE`; the last one wins, as in the server's parser."""
    value = default
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg[len(name) + 1:]
    return value


def url(ip, port, path):
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(ip, ip)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{path}"


served = serve_args()
if served is not None:
    target = url(option(served, "--host", "127.0.0.1"), option(served, "--port", "8080"),
                 "/v2/health/ready")
else:
    ip = os.environ.get("TABBY_IP") or "0.0.0.0"
    port = os.environ.get("TABBY_PORT") or "8888"
    target = url(ip, port, "/api")
try:
    urllib.request.urlopen(target, timeout=4)
except Exception as e:  # any failure is "unhealthy"; Docker shows this line
    print(f"unhealthy: {target}: {e}", file=sys.stderr)
    sys.exit(1)
