#!/usr/bin/env bash
# bss2_checks.sh NEUROMESH SOURCE_DIR CHECK
# Whole-run checks of the BrainScaleS-2-like analog chip against independent expectations.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chip="$src/configs/chips/brainscales2.yaml"
nets="$src/configs/networks"
ideal=(--set core_types.half.neuron_model.analog.mismatch=false --set core_types.half.neuron_model.analog.noise_mv_per_sqrt_ms=0)
fail() { echo "FAIL: $*"; exit 1; }
run() { "$nm" run --chip "$chip" "$@" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "run $*"; }; }
json() { /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# A network of N tonic LIF neurons (per-neuron offset currents) with optional extra YAML.
lif_net() {
  cat > "$tmp/net.yaml" <<YAML
network: {name: lif, seed: 4}
populations:
  - {name: p, size: ${1:-32}, model: bss2_adex,
     params: {tau_m: 10, e_l: -65, v_peak: -50, v_reset: -70, t_ref: 2, i_offset: 400, tau_syn_e: 5, tau_syn_i: 5, w_e: 50}}
${2:-}
YAML
}
expect_refusal() {  # expect_refusal REGEX ARGS...: the run is exit 2 with a message matching REGEX
  local re="$1"; shift
  "$nm" run --chip "$chip" --network "$tmp/net.yaml" --steps 3 --out "$tmp/o" "$@" >"$tmp/log" 2>&1
  local code=$?
  [ $code -eq 2 ] || { cat "$tmp/log"; fail "expected exit 2, got $code"; }
  grep -Eq "$re" "$tmp/log" || { cat "$tmp/log"; fail "message does not match: $re"; }
}
rate_sd() {  # rate_sd SPIKES N: the standard deviation of the N neurons' spike counts
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, statistics, collections
rows = open(sys.argv[1]).read().split()[1:]
c = collections.Counter(r.split(',')[2] for r in rows)
print(statistics.pstdev([c.get(str(i), 0) for i in range(int(sys.argv[2]))]))
PY
}

case "$check" in
  modes_agree)
    # Functional == cycle (both kernels) with mismatch and noise on, over a stretch where no
    # packet waits in the fabric and no event at a synapse driver (the functional mode has
    # zero-load fabric timing); the two kernels always agree byte for byte. Longer runs report
    # the contention that makes them part.
    for n in bss2_patterns:1000 bss2_ei:120; do
      net=${n%%:*}; steps=${n##*:}
      run --network "$nets/$net.yaml" --steps $steps --out "$tmp/f"
      run --network "$nets/$net.yaml" --steps $steps --mode cycle --out "$tmp/s"
      run --network "$nets/$net.yaml" --steps $steps --mode cycle --kernel calendar --out "$tmp/c"
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/s/$f" "$tmp/c/$f" || fail "$net: $f differs between the SystemC and calendar kernels"
      done
      cmp -s <(grep -v '"kernel"' "$tmp/s/report.json") <(grep -v '"kernel"' "$tmp/c/report.json") ||
        fail "$net: report.json differs between the kernels beyond run.kernel"
      [ "$(json "$tmp/s/report.json" "r['analog']['driver_delayed_events'] + r['analog']['fabric_delayed_packets']")" = 0 ] ||
        fail "$net: contention within $steps steps"
      for f in spikes.csv probes.csv; do
        cmp -s "$tmp/f/$f" "$tmp/s/$f" || fail "$net: $f differs between functional and cycle"
      done
      [ "$(wc -l < "$tmp/f/spikes.csv")" -gt 10 ] || fail "$net: too few spikes to compare"
    done
    run --network "$nets/bss2_ei.yaml" --steps 1000 --mode cycle --kernel calendar --out "$tmp/long"
    [ "$(json "$tmp/long/report.json" "r['analog']['driver_delayed_events'] + r['analog']['fabric_delayed_packets']")" -gt 0 ] ||
      fail "bss2_ei over 1 s: expected some reported contention"
    ;;
  patterns)
    # The four AdEx firing patterns of configs/networks/bss2_patterns.yaml, ideal circuits.
    run --network "$nets/bss2_patterns.yaml" --steps 1000 --mode cycle --out "$tmp/c" "${ideal[@]}"
    /usr/bin/python3 - "$tmp/c/spikes.csv" <<'PY' || fail "firing patterns"
