#!/usr/bin/env bash
# mapping_checks.sh NEUROMESH SOURCE_DIR CHECK
# Whole-command checks of placement: numbering independence on a generated conv network,
# placement files (round trip through run and map, refusals), map --compare.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chips="$src/configs/chips"; nets="$src/configs/networks"
fail() { echo "FAIL: $*"; exit 1; }
cores_used() { grep -o 'cores used [0-9]*' "$1" | grep -o '[0-9]*$'; }
expect_refusal() {  # expect_refusal REGEX ARGS...: exit 2 with a message matching REGEX
  local re="$1"; shift
  "$nm" "$@" >"$tmp/log" 2>&1
  local code=$?
  [ $code -eq 2 ] || { cat "$tmp/log"; fail "expected exit 2, got $code: $*"; }
  grep -Eq -- "$re" "$tmp/log" || { cat "$tmp/log"; fail "message does not match: $re"; }
}

case "$check" in
  numbering)
    # The same conv network numbered channel-major and spatial-major through a random
    # permutation: the connectivity strategy needs the same cores on the stock chip (index
    # ranges do not: fill needs more on channel-major numbering).
    "$src/scripts/gen-conv-net" "$tmp/channel.yaml" --size 24 --order channel || fail "gen channel"
    "$src/scripts/gen-conv-net" "$tmp/perm.yaml" --size 24 --order spatial --permute 5 || fail "gen perm"
    for n in channel perm; do
      "$nm" map --chip "$chips/loihi2.yaml" --network "$tmp/$n.yaml" --strategy connectivity > "$tmp/$n.txt" || fail "map $n"
    done
    "$nm" map --chip "$chips/loihi2.yaml" --network "$tmp/channel.yaml" --strategy fill > "$tmp/fill.txt" || fail "map fill"
    a=$(cores_used "$tmp/channel.txt"); b=$(cores_used "$tmp/perm.txt"); f=$(cores_used "$tmp/fill.txt")
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "connectivity: $a cores channel-major, $b permuted"
    [ "$f" -gt $((a * 5 / 4)) ] || fail "fill on channel-major uses $f cores, connectivity $a: the test no longer tells them apart"
    # Within 1 core of the lower bound the mapper computes.
    bound=$(grep -o 'lower bound [0-9]*' "$tmp/channel.txt" | grep -o '[0-9]*$')
    [ "$a" -le $((bound + 1)) ] || fail "connectivity uses $a cores, the lower bound is $bound"
    ;;
  placement_roundtrip)
    # Every family: map writes a placement, run reads it and gives the same outputs as the
    # strategy's run, and map re-writes the same file.
    for case in loihi2:bench_layered:20 truenorth:truenorth_ring:30 brainscales2:bss2_ei:20; do
      IFS=: read -r c n steps <<< "$case"
      args=(--chip "$chips/$c.yaml" --network "$nets/$n.yaml")
      "$nm" map "${args[@]}" --strategy connectivity --write-placement "$tmp/$n.csv" >/dev/null || fail "$n: map"
      "$nm" map "${args[@]}" --placement "$tmp/$n.csv" --write-placement "$tmp/$n.2.csv" >/dev/null || fail "$n: map --placement"
      cmp -s <(tail -n +2 "$tmp/$n.csv") <(tail -n +2 "$tmp/$n.2.csv") || fail "$n: placement file does not round-trip"
      "$nm" run "${args[@]}" --steps "$steps" --mode cycle --strategy connectivity --out "$tmp/$n.s" >/dev/null || fail "$n: run strategy"
      "$nm" run "${args[@]}" --steps "$steps" --mode cycle --placement "$tmp/$n.csv" --out "$tmp/$n.f" >/dev/null || fail "$n: run placement"
      for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
        cmp -s "$tmp/$n.s/$f" "$tmp/$n.f/$f" || fail "$n: $f differs between the strategy and its placement file"
      done
      grep -q '"strategy": "file"' "$tmp/$n.f/report.json" || fail "$n: report.json does not say the placement came from a file"
      grep -q '"placement_file": ' "$tmp/$n.f/report.json" || fail "$n: report.json lacks placement_file"
    done
    ;;
  placement_refusals)
    args=(--chip "$chips/loihi2.yaml" --network "$nets/synfire.yaml")
    "$nm" map "${args[@]}" --write-placement "$tmp/p.csv" >/dev/null || fail "map"
    expect_refusal "p.csv:3: core nc\[0\] \(population 'g0' neurons 0..9\) needs 10 neurons; a core of type 'nc' holds at most 8" \
      run "${args[@]}" --steps 5 --out "$tmp/o" --placement "$tmp/p.csv" --set core_types.nc.neurons=8
    [ ! -e "$tmp/o" ] || fail "a refused run left outputs"
    sed 's/^nc\[1\],g1,0,9$/nc[1],g1,0,8/' "$tmp/p.csv" > "$tmp/q.csv"
    expect_refusal "q.csv: error: 1 neurons of population 'g1' have no core \(the first is neuron 9\)" \
      map "${args[@]}" --placement "$tmp/q.csv"
    sed 's/^nc\[1\],g1,0,9$/nc[0],g1,0,9/' "$tmp/p.csv" > "$tmp/q.csv"
    expect_refusal "q.csv:4: error: core nc\[0\] already holds population 'g0' \(line 3\)" \
      map "${args[@]}" --placement "$tmp/q.csv"
    expect_refusal "--strategy excludes --placement" map "${args[@]}" --placement "$tmp/p.csv" --strategy fill
    expect_refusal "nope.csv: error: cannot open" map "${args[@]}" --placement "$tmp/nope.csv"
    # The placement file is an input: writing over it is refused before anything is written.
    cp "$tmp/p.csv" "$tmp/keep.csv"
    expect_refusal "p.csv" map "${args[@]}" --placement "$tmp/p.csv" --write-placement "$tmp/p.csv"
    cmp -s "$tmp/p.csv" "$tmp/keep.csv" || fail "the placement file was overwritten"
    ;;
  compare)
    "$nm" map --chip "$chips/loihi2.yaml" --network "$nets/bench_layered.yaml" --compare > "$tmp/c.txt" || fail "compare"
    grep -Eq '^strategy +fill +locality +connectivity$' "$tmp/c.txt" || { cat "$tmp/c.txt"; fail "no column per strategy"; }
    # Each column equals that strategy's own map output.
    for s in fill locality connectivity; do
      "$nm" map --chip "$chips/loihi2.yaml" --network "$nets/bench_layered.yaml" --strategy $s > "$tmp/$s.txt" || fail "map $s"
    done
    want=$(for s in fill locality connectivity; do grep -o '^packets if every source neuron spiked once: [0-9]*' "$tmp/$s.txt" | grep -o '[0-9]*$'; done | tr '\n' ' ')
    got=$(grep '^packets per all-spike step' "$tmp/c.txt" | tr -s ' ' | cut -d' ' -f5-7)
    [ "$got " = "$want" ] || fail "compare packets '$got', the strategies' own: '$want'"
    grep -Eq '^lower bound on cores [0-9]+' "$tmp/c.txt" || fail "no lower bound"
    expect_refusal "--compare excludes --strategy|--strategy excludes --compare" \
      map --chip "$chips/loihi2.yaml" --network "$nets/synfire.yaml" --compare --strategy fill
    # A strategy that cannot place the network is a column of '-' and its error, not a failed
    # command: on a 400 x 1 TrueNorth mesh, fill puts c 301 routers from a (9-bit dx reaches
    # 255); locality puts it next door.
    sed -e 's/^  width: 64$/  width: 400/' -e 's/^  height: 64$/  height: 1/' \
        -e 's/"core\[0\.\.4095\]"/"core[0..399]"/' "$chips/truenorth.yaml" > "$tmp/tn400.yaml"
    cat > "$tmp/far.yaml" <<YAML
