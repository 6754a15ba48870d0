#!/usr/bin/env bash
# bss2_reference.sh NEUROMESH SOURCE_DIR NETWORK
# The analog AdEx chip against an independent Brian2 model of the same network
# (testbench/reference/bss2_brian2.py, written from docs/models.md, integrated by Brian2 with
# RK4 at a quarter of the chip's substep; one constant delay per projection, the mean of the
# cycle-quantised delivery, which moves spikes by at most 0.004 ms here): with mismatch and
# noise off, the same spike counts and every spike within 0.1 ms of biological time over 1 s,
# in both simulation modes.
set -u
nm="$1"; src="$2"; net="$src/configs/networks/$3.yaml"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chip="$src/configs/chips/brainscales2.yaml"
ideal=(--set core_types.half.neuron_model.analog.mismatch=false --set core_types.half.neuron_model.analog.noise_mv_per_sqrt_ms=0)
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3
"$nm" run --chip "$chip" --network "$net" --steps 1000 --mode cycle --kernel calendar --out "$tmp/c" "${ideal[@]}" >"$tmp/log" 2>&1 ||
  { cat "$tmp/log"; fail "neuromesh cycle run"; }
"$nm" run --chip "$chip" --network "$net" --steps 1000 --out "$tmp/f" "${ideal[@]}" >"$tmp/log" 2>&1 ||
  { cat "$tmp/log"; fail "neuromesh functional run"; }
# The fabric latencies the chip measured on its NoC (one value on this 1 x 1 mesh).
read -r lh lc < <($py -c "
import json, sys
a = json.load(open(sys.argv[1]))['analog']['fabric_latency_cycles']
h = set(a['from_host'].values()); c = set(v for row in a['between_cores'].values() for v in row.values())
assert len(h) == 1 and len(c) == 1, 'latencies differ between cores'
print(h.pop(), c.pop())" "$tmp/c/report.json") || fail "report.json latencies"
$py "$src/testbench/reference/bss2_brian2.py" --chip "$chip" --network "$net" --duration-ms 1000 \
  --host-latency-cycles "$lh" --core-latency-cycles "$lc" --out "$tmp/brian2.csv" \
  --method rk4 --dt-us 0.25 --delivery mean --build-dir "$tmp/build" --quiet "${ideal[@]}" ||
  fail "Brian2 reference"
for mode in c f; do
  $py "$src/testbench/reference/compare_spikes.py" "$tmp/brian2.csv" "$tmp/$mode/spikes.csv" --tolerance-ms 0.1 ||
    fail "$3: neuromesh ($mode) and Brian2 disagree"
done
[ "$(wc -l < "$tmp/c/spikes.csv")" -gt 20 ] || fail "too few spikes to compare"
echo "ok: $3 agrees with Brian2"