import sys, collections
d = collections.defaultdict(list)
for row in open(sys.argv[1]).read().split()[1:]:
    t, _, n = row.split(',')
    d[int(n)].append(float(t))
isi = {n: [b - a for a, b in zip(s, s[1:])] for n, s in d.items()}
ok = True
def check(what, cond):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok = ok and cond
t = isi[0]; check("tonic: the last 50 intervals within 0.5 %", max(t[-50:]) < 1.005 * min(t[-50:]))
a = isi[1]; check("adapting: intervals grow, the last over 5x the first",
                  all(y >= x for x, y in zip(a, a[1:8])) and a[-1] > 5 * a[0])
b = isi[2]; check("initial burst: 2 short intervals, then regular and long",
                  b[0] < 10 and b[1] < 10 and min(b[2:]) > 50 and max(b[3:]) < 1.01 * min(b[3:]))
r = isi[3]; long_ = [x for x in r if x > 100]; short = [x for x in r if x < 10]
check("bursting: bursts of short intervals separated by long pauses",
      len(long_) >= 5 and len(short) >= 2 * len(long_) and len(long_) + len(short) == len(r))
sys.exit(0 if ok else 1)
PY
    ;;
  windows_agree)
    # The window is a reporting interval: 4 ns, 1 us and 10 us windows give the same spikes.
    for w in 4 1000 10000; do
      steps=$((300000 / w))
      run --network "$nets/bss2_ei.yaml" --steps $steps --mode cycle --kernel calendar --out "$tmp/w$w" --set timing.window_ns=$w
      run --network "$nets/bss2_ei.yaml" --steps $steps --out "$tmp/f$w" --set timing.window_ns=$w
    done
    for w in 4 10000; do
      cmp -s "$tmp/w1000/spikes.csv" "$tmp/w$w/spikes.csv" || fail "cycle spikes differ between 1000 ns and $w ns windows"
      cmp -s "$tmp/f1000/spikes.csv" "$tmp/f$w/spikes.csv" || fail "functional spikes differ between 1000 ns and $w ns windows"
    done
    [ "$(wc -l < "$tmp/w1000/spikes.csv")" -gt 10 ] || fail "too few spikes"
    ;;
  reproducible)
    # Same inputs and seeds, same bytes; another chip sample (mismatch) or network seed (noise)
    # changes the spikes.
    lif_net 32
    run --network "$tmp/net.yaml" --steps 200 --mode cycle --out "$tmp/a"
    run --network "$tmp/net.yaml" --steps 200 --mode cycle --out "$tmp/b"
    for f in spikes.csv probes.csv report.json steps.csv; do cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two identical runs"; done
    run --network "$tmp/net.yaml" --steps 200 --mode cycle --out "$tmp/c" --set core_types.half.neuron_model.analog.mismatch_seed=2
    cmp -s "$tmp/a/spikes.csv" "$tmp/c/spikes.csv" && fail "another chip sample gave the same spikes"
    run --network "$tmp/net.yaml" --steps 200 --mode cycle --out "$tmp/d" --seed 99
    cmp -s "$tmp/a/spikes.csv" "$tmp/d/spikes.csv" && fail "another noise seed gave the same spikes"
    run --network "$tmp/net.yaml" --steps 200 --mode cycle --out "$tmp/e" "${ideal[@]}"
    # Without mismatch and noise the 32 identical neurons spike together.
    [ "$(rate_sd "$tmp/e/spikes.csv" 32)" = "0.0" ] || fail "ideal identical neurons differ"
    ;;
  calibration)
    # Calibration shrinks every calibrated parameter's spread and the population's rate spread;
    # a calibration file for another chip sample or other targets is refused.
    lif_net 64
    "$nm" calibrate --chip "$chip" --network "$tmp/net.yaml" --out "$tmp/cal" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail calibrate; }
    for p in e_l v_reset v_peak tau_m tau_syn_e tau_syn_i; do
      b=$(json "$tmp/cal/calibration.json" "r['core_types'][0]['parameters']['$p']['before']['sd']")
      a=$(json "$tmp/cal/calibration.json" "r['core_types'][0]['parameters']['$p']['after']['sd']")
      /usr/bin/python3 -c "import sys; sys.exit(0 if $a < 0.8 * $b else 1)" || fail "$p: spread $b -> $a"
    done
    run --network "$tmp/net.yaml" --steps 1000 --out "$tmp/u"
    run --network "$tmp/net.yaml" --steps 1000 --out "$tmp/k" --calibration "$tmp/cal/calibration.csv"
    su=$(rate_sd "$tmp/u/spikes.csv" 64); sk=$(rate_sd "$tmp/k/spikes.csv" 64)
    /usr/bin/python3 -c "import sys; sys.exit(0 if $sk < 0.5 * $su else 1)" || fail "rate spread $su -> $sk"
    # The rates fall within the spread the calibration report predicts (first-order propagation
    # of the residual and uncalibrated spreads through the LIF rate formula).
    pm=$(json "$tmp/cal/calibration.json" "r['core_types'][0]['predicted_rates']['p']['mean_hz']")
    ps=$(json "$tmp/cal/calibration.json" "r['core_types'][0]['predicted_rates']['p']['sd_hz']")
    /usr/bin/python3 - "$tmp/k/spikes.csv" "$pm" "$ps" <<'PY' || fail "rates outside the predicted spread"
