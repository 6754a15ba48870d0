#!/usr/bin/env bash
# hardening_checks.sh NEUROMESH SOURCE_DIR CHECK
# Regression tests of issue 11's findings: no crash, no hang, no clobbered or half-written file,
# every bad input a clear exit 2. Each check failed before its fix.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chip="$src/configs/chips/loihi2.yaml"
nets="$src/configs/networks"
fail() { echo "FAIL: $*"; exit 1; }
# expect CODE REGEX -- COMMAND...: exit status CODE and a message (stdout+stderr) matching REGEX.
expect() {
  local code="$1" re="$2"; shift 3
  timeout 60 "$@" >"$tmp/log" 2>&1
  local got=$?
  [ $got -eq "$code" ] || { cat "$tmp/log"; fail "expected exit $code, got $got: $*"; }
  grep -Eq -- "$re" "$tmp/log" || { cat "$tmp/log"; fail "message does not match '$re': $*"; }
}
run_args=(run --chip "$chip" --network "$nets/synfire.yaml" --steps 5)

case "$check" in
  noc_one_terminal)  # A1: SIGSEGV before
    expect 2 "one terminal" -- "$nm" noc --chip "$src/configs/chips/brainscales2.yaml" --rates 0.1 --measure 100
    expect 2 "one terminal" -- "$nm" noc --chip "$chip" --width 1 --height 1 --rates 0.1 --measure 100
    ;;
  output_is_input)  # A2
    cp "$chip" "$tmp/chip.yaml"; cp "$nets/synfire.yaml" "$tmp/net.yaml"
    expect 2 "--trace .* is an input of this command" -- "$nm" run --chip "$tmp/chip.yaml" --network "$tmp/net.yaml" \
      --steps 5 --mode cycle --out "$tmp/o" --trace "$tmp/chip.yaml"
    cmp -s "$chip" "$tmp/chip.yaml" || fail "the chip config was overwritten"
    expect 2 "is an input of this command" -- "$nm" describe "$tmp/chip.yaml" --out "$tmp/chip.yaml"
    expect 2 "is an input of this command" -- "$nm" sweep --chip "$chip" --network "$tmp/net.yaml" --steps 2 \
      --vary router.input_buffer_flits=4 --out "$tmp/./net.yaml"
    cmp -s "$nets/synfire.yaml" "$tmp/net.yaml" || fail "the network was overwritten"
    mkdir "$tmp/d"; printf 'step,index\n0,0\n' > "$tmp/d/spikes.csv"
    sed "s|poisson: {rate: 0.05, seed: 99}|csv: $tmp/d/spikes.csv|" "$nets/ei_recurrent.yaml" > "$tmp/ei.yaml"
    expect 2 "spikes.csv is an input of this command" -- "$nm" run --chip "$chip" --network "$tmp/ei.yaml" --steps 5 --out "$tmp/d"
    [ "$(cat "$tmp/d/spikes.csv")" = "$(printf 'step,index\n0,0')" ] || fail "the input spike file was overwritten"
    ;;
  unusable_outputs)  # A3: found up front (exit 2), not after the simulation (exit 1)
    touch "$tmp/file"
    expect 2 "--out .*exists and is not a directory" -- "$nm" "${run_args[@]}" --out "$tmp/file"
    expect 2 "--trace .*cannot create its folder" -- "$nm" "${run_args[@]}" --mode cycle --out "$tmp/o" --trace "$tmp/file/w.vcd"
    [ ! -e "$tmp/o/spikes.csv" ] || fail "a refused run wrote outputs"
    expect 2 "--out .*cannot create its folder" -- "$nm" sweep --chip "$chip" --network "$nets/synfire.yaml" --steps 2 \
      --vary router.input_buffer_flits=4 --out "$tmp/file/s.csv"
    # The trace folder is created like the --out folder.
    "$nm" "${run_args[@]}" --mode cycle --out "$tmp/o2" --trace "$tmp/new/sub/w.vcd" >/dev/null || fail "trace folder"
    [ -s "$tmp/new/sub/w.vcd" ] || fail "no trace in the created folder"
    ;;
  utf8)  # A4
    printf 'network: {name: "caf\xff", seed: 1}\npopulations: [{name: a, size: 1, model: loihi_cuba_lif, params: {du: 0, dv: 0, vth: 1}}]\n' > "$tmp/bad.yaml"
    expect 2 "bad.yaml:1:[0-9]+: error: key 'network.name': expected UTF-8 text" -- "$nm" run --chip "$chip" --network "$tmp/bad.yaml" --steps 2 --out "$tmp/o"
    cp "$nets/synfire.yaml" "$tmp/n$(printf '\xfe').yaml"
    expect 2 "n.xfe.yaml: error: the file name is not valid UTF-8" -- "$nm" run --chip "$chip" --network "$tmp/n$(printf '\xfe').yaml" --steps 2 --out "$tmp/o"
    expect 2 "--out .*the path is not valid UTF-8" -- "$nm" "${run_args[@]}" --out "$tmp/o$(printf '\xfe')"
    sed 's/name: loihi2-like/name: "loihi\xff"/' "$chip" > "$tmp/chip.yaml"
    expect 2 "key 'chip.name': expected UTF-8 text" -- "$nm" validate "$tmp/chip.yaml"
    ;;
  interrupted)  # A5: SIGINT mid-run leaves the folder as it was, no temporary files
    "$nm" "${run_args[@]}" --out "$tmp/keep" >/dev/null || fail "first run"
    cp "$tmp/keep/spikes.csv" "$tmp/old.csv"
    # A background job of a script starts with SIGINT ignored; python gives it the default back,
    # as a terminal's foreground job has it.
    /usr/bin/python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
      "$nm" run --chip "$chip" --network "$nets/bench_random.yaml" --steps 100000 --mode cycle --kernel calendar \
      --out "$tmp/keep" >/dev/null 2>&1 &
    pid=$!; sleep 2; kill -INT $pid
    for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.2; done
    kill -0 $pid 2>/dev/null && { kill -KILL $pid; fail "SIGINT did not stop the run"; }
    wait $pid; code=$?
    [ $code -eq 130 ] || fail "expected the run to die of SIGINT (130), got $code"
    cmp -s "$tmp/old.csv" "$tmp/keep/spikes.csv" || fail "spikes.csv changed"
    [ -z "$(ls -A "$tmp/keep" | grep -v -x -e spikes.csv -e probes.csv)" ] || { ls -A "$tmp/keep"; fail "left-overs in the folder"; }
    # A functional run after a cycle run leaves one run's outputs, not a mix.
    "$nm" "${run_args[@]}" --mode cycle --out "$tmp/mix" >/dev/null || fail "cycle run"
    "$nm" "${run_args[@]}" --out "$tmp/mix" >/dev/null || fail "functional run"
    [ ! -e "$tmp/mix/report.json" ] || fail "a stale report.json stays beside the new spikes.csv"
    ;;
  memory)  # A6: refused up front with the estimate; probes streamed
    expect 2 "would not fit in memory: estimated memory" -- "$nm" run --chip "$chip" --network "$nets/synfire.yaml" \
      --steps 1099511627776 --mode cycle --out "$tmp/o"
    expect 0 "a 1000-step cycle-accurate run .*estimated memory" -- "$nm" map --chip "$chip" --network "$nets/synfire.yaml"
    # 20,000 neurons probing v for 200 steps: 4 M probe rows (about 90 MB) on disk, streamed.
    cat > "$tmp/probe.yaml" <<YAML
