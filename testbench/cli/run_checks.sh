#!/usr/bin/env bash
# run_checks.sh NEUROMESH SOURCE_DIR CHECK
# Whole-run checks of `neuromesh run` against independent expectations.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chip="$src/configs/chips/loihi2.yaml"
fail() { echo "FAIL: $*"; exit 1; }

case "$check" in
  synfire_closed_form)
    # The kick reaches g0 at step 1; each link takes 1 + 2 delay steps and the groups are driven
    # hard enough to fire on arrival: group (k mod 8) fires, all 10 neurons, at step 1 + 3k.
    "$nm" run --chip "$chip" --network "$src/configs/networks/synfire.yaml" --steps 60 --out "$tmp/a" >/dev/null || fail "run failed"
    head -1 "$tmp/a/spikes.csv" | grep -qx "step,population,neuron" || fail "spikes.csv header"
    awk -F, 'NR > 1 {
        if ((($1 - 1) % 3) != 0) { print "spike at step " $1; bad = 1 }
        g = int(($1 - 1) / 3) % 8
        if ($2 != "g" g) { print "step " $1 ": " $2 " fired, expected g" g; bad = 1 }
        n++
      } END { if (n != 200) { print n " spikes, expected 20 waves x 10 = 200"; bad = 1 } exit bad }' \
      "$tmp/a/spikes.csv" || fail "synfire raster differs from the closed form"
    head -1 "$tmp/a/probes.csv" | grep -qx "step,population,neuron,variable,value" || fail "probes.csv header"
    # g0 neuron 0 probes u and v, g4 neuron 0 probes v: 3 rows per step.
    [ "$(($(wc -l < "$tmp/a/probes.csv") - 1))" -eq 180 ] || fail "probes.csv should have 60 x 3 rows"
    ;;
  deterministic)
    net="$src/configs/networks/ei_recurrent.yaml"
    "$nm" run --chip "$chip" --network "$net" --steps 100 --out "$tmp/a" --seed 5 >/dev/null || fail "run a"
    "$nm" run --chip "$chip" --network "$net" --steps 100 --out "$tmp/b" --seed 5 >/dev/null || fail "run b"
    "$nm" run --chip "$chip" --network "$net" --steps 100 --out "$tmp/c" --seed 6 >/dev/null || fail "run c"
    cmp -s "$tmp/a/spikes.csv" "$tmp/b/spikes.csv" || fail "same seed, different spikes.csv"
    cmp -s "$tmp/a/probes.csv" "$tmp/b/probes.csv" || fail "same seed, different probes.csv"
    cmp -s "$tmp/a/spikes.csv" "$tmp/c/spikes.csv" && fail "--seed 6 gave the same spikes as --seed 5"
    [ "$(wc -l < "$tmp/a/spikes.csv")" -gt 100 ] || fail "ei_recurrent is almost silent"
    ;;
  strategies_agree)
    # Placement never changes what the functional simulation computes.
    net="$src/configs/networks/feedforward.yaml"
    "$nm" run --chip "$chip" --network "$net" --steps 100 --out "$tmp/a" --strategy fill >/dev/null || fail "fill"
    "$nm" run --chip "$chip" --network "$net" --steps 100 --out "$tmp/b" --strategy locality >/dev/null || fail "locality"
    cmp -s "$tmp/a/spikes.csv" "$tmp/b/spikes.csv" || fail "strategies changed the spikes"
    ;;
  no_partial_output)
    # A failing run leaves no output files behind.
    "$nm" run --chip "$chip" --network "$src/testbench/cli/bad_network.yaml" --steps 5 --out "$tmp/x" >/dev/null 2>&1
    [ ! -e "$tmp/x/spikes.csv" ] || fail "spikes.csv written by a failed run"
    ;;
  modes_agree)
    # Timing never changes who spikes when: the cycle-accurate chip writes the same bytes as the
    # functional simulator, for every shipped network.
    for n in synfire feedforward ei_recurrent bench_layered bench_random; do
      steps=60; case $n in bench_*) steps=12 ;; esac
      "$nm" run --chip "$chip" --network "$src/configs/networks/$n.yaml" --steps $steps --out "$tmp/f_$n" >/dev/null || fail "$n functional"
      "$nm" run --chip "$chip" --network "$src/configs/networks/$n.yaml" --steps $steps --out "$tmp/c_$n" --mode cycle >/dev/null || fail "$n cycle"
      cmp -s "$tmp/f_$n/spikes.csv" "$tmp/c_$n/spikes.csv" || fail "$n: spikes.csv differs between modes"
      cmp -s "$tmp/f_$n/probes.csv" "$tmp/c_$n/probes.csv" || fail "$n: probes.csv differs between modes"
      grep -q '"schema": "neuromesh.report"' "$tmp/c_$n/report.json" || fail "$n: report.json"
    done
    ;;
  rtl_backend_agrees)
    # Co-simulation: the Verilated neuron update unit in every core gives the same spikes,
    # probes, per-step cycles and per-core counters as the C++ model, on every shipped network.
    for n in synfire feedforward ei_recurrent bench_layered bench_random; do
      steps=50; case $n in bench_*) steps=8 ;; esac
      "$nm" run --chip "$chip" --network "$src/configs/networks/$n.yaml" --steps $steps --mode cycle --out "$tmp/m_$n" >/dev/null || fail "$n model"
      "$nm" run --chip "$chip" --network "$src/configs/networks/$n.yaml" --steps $steps --mode cycle --neuron-backend rtl --out "$tmp/r_$n" >/dev/null || fail "$n rtl"
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/m_$n/$f" "$tmp/r_$n/$f" || fail "$n: $f differs between --neuron-backend model and rtl"
      done
    done
    # TrueNorth cores stream through the Verilated TrueNorth unit (stochastic modes included):
    # every shipped TrueNorth network, the 4096-core power network for a few ticks.
    for n in truenorth_ring truenorth_behaviours truenorth_power; do
      steps=60; [ $n = truenorth_power ] && steps=3
      for b in model rtl; do
        "$nm" run --chip "$src/configs/chips/truenorth.yaml" --network "$src/configs/networks/$n.yaml" --steps $steps \
          --mode cycle --kernel calendar --neuron-backend $b --out "$tmp/${b}_$n" >/dev/null || fail "$n $b"
      done
      [ "$(wc -l <"$tmp/model_$n/spikes.csv")" -gt 10 ] || fail "$n: too few spikes to compare"
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/model_$n/$f" "$tmp/rtl_$n/$f" || fail "$n: $f differs between --neuron-backend model and rtl"
      done
    done
    ;;
  neuron_timing)
    # --neuron-timing unit: the unit's cycle model times every core's updates; the co-simulated
    # RTL must take exactly those cycles, so model and rtl agree on timing too. The spikes are the
    # config timing's (timing never changes them on a barrier chip); the cycles are not.
    n="$src/configs/networks/ei_recurrent.yaml"
    for b in model rtl; do
      "$nm" run --chip "$chip" --network "$n" --steps 30 --mode cycle --neuron-backend $b \
        --neuron-timing unit --unit-clock-ns 5.3 --out "$tmp/u_$b" >/dev/null || fail "unit timing, $b"
    done
    "$nm" run --chip "$chip" --network "$n" --steps 30 --mode cycle --out "$tmp/c" >/dev/null || fail "config timing"
    for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
      cmp -s "$tmp/u_model/$f" "$tmp/u_rtl/$f" || fail "$f differs between model and rtl under unit timing"
    done
    for f in spikes.csv probes.csv; do cmp -s "$tmp/u_model/$f" "$tmp/c/$f" || fail "$f: unit timing changed what the network did"; done
    cmp -s "$tmp/u_model/steps.csv" "$tmp/c/steps.csv" && fail "unit timing left the step cycles as the config's"
    grep -q '"neuron_timing": "config"' "$tmp/c/report.json" || fail "report.json does not say config timing"
    grep -q '"neuron_timing": "unit"' "$tmp/u_rtl/report.json" || fail "report.json does not say unit timing"
    grep -q '"chip_cycles_per_unit_cycle": 53' "$tmp/u_rtl/report.json" || fail "unit clock not in report.json"
    # Refusals: exit 2, one message each.
    for args in "--mode cycle --neuron-timing unit" "--mode cycle --unit-clock-ns 5" \
                "--mode cycle --neuron-timing unit --unit-clock-ns 0.15" \
                "--mode functional --neuron-timing unit --unit-clock-ns 5"; do
      "$nm" run --chip "$chip" --network "$n" --steps 2 $args --out "$tmp/x" >"$tmp/log" 2>&1
      [ $? -eq 2 ] || { cat "$tmp/log"; fail "expected exit 2: $args"; }
      grep -q "unit" "$tmp/log" || { cat "$tmp/log"; fail "message does not name the unit: $args"; }
    done
    # TrueNorth cores: the TrueNorth unit's cycle model (2 + stochastic events per neuron).
    tn="$src/configs/networks/truenorth_behaviours.yaml"
    for b in model rtl; do
      "$nm" run --chip "$src/configs/chips/truenorth.yaml" --network "$tn" --steps 40 --mode cycle \
        --neuron-backend $b --neuron-timing unit --unit-clock-ns 10 --out "$tmp/tn_$b" >/dev/null || fail "TrueNorth unit timing, $b"
    done
    "$nm" run --chip "$src/configs/chips/truenorth.yaml" --network "$tn" --steps 40 --mode cycle --out "$tmp/tn_c" >/dev/null || fail "TrueNorth config timing"
    for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
      cmp -s "$tmp/tn_model/$f" "$tmp/tn_rtl/$f" || fail "TrueNorth: $f differs between model and rtl under unit timing"
    done
    cmp -s "$tmp/tn_model/spikes.csv" "$tmp/tn_c/spikes.csv" || fail "TrueNorth: unit timing changed the spikes"
    cmp -s "$tmp/tn_model/steps.csv" "$tmp/tn_c/steps.csv" && fail "TrueNorth: unit timing left the step cycles as the config's"
    grep -q '"truenorth_update_unit"' "$tmp/tn_rtl/report.json" || fail "report.json does not name the TrueNorth unit"
    ;;
  sweep)
    # Two buffer depths x two placements: four rows, each a finished run; deeper buffers never
    # make the chip slower on this network.
    "$nm" sweep --chip "$chip" --network "$src/configs/networks/ei_recurrent.yaml" --steps 20 \
      --vary router.input_buffer_flits=1,16 --strategy fill locality --out "$tmp/s.csv" >/dev/null 2>&1 || fail "sweep"
    head -1 "$tmp/s.csv" | grep -q '^router.input_buffer_flits,strategy,status,cores_used,cycles,' || fail "sweep header"
    [ "$(grep -c ',ok,' "$tmp/s.csv")" -eq 4 ] || fail "expected 4 ok rows"
    awk -F, 'NR > 1 { c[$1 "," $2] = $5 } END { exit !(c["1,fill"] >= c["16,fill"] && c["1,locality"] >= c["16,locality"]) }' \
      "$tmp/s.csv" || fail "1-flit buffers ran faster than 16-flit buffers"
    # One combination that runs the same as `run` does.
    "$nm" run --chip "$chip" --network "$src/configs/networks/ei_recurrent.yaml" --steps 20 --mode cycle \
      --set router.input_buffer_flits=1 --out "$tmp/r" >/dev/null || fail "run --set"
    want=$(grep -o '"cycles": [0-9]*' "$tmp/r/report.json" | head -1 | grep -o '[0-9]*$')
    grep -q "^1,fill,ok,[0-9]*,$want," "$tmp/s.csv" || fail "sweep and run --set disagree on total cycles ($want)"
    # A typo in every variant is an error, not a CSV of failures.
    "$nm" sweep --chip "$chip" --network "$src/configs/networks/synfire.yaml" --steps 2 \
      --vary router.buffr=1,2 --out "$tmp/bad.csv" >/dev/null 2>&1
    [ $? -eq 2 ] || fail "a typo'd --vary key should exit 2"
    [ ! -e "$tmp/bad.csv" ] || fail "no CSV for a failed sweep"
    ;;
  trace)
    "$nm" run --chip "$chip" --network "$src/configs/networks/synfire.yaml" --steps 10 --out "$tmp/t" --mode cycle --trace "$tmp/t/w.vcd" --trace-steps 2:4 >/dev/null || fail "trace run"
    grep -q '^\$enddefinitions' "$tmp/t/w.vcd" || fail "no VCD header"
    grep -q 'synaptic_input_busy' "$tmp/t/w.vcd" || fail "no core signals"
    # The timestep signal takes exactly the traced steps 2 and 3.
    code=$(awk '$5 == "timestep" {print $4}' "$tmp/t/w.vcd")
    [ "$(grep -c " $code\$" "$tmp/t/w.vcd")" -eq 3 ] || fail "timestep signal: initial value and steps 2 and 3 expected"
    "$nm" run --chip "$chip" --network "$src/configs/networks/synfire.yaml" --steps 10 --out "$tmp/t2" --trace "$tmp/t2/w.vcd" >/dev/null 2>&1
    [ $? -eq 2 ] || fail "--trace without --mode cycle should exit 2"
    ;;
  npy_sidecars)
    # Synapses and input spikes from .npy files that NumPy writes (several dtypes, byte orders
    # and memory orders) give the same outputs as the same lists written in the YAML.
    /usr/bin/python3 - "$tmp" <<'PY' || fail "numpy could not write the sidecars"
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(3)
syn = sorted({(int(rng.integers(0, 40)), int(rng.integers(0, 30))) for _ in range(400)})
w = rng.integers(-60, 100, len(syn))
dl = rng.integers(0, 4, len(syn))
conn = np.array([[p, q, int(x), int(e)] for (p, q), x, e in zip(syn, w, dl)])
spk = np.array([[int(rng.integers(0, 50)), int(rng.integers(0, 40))] for _ in range(300)])
spk = np.unique(spk, axis=0)
np.save(f"{d}/conn_i32.npy", conn.astype("<i4"))
np.save(f"{d}/conn_i16be.npy", conn.astype(">i2"))
np.save(f"{d}/conn_i64f.npy", np.asfortranarray(conn.astype("<i8")))
np.save(f"{d}/spk_u16.npy", spk.astype("<u2"))
np.save(f"{d}/spk_i64f.npy", np.asfortranarray(spk.astype("<i8")))
def yaml(conn_ref, spk_ref, name):
    with open(f"{d}/{name}.yaml", "w") as f:
        f.write("network: {name: npy, seed: 2}\n")
        f.write("populations:\n  - {name: a, size: 30, model: loihi_cuba_lif, params: {du: 1024, dv: 512, vth: 90}}\n")
        f.write(f"inputs:\n  - {{name: in, size: 40, spikes: {spk_ref}}}\n")
        f.write(f"projections:\n  - {{from: in, to: a, sparse: {conn_ref}}}\n")
        f.write("probes:\n  - {population: a, neurons: [0, 7], variables: [u, v]}\n")
