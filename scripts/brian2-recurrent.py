#!/usr/bin/env python3
"""The functional-mode workload of scripts/bench-vs-brian2 in Brian2's cpp_standalone device:
16,384 current-based LIF neurons (80 % excitatory), random connections p = 0.0244 (about 400
per neuron), 1,024 Poisson inputs at 50 Hz (p = 0.05 per 1 ms step) with p = 0.05 to every
neuron, dt = 1 ms, 1000 steps. Prints one JSON line: spikes, synaptic events (every spike times
its neuron's out-degree), the simulation loop's seconds (Brian2's own last_run_time, compile and
setup excluded) and events per second.

usage: brian2-recurrent.py BUILD_DIR THREADS [STEPS]
"""
import json
import sys

import brian2 as b2
import numpy as np


def main():
    build, threads = sys.argv[1], int(sys.argv[2])
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    b2.set_device("cpp_standalone", directory=build, build_on_run=False)
    # 0: no OpenMP at all (one thread); N > 1: N OpenMP threads.
    b2.prefs.devices.cpp_standalone.openmp_threads = 0 if threads == 1 else threads
    b2.prefs.codegen.cpp.extra_compile_args_gcc = ["-O3", "-march=native", "-w"]
    b2.defaultclock.dt = 1 * b2.ms
    b2.seed(4)
    n, n_e, p = 16384, 13107, 0.0244
    eqs = """dv/dt = (I - v) / (16*ms) : 1 (unless refractory)
             dI/dt = -I / (4*ms) : 1"""
    g = b2.NeuronGroup(n, eqs, threshold="v > 1", reset="v = 0", refractory=0 * b2.ms,
                       method="exact")
    g.v = "rand()"
    inp = b2.PoissonGroup(1024, rates=50 * b2.Hz)
    s_e = b2.Synapses(g[:n_e], g, "w : 1", on_pre="I += w")
    s_i = b2.Synapses(g[n_e:], g, "w : 1", on_pre="I += w")
    s_in = b2.Synapses(inp, g, "w : 1", on_pre="I += w")
    s_e.connect(p=p)
    s_i.connect(p=p)
    s_in.connect(p=0.05)
    s_e.w = "0.01 + 0.03 * rand()"
    s_i.w = "-0.12 - 0.1 * rand()"
    s_in.w = "0.1 + 0.2 * rand()"
    m = b2.SpikeMonitor(g, record=False)
    mi = b2.SpikeMonitor(inp, record=False)
    b2.run(steps * b2.ms)
    b2.device.build(directory=build, compile=True, run=True)
    out = np.zeros(n)
    for s in (s_e, s_i):
        np.add.at(out, np.asarray(s.i[:]) + (0 if s is s_e else n_e), 1)
    out_in = np.bincount(np.asarray(s_in.i[:]), minlength=1024)
    count, count_in = np.asarray(m.count[:]), np.asarray(mi.count[:])
    events = float(count @ out + count_in @ out_in)
    seconds = float(b2.device._last_run_time)
    print(json.dumps({"simulator": "brian2 cpp_standalone", "threads": threads, "steps": steps,
                      "spikes": int(count.sum()), "firing_per_step": float(count.sum()) / steps / n,
                      "synaptic_events": events, "run_seconds": seconds,
                      "synaptic_events_per_second": events / seconds}))


if __name__ == "__main__":
    main()
