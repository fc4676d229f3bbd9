#!/usr/bin/env python3
"""`make bench`: the engine (criterion), the command-line tool against openssl on the same
inputs, and the page in headless Chromium; writes the table between the bench markers of
README.md. Times are medians; ratios are ours / openssl's (below 1 = faster than openssl)."""
import json, os, re, statistics, subprocess, sys, time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
INPUTS = os.path.join(ROOT, "target", "bench-inputs")
HOST = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout.split("host: ")[1].split()[0]
# The command line as `make cli` builds it (profile `cli`, statically linked).
CLI = os.path.join(ROOT, "target", HOST, "cli", "mtls-inspector")
AT = "2026-06-01T12:00:00Z"
AT_EPOCH = "1780315200"

def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, **kw)

def peak_memory(cmd):
    """The process's peak resident set, in MB, by GNU time: a child's own `ru_maxrss` counts
    the Python process it was forked from (measured: 13.6 MB for a run whose peak is 5.5 MB)."""
    report = os.path.join(INPUTS, "peak-memory.txt")
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report, *cmd], cwd=INPUTS, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return int(open(report).read().split()[-1]) / 1024

def cpu_ms(cmd):
    """The CPU time (user + system) of one run of the whole process, in ms."""
    child = subprocess.Popen(cmd, cwd=INPUTS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return (usage.ru_utime + usage.ru_stime) * 1000

def paired(commands, runs):
    """Each command run `runs` times, in turn (ours, then each of openssl's, again and again),
    so that a slower moment of a shared machine weighs on all of them alike: the median CPU
    time of each, and the median of the per-round ratios of the first to each other one."""
    samples = [[] for _ in commands]
    for _ in range(runs):
        for i, cmd in enumerate(commands):
            samples[i].append(cpu_ms(cmd))
    ratios = [statistics.median(a / b for a, b in zip(samples[0], other)) for other in samples[1:]]
    return [statistics.median(s) for s in samples], ratios

def criterion():
    out = run(["cargo", "bench", "--bench", "engine", "--", "--noplot"]).stdout
    results = {}
    for name, value, unit in re.findall(r"^(?:large/)?(.+?)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", out, re.M):
        factor = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}[unit]
        results[name.strip()] = float(value) * factor
    return results

def browser():
    out = subprocess.run(["node", "tests/e2e/bench.mjs"], cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    if out.returncode != 0:
        sys.exit(f"tests/e2e/bench.mjs failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])

def main():
    run(["make", "--no-print-directory", "cli"])
    run(["cargo", "run", "--release", "--example", "bench_inputs", "--", INPUTS])
    engine = criterion()
    cases = [
        ("3-certificate chain", "chain.pem", "root.pem", 20),
        ("chain + system trust store", "chain.pem", "system-trust.pem", 20),
        ("5,000-certificate bundle", "bundle-5000.pem", "root.pem", 5),
    ]
    rows = []
    for label, client, trust, runs in cases:
        ours = [CLI, "check", "--at", AT, "--format", "json", "--trust", trust, client]
        # openssl: the same verification (leaf = first certificate of the client file).
        leaf = os.path.join(INPUTS, f"leaf-{client}")
        with open(os.path.join(INPUTS, client)) as f:
            text = f.read()
        first = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", text, re.S).group(0)
        open(leaf, "w").write(first)
        verify = ["openssl", "verify", "-purpose", "sslclient", "-attime", AT_EPOCH, "-CAfile", trust,
                  "-untrusted", client, leaf]
        parse = ["sh", "-c", f"openssl crl2pkcs7 -nocrl -certfile {client} -certfile {trust} | openssl pkcs7 -print_certs -noout"]
        times, ratios = paired([ours, verify, parse], runs)
        peak = statistics.median(peak_memory(ours) for _ in range(3))
        rows.append((label, times, ratios, peak))
    page = browser()
    lines = [
        "| input | engine: decode | engine: inspect | CLI `check` | CLI peak memory | `openssl verify` | ratio | `crl2pkcs7 \\| pkcs7 -print_certs` | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "3-certificate chain": ("decode 3-certificate chain", "inspect 3-certificate chain"),
        "chain + system trust store": ("decode system trust store", "inspect chain with system trust store"),
        "5,000-certificate bundle": ("decode 5000-certificate bundle", "inspect 5000-certificate bundle"),
    }
    fmt = lambda ms: "n/a" if ms is None else (f"{ms:.2f} ms" if ms < 10 else f"{ms:.0f} ms")
    for label, (ours, verify, parse), (to_verify, to_parse), peak in rows:
        d, i = names[label]
        lines.append(f"| {label} | {fmt(engine.get(d))} | {fmt(engine.get(i))} | {fmt(ours)} | {peak:.1f} MB | {fmt(verify)} | "
                     f"{to_verify:.2f} | {fmt(parse)} | {to_parse:.2f} |")
    lines.append("")
    lines.append(f"The same chain and system store again at another validation time, inputs already read (the page's "
                 f"re-validation): {fmt(engine.get('re-inspect chain with system trust store, inputs read'))} in the engine.")
    lines.append("")
    lines.append("Page, headless Chromium (medians; first paint on a cold cache; a file dropped a second after the "
                 "engine's warm-up, as by the time a person has found one, unless said):")
    lines.append("")
    lines.append("| page | full speed | CPU throttled 4× |")
    lines.append("|---|---|---|")
    for measure, by_rate in page.items():
        lines.append(f"| {measure} | {fmt(by_rate.get('1x'))} | {fmt(by_rate.get('4x'))} |")
    lines.append("")
    lines.append(f"Measured on this machine ({os.cpu_count()} cores) by `make bench` on {time.strftime('%Y-%m-%d')}; "
                 "CLI and openssl times are the CPU time (user + system) of whole processes (median), run in turn, the ratios the "
                 "median of each round's; the CLI's peak memory its maximum resident set; engine times are criterion medians "
                 "in-process.")
    table = "\n".join(lines)
    print(table)
    readme = os.path.join(ROOT, "README.md")
    text = open(readme).read()
    new = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
    open(readme, "w").write(new)

if __name__ == "__main__":
    main()
