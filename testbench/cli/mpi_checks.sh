#!/usr/bin/env bash
# mpi_checks.sh NEUROMESH SOURCE_DIR CHECK
# A run spread over MPI ranks (docs/systems.md): mpirun -n K gives the single process's outputs,
# byte for byte, for K = 1, 2, 3 (3 oversubscribes this 2-core machine), in the functional mode
# (several placements and thread counts) and in the cycle mode (every report, under inter-chip
# links that back-pressure and a lookahead of one cycle); what cannot be spread is refused with
# exit 2 and one message. Exit 77 (skipped) when the build has no MPI.
set -u
nm="$1"; src="$2"; check="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
board="$src/configs/systems/loihi2_board_2x2.yaml"; net="$src/configs/networks/board_chain.yaml"
fail() { echo "FAIL: $*"; exit 1; }
command -v mpirun >/dev/null || { echo "no mpirun: skipped"; exit 77; }
ldd "$nm" | grep -q libmpi || { echo "neuromesh built without MPI: skipped"; exit 77; }
# mpirun refuses root unless told; a third rank on two cores needs oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# Under AddressSanitizer (scripts/test-sanitize), Open MPI's own allocations at MPI_Init, in
# components it unloads at MPI_Finalize, are reported as leaks with no frame of ours: leak checks
# stay on for every single-process run here and in the rest of the suite, off for the ranks.
mpi() {
  local k="$1"; shift
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" mpirun -n "$k" "$nm" "$@"
}
same() {  # same DIR_A DIR_B: the run's outputs are the same bytes
  for f in spikes.csv probes.csv; do cmp "$1/$f" "$2/$f" || fail "$f differs: $1 vs $2"; done
}
same_all() {  # same_all DIR_A DIR_B: every file of the run (reports too) the same bytes
  [ "$(ls "$1")" = "$(ls "$2")" ] || fail "different files: $(ls "$1") vs $(ls "$2")"
  for f in "$1"/*; do cmp "$f" "$2/$(basename "$f")" || fail "$(basename "$f") differs: $1 vs $2"; done
}
expect_refusal() {  # expect_refusal K REGEX ARGS...: exit 2, the message once
  local k="$1" re="$2"; shift 2
  mpi "$k" "$@" >"$tmp/log" 2>&1
  local code=$?
  [ $code -eq 2 ] || { cat "$tmp/log"; fail "expected exit 2, got $code: $*"; }
  [ "$(grep -Ec -- "$re" "$tmp/log")" -eq 1 ] || { cat "$tmp/log"; fail "message not printed once: $re"; }
}

case "$check" in
  ranks_agree)
    run="run --system $board --network $net --steps 40"
    "$nm" $run --out "$tmp/one" >"$tmp/one.log" || fail "single-process run failed"
    [ "$(wc -l <"$tmp/one/spikes.csv")" -gt 5000 ] || fail "too few spikes to compare"
    [ "$(wc -l <"$tmp/one/probes.csv")" -eq $((1 + 40 * 7 * 2)) ] || fail "probes.csv has the wrong row count"
    for k in 1 2 3; do
      mpi $k $run --out "$tmp/k$k" >"$tmp/k$k.log" 2>&1 || { cat "$tmp/k$k.log"; fail "mpirun -n $k failed"; }
      same "$tmp/one" "$tmp/k$k"
      # The summary's counts (everything before the wall time) are the whole run's.
      a=$(grep -o '^ran.*neuron updates' "$tmp/one.log" | sed 's/(functional mode)//')
      b=$(grep -o '^ran.*neuron updates' "$tmp/k$k.log" | sed 's/(functional mode, [0-9]* MPI ranks)//; s/(functional mode)//')
      [ "$a" = "$b" ] || fail "summary differs with $k ranks: '$a' vs '$b'"
    done
    grep -q "functional mode, 3 MPI ranks" "$tmp/k3.log" || fail "the summary does not name the ranks"
    ;;
  placements_and_threads)
    # Grouped placements scatter a population's neurons over cores and chips; threads split
    # each rank's share again: still the same bytes.
    run="run --system $board --network $net --steps 25"
    "$nm" $run --strategy locality --threads 1 --out "$tmp/one" >/dev/null || fail "single-process run failed"
    mpi 2 $run --strategy locality --threads 2 --out "$tmp/k2" >/dev/null 2>&1 || fail "mpirun -n 2 --threads 2 failed"
    same "$tmp/one" "$tmp/k2"
    mpi 3 $run --strategy locality --out "$tmp/k3" >/dev/null 2>&1 || fail "mpirun -n 3 failed"
    same "$tmp/one" "$tmp/k3"
    ;;
  cycle_ranks_agree)
    # Cores, routers and edge gateways on each rank's chips; flits and credits that cross to
    # another rank's chip exchanged every link-latency window: every report the same bytes.
    run="run --system $board --network $net --steps 15 --mode cycle --kernel calendar"
    "$nm" $run --out "$tmp/one" >"$tmp/one.log" || fail "single-process run failed"
    jq_flits=$(grep -o '"interchip_flits": *[0-9]*' "$tmp/one/report.json" | head -1 | grep -o '[0-9]*$')
    [ "${jq_flits:-0}" -gt 1000 ] || fail "too little inter-chip traffic to compare (${jq_flits:-none})"
    for k in 1 2 3; do
      mpi $k $run --out "$tmp/k$k" >"$tmp/k$k.log" 2>&1 || { cat "$tmp/k$k.log"; fail "mpirun -n $k failed"; }
      same_all "$tmp/one" "$tmp/k$k"
    done
    # The SystemC kernel in one process gives the same spikes and step timing.
    "$nm" ${run/calendar/systemc} --out "$tmp/sc" >/dev/null || fail "SystemC run failed"
    for f in spikes.csv probes.csv steps.csv cores.csv links.csv interchip_links.csv; do
      cmp "$tmp/sc/$f" "$tmp/k3/$f" || fail "$f: SystemC kernel in one process differs from 3 ranks"
    done
    ;;
  cycle_backpressure)
    # Slow links with one-flit buffers (credits cross ranks all the time), a one-cycle link
    # latency (windows of one cycle), and grouped placements.
    run="run --system $board --network $net --steps 5 --mode cycle --kernel calendar"
    for variant in "--set interchip_link.bandwidth_gbit_s=0.5 --set interchip_link.buffer_flits=1 --strategy connectivity" \
                   "--set interchip_link.latency_ns=0.1 --strategy locality"; do
      "$nm" $run $variant --out "$tmp/one" >/dev/null || fail "single-process run failed: $variant"
      for k in 2 3; do
        mpi $k $run $variant --out "$tmp/k$k" >"$tmp/k$k.log" 2>&1 || { cat "$tmp/k$k.log"; fail "mpirun -n $k failed: $variant"; }
        same_all "$tmp/one" "$tmp/k$k"
      done
      rm -rf "$tmp/one" "$tmp/k2" "$tmp/k3"
    done
    ;;
  refusals)
    run="run --system $board --network $net --steps 5"
    expect_refusal 2 "runs on the calendar kernel: add --kernel calendar" $run --mode cycle --out "$tmp/o"
    expect_refusal 2 "--trace records one process" $run --mode cycle --kernel calendar --trace "$tmp/w.vcd" --out "$tmp/o"
    expect_refusal 2 "at most one rank per chip" run --chip "$src/configs/chips/loihi2.yaml" \
      --network "$src/configs/networks/ei_recurrent.yaml" --steps 5 --out "$tmp/o"
    expect_refusal 3 "only 'neuromesh run' spreads" validate "$board"
    touch "$tmp/file"
    expect_refusal 2 "is not a directory" $run --out "$tmp/file"
    [ ! -e "$tmp/o" ] || fail "a refused run left an output folder"
    ;;
  *) fail "unknown check $check" ;;
esac
echo "ok: $check"
