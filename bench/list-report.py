#!/usr/bin/env python3
"""Turns bench/run-list-bench's raw results into the Markdown tables of docs/benchmarks.md.
usage: list-report.py TMPDIR ROUNDS HTTP_SIZE CLK_TCK
"""
import os
import glob
import re
import statistics
import sys

tmp, rounds, http_size, tck = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])


def spread(xs, fmt="{:.0f}"):
    xs = sorted(xs)
    return " / ".join(fmt.format(x) for x in (xs[0], statistics.median(xs), xs[-1]))


# ---- the list at each size ----
p50 = {}  # (shape, column) -> [p50 per round]; a column is (db, size)
order, cols = [], []
for line in open(f"{tmp}/list.txt"):
    kv = dict(f.split("=", 1) for f in line.split())
    col = (kv["db"], int(kv["size"]))
    if kv["shape"] not in order:
        order.append(kv["shape"])
    if col not in cols:
        cols.append(col)
    p50.setdefault((kv["shape"], col), []).append(float(kv["p50_us"]))
cols.sort(key=lambda c: (c[0] != "sqlite", c[1]))
lite = [c for c in cols if c[0] == "sqlite"]
print("Orders list, `query_orders_list()` p50 in µs (min / median / max of the rounds' p50s), "
      "limit 50:\n")
print("| shape | " + " | ".join(f"{'SQLite' if d == 'sqlite' else 'PostgreSQL'} {n:,}" for d, n in cols) +
      f" | SQLite {lite[-1][1]:,} / {lite[0][1]:,} (medians) |")
print("|---|" + "---:|" * len(cols) + "---:|")
worst = {}
for s in order:
    cells = [spread(p50[(s, c)]) for c in cols]
    ratio = statistics.median(p50[(s, lite[-1])]) / max(statistics.median(p50[(s, lite[0])]), 1)
    for c in cols:
        worst[c[0]] = max(worst.get(c[0], 0), statistics.median(p50[(s, c)]))
    print(f"| {s} | " + " | ".join(cells) + f" | {ratio:.2f} |")
print("\nSlowest median p50 of any shape at any size: " +
      ", ".join(f"{'SQLite' if d == 'sqlite' else 'PostgreSQL'} **{v / 1000:.2f} ms**" for d, v in worst.items()) +
      " (goal < 2 ms).\n")

# ---- HTTP against nginx ----
def wrk(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    lat = {}
    for q, v, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        lat[q] = float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    cpu = int(re.search(r"cpu_ticks=(\d+)", text).group(1))
    return {"rps": rps, "p50": lat["50"], "p99": lat["99"], "cpu_us": cpu * 1e6 / tck / max(total, 1),
            "bad": int(non2xx.group(1)) if non2xx else 0}


goals = {"orders.json": 0.2, "integrations.html": 0.1, "healthz.json": 0.5}
print(f"aicos against nginx serving the same bytes ({int(http_size):,} orders in the database), wrk 64 "
      "connections, 2 threads (min / median / max of the rounds):\n")
print("| route (bytes) | server | requests/s | p50 ms | p99 ms | server CPU µs per request | non-2xx |")
print("|---|---|---:|---:|---:|---:|---:|")
summary = []
for line in open(f"{tmp}/routes.txt"):
    path, file = line.strip().split("|")
    runs = {n: [wrk(f"{tmp}/wrk-{n}-{file}-{r}.txt") for r in range(1, rounds + 1)] for n in ("aicos", "nginx")}
    size = os.path.getsize(f"{tmp}/{file}")
    for n in ("aicos", "nginx"):
        r = runs[n]
        print(f"| `{path}` ({size}) | {n} | {spread([x['rps'] for x in r])} | "
              f"{spread([x['p50'] for x in r], '{:.2f}')} | {spread([x['p99'] for x in r], '{:.2f}')} | "
              f"{spread([x['cpu_us'] for x in r], '{:.1f}')} | {sum(x['bad'] for x in r)} |")
    ratio = [a["rps"] / b["rps"] for a, b in zip(runs["aicos"], runs["nginx"])]
    cpu = [b["cpu_us"] / a["cpu_us"] for a, b in zip(runs["aicos"], runs["nginx"]) if a["cpu_us"] > 0]
    summary.append(f"| `{path}` | **{spread(ratio, '{:.3f}')}** | ≥ {goals.get(file, 0)} | "
                   f"{spread(cpu, '{:.3f}')} | {spread([x['p99'] for x in runs['aicos']], '{:.2f}')} |")
print("\n| route | requests/s aicos / nginx | goal | CPU per request nginx / aicos | aicos p99 ms |")
print("|---|---:|---:|---:|---:|")
print("\n".join(summary))
