#!/usr/bin/env python3
"""Independent Brian2 reference for neuromesh's BrainScaleS-2-like analog AdEx neuron (bss2_adex).

Reads a neuromesh network YAML and chip YAML, builds the same network in Brian2 from the model
description (docs/models.md, the bss2_adex section) and writes the spikes:

  bss2_brian2.py --chip CHIP.yaml --network NET.yaml --duration-ms D \\
                 --core-latency-cycles LC --host-latency-cycles LH --out spikes.csv \\
                 [--dt-us X] [--method euler|rk2|rk4] [--delivery mean|exact] \\
                 [--codegen standalone|cython|numpy] [--set KEY=VALUE ...]

Output: a CSV with the header `time_ms,population,neuron`, one row per population spike, sorted
by time, then population (file order), then neuron; times with 6 decimals.

Exit status: 0 on success, 2 when the chip or network uses something this reference does not
hold for or does not support (fixed-pattern mismatch, membrane noise, connectivity drawn by
neuromesh's RNG, delays, other neuron models, ...), with a one-line message on stderr.

The model (biological units ms, mV, pF, nS, pA), written here as ODEs and integrated by Brian2:

  C dv/dt     = -g_L (v - E_L) + g_L dT exp(min((v - V_T)/dT, 50)) - w + I_syn + I_offset
                (v held at V_reset while refractory; the exp term only where dT != 0)
  tau_w dw/dt = a (v - E_L) - w
  dx_e/dt     = -x_e / tau_syn_e,   dx_i/dt = -x_i / tau_syn_i
  I_syn       = x_e - x_i                                   (synapse: current; x in pA)
              = x_e (E_rev_e - v) + x_i (E_rev_i - v)        (synapse: conductance; x in nS)
  spike when v >= V_peak: v = V_reset, w += b, refractory for round(t_ref / h) substeps
  an event of weight W > 0 adds W w_e to x_e, of weight W < 0 adds |W| w_i to x_i
  g_L = C / tau_m; initial state v = E_L, w = 0, x = 0.

Every parameter except c_m and synapse takes its capmem-realised value: the nearest of the
2^bits codes over the chip's range neuron_model.analog.capmem.NAME (clamped to the range). A
target of exactly 0 for delta_t, a or b switches that term off.

The time base comes from the chip: the substep h = integration_step_ns * acceleration (hardware ns
-> biological time), k = (1000 / frequency_mhz) / integration_step_ns substeps per clock cycle.
The Brian2 step is dt = h unless --dt-us gives a finer one (h must be a whole number of dt).

Delivery timing (neuromesh): a population spike in substep s reaches its targets at substep
(floor(s/k) + 1 + LC) k, an input spike at time T (substep s = round(T/h)) at
(floor(s/k) + 1 + LH) k; "reaches at substep A" means it is added before the update of
substep A. Brian2's schedule applies on_pre after the state update of a step, so an event that
must act from the update at time A h is applied in the step at A h - dt:
  - inputs: exact. The arrival step is computed here and the SpikeGeneratorGroup fires at A h - dt
    with no synaptic delay.
  - population spikes, --delivery mean (default): one constant synaptic delay, the mean of the
    true per-spike delay over the phase of the spike within its clock cycle, rounded to a whole
    dt. The true delay varies by less than one clock cycle (k h = 4 us on the shipped chip) around
    it, well inside a 0.1 ms comparison tolerance.
  - population spikes, --delivery exact: one pathway per phase r of the spike within its cycle
    (M = k h / dt phases), with delay (1 + LC) M - 1 - r steps; a pathway adds its event only at
    steps n with (n + 1) mod M == 0, which is exactly the one pathway whose phase matches. This
    reproduces neuromesh's cycle-quantised delivery exactly (M times the event queue work).

Accuracy: Brian2 detects a crossing at the end of a step and resets there, so every interspike
interval is lengthened by about dt/2 on average. For a regularly firing neuron this accumulates
(the tonic neuron of bss2_patterns.yaml, 106 spikes: euler at dt = 1 us drifts 0.18 ms over 1 s,
rk4 at 1 us 0.07 ms, rk4 at 0.25 us is the converged reference, within 0.01 ms of neuromesh's
in-substep crossings). Use --method rk4 --dt-us 0.25 for comparisons.

Code generation (Debian's python3-brian 2.5 on the 2-core build machine, 1000 ms): the default
cpp_standalone is the fastest (bss2_ei, euler at 1 us: about 35 s of which 3 s simulation, the
rest compiling; rk4 at 0.25 us with exact delivery: about 140 s, 29 s simulation). Runtime
cython (bss2_ei, euler at 1 us: 120 s) and numpy (about 40x slower than cython) also work and
give the same spikes.

This file is not a port of neuromesh code; it is written from the model description only.
"""
import argparse
import math
import os
import shutil
import sys
import tempfile
import time
import warnings