network: {name: p, seed: 1}
populations: [{name: a, size: 20000, model: loihi_cuba_lif, params: {du: 0, dv: 0, vth: 10, bias_mant: 1}}]
probes: [{population: a, neurons: all, variables: [v]}]
YAML
    /usr/bin/time -f "%M" -o "$tmp/rss" "$nm" run --chip "$chip" --network "$tmp/probe.yaml" --steps 200 --out "$tmp/p" >/dev/null || fail "probe run"
    grep -v -e '^probes:' -e 'population: a, neurons: all' "$tmp/probe.yaml" > "$tmp/noprobe.yaml"
    /usr/bin/time -f "%M" -o "$tmp/rss0" "$nm" run --chip "$chip" --network "$tmp/noprobe.yaml" --steps 200 --out "$tmp/p0" >/dev/null || fail "run without probes"
    size=$(stat -c %s "$tmp/p/probes.csv"); rss=$(($(cat "$tmp/rss") * 1024)); rss0=$(($(cat "$tmp/rss0") * 1024))
    [ "$size" -gt 50000000 ] || fail "probes.csv is only $size bytes"
    # Holding the probes would add about their size; streaming adds a buffer.
    [ "$rss" -lt $((rss0 + size / 4)) ] || fail "peak RSS $rss vs $rss0 without probes for $size bytes written: probes are held in memory"
    ;;
  compare)  # A7
    "$nm" "${run_args[@]}" --mode cycle --out "$tmp/a" >/dev/null || fail "run"
    /usr/bin/python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
