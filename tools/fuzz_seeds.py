#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (fuzz/corpus/) from the committed samples: each file as PEM
and DER, a PKCS#7 bag, and client/trust pairs joined by 0xFF for the inspect target."""
import base64, os, re, subprocess, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
samples = os.path.join(root, "static", "samples")
decode_dir = os.path.join(root, "fuzz", "corpus", "decode")
inspect_dir = os.path.join(root, "fuzz", "corpus", "inspect")
os.makedirs(decode_dir, exist_ok=True)
os.makedirs(inspect_dir, exist_ok=True)

def blocks(text):
    return re.findall(r"-----BEGIN ([A-Z0-9 ]+)-----\n(.*?)-----END \1-----", text, re.S)

for name in sorted(os.listdir(samples)):
    path = os.path.join(samples, name)
    data = open(path, "rb").read()
    open(os.path.join(decode_dir, name), "wb").write(data)
    for i, (label, body) in enumerate(blocks(data.decode())):
        der = base64.b64decode(body)
        open(os.path.join(decode_dir, f"{name}.{i}.der"), "wb").write(der)
    if name.endswith(".client.pem"):
        trust = open(path.replace(".client.pem", ".trust.pem"), "rb").read()
        open(os.path.join(inspect_dir, name.replace(".client.pem", ".pair")), "wb").write(data + b"\xff" + trust)
        p7 = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", path, "-outform", "DER"],
                            capture_output=True)
        if p7.returncode == 0:
            open(os.path.join(decode_dir, name.replace(".pem", ".p7b")), "wb").write(p7.stdout)
print("fuzz seeds:", len(os.listdir(decode_dir)), "decode,", len(os.listdir(inspect_dir)), "inspect")
