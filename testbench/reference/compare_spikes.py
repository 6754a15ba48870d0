#!/usr/bin/env python3
"""Compare two spike files with the header `time_ms,population,neuron`.

  compare_spikes.py A.csv B.csv [--tolerance-ms 0.1]

Exit 0 when every (population, neuron) has the same number of spikes in both files and its k-th
spikes differ by at most the tolerance; otherwise print the differences (the first 20) and exit
1. Always print a one-line summary: spikes compared and the largest absolute difference. A file
that cannot be read or has another header: exit 2.
"""
import argparse
import sys

HEADER = "time_ms,population,neuron"


def read(path):
    """{(population, neuron): [times in ms, sorted]} and the number of spikes."""
    trains = {}
    n = 0
    with open(path) as f:
        lines = [ln.rstrip("\r\n") for ln in f]
    lines = [ln for ln in lines if ln.strip()]
    if not lines or lines[0] != HEADER:
        raise ValueError(f"{path}: expected the header '{HEADER}', got "
                         f"'{lines[0] if lines else ''}'")
    for no, ln in enumerate(lines[1:], start=2):
        parts = ln.split(",")
        if len(parts) != 3:
            raise ValueError(f"{path}:{no}: expected 3 fields, got '{ln}'")
        try:
            t, pop, neuron = float(parts[0]), parts[1], int(parts[2])
        except ValueError:
            raise ValueError(f"{path}:{no}: cannot parse '{ln}'") from None
        trains.setdefault((pop, neuron), []).append(t)
        n += 1
    for v in trains.values():
        v.sort()
    return trains, n


def main():
    ap = argparse.ArgumentParser(description="Compare two time_ms,population,neuron spike files.")
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tolerance-ms", type=float, default=0.1)
    ap.add_argument("--max-report", type=int, default=20, help="differences to print (20)")
    args = ap.parse_args()
    try:
        ta, na = read(args.a)
        tb, nb = read(args.b)
    except (OSError, ValueError) as e:
        print(f"compare_spikes: error: {e}", file=sys.stderr)
        return 2

    diffs = []          # (kind, text)
    compared = 0
    max_diff = 0.0
    worst = None
    keys = sorted(set(ta) | set(tb), key=lambda k: (k[0], k[1]))
    for key in keys:
        a, b = ta.get(key, []), tb.get(key, [])
        pop, neuron = key
        if len(a) != len(b):
            # point at the first spike where the trains part
            k = next((i for i in range(min(len(a), len(b)))
                      if abs(a[i] - b[i]) > args.tolerance_ms), min(len(a), len(b)))
            at_a = f"{a[k]:.6f}" if k < len(a) else "-"
            at_b = f"{b[k]:.6f}" if k < len(b) else "-"
            diffs.append(f"{pop}[{neuron}]: {len(a)} spikes in A, {len(b)} in B; "
                         f"first mismatch at spike {k}: A {at_a} ms, B {at_b} ms")
        for k, (x, y) in enumerate(zip(a, b)):
            compared += 1
            d = abs(x - y)
            if d > max_diff:
                max_diff, worst = d, (pop, neuron, k, x, y)
            if d > args.tolerance_ms + 1e-9 and len(a) == len(b):
                diffs.append(f"{pop}[{neuron}] spike {k}: A {x:.6f} ms, B {y:.6f} ms, "
                             f"differ by {d:.6f} ms > {args.tolerance_ms:g}")

    for line in diffs[:args.max_report]:
        print(line)
    if len(diffs) > args.max_report:
        print(f"... and {len(diffs) - args.max_report} more differences")
    where = (f" ({worst[0]}[{worst[1]}] spike {worst[2]}: {worst[3]:.6f} vs {worst[4]:.6f})"
             if worst and max_diff > 0 else "")
    status = "OK" if not diffs else "FAIL"
    print(f"compare_spikes: {status}: {compared} spike pairs compared ({na} spikes in A, {nb} in B, "
          f"{len(keys)} neurons), max abs difference {max_diff:.6f} ms{where}, "
          f"tolerance {args.tolerance_ms:g} ms, {len(diffs)} differences")
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
