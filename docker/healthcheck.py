#!/usr/bin/env python3
"""The image's HEALTHCHECK: asks JupyterLab for /api where the entrypoint made it listen.

It reads the same variables with the same defaults as docker/entrypoint.sh (TABBY_IP
0.0.0.0, TABBY_PORT 8888), so `docker run -e TABBY_PORT=9999` stays healthy. A wildcard
address is reached over loopback; an IPv6 address goes in brackets."""
import os
import sys
import urllib.request

ip = os.environ.get("TABBY_IP") or "0.0.0.0"
port = os.environ.get("TABBY_PORT") or "8888"
host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(ip, ip)
if ":" in host:
    host = f"[{host}]"
url = f"http://{host}:{port}/api"
try:
    urllib.request.urlopen(url, timeout=4)
except Exception as e:  # any failure is "unhealthy"; Docker shows this line
    print(f"unhealthy: {url}: {e}", file=sys.stderr)
    sys.exit(1)