import sys, statistics, collections
rows = open(sys.argv[1]).read().split()[1:]
c = collections.Counter(r.split(',')[2] for r in rows)
rates = [c.get(str(i), 0) for i in range(64)]        # spikes in 1 s = Hz
pm, ps = float(sys.argv[2]), float(sys.argv[3])
m, s = statistics.mean(rates), statistics.pstdev(rates)
print(f"measured {m:.2f} +- {s:.2f} Hz, predicted {pm:.2f} +- {ps:.2f} Hz")
ok = abs(m - pm) <= 3 * ps / 8 + 1 and 0.6 * ps <= s <= 1.6 * ps
ok = ok and all(abs(r - pm) <= 4 * ps + 1 for r in rates)
sys.exit(0 if ok else 1)
PY
    expect_refusal "made for another chip, chip sample or network" --calibration "$tmp/cal/calibration.csv" \
      --set core_types.half.neuron_model.analog.mismatch_seed=5
    sed -i 's/^half\[0\],3,tau_m,10.000,/half[0],3,tau_m,11.000,/' "$tmp/cal/calibration.csv"
    expect_refusal "neuron 3 parameter tau_m: calibrated for 11, the network wants 10" --calibration "$tmp/cal/calibration.csv"
    ;;
  driver_limit)
    # Two events for one synapse driver 1 us (biological) = 1 ns apart: the second waits for
    # the 8 ns driver interval, is counted, and its PSP starts 8 ns after the first.
    lif_net 1 "inputs:
  - {name: in, size: 1, spike_times: [[10, 0], [10.001, 0]]}
projections:
  - {from: in, to: p, sparse: [[0, 0, 5]]}"
    sed -i 's/i_offset: 400/i_offset: 0/' "$tmp/net.yaml"
    run --network "$tmp/net.yaml" --steps 20 --mode cycle --out "$tmp/c"
    [ "$(json "$tmp/c/report.json" "r['analog']['driver_delayed_events']")" = 1 ] || fail "delayed events"
    [ "$(json "$tmp/c/report.json" "r['analog']['driver_delay_ns']")" = 4.0 ] || fail "delay: expected 8 - 4 ns (the two events are one 4 ns cycle apart)"
    ;;
  hardware_time)
    run --network "$nets/bss2_patterns.yaml" --steps 250 --mode cycle --out "$tmp/c"
    [ "$(json "$tmp/c/report.json" "r['analog']['experiment']['biological_ms']")" = 250.0 ] || fail "biological time"
    [ "$(json "$tmp/c/report.json" "r['analog']['experiment']['emulated_us']")" = 250.0 ] || fail "hardware time at 1000x"
    grep -q 'id="trace-0"' "$tmp/c/report.html" || fail "no membrane trace in report.html"
    ;;
  refusals)
    # What does not fit is exit 2 naming the projection and the limit.
    lif_net 1 "inputs:
  - {name: in, size: 65, spike_times: [[1, 0]]}