j = json.load(open(f"{t}/a/report.json"))
for name, edit in [("nochip", lambda j: j.pop("chip")), ("badnet", lambda j: j["network"].update(name=3)),
                   ("badver", lambda j: j.update(version="x")), ("nover", lambda j: j.pop("version"))]:
    k = json.loads(json.dumps(j)); edit(k); json.dump(k, open(f"{t}/{name}.json", "w"))
PY
    expect 2 "nochip.json: error: key 'chip.name': missing" -- "$nm" compare "$tmp/a/report.json" "$tmp/nochip.json"
    expect 2 "badnet.json: error: key 'network.name'" -- "$nm" compare "$tmp/a/report.json" "$tmp/badnet.json"
    expect 2 "badver.json: error: key 'version'" -- "$nm" compare "$tmp/a/report.json" "$tmp/badver.json"
    expect 2 "nover.json: error: key 'version'" -- "$nm" compare "$tmp/a/report.json" "$tmp/nover.json"
    expect 2 "/a: error: cannot read: this is a directory" -- "$nm" compare "$tmp/a/report.json" "$tmp/a"
    ;;
  silent_acceptance)  # A8
    expect 2 "--seed: expected a non-negative integer, got '-1'" -- "$nm" "${run_args[@]}" --out "$tmp/o" --seed -1
    expect 2 "larger than 2\^64 - 1" -- "$nm" "${run_args[@]}" --out "$tmp/o" --seed 18446744073709551616
    expect 2 "--rates: expected a finite number, got 'nan'" -- "$nm" noc --chip "$chip" --rates nan
    expect 2 "--trace-steps 20:30 starts after the run's last step \(4\)" -- "$nm" "${run_args[@]}" --mode cycle --out "$tmp/o" --trace "$tmp/w.vcd" --trace-steps 20:30
    expect 2 "--trace-steps: expected FIRST:LAST" -- "$nm" "${run_args[@]}" --mode cycle --out "$tmp/o" --trace "$tmp/w.vcd" --trace-steps 0:-1
    expect 2 "--trace-steps: expected FIRST:LAST" -- "$nm" "${run_args[@]}" --mode cycle --out "$tmp/o" --trace "$tmp/w.vcd" --trace-steps 2:5junk
    expect 2 "--kernel applies to --mode cycle only" -- "$nm" "${run_args[@]}" --out "$tmp/o" --kernel calendar
    expect 2 "--power-window applies to --mode cycle only" -- "$nm" "${run_args[@]}" --out "$tmp/o" --power-window 5
    expect 2 "--trace-steps needs --trace" -- "$nm" "${run_args[@]}" --mode cycle --out "$tmp/o" --trace-steps 0:2
    { cat "$nets/synfire.yaml"; printf -- '---\nnot: [valid\n'; } > "$tmp/two.yaml"
    expect 2 "two.yaml:[0-9]+:[0-9]+: error: (invalid YAML|a second YAML document)" -- "$nm" "${run_args[@]/$nets\/synfire.yaml/$tmp/two.yaml}" --out "$tmp/o"
    { cat "$nets/synfire.yaml"; printf -- '---\nnetwork: {name: x, seed: 1}\n'; } > "$tmp/two.yaml"
    expect 2 "two.yaml:[0-9]+:[0-9]+: error: a second YAML document" -- "$nm" "${run_args[@]/$nets\/synfire.yaml/$tmp/two.yaml}" --out "$tmp/o"
    for row in '0,1,' "$(printf '0,\t1')" "$(printf '0,1\x01')"; do
      printf 'step,index\n%s\n' "$row" > "$tmp/in.csv"
      sed "s|poisson: {rate: 0.05, seed: 99}|csv: $tmp/in.csv|" "$nets/ei_recurrent.yaml" > "$tmp/csvnet.yaml"
      expect 2 "in.csv:2: error" -- "$nm" run --chip "$chip" --network "$tmp/csvnet.yaml" --steps 2 --out "$tmp/o"
    done
    printf 'step,index\n0,1\0junk\n' > "$tmp/in.csv"
    expect 2 "in.csv:2: error: expected an integer index, got '1.x00junk'" -- "$nm" run --chip "$chip" --network "$tmp/csvnet.yaml" --steps 2 --out "$tmp/o"
    expect 2 "--vary: error: key 'router.input_buffer_flits': value 'abc' is not valid" -- "$nm" sweep --chip "$chip" \
      --network "$nets/synfire.yaml" --steps 2 --vary router.input_buffer_flits=4,abc --out "$tmp/s.csv"
    [ ! -e "$tmp/s.csv" ] || fail "a refused sweep wrote its CSV"
    expect 2 "the key is given twice" -- "$nm" sweep --chip "$chip" --network "$nets/synfire.yaml" --steps 2 \
      --vary router.input_buffer_flits=4 --vary router.input_buffer_flits=8 --out "$tmp/s.csv"
    ;;
  cycle_overflow)  # A9
    expect 2 "cycle count overflow: core nc\[0\] in step [0-9]+ would pass 2\^62 cycles" -- "$nm" run --chip "$chip" \
      --network "$nets/ei_recurrent.yaml" --steps 2000 --mode cycle --kernel calendar --out "$tmp/o" \
      --set core_types.nc.costs.neuron_update_inactive.latency_ns=1e12 --set core_types.nc.costs.neuron_update_active.latency_ns=1e12
    ;;
  messages)  # A10
    expect 2 "'run' has no option '--netwrk'; did you mean '--network'\?" -- "$nm" run --chip "$chip" --netwrk x --steps 2 --out "$tmp/o"
    expect 2 "unknown subcommand 'runn'; did you mean 'run'\?" -- "$nm" runn
    expect 2 "'cores\[0\]' indexes a list" -- "$nm" "${run_args[@]}" --out "$tmp/o" --set 'cores[0].type=x'
    expect 2 "\(the value comes from --set router.input_buffer_flits=0\)" -- "$nm" "${run_args[@]}" --out "$tmp/o" --set router.input_buffer_flits=0
    mkdir "$tmp/dir.csv"
    sed "s|poisson: {rate: 0.05, seed: 99}|csv: $tmp/dir.csv|" "$nets/ei_recurrent.yaml" > "$tmp/csvnet.yaml"
    expect 2 "this is a directory, expected a spike CSV file" -- "$nm" run --chip "$chip" --network "$tmp/csvnet.yaml" --steps 2 --out "$tmp/o"
    # The RTL unit takes the model's whole domain: a graded spike of 2^22 x weight 100 (outside
    # the unit's former 17-bit input, refused until issue 12) runs and gives the model's bytes.
    cat > "$tmp/big.yaml" <<YAML
