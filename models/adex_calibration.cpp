#include "models/adex_calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neuromesh::models {

namespace {

// The circuits as realised with `codes`, set up for a measurement: spiking and adaptation off,
// no offset current, current-based inputs (the digital configuration of a measurement).
std::vector<AdexCircuit> quiet(const AnalogSetup& a, const std::vector<CalibrationTarget>& t,
                               const std::vector<std::vector<uint32_t>>& codes) {
  std::vector<AdexCircuit> c(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    c[i] = adex_realise(a, *t[i].params, t[i].neuron, t[i].circuit, codes[i].data());
    c[i].exponential = false;
    c[i].adapt_a = c[i].adapt_b = false;
    c[i].a = c[i].b = 0;
    c[i].i_offset = 0;
    c[i].conductance = false;
    c[i].v_peak = std::numeric_limits<double>::infinity();
  }
  return c;
}

std::vector<uint32_t> ids_of(const std::vector<CalibrationTarget>& t) {
  std::vector<uint32_t> ids;
  for (const auto& x : t) ids.push_back(x.circuit);
  return ids;
}

uint64_t substeps(const AnalogSetup& a, double ms) { return uint64_t(std::ceil(ms / a.substep_ms)); }

double target(const CalibrationTarget& t, uint32_t p) { return adex_target(*t.params, p, t.neuron); }

// tau_s from a PSP's time to peak with membrane time constant tau_m (both ms).
double tau_syn_from_peak(double t_peak, double tau_m) {
  auto peak = [&](double ts) {
    if (std::fabs(ts - tau_m) < 1e-9 * tau_m) return tau_m;
    return tau_m * ts / (tau_m - ts) * std::log(tau_m / ts);
  };
  double lo = 1e-4, hi = 1e5;
  for (int k = 0; k < 200; ++k) {
    const double mid = std::sqrt(lo * hi);
    (peak(mid) < t_peak ? lo : hi) = mid;
  }
  return std::sqrt(lo * hi);
}

}  // namespace

std::vector<double> measure_adex(const AnalogSetup& a, const std::vector<CalibrationTarget>& t,
                                 const std::vector<std::vector<uint32_t>>& codes, uint32_t p,
                                 const std::vector<std::vector<double>>& known) {
  const size_t n = t.size();
  std::vector<AdexCircuit> c = quiet(a, t, codes);
  std::vector<double> out(n, 0.0);
  std::vector<TimedSpike> spikes;
  double tau = 0;
  for (size_t i = 0; i < n; ++i) tau = std::max(tau, target(t[i], kTauM));
  if (p == kVReset) {
    for (auto& x : c) x.t_ref = std::max(x.t_ref, 4 * a.substep_ms);
    for (auto& x : c) x.v_peak = x.e_l + 1000;   // the threshold, reached by a forced excursion
    AdexUnit u(c, ids_of(t), a);
    for (size_t i = 0; i < n; ++i) u.set_v(uint32_t(i), c[i].v_peak + 1);
    u.advance(0, 2, nullptr, 0, spikes);
    for (size_t i = 0; i < n; ++i) out[i] = u.v(uint32_t(i));
    return out;
  }
  if (p == kVPeak) {
    // A current that would settle 20 mV above the target threshold: v ramps through it.
    for (size_t i = 0; i < n; ++i) {
      const auto& r = adex_realise(a, *t[i].params, t[i].neuron, t[i].circuit, codes[i].data());
      c[i].v_peak = r.v_peak;
      c[i].i_offset = c[i].g_l * (target(t[i], kVPeak) + 20 - known[i][kEL]);
    }
    AdexUnit u(c, ids_of(t), a);
    std::vector<double> top(n, -1e9);
    std::vector<bool> done(n, false);
    const uint64_t limit = substeps(a, 10 * tau);
    for (uint64_t s = 0; s < limit; ++s) {
      spikes.clear();
      u.advance(s, s + 1, nullptr, 0, spikes);
      for (const auto& sp : spikes) done[sp.neuron] = true;
      for (size_t i = 0; i < n; ++i)
        if (!done[i]) top[i] = std::max(top[i], u.v(uint32_t(i)));
      if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) break;
    }
    return top;
  }
  AdexUnit u(c, ids_of(t), a);
  if (p == kEL) {
    for (size_t i = 0; i < n; ++i) u.set_v(uint32_t(i), target(t[i], kEL) - 10);
    const uint64_t settle = substeps(a, 5 * tau), avg = substeps(a, tau);
    u.advance(0, settle, nullptr, 0, spikes);
    for (uint64_t s = settle; s < settle + avg; ++s) {
      u.advance(s, s + 1, nullptr, 0, spikes);
      for (size_t i = 0; i < n; ++i) out[i] += u.v(uint32_t(i)) / double(avg);
    }
    return out;
  }
  if (p == kTauM) {
    for (size_t i = 0; i < n; ++i) u.set_v(uint32_t(i), known[i][kEL] - 10);
    std::vector<bool> done(n, false);
    const uint64_t limit = substeps(a, 10 * tau);
    const double level = 10 / std::exp(1.0);
    std::fill(out.begin(), out.end(), std::numeric_limits<double>::infinity());  // never relaxed
    for (uint64_t s = 0; s < limit; ++s) {
      u.advance(s, s + 1, nullptr, 0, spikes);
      for (size_t i = 0; i < n; ++i) {
        if (!done[i] && known[i][kEL] - u.v(uint32_t(i)) <= level) {
          done[i] = true;
          out[i] = double(s + 1) * a.substep_ms;
        }
      }
    }
    return out;
  }
  // tau_syn_e / tau_syn_i: one strong event at substep 0; the PSP's extremum time.
  const uint32_t channel = p == kTauSynE ? 0 : 1;
  std::vector<TimedEvent> ev;
  for (uint32_t i = 0; i < n; ++i) ev.push_back({0, i, channel, 63});
  std::vector<double> best(n, 0.0), when(n, 0.0);
  const uint64_t limit = substeps(a, 5 * tau);
  for (uint64_t s = 0; s < limit; ++s) {
    u.advance(s, s + 1, s == 0 ? ev.data() : nullptr, s == 0 ? ev.size() : 0, spikes);
    for (size_t i = 0; i < n; ++i) {
      const double dev = std::fabs(u.v(uint32_t(i)) - c[i].e_l);
      if (dev > best[i]) best[i] = dev, when[i] = double(s) * a.substep_ms;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    // An extremum at the end of the window: the PSP has not peaked yet, tau_syn is longer.
    const bool open = when[i] >= double(limit - 1) * a.substep_ms;
    out[i] = open ? std::numeric_limits<double>::infinity()
                  : tau_syn_from_peak(std::max(when[i], a.substep_ms), known[i][kTauM]);
  }
  return out;
}