yaml("[" + ", ".join("[%d,%d,%d,%d]" % tuple(r) for r in conn) + "]",
     "[" + ", ".join("[%d,%d]" % tuple(r) for r in spk) + "]", "lists")
yaml("conn_i32.npy", "spk_u16.npy", "npy1")
yaml("conn_i16be.npy", "spk_i64f.npy", "npy2")
yaml("conn_i64f.npy", "spk_u16.npy", "npy3")
PY
    for n in lists npy1 npy2 npy3; do
      "$nm" run --chip "$chip" --network "$tmp/$n.yaml" --steps 60 --mode cycle --out "$tmp/o_$n" >/dev/null || fail "$n run"
    done
    [ "$(wc -l < "$tmp/o_lists/spikes.csv")" -gt 20 ] || fail "too few spikes to compare"
    for n in npy1 npy2 npy3; do
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/o_lists/$f" "$tmp/o_$n/$f" || fail "$n: $f differs from the YAML lists' run"
      done
    done
    # Bad sidecars: exit 2 naming the file and the row.
    /usr/bin/python3 -c "import numpy as np; np.save('$tmp/bad_range.npy', np.array([[0, 1, 5], [0, 30, 5]], dtype='<i4')); np.save('$tmp/bad_float.npy', np.zeros((2, 3))); np.save('$tmp/bad_cols.npy', np.zeros((2, 2), dtype='<i4'))"
    printf 'not numpy' > "$tmp/bad_magic.npy"
    for case in "bad_range:bad_range.npy: error: row 1: post 30 is out of range 0..29" \
                "bad_float:dtype '<f8' is not an integer type" \
                "bad_cols:has 2 columns; expected 3..4" \
                "bad_magic:not a NumPy .npy file" \
                "missing:missing.npy: error: cannot open"; do
      f=${case%%:*}; want=${case#*:}
      sed "s/conn_i32.npy/$f.npy/" "$tmp/npy1.yaml" > "$tmp/b.yaml"
      "$nm" run --chip "$chip" --network "$tmp/b.yaml" --steps 5 --out "$tmp/ob" > "$tmp/log" 2>&1
      code=$?
      [ $code -eq 2 ] || { cat "$tmp/log"; fail "$f: expected exit 2, got $code"; }
      grep -qF -- "$want" "$tmp/log" || { cat "$tmp/log"; fail "$f: message lacks: $want"; }
    done
    sed "s/conn_i32.npy/conn.csv/" "$tmp/npy1.yaml" > "$tmp/b.yaml"
    "$nm" run --chip "$chip" --network "$tmp/b.yaml" --steps 5 --out "$tmp/ob" > "$tmp/log" 2>&1
    [ $? -eq 2 ] && grep -q "expected a list or the name of a .npy file" "$tmp/log" || { cat "$tmp/log"; fail "a non-.npy name"; }
    ;;
  threads_agree)
    # The functional mode gives the same bytes on 1, 2 and 3 threads (3 oversubscribes this
    # 2-core machine), on every family with a stepped functional mode.
    for case in loihi2:bench_random:60 loihi2:ei_recurrent:200 truenorth:truenorth_ring:100; do
      IFS=: read -r c n steps <<< "$case"
      for t in 1 2 3; do
        "$nm" run --chip "$src/configs/chips/$c.yaml" --network "$src/configs/networks/$n.yaml" \
          --steps "$steps" --threads $t --out "$tmp/$n.$t" >/dev/null || fail "$n --threads $t"
      done
      [ "$(wc -l < "$tmp/$n.1/spikes.csv")" -gt 100 ] || fail "$n: too few spikes to compare"
      for t in 2 3; do
        for f in spikes.csv probes.csv; do
          cmp -s "$tmp/$n.1/$f" "$tmp/$n.$t/$f" || fail "$n: $f differs between 1 and $t threads"
        done
      done
    done
    # The cycle mode too (workers integrate the cores' packets and update their neurons beside the
    # event kernel): every output file, both kernels, the barrier and the fixed-tick chip, the
    # RTL neuron backend, and a board of chips.
    for case in loihi2:bench_random:40:calendar loihi2:ei_recurrent:200:systemc \
                truenorth:truenorth_ring:100:calendar truenorth:truenorth_behaviours:60:systemc \
                loihi2:feedforward:50:calendar:rtl systems/loihi2_board_2x2:board_chain:20:calendar; do
      IFS=: read -r c n steps kernel backend <<< "$case"
      cfg="$src/configs/chips/$c.yaml"; [ "${c#systems/}" != "$c" ] && cfg="$src/configs/$c.yaml"
      extra=(); [ -n "${backend:-}" ] && extra=(--neuron-backend "$backend")
      for t in 1 2 3; do
        "$nm" run --chip "$cfg" --network "$src/configs/networks/$n.yaml" --mode cycle --kernel "$kernel" \
          --steps "$steps" --threads $t "${extra[@]}" --out "$tmp/c.$n.$t" >/dev/null || fail "cycle $n --threads $t"
      done
      [ "$(wc -l < "$tmp/c.$n.1/spikes.csv")" -gt 20 ] || fail "cycle $n: too few spikes to compare"
      for t in 2 3; do
        for f in "$tmp/c.$n.1"/*; do
          cmp -s "$f" "$tmp/c.$n.$t/${f##*/}" || fail "cycle $n: ${f##*/} differs between 1 and $t threads"
        done
      done
    done
    "$nm" run --chip "$src/configs/chips/brainscales2.yaml" --network "$src/configs/networks/bss2_ei.yaml" \
      --steps 5 --threads 2 --out "$tmp/a" > "$tmp/log" 2>&1
    [ $? -eq 2 ] && grep -q "runs on one thread" "$tmp/log" || { cat "$tmp/log"; fail "analog --threads"; }
    "$nm" run --chip "$src/configs/chips/brainscales2.yaml" --network "$src/configs/networks/bss2_ei.yaml" \
      --steps 5 --mode cycle --threads 2 --out "$tmp/a" > "$tmp/log" 2>&1
    [ $? -eq 2 ] && grep -q "runs on one thread" "$tmp/log" || { cat "$tmp/log"; fail "analog cycle --threads"; }
    ;;
  quantum_agree)
    # The SystemC kernel's quantum (cycles its clock process runs ahead of SystemC time) changes
    # how SystemC schedules the components, never what they compute: every output file is the
    # same for one activation per busy cycle and component (1), a prime, the default and a
    # quantum longer than a step, on the barrier chip, the fixed-tick chip (late packets
    # included) and a board; and the calendar kernel's.
    for case in loihi2:ei_recurrent:100 truenorth:truenorth_behaviours:60 systems/loihi2_board_2x2:board_chain:15; do
      IFS=: read -r c n steps <<< "$case"
      cfg="$src/configs/chips/$c.yaml"; [ "${c#systems/}" != "$c" ] && cfg="$src/configs/$c.yaml"
      args=(run --chip "$cfg" --network "$src/configs/networks/$n.yaml" --mode cycle --steps "$steps" --threads 1)
      "$nm" "${args[@]}" --kernel calendar --out "$tmp/$n.cal" >/dev/null || fail "$n calendar"
      for q in 1 7 default 1000000; do
        qa=(); [ "$q" != default ] && qa=(--quantum "$q")
        "$nm" "${args[@]}" "${qa[@]}" --out "$tmp/$n.$q" >/dev/null || fail "$n --quantum $q"
        for f in "$tmp/$n.cal"/*; do
          [ "${f##*/}" = report.json ] || [ "${f##*/}" = report.html ] && continue   # they name the kernel
          cmp -s "$f" "$tmp/$n.$q/${f##*/}" || fail "$n: ${f##*/} differs between the calendar kernel and --quantum $q"
        done
        [ "$q" = 1 ] || cmp -s "$tmp/$n.1/report.json" "$tmp/$n.$q/report.json" || fail "$n: report.json differs between --quantum 1 and $q"
      done
      [ "$(wc -l < "$tmp/$n.cal/spikes.csv")" -gt 20 ] || fail "$n: too few spikes to compare"
    done
    "$nm" run --chip "$chip" --network "$src/configs/networks/synfire.yaml" --steps 5 --mode cycle --kernel calendar \
      --quantum 5 --out "$tmp/x" > "$tmp/log" 2>&1
    [ $? -eq 2 ] && grep -q -- "--quantum applies to --kernel systemc only" "$tmp/log" || { cat "$tmp/log"; fail "calendar --quantum"; }
    "$nm" run --chip "$chip" --network "$src/configs/networks/synfire.yaml" --steps 5 --quantum 5 --out "$tmp/x" > "$tmp/log" 2>&1
    [ $? -eq 2 ] && grep -q -- "--quantum applies to --mode cycle only" "$tmp/log" || { cat "$tmp/log"; fail "functional --quantum"; }
    ;;
  *) fail "unknown check $check" ;;
esac
echo "ok: $check"
