#!/usr/bin/env python3
"""Trunk post-build hook: allow Trunk's inline loader script by its hash in the page's CSP.

Trunk injects a small inline <script type="module"> that loads the wasm. A strict
Content-Security-Policy (no 'unsafe-inline') blocks it unless the policy lists the script's
SHA-256. This computes that hash for the freshly built index.html and adds it to script-src,
so the page keeps a strict policy on any static host.
"""
import base64
import hashlib
import os
import re
import sys

def main() -> int:
    directory = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
    path = os.path.join(directory, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    scripts = re.findall(r"<script(?: [^>]*)?>(.*?)</script>", html, flags=re.S)
    inline = [s for s in scripts if s.strip()]
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in inline
    ]
    def add(match: re.Match) -> str:
        policy = match.group(1)
        policy = re.sub(r"\s*'sha256-[^']*'", "", policy)
        policy = policy.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes), 1)
        return 'content="' + policy + '"'
    new_html, count = re.subn(r'content="(default-src[^"]*)"', add, html, count=1)
    if count != 1:
        print("csp_hash: no Content-Security-Policy meta tag found", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(new_html)
    print(f"csp_hash: allowed {len(hashes)} inline script(s) by hash")
    return 0

if __name__ == "__main__":
    sys.exit(main())
