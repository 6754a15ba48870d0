#!/usr/bin/env bash
# golden_check.sh NEUROMESH SOURCE_DIR [--update]
# Byte-for-byte guard on the outputs of every shipped Loihi 2-like network: spikes.csv,
# probes.csv, report.json and the step/core/link CSVs of a 20-step cycle-accurate run must equal
# the files under testbench/golden/loihi2/. A change that is meant to alter them regenerates them
# with --update and says why in its commit; any other difference is a regression.
set -u
nm="$1"; src="$2"; mode="${3:-check}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1   # relative paths: report.json records the config and network paths as given
status=0
for n in synfire feedforward ei_recurrent bench_layered bench_random; do
  "$nm" run --chip configs/chips/loihi2.yaml --network "configs/networks/$n.yaml" --steps 20 \
    --mode cycle --out "$tmp/$n" >/dev/null || { echo "FAIL: $n did not run"; status=1; continue; }
  for f in spikes.csv probes.csv report.json steps.csv cores.csv links.csv; do
    want="testbench/golden/loihi2/$n/$f"
    if [ "$mode" = "--update" ]; then
      mkdir -p "$(dirname "$want")"; cp "$tmp/$n/$f" "$want"; continue
    fi
    if ! cmp -s "$want" "$tmp/$n/$f"; then
      echo "FAIL: $n/$f differs from $want:"; diff "$want" "$tmp/$n/$f" | head -20; status=1
    fi
  done
done
[ $status -eq 0 ] && [ "$mode" != "--update" ] && echo "golden outputs unchanged"
exit $status
