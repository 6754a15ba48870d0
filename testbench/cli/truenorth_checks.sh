#!/usr/bin/env bash
# truenorth_checks.sh NEUROMESH SOURCE_DIR CHECK
# Whole-run checks of the TrueNorth-like chip against independent expectations.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chip="$src/configs/chips/truenorth.yaml"
nets="$src/configs/networks"
fail() { echo "FAIL: $*"; exit 1; }

# A two-population TrueNorth network with one projection body given as $1 (YAML), from a to b.
net_with() {
  cat > "$tmp/net.yaml" <<YAML
network: {name: t, seed: 1}
populations:
  - {name: a, size: ${3:-4}, model: truenorth_lif, params: {threshold: 1}}
  - {name: b, size: 4, model: truenorth_lif, params: {threshold: 1}}
inputs:
  - {name: in, size: 4, poisson: {rate: 0.5}}
projections:
  - {from: in, to: a, all_to_all: {weight: 1}}
$1
${2:-}
YAML
}
expect_refusal() {  # expect_refusal REGEX: the run is exit 2 with a message matching REGEX
  "$nm" run --chip "$chip" --network "$tmp/net.yaml" --steps 3 --out "$tmp/o" >"$tmp/log" 2>&1
  local code=$?
  [ $code -eq 2 ] || { cat "$tmp/log"; fail "expected exit 2, got $code"; }
  grep -Eq "$1" "$tmp/log" || { cat "$tmp/log"; fail "message does not match: $1"; }
}

case "$check" in
  behaviours)
    # Rasters derived by hand in configs/networks/truenorth_behaviours.yaml's header.
    want="$tmp/want.csv"
    { echo "step,population,neuron"
      for t in $(seq 0 99); do
        [ $((t % 3)) -eq 0 ] && [ $t -gt 0 ] && echo "$t,tonic,0"
        [ $t -eq 5 ] && echo "$t,phasic,0"
        [ $t -ge 20 ] && [ $((t % 20)) -le 5 ] && echo "$t,burst,0"
      done; } > "$want"
    for mode in functional cycle; do
      "$nm" run --chip "$chip" --network "$nets/truenorth_behaviours.yaml" --steps 100 \
        --mode $mode --out "$tmp/$mode" >/dev/null || fail "$mode run"
      cmp -s "$want" "$tmp/$mode/spikes.csv" || { diff "$want" "$tmp/$mode/spikes.csv" | head; fail "$mode raster"; }
    done
    # Phasic: V sits at -30 while the input lasts, then falls by 10 a tick to -beta = -1000.
    awk -F, '$2 == "phasic" { t = $1; v = $5
        want = 0; if (t >= 5 && t < 60) want = -30; if (t >= 60) { want = -30 - 10 * (t - 59); if (want < -1000) want = -1000 }
        if (v != want) { print "tick " t ": v " v ", expected " want; bad = 1 } }
      END { exit bad }' "$tmp/cycle/probes.csv" || fail "phasic membrane trace"
    ;;
  modes_agree)
    # Functional == cycle, and the SystemC and calendar kernels give the same reports.
    for n in truenorth_ring truenorth_behaviours; do
      "$nm" run --chip "$chip" --network "$nets/$n.yaml" --steps 60 --out "$tmp/f" >/dev/null || fail "$n functional"
      "$nm" run --chip "$chip" --network "$nets/$n.yaml" --steps 60 --mode cycle --out "$tmp/s" >/dev/null || fail "$n systemc"
      "$nm" run --chip "$chip" --network "$nets/$n.yaml" --steps 60 --mode cycle --kernel calendar --out "$tmp/c" >/dev/null || fail "$n calendar"
      for f in spikes.csv probes.csv; do
        cmp -s "$tmp/f/$f" "$tmp/s/$f" || fail "$n: $f differs between functional and cycle"
      done
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/s/$f" "$tmp/c/$f" || fail "$n: $f differs between the SystemC and calendar kernels"
      done
      rm -rf "$tmp/f" "$tmp/s" "$tmp/c"
    done
    ;;
  strategies_agree)
    # The stochastic draws are keyed by (seed, population, neuron, step): placement-independent.
    "$nm" run --chip "$chip" --network "$nets/truenorth_ring.yaml" --steps 100 --strategy fill --out "$tmp/a" >/dev/null || fail fill
    "$nm" run --chip "$chip" --network "$nets/truenorth_ring.yaml" --steps 100 --strategy locality --out "$tmp/b" >/dev/null || fail locality
    cmp -s "$tmp/a/spikes.csv" "$tmp/b/spikes.csv" || fail "strategies changed the spikes"
    "$nm" run --chip "$chip" --network "$nets/truenorth_ring.yaml" --steps 100 --strategy locality --mode cycle --out "$tmp/c" >/dev/null || fail "locality cycle"
    cmp -s "$tmp/a/spikes.csv" "$tmp/c/spikes.csv" || fail "cycle mode under locality changed the spikes"
    ;;
  late_packets)
    # A 2 us tick is shorter than a core's 256 neuron updates (3.7 us): packets miss their
    # delivery tick, the run says so (exit 3) and the report names them.
    "$nm" run --chip "$chip" --network "$nets/truenorth_ring.yaml" --steps 10 --mode cycle \
      --set timing.tick_ns=2000 --out "$tmp/a" >"$tmp/log" 2>&1
    code=$?
    [ $code -eq 3 ] || { cat "$tmp/log"; fail "expected exit 3 (hardware failure), got $code"; }
    grep -q "hardware failure: [0-9]* packet(s) arrived after their delivery tick" "$tmp/log" || fail "message"
    grep -q '"hardware_failure": true' "$tmp/a/report.json" || fail "report.json does not flag it"
    grep -q '"late_cycles"' "$tmp/a/report.json" || fail "report.json lists no late packet"
    # A sweep row says so too.
    "$nm" sweep --chip "$chip" --network "$nets/truenorth_ring.yaml" --steps 5 --vary timing.tick_ns=2000,1000000 \
      --out "$tmp/sweep.csv" >/dev/null 2>&1 || fail "sweep"
    grep -q '^2000,fill,"\?hardware failure: [0-9]* late packets' "$tmp/sweep.csv" || { cat "$tmp/sweep.csv"; fail "sweep row of the late variant"; }
    grep -q '^1000000,fill,ok,' "$tmp/sweep.csv" || fail "sweep row of the 1 ms variant"
    # At the 1 ms tick nothing is late and every tick has positive slack.
    "$nm" run --chip "$chip" --network "$nets/truenorth_ring.yaml" --steps 10 --mode cycle --out "$tmp/b" >/dev/null || fail "1 ms tick run"
    grep -q '"hardware_failure": false' "$tmp/b/report.json" || fail "1 ms tick flagged"
    awk -F, 'NR == 1 { if ($21 != "slack_cycles") bad = 1 } NR > 1 && $21 <= 0 { bad = 1 } END { exit bad }' \
      "$tmp/b/steps.csv" || fail "slack_cycles column"
    ;;
  refusals)
    net_with "  - {from: a, to: b, random: {probability: 0.9, weight: [1, 9], seed: 3}}" \
             "  - {from: in, to: b, one_to_one: {weight: 2}}" 8
    expect_refusal "projection 'a->b': no axon type can carry the weights of presynaptic neuron [0-9]+ of 'a'"
    net_with "  - {from: a, to: b, sparse: [[0, 0, 3, 1], [0, 1, 3, 2]]}"
    expect_refusal "presynaptic neuron 0 of 'a' reaches its targets with delays 1 and 2"
    net_with "  - {from: a, to: b, sparse: [[0, 0, 3], [0, 0, 3]]}"
    expect_refusal "connects to neuron 0 of 'b' twice; a crossbar bit is binary"
    net_with $'  - from: a\n    to: b\n    all_to_all: {weight: 3}\n    weight_exp: 1'
    expect_refusal "'weight_exp' does not apply: 'b' uses truenorth_lif"
    # 300 neurons: population b's 4 neurons and a's 300 targets cannot share one 256-neuron core.
    cat > "$tmp/net.yaml" <<YAML