import numpy as np
import yaml

MODEL = "bss2_adex"
# name: (default or None if required, in capmem?)
PARAMS = {
    "c_m": (200.0, False), "tau_m": (None, True), "e_l": (None, True), "v_t": (-50.0, True),
    "delta_t": (0.0, True), "v_peak": (None, True), "v_reset": (None, True), "t_ref": (0.0, True),
    "a": (0.0, True), "b": (0.0, True), "tau_w": (100.0, True), "tau_syn_e": (5.0, True),
    "tau_syn_i": (5.0, True), "i_offset": (0.0, True), "w_e": (10.0, True), "w_i": (10.0, True),
    "e_rev_e": (0.0, True), "e_rev_i": (-80.0, True),
}
SWITCHABLE = ("delta_t", "a", "b")   # exactly 0: the term is off, no quantisation
MAX_WEIGHT = 63


class Refuse(Exception):
    """Something this reference does not support or does not hold for: exit 2."""


def refuse(msg):
    raise Refuse(msg)


# ---------------------------------------------------------------------------------------------
# chip

def apply_set(doc, key, value):
    """--set KEY=VALUE as neuromesh does it: a dot path through mappings, the value parsed as YAML."""
    parts = key.split(".")
    node = doc
    for i, p in enumerate(parts):
        if not p:
            refuse(f"--set {key}={value}: empty key in the path")
        if not isinstance(node, dict):
            refuse(f"--set {key}={value}: '{'.'.join(parts[:i]) or '(top)'}' is not a mapping")
        if i + 1 == len(parts):
            node[p] = yaml.safe_load(value)
            return
        if p not in node:
            refuse(f"--set {key}={value}: the config has no mapping '{'.'.join(parts[:i + 1])}'")
        node = node[p]


def read_chip(path, sets):
    with open(path) as f:
        chip = yaml.safe_load(f)
    for s in sets:
        if "=" not in s or s.startswith("="):
            refuse(f"--set: expected KEY=VALUE, got '{s}'")
        k, v = s.split("=", 1)
        apply_set(chip, k, v)
    timing = chip.get("timing") or {}
    if timing.get("model") != "analog":
        refuse(f"{path}: timing.model is {timing.get('model')!r}; the bss2_adex reference needs "
               "the analog timing model")
    step_ns = float(timing["integration_step_ns"])
    accel = float(timing["acceleration"])
    cycle_ns = 1000.0 / float(chip["clock"]["frequency_mhz"])
    k = cycle_ns / step_ns
    if abs(k - round(k)) > 1e-9 * k or round(k) < 1:
        refuse(f"{path}: the clock cycle ({cycle_ns} ns) is not a whole number of integration steps")
    h_ms = step_ns * accel * 1e-6   # hardware ns * acceleration = biological ns -> ms

    setups = []
    for tname, t in (chip.get("core_types") or {}).items():
        nm = t.get("neuron_model") or {}
        if nm.get("name") != MODEL:
            continue
        an = nm.get("analog")
        if not isinstance(an, dict):
            refuse(f"{path}: core_types.{tname}.neuron_model has no 'analog' mapping (capmem ranges)")
        if bool(an.get("mismatch", True)):
            refuse(f"{path}: core_types.{tname}.neuron_model.analog.mismatch is true; the reference "
                   "holds only without fixed-pattern mismatch (--set "
                   f"core_types.{tname}.neuron_model.analog.mismatch=false)")
        if float(an.get("noise_mv_per_sqrt_ms", 0)) != 0.0:
            refuse(f"{path}: core_types.{tname}.neuron_model.analog.noise_mv_per_sqrt_ms is "
                   f"{an.get('noise_mv_per_sqrt_ms')}; the reference holds only without membrane noise")
        bits = int((nm.get("widths") or {}).get("capmem", 10))
        cm = an.get("capmem") or {}
        ranges = {}
        for p, (_, in_cm) in PARAMS.items():
            if not in_cm:
                continue
            if p not in cm:
                refuse(f"{path}: core_types.{tname}.neuron_model.analog.capmem has no range for {p}")
            lo, hi = float(cm[p]["min"]), float(cm[p]["max"])
            if not hi > lo:
                refuse(f"{path}: capmem.{p}: max must be > min")
            ranges[p] = (lo, hi)
        setups.append((tname, bits, ranges))
    if not setups:
        refuse(f"{path}: no core type runs {MODEL}")
    for tname, bits, ranges in setups[1:]:
        if (bits, ranges) != setups[0][1:]:
            refuse(f"{path}: core types {setups[0][0]} and {tname} quantise bss2_adex parameters "
                   "differently; the reference cannot know which core a population lands on")
    return {"h_ms": h_ms, "k": int(round(k)), "bits": setups[0][1], "ranges": setups[0][2]}


