#!/usr/bin/env python3
"""Replicates the records of a real profile_export.jsonl into N lines for plot benchmarks.

Usage: make_records.py SEED.jsonl N > profile_export.jsonl

Each output line is a seed line (round robin) with its request start spread evenly over one hour
and its latency metrics scaled by a slow drift plus noise, so that plots have structure. The text
is produced by string substitution on the seed line (fast: no JSON encoding per line).
"""
import json
import random
import re
import sys


def main():
    seed_path, n = sys.argv[1], int(sys.argv[2])
    seeds = []
    with open(seed_path) as f:
        for line in f:
            if line.strip():
                seeds.append(line.rstrip("\n"))
    rng = random.Random(1)
    start0 = json.loads(seeds[0])["metadata"]["request_start_ns"]
    num = re.compile(r'("(?:time_to_first_token|request_latency|inter_token_latency)":\{"value":)([0-9.eE+-]+)')
    ts = re.compile(r'("request_(?:start|end|ack)_ns":)([0-9]+)')
    out = sys.stdout
    span_ns = 3600 * 10**9
    for i in range(n):
        s = seeds[i % len(seeds)]
        t = start0 + span_ns * i // n
        scale = (1.0 + 0.5 * i / n) * (0.8 + 0.4 * rng.random())
        if rng.random() < 0.001:
            scale *= 8  # rare outliers
        shift = t - start0
        s = ts.sub(lambda m: m.group(1) + str(int(m.group(2)) + shift), s)
        s = num.sub(lambda m: m.group(1) + "%.6f" % (float(m.group(2)) * scale), s)
        out.write(s)
        out.write("\n")


if __name__ == "__main__":
    main()
