#!/usr/bin/env bash
# system_checks.sh NEUROMESH SOURCE_DIR CHECK
# Whole-command checks of systems of chips (docs/systems.md): a network too big for one chip
# runs on a board in both modes and both kernels with the same spikes; a 1 x 1 system is the chip;
# the inter-chip link's figures reach the reports; bad system configs are refused.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chips="$src/configs/chips"; nets="$src/configs/networks"; systems="$src/configs/systems"
board="$systems/loihi2_board_2x2.yaml"
fail() { echo "FAIL: $*"; exit 1; }
py() { /usr/bin/python3 "$@"; }
expect_refusal() {  # expect_refusal REGEX ARGS...: exit 2 with a message matching REGEX
  local re="$1"; shift
  "$nm" "$@" >"$tmp/log" 2>&1
  local code=$?
  [ $code -eq 2 ] || { cat "$tmp/log"; fail "expected exit 2, got $code: $*"; }
  grep -Eq -- "$re" "$tmp/log" || { cat "$tmp/log"; fail "message does not match: $re"; }
}
# A system file in $tmp that references the shipped Loihi 2 chip; $1 replaces the link section.
write_system() {
  cat >"$tmp/sys.yaml" <<YAML
system:
  name: test-system
chip: $chips/loihi2.yaml
grid:
  width: ${GW:-2}
  height: ${GH:-1}
interchip_link:
${1:-  latency_cycles: 40
  cycles_per_flit: 4
  buffer_flits: 4
  energy_pj_per_bit: 2
  source: "test figures"}
YAML
}

case "$check" in
  board_modes_agree)
    # board_chain needs about 2 chips: refused on one chip, naming how many it needs.
    expect_refusal "at least 2 chips of 'loihi2-like'.*--system" map --chip "$chips/loihi2.yaml" --network "$nets/board_chain.yaml"
    args=(--system "$board" --network "$nets/board_chain.yaml" --steps 20)
    "$nm" run "${args[@]}" --mode functional --out "$tmp/f" >/dev/null || fail "functional run"
    "$nm" run "${args[@]}" --mode cycle --kernel systemc --out "$tmp/s" >/dev/null || fail "systemc run"
    "$nm" run "${args[@]}" --mode cycle --kernel calendar --out "$tmp/c" >/dev/null || fail "calendar run"
    cmp -s "$tmp/f/spikes.csv" "$tmp/s/spikes.csv" || fail "functional and cycle spikes differ on the board"
    for f in spikes.csv probes.csv steps.csv cores.csv links.csv chips.csv interchip_links.csv; do
      cmp -s "$tmp/s/$f" "$tmp/c/$f" || fail "$f differs between the SystemC and calendar kernels"
    done
    # The report's inter-chip figures agree with each other and with the config.
    py - "$tmp/s" <<'PY' || exit 1