def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def realise(name, target, chip):
    """Capmem-realised value of a parameter target."""
    if name in SWITCHABLE and target == 0:
        return 0.0
    lo, hi = chip["ranges"][name]
    n = (1 << chip["bits"]) - 1
    code = min(max(round_half_away((target - lo) / (hi - lo) * n), 0), n)
    return lo + code * (hi - lo) / n


# ---------------------------------------------------------------------------------------------
# network

def check_keys(where, m, allowed):
    if not isinstance(m, dict):
        refuse(f"{where}: expected a mapping")
    for key in m:
        if key not in allowed:
            refuse(f"{where}: key '{key}' is not supported by this reference")


def as_number(where, x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        refuse(f"{where}: expected a number, got {x!r}")
    v = float(x)
    if abs(v * 1000 - round(v * 1000)) > 1e-6 * max(1.0, abs(v * 1000)):
        refuse(f"{where}: {x} has more than 3 decimals")
    return v


def as_weight(where, x):
    if isinstance(x, bool) or not isinstance(x, int):
        refuse(f"{where}: expected an integer weight, got {x!r}")
    if not -MAX_WEIGHT <= x <= MAX_WEIGHT:
        refuse(f"{where}: weight {x} is out of range -{MAX_WEIGHT}..{MAX_WEIGHT}")
    return x


def no_delay(where, d):
    if d is not None and d != 0:
        refuse(f"{where}: delay {d!r}: bss2_adex has no programmable delays (only 0)")


def population_params(where, pop, chip):
    n = pop["size"]
    params = pop.get("params") or {}
    check_keys(where + ".params", params, list(PARAMS) + ["synapse"])
    out = {}
    for name, (default, in_cm) in PARAMS.items():
        raw = params.get(name, default)
        if raw is None:
            refuse(f"{where}.params: '{name}' is required")
        vals = raw if isinstance(raw, list) else [raw] * n
        if len(vals) != n:
            refuse(f"{where}.params.{name}: expected one value or {n}, got a list of {len(vals)}")
        vals = [as_number(f"{where}.params.{name}", v) for v in vals]
        out[name] = np.array([realise(name, v, chip) if in_cm else v for v in vals])
    syn = params.get("synapse", "current")
    syn = syn if isinstance(syn, list) else [syn] * n
    if len(syn) != n or any(s not in ("current", "conductance") for s in syn):
        refuse(f"{where}.params.synapse: expected current or conductance (one, or {n})")
    out["cond"] = np.array([1.0 if s == "conductance" else 0.0 for s in syn])
    if np.any(out["c_m"] <= 0) or np.any(out["tau_m"] <= 0) or np.any(out["tau_w"] <= 0) \
            or np.any(out["tau_syn_e"] <= 0) or np.any(out["tau_syn_i"] <= 0):
        refuse(f"{where}.params: time constants and c_m must be > 0 after quantisation")
    return out


def read_network(path, chip):
    with open(path) as f:
        net = yaml.safe_load(f)
    check_keys(path, net, ["network", "populations", "inputs", "projections", "probes"])
    groups = {}   # name -> ("pop"|"in", index)
    pops, inputs = [], []
    for i, p in enumerate(net.get("populations") or []):
        where = f"{path}: populations[{i}]"
        check_keys(where, p, ["name", "size", "shape", "model", "params"])
        if p.get("model") != MODEL:
            refuse(f"{where}: model {p.get('model')!r}; this reference simulates {MODEL} only")
        if p["name"] in groups:
            refuse(f"{where}: name {p['name']!r} used twice")
        groups[p["name"]] = ("pop", len(pops))
        pops.append({"name": p["name"], "size": int(p["size"]),
                     "params": population_params(where, p, chip)})
    for i, s in enumerate(net.get("inputs") or []):
        where = f"{path}: inputs[{i}]"
        check_keys(where, s, ["name", "size", "shape", "spike_times"])
        if "spike_times" not in s:
            refuse(f"{where}: only spike_times inputs are supported")
        if s["name"] in groups:
            refuse(f"{where}: name {s['name']!r} used twice")
        size = int(s["size"])
        times, idx = [], []
        for e in s["spike_times"] or []:
            if not isinstance(e, list) or len(e) != 2:
                refuse(f"{where}.spike_times: expected [time_ms, index], got {e!r}")
            if not 0 <= int(e[1]) < size:
                refuse(f"{where}.spike_times: index {e[1]} out of range 0..{size - 1}")
            times.append(float(e[0]))
            idx.append(int(e[1]))
        groups[s["name"]] = ("in", len(inputs))
        inputs.append({"name": s["name"], "size": size, "times": times, "index": idx})

    projs = []
    rules = ["dense", "sparse", "one_to_one", "all_to_all", "random", "local"]
    for i, p in enumerate(net.get("projections") or []):
        where = f"{path}: projections[{i}]"
        check_keys(where, p, ["name", "from", "to", "delay"] + rules)
        no_delay(where, p.get("delay"))
        if p.get("from") not in groups:
            refuse(f"{where}: unknown source {p.get('from')!r}")
        if groups.get(p.get("to"), ("in",))[0] != "pop":
            refuse(f"{where}: unknown target population {p.get('to')!r}")
        src, dst = groups[p["from"]], groups[p["to"]]
        n_pre = (pops if src[0] == "pop" else inputs)[src[1]]["size"]
        n_post = pops[dst[1]]["size"]
        kinds = [r for r in rules if r in p]
        if len(kinds) != 1:
            refuse(f"{where}: expected exactly one of {', '.join(rules)}")
        kind = kinds[0]
        body = p[kind]
        pre, post, w = [], [], []
        if kind in ("random", "local"):
            refuse(f"{where}: '{kind}' connectivity is drawn by neuromesh's RNG; give the "
                   "synapses explicitly (sparse or dense)")
        elif kind == "sparse":
            for e in body or []:
                if not isinstance(e, list) or len(e) not in (3, 4):
                    refuse(f"{where}.sparse: expected [pre, post, weight(, delay)], got {e!r}")
                if len(e) == 4:
                    no_delay(f"{where}.sparse", e[3])
                if not (0 <= e[0] < n_pre and 0 <= e[1] < n_post):
                    refuse(f"{where}.sparse: entry {e!r} out of range")
                pre.append(int(e[0])); post.append(int(e[1])); w.append(as_weight(where, e[2]))
        elif kind == "dense":
            if not isinstance(body, list) or len(body) != n_post:
                refuse(f"{where}.dense: expected {n_post} rows")
            for r, row in enumerate(body):
                if not isinstance(row, list) or len(row) != n_pre:
                    refuse(f"{where}.dense[{r}]: expected {n_pre} columns")
                for c, x in enumerate(row):
                    pre.append(c); post.append(r); w.append(as_weight(where, x))
        else:
            check_keys(f"{where}.{kind}", body, ["weight", "delay", "seed"])
            no_delay(f"{where}.{kind}", body.get("delay"))
            wt = body.get("weight")
            if isinstance(wt, list):
                refuse(f"{where}.{kind}.weight: a weight range is drawn by neuromesh's RNG")
            wt = as_weight(f"{where}.{kind}.weight", wt)
            if kind == "one_to_one":
                if n_pre != n_post:
                    refuse(f"{where}: one_to_one needs equal sizes, got {n_pre} -> {n_post}")
                pre = list(range(n_pre)); post = list(range(n_pre))
            else:
                pre = [j for j in range(n_pre) for _ in range(n_post)]
                post = [i for _ in range(n_pre) for i in range(n_post)]
            w = [wt] * len(pre)
        pre, post, w = np.array(pre, dtype=int), np.array(post, dtype=int), np.array(w, dtype=int)
        keep = w != 0   # weight 0 makes no synapse
        projs.append({"name": p.get("name", f"{p['from']}->{p['to']}"), "src": src, "dst": dst[1],
                      "pre": pre[keep], "post": post[keep], "w": w[keep]})
    return pops, inputs, projs


# ---------------------------------------------------------------------------------------------
# Brian2

def simulate(pops, inputs, projs, chip, args):
    warnings.filterwarnings("ignore")
    import brian2 as b2
    from brian2 import ms, mV, pF, nS, pA, second

    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.prefs.logging.console_log_level = "WARNING"
    build_dir = None
    if args.codegen == "standalone":
        build_dir = args.build_dir or tempfile.mkdtemp(prefix="bss2_brian2_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=True)
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{args.jobs}"]
        b2.prefs.devices.cpp_standalone.make_cmd_unix = "make -s"
        # no -ffast-math: a reference should evaluate the arithmetic as written
        b2.prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O2", "-std=c++11"]
    else:
        b2.prefs.codegen.target = args.codegen

    h = chip["h_ms"]
    k = chip["k"]
    if args.dt_us is None:
        m = 1
    else:
        ratio = h / (args.dt_us * 1e-3)
        m = int(round(ratio))
        if m < 1 or abs(ratio - m) > 1e-9 * ratio:
            refuse(f"--dt-us {args.dt_us}: the substep ({h * 1e3} us) must be a whole number of dt")
    dt_ms = h / m
    b2.defaultclock.dt = dt_ms * ms
    M = k * m                       # Brian2 steps per clock cycle
    n_sub = int(round(args.duration_ms / h))
    n_steps = n_sub * m

    net = b2.Network()
    groups, monitors = [], []
    for p in pops:
        q = p["params"]
        has_exp = bool(np.any(q["delta_t"] != 0))
        cond = q["cond"]
        if np.all(cond == 0):
            i_syn = "(x_e - x_i)*pA"
        elif np.all(cond == 1):
            i_syn = "x_e*nS*(e_rev_e - v) + x_i*nS*(e_rev_i - v)"
        else:
            i_syn = "(1 - cond)*(x_e - x_i)*pA + cond*(x_e*nS*(e_rev_e - v) + x_i*nS*(e_rev_i - v))"
        exp_term = " + g_L*delta_t*exp_on*exp(clip((v - v_t)/dt_safe, -inf, 50))" if has_exp else ""
        eqs = f"""
        dv/dt = (-g_L*(v - e_l){exp_term} - w + I_syn + i_offset)/c_m : volt (unless refractory)
        dw/dt = (a*(v - e_l) - w)/tau_w : amp
        dx_e/dt = -x_e/tau_syn_e : 1
        dx_i/dt = -x_i/tau_syn_i : 1
        I_syn = {i_syn} : amp
        g_L : siemens (constant)
        c_m : farad (constant)
        e_l : volt (constant)
        v_t : volt (constant)
        delta_t : volt (constant)
        dt_safe : volt (constant)
        exp_on : 1 (constant)
        v_peak : volt (constant)
        v_reset : volt (constant)
        t_refr : second (constant)
        a : siemens (constant)
        b : amp (constant)
        tau_w : second (constant)
        tau_syn_e : second (constant)
        tau_syn_i : second (constant)
        i_offset : amp (constant)
        w_e : 1 (constant)
        w_i : 1 (constant)
        e_rev_e : volt (constant)
        e_rev_i : volt (constant)
        cond : 1 (constant)
        """
        g = b2.NeuronGroup(p["size"], eqs, threshold="v >= v_peak", reset="v = v_reset; w += b",
                           refractory="t_refr", method=args.method, name=f"pop_{len(groups)}")
        g.c_m = q["c_m"] * pF
        g.g_L = q["c_m"] / q["tau_m"] * nS          # pF / ms = nS
        g.e_l = q["e_l"] * mV
        g.v_t = q["v_t"] * mV
        g.delta_t = q["delta_t"] * mV
        g.exp_on = (q["delta_t"] != 0).astype(float)
        g.dt_safe = np.where(q["delta_t"] != 0, q["delta_t"], 1.0) * mV
        g.v_peak = q["v_peak"] * mV
        g.v_reset = q["v_reset"] * mV
        # Refractory for n = round(t_ref / h) substeps after the spike: Brian2 holds the steps
        # with timestep(t - lastspike) < timestep(t_refr), i.e. n*m steps after the spike step
        # when t_refr = (n*m + 1) dt.
        n_ref = np.array([round_half_away(t / h) for t in q["t_ref"]])
        g.t_refr = np.where(n_ref > 0, (n_ref * m + 1) * dt_ms, 0.0) * ms
        g.a = q["a"] * nS
        g.b = q["b"] * pA
        g.tau_w = q["tau_w"] * ms
        g.tau_syn_e = q["tau_syn_e"] * ms
        g.tau_syn_i = q["tau_syn_i"] * ms
        g.i_offset = q["i_offset"] * pA
        g.w_e = q["w_e"]
        g.w_i = q["w_i"]
        g.e_rev_e = q["e_rev_e"] * mV
        g.e_rev_i = q["e_rev_i"] * mV
        g.cond = q["cond"]
        g.v = q["e_l"] * mV
        g.w = 0 * pA
        mon = b2.SpikeMonitor(g, name=f"spikes_{len(groups)}")
        groups.append(g)
        monitors.append(mon)
        net.add(g, mon)

    # Inputs: the exact arrival substep A of every spike; the generator fires at step A*m - 1 so
    # that on_pre (delay 0, applied after that step's update) acts from the update at A*h.
    # Spikes of one channel that arrive in the same substep go into separate layers (a
    # SpikeGeneratorGroup fires a channel at most once per step); their inputs add up.
    input_layers = []
    for s in inputs:
        steps = {}
        for T, j in zip(s["times"], s["index"]):
            sub = round_half_away(T / h)
            arrive = (sub // k + 1 + args.host_latency_cycles) * k
            key = (j, arrive * m - 1)
            steps[key] = steps.get(key, 0) + 1
        layers = []
        depth = max(steps.values(), default=0)
        for layer in range(depth):
            keys = sorted((st, j) for (j, st), c in steps.items() if c > layer)
            idx = np.array([j for st, j in keys], dtype=int)
            t = np.array([st for st, j in keys], dtype=float) * dt_ms
            gen = b2.SpikeGeneratorGroup(s["size"], idx, t * ms,
                                         name=f"in_{len(input_layers)}_{layer}")
            net.add(gen)
            layers.append(gen)
        input_layers.append(layers)

    syn_model = "we : 1 (constant)\nwi : 1 (constant)"
    on_event = "x_e_post += we*w_e_post\nx_i_post += wi*w_i_post"
    lc = args.core_latency_cycles
    # --delivery mean: the true delay of a spike emitted at phase r = n mod M of its cycle is
    # (1 + LC) M - 1 - r steps (see the header); its mean over r is (1 + LC) M - (M + 1)/2.
    mean_delay = int(math.floor((1 + lc) * M - (M + 1) / 2.0 + 0.5))
    n_syn = 0
    for pi, pr in enumerate(projs):
        if len(pr["pre"]) == 0:
            continue
        tgt = groups[pr["dst"]]
        w_exc = np.maximum(pr["w"], 0).astype(float)
        w_inh = np.maximum(-pr["w"], 0).astype(float)
        if pr["src"][0] == "in":
            sources = input_layers[pr["src"][1]]
            kw = [dict(on_pre=on_event, delay=0 * ms)] * len(sources)
        else:
            sources = [groups[pr["src"][1]]]
            if args.delivery == "mean":
                kw = [dict(on_pre=on_event, delay=mean_delay * dt_ms * ms)]
            else:
                gate = f"(timestep(t, dt) + 1) % {M} == 0"
                paths = {f"p{r}": f"x_e_post += we*w_e_post*int({gate})\n"
                                  f"x_i_post += wi*w_i_post*int({gate})" for r in range(M)}
                delays = {f"p{r}": ((1 + lc) * M - 1 - r) * dt_ms * ms for r in range(M)}
                kw = [dict(on_pre=paths, delay=delays)]
        for li, (src, kwargs) in enumerate(zip(sources, kw)):
            S = b2.Synapses(src, tgt, model=syn_model, name=f"proj_{pi}_{li}", **kwargs)
            S.connect(i=pr["pre"], j=pr["post"])
            S.we = w_exc
            S.wi = w_inh
            net.add(S)
            n_syn += len(pr["pre"])

    t0 = time.time()
    net.run(n_steps * dt_ms * ms, namespace={})   # units, functions: Brian2 defaults
    wall = time.time() - t0     # standalone: code generation, compilation and the run
    sim_s = getattr(b2.device, "_last_run_time", None) if args.codegen == "standalone" else None
    if sim_s is None:
        sim_s = wall

    rows = []
    for pi, (p, mon) in enumerate(zip(pops, monitors)):
        t = np.asarray(mon.t / second) * 1e3
        i = np.asarray(mon.i)
        st = np.rint(t / dt_ms).astype(np.int64)
        for a_, b_ in zip(st, i):
            if a_ < n_steps:
                rows.append((int(a_), pi, int(b_)))
    rows.sort()
    if build_dir and not args.build_dir and not args.keep_build:
        shutil.rmtree(build_dir, ignore_errors=True)
    return rows, dt_ms, (wall, sim_s), n_syn, mean_delay


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chip", required=True)
    ap.add_argument("--network", required=True)
    ap.add_argument("--duration-ms", type=float, required=True)
    ap.add_argument("--core-latency-cycles", type=int, required=True)
    ap.add_argument("--host-latency-cycles", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--dt-us", type=float, default=None,
                    help="Brian2 step in biological us (default: the chip's substep)")
    ap.add_argument("--method", choices=["euler", "rk2", "rk4"], default="euler")
    ap.add_argument("--delivery", choices=["mean", "exact"], default="mean",
                    help="population-spike delivery: one mean delay, or exact cycle quantisation")
    ap.add_argument("--codegen", choices=["standalone", "cython", "numpy"], default="standalone",
                    help="Brian2 code generation: cpp_standalone (default, fastest here), "
                         "runtime cython or runtime numpy")
    ap.add_argument("--build-dir", default=None, help="standalone build directory (kept)")
    ap.add_argument("--keep-build", action="store_true", help="keep the temporary build directory")
    ap.add_argument("--jobs", type=int, default=2, help="make -j for the standalone build")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="change the chip config first, as neuromesh --set does (repeatable)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    try:
        if args.duration_ms <= 0:
            refuse("--duration-ms must be > 0")
        if args.core_latency_cycles < 0 or args.host_latency_cycles < 0:
            refuse("latencies must be >= 0 cycles")
        chip = read_chip(args.chip, args.set)
        pops, inputs, projs = read_network(args.network, chip)
        rows, dt_ms, wall, n_syn, mean_delay = simulate(pops, inputs, projs, chip, args)
    except Refuse as e:
        print(f"bss2_brian2: error: {e}", file=sys.stderr)
        return 2
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        print(f"bss2_brian2: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("time_ms,population,neuron\n")
        for st, pi, i in rows:
            f.write(f"{st * dt_ms:.6f},{pops[pi]['name']},{i}\n")
    os.replace(tmp, args.out)
    if not args.quiet:
        print(f"bss2_brian2: {len(rows)} spikes, {sum(p['size'] for p in pops)} neurons, "
              f"{n_syn} synapses, dt {dt_ms * 1e3:g} us, {args.method}, {args.codegen}, "
              f"delivery {args.delivery} (mean delay {mean_delay} steps), "
              f"{args.duration_ms:g} ms in {wall[0]:.1f} s (simulation alone {wall[1]:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
