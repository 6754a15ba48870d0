#include "models/adex_calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

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

namespace {

// What one measurement works with: the circuits in their measurement configuration, the
// targets, earlier measurements, and the longest target membrane time constant (run lengths).
struct Bench {
  const AnalogSetup& a;
  const std::vector<CalibrationTarget>& t;
  const std::vector<std::vector<uint32_t>>& codes;
  const std::vector<std::vector<double>>& known;
  std::vector<AdexCircuit> c;
  double tau = 0;
  size_t n() const { return t.size(); }
  AdexUnit unit() const { return AdexUnit(c, ids_of(t), a); }
};

// v_reset: the potential held during the refractory period after a forced excursion above
// threshold.
std::vector<double> measure_reset(Bench& b) {
  for (auto& x : b.c) x.t_ref = std::max(x.t_ref, 4 * b.a.substep_ms);
  for (auto& x : b.c) x.v_peak = x.e_l + 1000;
  AdexUnit u = b.unit();
  std::vector<TimedSpike> spikes;
  for (size_t i = 0; i < b.n(); ++i) u.set_v(uint32_t(i), b.c[i].v_peak + 1);
  u.advance(0, 2, nullptr, 0, spikes);
  std::vector<double> out(b.n());
  for (size_t i = 0; i < b.n(); ++i) out[i] = u.v(uint32_t(i));
  return out;
}

// v_peak: the highest potential before the first spike, under a current that would settle
// 20 mV above the target threshold.
std::vector<double> measure_peak(Bench& b) {
  for (size_t i = 0; i < b.n(); ++i) {
    const auto& t = b.t[i];
    b.c[i].v_peak = adex_realise(b.a, *t.params, t.neuron, t.circuit, b.codes[i].data()).v_peak;
    b.c[i].i_offset = b.c[i].g_l * (target(t, kVPeak) + 20 - b.known[i][kEL]);
  }
  AdexUnit u = b.unit();
  std::vector<TimedSpike> spikes;
  std::vector<double> top(b.n(), -1e9);
  std::vector<bool> done(b.n(), false);
  const uint64_t limit = substeps(b.a, 10 * b.tau);
  for (uint64_t s = 0; s < limit; ++s) {
    spikes.clear();
    u.advance(s, s + 1, nullptr, 0, spikes);
    for (const auto& sp : spikes) done[sp.neuron] = true;
    for (size_t i = 0; i < b.n(); ++i)
      if (!done[i]) top[i] = std::max(top[i], u.v(uint32_t(i)));
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) break;
  }
  return top;
}

// e_l: v averaged over one tau_m after settling for 5 from 10 mV below the target.
std::vector<double> measure_rest(Bench& b) {
  AdexUnit u = b.unit();
  std::vector<TimedSpike> spikes;
  for (size_t i = 0; i < b.n(); ++i) u.set_v(uint32_t(i), target(b.t[i], kEL) - 10);
  const uint64_t settle = substeps(b.a, 5 * b.tau), avg = substeps(b.a, b.tau);
  u.advance(0, settle, nullptr, 0, spikes);
  std::vector<double> out(b.n(), 0.0);
  for (uint64_t s = settle; s < settle + avg; ++s) {
    u.advance(s, s + 1, nullptr, 0, spikes);
    for (size_t i = 0; i < b.n(); ++i) out[i] += u.v(uint32_t(i)) / double(avg);
  }
  return out;
}

// tau_m: the time v takes to relax from e_l - 10 mV to within 10/e mV of the measured e_l.
std::vector<double> measure_tau_m(Bench& b) {
  AdexUnit u = b.unit();
  std::vector<TimedSpike> spikes;
  for (size_t i = 0; i < b.n(); ++i) u.set_v(uint32_t(i), b.known[i][kEL] - 10);
  std::vector<bool> done(b.n(), false);
  const uint64_t limit = substeps(b.a, 10 * b.tau);
  const double level = 10 / std::exp(1.0);
  std::vector<double> out(b.n(), std::numeric_limits<double>::infinity());  // never relaxed
  for (uint64_t s = 0; s < limit; ++s) {
    u.advance(s, s + 1, nullptr, 0, spikes);
    for (size_t i = 0; i < b.n(); ++i) {
      if (!done[i] && b.known[i][kEL] - u.v(uint32_t(i)) <= level) {
        done[i] = true;
        out[i] = double(s + 1) * b.a.substep_ms;
      }
    }
  }
  return out;
}

// tau_syn_e / tau_syn_i: one strong event at substep 0; the PSP's extremum time with the
// measured tau_m.
std::vector<double> measure_tau_syn(Bench& b, uint32_t channel) {
  AdexUnit u = b.unit();
  std::vector<TimedSpike> spikes;
  std::vector<TimedEvent> ev;
  for (uint32_t i = 0; i < b.n(); ++i) ev.push_back({0, i, channel, 63});
  std::vector<double> best(b.n(), 0.0), when(b.n(), 0.0), out(b.n());
  const uint64_t limit = substeps(b.a, 5 * b.tau);
  for (uint64_t s = 0; s < limit; ++s) {
    u.advance(s, s + 1, s == 0 ? ev.data() : nullptr, s == 0 ? ev.size() : 0, spikes);
    for (size_t i = 0; i < b.n(); ++i) {
      const double dev = std::fabs(u.v(uint32_t(i)) - b.c[i].e_l);
      if (dev > best[i]) best[i] = dev, when[i] = double(s) * b.a.substep_ms;
    }
  }
  for (size_t i = 0; i < b.n(); ++i) {
    // An extremum at the end of the run: the PSP has not peaked yet, tau_syn is longer.
    const bool open = when[i] >= double(limit - 1) * b.a.substep_ms;
    out[i] = open ? std::numeric_limits<double>::infinity()
                  : tau_syn_from_peak(std::max(when[i], b.a.substep_ms), b.known[i][kTauM]);
  }
  return out;
}

}  // namespace

std::vector<double> measure_adex(const AnalogSetup& a, const std::vector<CalibrationTarget>& t,
                                 const std::vector<std::vector<uint32_t>>& codes, uint32_t p,
                                 const std::vector<std::vector<double>>& known) {
  Bench b{a, t, codes, known, quiet(a, t, codes), 0.0};
  for (const auto& x : t) b.tau = std::max(b.tau, target(x, kTauM));
  switch (p) {
    case kVReset: return measure_reset(b);
    case kVPeak: return measure_peak(b);
    case kEL: return measure_rest(b);
    case kTauM: return measure_tau_m(b);
    case kTauSynE: return measure_tau_syn(b, 0);
    case kTauSynI: return measure_tau_syn(b, 1);
    default: throw std::logic_error(std::string("no calibration measurement of ") + adex_param_name(p));
  }
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
  for (uint32_t p : kCalibratedParams) {   // in order: later measurements use earlier ones
    const auto m = measure_adex(a, t, ideal, p, r.before);
    for (size_t i = 0; i < n; ++i) r.before[i][p] = m[i];
  }
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