projections:
  - {name: wide, from: in, to: p, all_to_all: {weight: 1}}"
    expect_refusal "neuron 0 of population 'p' alone needs 65 input axons \(distinct sources\); a core of type 'half' has 1 synapse drivers x 64 source labels = 64 sources" \
      --set core_types.half.synapse_format.rows=2
    lif_net 4 "inputs:
  - {name: in, size: 3, spike_times: [[1, 0]]}
projections:
  - {name: dense3, from: in, to: p, all_to_all: {weight: 1}}"
    expect_refusal "projection 'dense3': source neuron 2 .*rows" --set core_types.half.synapse_format.rows=2
    sed -i 's/weight: 1}/weight: 40}/' "$tmp/net.yaml"
    expect_refusal "projection 'dense3' has a weight of magnitude 40; .*4-bit weight magnitudes \(0..15\)" \
      --set core_types.half.synapse_format.weight_bits=4
    lif_net 4
    sed -i 's/tau_m: 10,/tau_m: 300,/' "$tmp/net.yaml"
    expect_refusal "tau_m = 300 is outside the capmem range of core type 'half' \(0.1..200"
    lif_net 4 "inputs:
  - {name: in, size: 1, spikes: [[1, 0]]}
projections:
  - {from: in, to: p, one_to_one: {weight: 1}}"
    expect_refusal "gives spikes by step, but 'p' \(bss2_adex\) runs in continuous time"
    ;;
  background)
    # On-chip generators: a regular one at 200 Hz gives an event every 5 ms (199 before 1 s,
    # the first at 5 ms); a Poisson one 200 +- 3 sqrt(200) per neuron; at most 8 generators and
    # 125 MEvent/s each (125 kHz of biological time at 1000x).
    lif_net 2 "inputs:
  - {name: bg, size: 2, background: {rate_hz: 200, mode: regular}}
projections:
  - {from: bg, to: p, one_to_one: {weight: 1}}"
    sed -i 's/i_offset: 400/i_offset: 0/' "$tmp/net.yaml"
    run --network "$tmp/net.yaml" --steps 1000 --out "$tmp/r"
    grep -q " 398 input spikes" "$tmp/log" || { cat "$tmp/log"; fail "regular generators: expected 2 x 199 events"; }
    sed -i 's/mode: regular/mode: poisson/' "$tmp/net.yaml"
    run --network "$tmp/net.yaml" --steps 1000 --out "$tmp/p"
    n=$(sed -n 's/.* \([0-9]*\) input spikes.*/\1/p' "$tmp/log")
    [ "$n" -ge 315 ] && [ "$n" -le 485 ] || fail "Poisson generators: $n events, expected 400 +- 85"
    run --network "$tmp/net.yaml" --steps 1000 --mode cycle --out "$tmp/c"
    [ "$(json "$tmp/c/report.json" "r['totals']['input_spikes']")" = "$n" ] || fail "the chip's generators differ from the functional mode's"
    sed -i 's/rate_hz: 200/rate_hz: 200000/' "$tmp/net.yaml"
    expect_refusal "input 'bg': 200000 Hz of biological time is 200 MEvent/s per generator at 1000x; a background generator reaches at most 125 MEvent/s"
    lif_net 9 "inputs:
  - {name: bg, size: 9, background: {rate_hz: 10}}
projections:
  - {from: bg, to: p, one_to_one: {weight: 1}}"
    expect_refusal "the background inputs need 9 generators \(one per neuron\); the chip has 8"
    ;;
  *) fail "unknown check $check" ;;
esac
echo "ok: $check"