import csv, json, sys
d = sys.argv[1]
j = json.load(open(f"{d}/report.json"))
s = j["system"]
assert s["chips"] == 4 and s["grid"] == [2, 2] and s["cores_per_chip"] == 128, s
assert s["chips_used"] == 2, s["chips_used"]
links = list(csv.DictReader(open(f"{d}/interchip_links.csv")))
assert len(links) == 8, len(links)
flits = sum(int(l["flits"]) for l in links)
assert flits > 1000, flits
assert flits == s["totals"]["interchip_flits"], (flits, s["totals"])
steps = list(csv.DictReader(open(f"{d}/steps.csv")))
assert sum(int(r["interchip_flits"]) for r in steps) == flits
cat = {c["name"]: c for c in j["totals"]["energy"]["by_category"]}
assert cat["interchip_flits"]["events"] == flits
assert abs(cat["interchip_flits"]["energy_pj"] - flits * 32 * 26) < 1e-6 * flits * 832
# The spill goes east from chip 0 to chip 1 (x first): that one link carries every crossing.
east = [l for l in links if l["from_chip"] == "0" and l["to_chip"] == "1"][0]
assert int(east["flits"]) == flits, east
# Utilisation: flits x 37 cycles per flit over the run's cycles.
cycles = j["totals"]["cycles"]
assert abs(float(east["utilization"]) - flits * 37 / cycles) < 1e-9, east
# Per-chip rows add up to the cores' totals.
per = list(csv.DictReader(open(f"{d}/chips.csv")))
assert sum(int(r["synaptic_ops"]) for r in per) == j["totals"]["synaptic_ops"]
assert sum(int(r["cores_used"]) for r in per) == j["run"]["cores_used"]
# The barrier: the chip's 2990 cycles plus gather and release over a diameter of 2 chips.
assert s["barrier"]["latency_cycles"] == 2990 + 2 * 2 * (1000 + 37), s["barrier"]
assert all(int(r["barrier_cycles"]) == s["barrier"]["latency_cycles"] for r in steps)
PY
    ;;
  one_by_one_is_the_chip)
    # A 1 x 1 system is the chip itself: same cycles, spikes, energy; only core names differ.
    GW=1 GH=1 write_system
    for net in synfire feedforward; do
      "$nm" run --chip "$chips/loihi2.yaml" --network "$nets/$net.yaml" --steps 40 --mode cycle --out "$tmp/a" >/dev/null || fail "chip run"
      "$nm" run --system "$tmp/sys.yaml" --network "$nets/$net.yaml" --steps 40 --mode cycle --out "$tmp/b" >/dev/null || fail "system run"
      cmp -s "$tmp/a/spikes.csv" "$tmp/b/spikes.csv" || fail "$net: spikes differ"
      cut -d, -f1-8,10- "$tmp/a/steps.csv" > "$tmp/a1"; cut -d, -f1-8,10-20 "$tmp/b/steps.csv" > "$tmp/b1"
      cmp -s "$tmp/a1" "$tmp/b1" || { diff "$tmp/a1" "$tmp/b1" | head; fail "$net: steps differ"; }
      sed 's/^chip\[0\]\.//' "$tmp/b/cores.csv" | cmp -s - "$tmp/a/cores.csv" || fail "$net: cores differ"
    done
    ;;
  link_figures_matter)
    # Slower or longer inter-chip links cost cycles, never spikes; more cycles per flit never
    # makes a step shorter (the same traffic waits at least as long).
    prev=0
    for cpf in 1 8 64; do
      write_system "  latency_cycles: 40
  cycles_per_flit: $cpf
  buffer_flits: 4
  energy_pj_per_bit: 2
  source: test"
      "$nm" run --system "$tmp/sys.yaml" --network "$nets/board_chain.yaml" --steps 15 --mode cycle \
        --kernel calendar --out "$tmp/r$cpf" >/dev/null || fail "run cpf=$cpf"
      [ $cpf -eq 1 ] || cmp -s "$tmp/r1/spikes.csv" "$tmp/r$cpf/spikes.csv" || fail "spikes depend on the link speed"
      cyc=$(py -c "import json,sys; print(json.load(open('$tmp/r$cpf/report.json'))['totals']['cycles'])")
      [ "$cyc" -gt "$prev" ] || fail "cycles per flit $cpf: $cyc cycles, not more than $prev"
      prev=$cyc
    done
    # The latency alone: each step's barrier grows by exactly 2 x diameter (1) x the added latency.
    for lat in 40 240; do
      write_system "  latency_cycles: $lat
  cycles_per_flit: 4
  buffer_flits: 4
  energy_pj_per_bit: 2
  source: test"
      "$nm" run --system "$tmp/sys.yaml" --network "$nets/board_chain.yaml" --steps 5 --mode cycle --kernel calendar \
        --out "$tmp/l$lat" >/dev/null || fail "run latency $lat"
    done
    b40=$(sed -n 2p "$tmp/l40/steps.csv" | cut -d, -f8); b240=$(sed -n 2p "$tmp/l240/steps.csv" | cut -d, -f8)
    [ $((b240 - b40)) -eq 400 ] || fail "barrier grew by $((b240 - b40)), expected 2 x 1 x 200"
    ;;
  refusals)
    GW=2 GH=1 write_system
    cp "$tmp/sys.yaml" "$tmp/good.yaml"
    sed 's/width: 2/width: 0/' "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:5:.*grid.width" validate "$tmp/bad.yaml"
    sed "s|chip: .*|chip: no_such_chip.yaml|" "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:3:.*chip.*no chip config at" validate "$tmp/bad.yaml"
    sed "s|chip: .*|chip: $tmp/good.yaml|" "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:3:.*is a system config; expected a chip config" validate "$tmp/bad.yaml"
    sed "s|chip: .*|chip: $chips/brainscales2.yaml|" "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:3:.*analog chips" validate "$tmp/bad.yaml"
    sed 's/  latency_cycles: 40/  latency_ns: 4.05/' "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:[0-9]+:.*interchip_link.latency_ns.*not a whole number" validate "$tmp/bad.yaml"
    sed 's/  buffer_flits: 4/  bufer_flits: 4/' "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:[0-9]+:.*bufer_flits" validate "$tmp/bad.yaml"
    grep -v "source:" "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "bad.yaml:[0-9]+:.*source" validate "$tmp/bad.yaml"
    # A chip config with an error is named as itself, not as the system.
    sed 's/width: 8/width: zero/' "$chips/loihi2.yaml" > "$tmp/badchip.yaml"
    sed "s|chip: .*|chip: badchip.yaml|" "$tmp/good.yaml" > "$tmp/bad.yaml"
    expect_refusal "badchip.yaml:[0-9]+:.*mesh.width" validate "$tmp/bad.yaml"
    # --set reaches the system document and is named when its value is bad.
    expect_refusal "grid.height.*--set grid.height=0" describe "$tmp/good.yaml" --set grid.height=0
    # A network larger than the system: how many chips it would need.
    GW=1 GH=1 write_system
    expect_refusal "at least 2 chips of 'loihi2-like', the system has 1" map --system "$tmp/sys.yaml" --network "$nets/board_chain.yaml"
    # The shipped systems validate; the Hala Point-like one describes its size.
    "$nm" validate "$systems"/*.yaml >/dev/null || fail "shipped systems do not validate"
    "$nm" describe "$systems/hala_point.yaml" | grep -q "1152 chips" || fail "hala point describe"
    ;;
  placement)
    # A network that fits one chip stays on chip 0 under every strategy: no inter-chip traffic.
    for st in fill locality connectivity; do
      "$nm" map --system "$board" --network "$nets/bench_random.yaml" --strategy $st >"$tmp/m" 2>&1 || fail "map $st"
      grep -q "chips used 1 of 4 (lower bound 1); 0 inter-chip crossings" "$tmp/m" || { cat "$tmp/m"; fail "$st left chip 0"; }
    done
    # board_chain needs 2 chips; the crossings the map predicts for one all-spike step are what
    # the report's placement section says, and at least one gateway is named.
    "$nm" map --system "$board" --network "$nets/board_chain.yaml" --strategy fill >"$tmp/m" 2>&1 || fail "map board_chain"
    grep -Eq "chips used 2 of 4 \(lower bound 2\); [1-9][0-9]* inter-chip crossings.*busiest gateway: chip 0 east" "$tmp/m" || { cat "$tmp/m"; fail "board_chain placement"; }
    ;;
  *) fail "unknown check $check" ;;
esac
echo "ok: $check"