network: {name: far, seed: 1}
populations:
  - {name: a, size: 1, model: truenorth_lif, params: {threshold: 1}}
  - {name: b, size: 76800, model: truenorth_lif, params: {threshold: 1}}
  - {name: c, size: 1, model: truenorth_lif, params: {threshold: 1}}
projections:
  - {from: a, to: c, one_to_one: {weight: 1}}
YAML
    "$nm" map --chip "$tmp/tn400.yaml" --network "$tmp/far.yaml" --compare > "$tmp/far.txt" || { cat "$tmp/far.txt"; fail "compare with a failing strategy"; }
    grep -Eq '^cores used +- +302 +302$' "$tmp/far.txt" || { cat "$tmp/far.txt"; fail "expected fill '-', locality and connectivity 302"; }
    grep -q '^fill: does not fit: .*dx 301' "$tmp/far.txt" || { cat "$tmp/far.txt"; fail "fill's error not shown"; }
    ;;
  truenorth_targets_together)
    # A TrueNorth neuron drives one axon, so its targets must share a core. Neuron j of a
    # reaches b's neurons j, j+30, ..., j+270: index ranges of 256 would split them; every
    # strategy keeps each set whole (3 cores: a, and b in two), and the run agrees with the
    # functional simulator.
    /usr/bin/python3 - "$tmp/net.yaml" <<'PY'