network: {name: t, seed: 1}
populations:
  - {name: a, size: 2, model: truenorth_lif, params: {threshold: 1}}
  - {name: b, size: 300, model: truenorth_lif, params: {threshold: 1}}
projections:
  - {from: a, to: b, all_to_all: {weight: 1}}
YAML
    expect_refusal "neuron 0 of population 'a' reaches 300 target neurons.* 1 splitter neurons"
    # Two identical input spikes: one scheduler bit on the chip, two events functionally.
    cat > "$tmp/net.yaml" <<YAML
network: {name: t, seed: 1}
populations: [{name: a, size: 1, model: truenorth_lif, params: {threshold: 2}}]
inputs: [{name: in, size: 1, spikes: [[0, 0], [0, 0]]}]
projections: [{from: in, to: a, all_to_all: {weight: 1}}]
YAML
    expect_refusal "input 'in' spikes twice at step 0 on neuron 0"
    # Weights wider than the crossbar's weight_bits.
    net_with "  - {from: a, to: b, all_to_all: {weight: 100}}"
    "$nm" run --chip "$chip" --set core_types.core.synapse_format.weight_bits=4 --network "$tmp/net.yaml" \
      --steps 3 --out "$tmp/o" >"$tmp/log" 2>&1; code=$?
    [ $code -eq 2 ] && grep -q "needs a weight of 100 on axon type 0; core type 'core' stores 4-bit signed weights" "$tmp/log" \
      || { cat "$tmp/log"; fail "weight_bits not enforced (exit $code)"; }
    ;;
  power_point)
    # Merolla14 / Akopyan15: 1 kHz tick, ~20 Hz, 128 active synapses per neuron -> 65 mW at
    # 0.75 V, 72 mW at 0.775 V. The run's average power must be within 10 % of both.
    "$nm" run --chip "$chip" --network "$nets/truenorth_power.yaml" --steps 50 --mode cycle \
      --kernel calendar --out "$tmp/p" >/dev/null || fail "power run"
    # The shipped network's spikes are the functional simulator's, as for every other.
    "$nm" run --chip "$chip" --network "$nets/truenorth_power.yaml" --steps 50 --out "$tmp/f" >/dev/null || fail "functional run"
    cmp -s "$tmp/f/spikes.csv" "$tmp/p/spikes.csv" || fail "functional and cycle spikes differ"
    /usr/bin/python3 - "$tmp/p/report.json" <<'PY' || fail "power point"
import json, math, sys
j = json.load(open(sys.argv[1]))
t = j["totals"]
mw = t["power"]["average_mw"]
n, ticks, p = 4096 * 256, 50, 5 / 256
mean, sd = n * ticks * p, math.sqrt(n * ticks * p * (1 - p))
# A tick's spikes are integrated at the next tick: the events of the run come from the spikes of
# all but its last tick.
per_spike = t["synaptic_ops"] / sum(s["spikes"] for s in j["steps"][:-1])
print(f"average {mw:.2f} mW; {t['spikes']} spikes (expected {mean:.0f} +- {sd:.0f}); {per_spike:.1f} events per spike")
ok = abs(mw - 72) <= 7.2 and abs(mw - 65) <= 6.5 and abs(t["spikes"] - mean) <= 5 * sd and 126 <= per_spike <= 130
sys.exit(0 if ok else 1)
PY
    ;;
  *) fail "unknown check $check" ;;
esac