network: {name: big, seed: 1}
populations: [{name: pop, size: 3, model: loihi_cuba_lif, params: {du: 0, dv: 0, vth: 100000}}]
inputs: [{name: in, size: 1, spikes: [[0, 0, 4194304], [1, 0, -4194304], [3, 0, 8388607]]}]
projections: [{from: in, to: pop, all_to_all: {weight: 100}, weight_exp: 2}]
probes: [{population: pop, neurons: [0], variables: [u, v]}]
YAML
    for b in model rtl; do
      "$nm" run --chip "$chip" --network "$tmp/big.yaml" --steps 6 --mode cycle --neuron-backend $b \
        --out "$tmp/big-$b" >/dev/null || fail "big graded input, --neuron-backend $b"
    done
    for f in spikes.csv probes.csv steps.csv; do cmp "$tmp/big-model/$f" "$tmp/big-rtl/$f" || fail "rtl differs: $f"; done
    grep -q ',pop,0,u,-\?[0-9]\{9,\}' "$tmp/big-rtl/probes.csv" || fail "u never left the 24-bit range: the check is weak"
    # A neuron whose summed input could reach 2^33 (where the model's 64-bit update could
    # overflow) is refused by the expansion, in every mode.
    sed 's/weight: 100}, weight_exp: 2/weight: 255}, weight_exp: 7/' "$tmp/big.yaml" > "$tmp/huge.yaml"
    for mode in functional cycle; do
      expect 2 "population 'pop' neuron 0: its summed synaptic input could reach 2\^33" -- "$nm" run --chip "$chip" \
        --network "$tmp/huge.yaml" --steps 3 --mode $mode --out "$tmp/o"
    done
    ;;
  fifo)  # A11: hung in open() before
    mkfifo "$tmp/fifo"
    expect 2 "not a regular file" -- "$nm" validate "$tmp/fifo"
    expect 2 "not a regular file" -- "$nm" run --chip "$chip" --network "$tmp/fifo" --steps 2 --out "$tmp/o"
    ;;
  progress)  # B4
    "$nm" "${run_args[@]}" --out "$tmp/o" --progress 2>"$tmp/err" >/dev/null || fail "run --progress"
    grep -Eq '^progress: step 5/5 \(100%\), [0-9.e+]+ steps/s, ETA' "$tmp/err" || { cat "$tmp/err"; fail "no progress line"; }
    "$nm" "${run_args[@]}" --out "$tmp/o" --quiet 2>"$tmp/err" >/dev/null || fail "run --quiet"
    [ ! -s "$tmp/err" ] || fail "--quiet printed to stderr"
    "$nm" sweep --chip "$chip" --network "$nets/synfire.yaml" --steps 2 --vary router.input_buffer_flits=4,8 \
      --out "$tmp/s.csv" --quiet 2>"$tmp/err" >/dev/null || fail "sweep --quiet"
    [ ! -s "$tmp/err" ] || fail "sweep --quiet printed to stderr"
    expect 2 "excludes" -- "$nm" "${run_args[@]}" --out "$tmp/o" --quiet --progress
    ;;
  sweep_resume)  # B3: an interrupted sweep keeps its finished rows; --resume runs only the rest
    args=(sweep --chip "$chip" --network "$nets/bench_layered.yaml" --steps 40 --quiet
          --vary router.input_buffer_flits=2,4,8,16 --vary mesh.width=8,16)
    /usr/bin/python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
      "$nm" "${args[@]}" --out "$tmp/s.csv" &
    pid=$!
    for i in $(seq 200); do [ -f "$tmp/s.csv.partial" ] && [ "$(wc -l < "$tmp/s.csv.partial")" -ge 3 ] && break; sleep 0.05; done
    kill -INT $pid; wait $pid
    [ ! -e "$tmp/s.csv" ] || fail "an interrupted sweep wrote its CSV"
    kept=$(($(wc -l < "$tmp/s.csv.partial") - 1))
    [ "$kept" -ge 2 ] && [ "$kept" -lt 8 ] || fail "the journal keeps $kept rows"
    expect 2 "an unfinished sweep left .*--resume" -- "$nm" "${args[@]}" --out "$tmp/s.csv"
    "$nm" "${args[@]}" --out "$tmp/s.csv" --resume > "$tmp/log" || fail "--resume"
    grep -q "($kept kept from the unfinished sweep)" "$tmp/log" || { cat "$tmp/log"; fail "resume did not keep the rows"; }
    [ ! -e "$tmp/s.csv.partial" ] || fail "the journal stays after the sweep finished"
    "$nm" "${args[@]}" --out "$tmp/full.csv" >/dev/null || fail "full sweep"
    cmp -s "$tmp/s.csv" "$tmp/full.csv" || fail "resumed sweep differs from an uninterrupted one"
    ;;
  determinism)  # B5: same inputs and seed, same bytes: across runs, kernels, backends, sweep jobs
    net="$nets/ei_recurrent.yaml"
    for k in 1 2; do
      "$nm" run --chip "$chip" --network "$net" --steps 40 --mode cycle --seed 7 --out "$tmp/r$k" >/dev/null || fail "run $k"
    done
    for f in spikes.csv probes.csv report.json report.html steps.csv cores.csv links.csv; do
      cmp -s "$tmp/r1/$f" "$tmp/r2/$f" || fail "two identical runs differ in $f"
    done
    "$nm" run --chip "$chip" --network "$net" --steps 40 --mode cycle --seed 7 --kernel calendar --out "$tmp/cal" >/dev/null || fail calendar
    "$nm" run --chip "$chip" --network "$net" --steps 40 --mode cycle --seed 7 --neuron-backend rtl --out "$tmp/rtl" >/dev/null || fail rtl
    for other in cal rtl; do
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/r1/$f" "$tmp/$other/$f" || fail "$f differs between the default run and $other"
      done
      # report.json: identical apart from the field that names the kernel or backend.
      /usr/bin/python3 - "$tmp/r1/report.json" "$tmp/$other/report.json" <<'PY' || fail "report.json differs beyond run.kernel / run.neuron_backend ($other)"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for j in (a, b):
    j["run"].pop("kernel"); j["run"].pop("neuron_backend")
sys.exit(0 if a == b else 1)
PY
    done
    for j in 1 2; do
      "$nm" sweep --chip "$chip" --network "$nets/synfire.yaml" --steps 10 --vary router.input_buffer_flits=2,4,8 \
        --strategy fill locality --jobs $j --quiet --out "$tmp/s$j.csv" >/dev/null || fail "sweep --jobs $j"
    done
    cmp -s "$tmp/s1.csv" "$tmp/s2.csv" || fail "sweep --jobs 1 and 2 differ"
    ;;
  *) fail "unknown check $check" ;;
esac
echo "ok: $check"