import sys
syn = [[j, j + 30 * k, 1] for j in range(30) for k in range(10)]
open(sys.argv[1], "w").write(f"""network: {{name: tn_split, seed: 1}}
populations:
  - {{name: a, size: 30, model: truenorth_lif, params: {{threshold: 1}}}}
  - {{name: b, size: 300, model: truenorth_lif, params: {{threshold: 1}}}}
inputs:
  - {{name: in, size: 30, poisson: {{rate: 0.5, seed: 3}}}}
projections:
  - {{from: in, to: a, one_to_one: {{weight: 1}}}}
  - {{from: a, to: b, sparse: {syn}}}
""")
PY
    args=(--chip "$chips/truenorth.yaml" --network "$tmp/net.yaml")
    for s in fill locality connectivity; do
      "$nm" map "${args[@]}" --strategy $s --write-placement "$tmp/$s.csv" > "$tmp/$s.txt" || { cat "$tmp/$s.txt"; fail "$s: map"; }
      [ "$(cores_used "$tmp/$s.txt")" = 3 ] || fail "$s: expected 3 cores"
      awk -F, '$2 == "b" { for (i = $3; i <= $4; i++) core[i] = $1 }
        END { for (j = 0; j < 30; j++) for (k = 1; k < 10; k++)
                if (core[j + 30 * k] != core[j]) { print "targets of a neuron " j " split"; exit 1 } }' \
        "$tmp/$s.csv" || fail "$s: a neuron's targets on two cores"
      "$nm" run "${args[@]}" --strategy $s --steps 20 --mode cycle --out "$tmp/c$s" >/dev/null || fail "$s: cycle run"
    done
    "$nm" run "${args[@]}" --steps 20 --out "$tmp/f" >/dev/null || fail "functional run"
    [ "$(wc -l < "$tmp/f/spikes.csv")" -gt 100 ] || fail "too few spikes to compare"
    for s in fill locality connectivity; do
      cmp -s "$tmp/f/spikes.csv" "$tmp/c$s/spikes.csv" || fail "$s: cycle spikes differ from functional"
    done
    # 300 targets of one neuron cannot share a 256-neuron core: refused at once, naming it.
    /usr/bin/python3 - "$tmp/big.yaml" <<'PY'
import sys
open(sys.argv[1], "w").write("""network: {name: tn_big, seed: 1}
populations:
  - {name: a, size: 2, model: truenorth_lif, params: {threshold: 1}}
  - {name: b, size: 300, model: truenorth_lif, params: {threshold: 1}}
projections:
  - {from: a, to: b, all_to_all: {weight: 1}}
""")
PY
    expect_refusal "neuron [01] of population 'a' reaches 300 target neurons.*neurons 0..299 of population 'b'.* 1 splitter neurons \(not inserted automatically\)$" \
      map --chip "$chips/truenorth.yaml" --network "$tmp/big.yaml"
    ;;
  conv_native)
    # The same conv network as `conv` projections (C++ expansion) and as explicit synapses
    # (written by the Python generator): the same placement and byte-identical run outputs.
    "$src/scripts/gen-conv-net" "$tmp/explicit.yaml" --size 16 || fail "gen explicit"
    "$src/scripts/gen-conv-net" "$tmp/native.yaml" --size 16 --native || fail "gen native"
    [ "$(wc -c < "$tmp/native.yaml")" -lt "$(( $(wc -c < "$tmp/explicit.yaml") / 10 ))" ] || fail "native file not smaller"
    for n in explicit native; do
      "$nm" run --chip "$chips/loihi2.yaml" --network "$tmp/$n.yaml" --steps 20 --mode cycle \
        --strategy connectivity --out "$tmp/$n" >/dev/null || fail "$n run"
    done
    for f in spikes.csv probes.csv steps.csv cores.csv links.csv; do
      cmp -s "$tmp/explicit/$f" "$tmp/native/$f" || fail "$f differs between conv and explicit synapses"
    done
    [ "$(wc -l < "$tmp/native/spikes.csv")" -gt 50 ] || fail "too few spikes to compare"
    ;;
  *) fail "unknown check $check" ;;
esac
echo "ok: $check"