CalibrationResult calibrate_adex(const AnalogSetup& a, const std::vector<CalibrationTarget>& t) {
  const size_t n = t.size();
  const uint32_t top = capmem_max_code(a.capmem_bits);
  CalibrationResult r;
  r.codes.assign(n, std::vector<uint32_t>(kAdexParams, 0));
  for (size_t i = 0; i < n; ++i)
    for (uint32_t p = 0; p < kAdexParams; ++p)
      if (adex_in_capmem(p)) r.codes[i][p] = capmem_code(a.range[p], a.capmem_bits, target(t[i], p));
  const auto ideal = r.codes;
  r.before.assign(n, std::vector<double>(kAdexParams, 0.0));
  r.after = r.before;
  for (uint32_t p : kCalibratedParams) r.before = [&] {
    auto b = r.before;
    const auto m = measure_adex(a, t, ideal, p, b);
    for (size_t i = 0; i < n; ++i) b[i][p] = m[i];
    return b;
  }();
  for (uint32_t p : kCalibratedParams) {
    std::vector<uint32_t> lo(n, 0), hi(n, top), best(n, 0);
    std::vector<double> err(n, std::numeric_limits<double>::infinity());
    auto codes = r.codes;
    auto consider = [&](const std::vector<double>& m) {
      for (size_t i = 0; i < n; ++i) {
        const double e = std::fabs(m[i] - target(t[i], p));
        if (e < err[i] || (e == err[i] && codes[i][p] < best[i])) err[i] = e, best[i] = codes[i][p];
      }
    };
    while (true) {
      bool open = false;
      for (size_t i = 0; i < n; ++i) {
        codes[i][p] = (lo[i] + hi[i]) / 2;
        open |= lo[i] < hi[i];
      }
      const auto m = measure_adex(a, t, codes, p, r.after);
      consider(m);
      if (!open) break;
      for (size_t i = 0; i < n; ++i) {
        if (lo[i] >= hi[i]) continue;
        if (m[i] < target(t[i], p)) lo[i] = codes[i][p] + 1;
        else hi[i] = codes[i][p];
      }
    }
    for (size_t i = 0; i < n; ++i) r.codes[i][p] = best[i];
    const auto m = measure_adex(a, t, r.codes, p, r.after);
    for (size_t i = 0; i < n; ++i) r.after[i][p] = m[i];
  }
  return r;
}

}  // namespace neuromesh::models
