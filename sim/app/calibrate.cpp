#include "sim/app/calibrate.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "models/adex_calibration.h"
#include "models/neuron_model_registry.h"
#include "sim/chip/chip_model.h"
#include "sim/config/yaml_reader.h"
#include "sim/io/output_set.h"

namespace neuromesh::app {

namespace {

// The circuits a network uses on an analog chip, grouped by core type.
struct Used {
  uint32_t type = 0;
  std::vector<models::CalibrationTarget> targets;
  std::vector<std::pair<uint32_t, uint32_t>> where;   // (chip core, local neuron)
};

std::map<uint32_t, Used> used_circuits(const Loaded& l) {
  const auto& registry = models::NeuronModelRegistry::instance();
  std::map<uint32_t, Used> by_type;
  for (uint32_t c = 0; c < l.chip.cores.size(); ++c) {
    const auto& cm = l.placement.cores[c];
    if (!cm.used() || !registry.get(l.net.populations[cm.population].model).continuous) continue;
    Used& u = by_type[l.chip.cores[c].type];
    u.type = l.chip.cores[c].type;
    for (uint32_t i = 0; i < cm.count(); ++i) {
      u.targets.push_back({chip::circuit_id(c, i), &l.net.populations[cm.population].params, cm.neurons[i]});
      u.where.push_back({c, i});
    }
  }
  return by_type;
}

std::string thousandths(double v) { return fmt::format("{:.3f}", v); }

struct Spread {
  double mean = 0, sd = 0, worst = 0;
};
Spread spread(const std::vector<models::CalibrationTarget>& t, const std::vector<std::vector<double>>& m,
              uint32_t p) {
  Spread s;
  if (t.empty()) return s;
  for (size_t i = 0; i < t.size(); ++i) {
    const double e = m[i][p] - models::adex_target(*t[i].params, p, t[i].neuron);
    s.mean += e;
    s.sd += e * e;
    s.worst = std::max(s.worst, std::fabs(e));
  }
  const double n = double(t.size());
  s.mean /= n;
  s.sd = std::sqrt(std::max(0.0, s.sd / n - s.mean * s.mean));
  return s;
}

// Firing rate (Hz) of a LIF circuit under constant current: 1 / (t_ref + tau ln((Vinf - Vr) /
// (Vinf - theta))), Vinf = E_L + I tau / C; 0 when Vinf does not reach theta.
double lif_rate(double e_l, double v_reset, double v_peak, double tau_m, double i, double c_m, double t_ref) {
  const double vinf = e_l + i * tau_m / c_m;
  if (vinf <= v_peak) return 0;
  return 1000.0 / (t_ref + tau_m * std::log((vinf - v_reset) / (vinf - v_peak)));
}

// The rate spread a population of tonic LIF neurons (no exponential term, no adaptation, driven
// by i_offset) should show after calibration: first-order propagation of each parameter's spread
// through lif_rate, with the measured residuals for the calibrated parameters and the config's
// mismatch spreads for i_offset and t_ref (not calibrated).
struct RatePrediction {
  bool applies = false;
  double mean = 0, sd = 0;
};
RatePrediction predict_rates(const Loaded& l, uint32_t type, const Used& u,
                             const models::CalibrationResult& r, uint32_t pop) {
  using namespace models;
  RatePrediction out;
  const auto& params = l.net.populations[pop].params;
  std::vector<size_t> mine;
  for (size_t i = 0; i < u.targets.size(); ++i)
    if (u.targets[i].params == &params) mine.push_back(i);
  if (mine.empty()) return out;
  const uint32_t n0 = u.targets[mine[0]].neuron;
  for (uint32_t p = 0; p < kAdexParams; ++p) {
    for (size_t i : mine)
      if (params.get(p, u.targets[i].neuron) != params.get(p, n0)) return out;   // one shared set
  }
  if (params.get(kDeltaT, n0) != 0 || params.get(kA, n0) != 0 || params.get(kB, n0) != 0) return out;
  const auto& range = l.chip.core_types[type].neuron_model.analog.capmem;
  double x[7] = {adex_target(params, kEL, n0), adex_target(params, kVReset, n0), adex_target(params, kVPeak, n0),
                 adex_target(params, kTauM, n0), adex_target(params, kIOffset, n0), adex_target(params, kCm, n0),
                 adex_target(params, kTRef, n0)};
  const uint32_t which[4] = {kEL, kVReset, kVPeak, kTauM};
  double sd[7] = {0, 0, 0, 0, 0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    double m = 0, m2 = 0;
    for (size_t i : mine) {
      const double e = r.after[i][which[k]] - x[k];
      m += e, m2 += e * e;
    }
    m /= double(mine.size());
    sd[k] = std::sqrt(std::max(0.0, m2 / double(mine.size()) - m * m));
  }
  sd[4] = std::hypot(range[kIOffset].gain_spread * x[4], range[kIOffset].offset_spread);
  sd[6] = std::hypot(range[kTRef].gain_spread * x[6], range[kTRef].offset_spread);
  auto rate = [&](const double* y) { return lif_rate(y[0], y[1], y[2], y[3], y[4], y[5], y[6]); };
  out.mean = rate(x);
  if (out.mean <= 0) return out;
  double var = 0;
  for (int k = 0; k < 7; ++k) {
    if (sd[k] == 0) continue;
    double y[7];
    std::copy(x, x + 7, y);
    const double d = 1e-4 * std::max(1.0, std::fabs(x[k]));
    y[k] = x[k] + d;
    const double up = rate(y);
    y[k] = x[k] - d;
    const double down = rate(y);
    const double g = (up - down) / (2 * d);
    var += g * g * sd[k] * sd[k];
  }
  out.applies = true;
  out.sd = std::sqrt(var);
  return out;
}

std::string header(const Loaded& l, uint32_t type) {
  return fmt::format("# neuromesh calibration: chip '{}' core type '{}' sample {} network '{}'\n",
                     l.chip.name, l.chip.core_types[type].name,
                     l.chip.core_types[type].neuron_model.analog.mismatch_seed, l.net.name);
}

}  // namespace

int calibrate_command(const CalibrateOptions& o) {
  Loaded l = load_and_map(o.chip, o.network, o.strategy, o.seed, o.overrides);
  if (chip::analog_clock(l.chip).substeps_per_cycle == 0) {
    throw map::MapError(o.chip + ": calibrate applies to analog chips (timing.model: analog); '" +
                        l.chip.name + "' is digital");
  }
  const auto used = used_circuits(l);
  io::OutputSet out({o.chip, o.network});
  out.add_folder(o.out, {"calibration.csv", "calibration.json"}, {}, "--out");
  std::string csv, json = "{\n  \"chip\": \"" + l.chip.name + "\",\n  \"network\": \"" + l.net.name +
                          "\",\n  \"core_types\": [\n";
  std::cout << fmt::format("calibrating the circuits of '{}' on '{}' (residual = measured - target):\n",
                           l.net.name, l.chip.name);
  bool first_type = true;
  for (const auto& [type, u] : used) {
    const models::AnalogSetup setup = chip::analog_setup(l.chip, type, l.net.seed, nullptr);
    const models::CalibrationResult r = models::calibrate_adex(setup, u.targets);
    csv += header(l, type);
    csv += "core,neuron,parameter,target,code\n";
    for (size_t i = 0; i < u.targets.size(); ++i) {
      for (uint32_t p : models::kCalibratedParams) {
        csv += fmt::format("{},{},{},{},{}\n", l.chip.cores[u.where[i].first].name, u.where[i].second,
                           models::adex_param_name(p),
                           thousandths(models::adex_target(*u.targets[i].params, p, u.targets[i].neuron)),
                           r.codes[i][p]);
      }
    }
    json += fmt::format("{}    {{\"core_type\": \"{}\", \"circuits\": {}, \"mismatch_seed\": {}, \"parameters\": {{\n",
                        first_type ? "" : ",\n", l.chip.core_types[type].name, u.targets.size(),
                        setup.mismatch_seed);
    first_type = false;
    std::cout << fmt::format("core type '{}', {} circuits\n  {:<10} {:>12} {:>12} {:>12} {:>12}\n",
                             l.chip.core_types[type].name, u.targets.size(), "parameter",
                             "sd before", "sd after", "worst before", "worst after");
    bool first = true;
    for (uint32_t p : models::kCalibratedParams) {
      const Spread b = spread(u.targets, r.before, p), a = spread(u.targets, r.after, p);
      std::cout << fmt::format("  {:<10} {:>12.4g} {:>12.4g} {:>12.4g} {:>12.4g}\n",
                               models::adex_param_name(p), b.sd, a.sd, b.worst, a.worst);
      json += fmt::format("{}      \"{}\": {{\"before\": {{\"mean\": {:.6g}, \"sd\": {:.6g}, \"worst\": {:.6g}}}, "
                          "\"after\": {{\"mean\": {:.6g}, \"sd\": {:.6g}, \"worst\": {:.6g}}}}}",
                          first ? "" : ",\n", models::adex_param_name(p), b.mean, b.sd, b.worst,
                          a.mean, a.sd, a.worst);
      first = false;
    }
    json += "\n    }, \"predicted_rates\": {";
    bool first_pop = true;
    for (uint32_t pop = 0; pop < l.net.populations.size(); ++pop) {
      const RatePrediction pr = predict_rates(l, type, u, r, pop);
      if (!pr.applies) continue;
      std::cout << fmt::format("  predicted rate of '{}' after calibration: {:.4g} +- {:.3g} Hz (sd over neurons)\n",
                               l.net.populations[pop].name, pr.mean, pr.sd);
      json += fmt::format("{}\"{}\": {{\"mean_hz\": {:.6g}, \"sd_hz\": {:.6g}}}", first_pop ? "" : ", ",
                          l.net.populations[pop].name, pr.mean, pr.sd);
      first_pop = false;
    }
    json += "}}";
  }
  json += "\n  ]\n}\n";
  out.write((std::filesystem::path(o.out) / "calibration.csv").string(), csv);
  out.write((std::filesystem::path(o.out) / "calibration.json").string(), json);
  out.commit();
  std::cout << fmt::format("wrote {0}/calibration.csv and {0}/calibration.json\n", o.out);
  return 0;
}

models::AdexCalibration load_calibration(const std::string& file, const Loaded& l) {
  const std::string text = config::yaml::read_text_file(file, "a calibration file");
  std::map<std::string, uint32_t> core_index;
  for (uint32_t c = 0; c < l.chip.cores.size(); ++c) core_index[l.chip.cores[c].name] = c;
  std::map<std::string, uint32_t> param_index;
  for (uint32_t p : models::kCalibratedParams) param_index[models::adex_param_name(p)] = p;
  models::AdexCalibration cal;
  std::map<uint64_t, int64_t> target_of;   // key -> target in thousandths
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  auto fail = [&](const std::string& why) {
    throw map::MapError(fmt::format("{}:{}: {}", file, n, why));
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("# neuromesh calibration:", 0) == 0) {
      bool known = false;
      for (uint32_t t = 0; t < l.chip.core_types.size(); ++t) known |= header(l, t) == line + "\n";
      if (!known) fail("made for another chip, chip sample or network: '" + line + "'; this run is chip '" +
                       l.chip.name + "' network '" + l.net.name + "' (recalibrate)");
      continue;
    }
    if (line == "core,neuron,parameter,target,code" || line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream cells(line);
    for (std::string c; std::getline(cells, c, ',');) f.push_back(c);
    if (f.size() != 5) fail("expected core,neuron,parameter,target,code, got '" + line + "'");
    auto core = core_index.find(f[0]);
    if (core == core_index.end()) fail("no core named '" + f[0] + "' on chip '" + l.chip.name + "'");
    auto param = param_index.find(f[2]);
    if (param == param_index.end()) fail("'" + f[2] + "' is not a calibrated parameter");
    char* end = nullptr;
    const unsigned long neuron = std::strtoul(f[1].c_str(), &end, 10);
    if (f[1].empty() || *end || neuron >= l.chip.type_of(l.chip.cores[core->second]).neurons) {
      fail("bad neuron '" + f[1] + "'");
    }
    const double target = std::strtod(f[3].c_str(), &end);
    if (f[3].empty() || *end) fail("bad target '" + f[3] + "'");
    const unsigned long code = std::strtoul(f[4].c_str(), &end, 10);
    const int bits = l.chip.type_of(l.chip.cores[core->second]).neuron_model.widths.at("capmem");
    if (f[4].empty() || *end || code > models::capmem_max_code(bits)) fail("bad capmem code '" + f[4] + "'");
    const uint64_t key = models::AdexCalibration::key(chip::circuit_id(core->second, uint32_t(neuron)), param->second);
    cal.code[key] = uint32_t(code);
    target_of[key] = std::llround(target * 1000);
  }
  if (n == 0) throw map::MapError(file + ": empty calibration file");
  for (const auto& [type, u] : used_circuits(l)) {
    for (size_t i = 0; i < u.targets.size(); ++i) {
      for (uint32_t p : models::kCalibratedParams) {
        const uint64_t key = models::AdexCalibration::key(u.targets[i].circuit, p);
        const int64_t want = u.targets[i].params->get(p, u.targets[i].neuron);
        auto it = target_of.find(key);
        if (it == target_of.end() || it->second != want) {
          throw map::MapError(fmt::format(
              "{}: core {} neuron {} parameter {}: {} (recalibrate for this network)", file,
              l.chip.cores[u.where[i].first].name, u.where[i].second, models::adex_param_name(p),
              it == target_of.end() ? "no entry"
                                    : fmt::format("calibrated for {}, the network wants {}",
                                                  double(it->second) / 1000, double(want) / 1000)));
        }
      }
    }
  }
  return cal;
}

}  // namespace neuromesh::app
