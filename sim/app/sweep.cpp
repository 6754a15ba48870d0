#include "sim/app/sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "models/noc/scheduler.h"
#include "sim/app/load.h"
#include "sim/chip/chip_model.h"
#include "sim/config/config_error.h"
#include "sim/io/output_set.h"
#include "sim/io/csv.h"
#include "sim/report/energy.h"

namespace neuromesh::app {

namespace {

struct Axis {
  std::string key;
  std::vector<std::string> values;
};


}  // namespace

int sweep_command(const SweepOptions& o) {
  io::OutputSet output({o.chip, o.network});
  output.add(o.out, "--out");  // checked before any variant runs
  std::vector<Axis> axes;
  for (const auto& v : o.vary) {
    const size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      throw config::ConfigError("--vary", 0, 0, "", "expected KEY=V1,V2,..., got '" + v + "'");
    }
    Axis a{v.substr(0, eq), {}};
    size_t from = eq + 1;
    while (true) {
      const size_t comma = v.find(',', from);
      a.values.push_back(v.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    for (const auto& other : axes) {
      if (other.key == a.key) {
        throw config::ConfigError("--vary", 0, 0, a.key, "the key is given twice; give all its "
                                                         "values in one --vary KEY=V1,V2,...");
      }
    }
    axes.push_back(a);
  }
  // Each value must be valid for its key on its own: a typo is refused before anything runs.
  // (Combinations that the config cannot express, such as a mesh too small for its cores, are
  // rows of the result.)
  for (const auto& a : axes) {
    for (const auto& v : a.values) {
      try {
        config::load_chip_config(o.chip, {{a.key, v}});
      } catch (const config::ConfigError& e) {
        const std::string what = e.what();
        if (what.find("--set") != std::string::npos || what.find(a.key) != std::string::npos) {
          throw config::ConfigError("--vary", 0, 0, a.key, "value '" + v + "' is not valid: " + what);
        }
      }
    }
  }
  std::vector<std::string> strategies = o.strategies.empty() ? std::vector<std::string>{"fill"}
                                                             : o.strategies;
  size_t points = strategies.size();
  for (const auto& a : axes) points *= a.values.size();
  if (points > 10000) {
    throw config::ConfigError("--vary", 0, 0, "", fmt::format("{} variants; at most 10000", points));
  }

  std::string out;
  for (const auto& a : axes) out += io::csv_field(a.key) + ",";
  out += "strategy,status,cores_used,cycles,time_ns,step_ns_median,step_ns_p99,energy_pj,"
         "dynamic_pj,static_pj,average_mw,peak_mw,pj_per_synaptic_op,synaptic_ops,spikes,"
         "packets,flit_hops\n";
  std::unique_ptr<config::ConfigError> first_config_error;
  size_t config_errors = 0;
  for (size_t p = 0; p < points; ++p) {
    // Decode point p into one value per axis and a strategy.
    size_t rest = p;
    std::vector<config::Override> overrides;
    std::string row;
    for (size_t a = 0; a < axes.size(); ++a) {
      const size_t i = rest % axes[a].values.size();
      rest /= axes[a].values.size();
      overrides.push_back({axes[a].key, axes[a].values[i]});
      row += io::csv_field(axes[a].values[i]) + ",";
    }
    const std::string& strategy = strategies[rest];
    row += io::csv_field(strategy) + ",";
    try {
      Loaded l = load_and_map(o.chip, o.network, strategy, std::nullopt, overrides);
      models::noc::CalendarScheduler sched;
      chip::ChipModel model(l.chip, l.net, l.ex, l.placement, sched, /*release=*/true);
      std::vector<chip::StepRecord> steps;
      for (uint64_t t = 0; t < o.steps; ++t) {
        model.begin_step();
        sched.run();
        steps.push_back(model.end_step());
      }
      const auto e = report::compute_energy(model, steps, o.power_window);
      std::vector<double> ns;
      uint64_t cycles = 0, ops = 0, spikes = 0, packets = 0, hops = 0;
      for (const auto& s : steps) {
        ns.push_back(s.ns);
        cycles += s.cycles();
        ops += s.synaptic_ops;
        spikes += s.spikes;
        packets += s.packets;
        hops += s.flit_hops;
      }
      std::sort(ns.begin(), ns.end());
      auto pct = [&](double q) { return ns[std::min(ns.size() - 1, size_t(q * double(ns.size() - 1) + 0.5))]; };
      // A fixed-tick variant whose packets missed their delivery tick ran, but not as the chip
      // would: its status says so (the figures are still those of the emulation).
      const std::string status = model.late_packets() == 0
          ? "ok" : io::csv_field(fmt::format("hardware failure: {} late packets", model.late_packets()));
      row += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", status, l.placement.cores_used(),
                         cycles, e.time_ns, pct(0.5), pct(0.99), e.total_pj(), e.dynamic_pj,
                         e.static_pj, e.average_mw, e.peak_mw,
                         ops ? e.total_pj() / double(ops) : 0.0, ops, spikes, packets, hops);
      if (o.progress != ProgressMode::never) std::cerr << fmt::format("[{}/{}] {}: {} cycles\n", p + 1, points, row.substr(0, row.find("," + status)), cycles);
    } catch (const config::ConfigError& err) {
      // A variant the config cannot express (say, a mesh too small for the cores) is a row; if
      // no variant at all is valid, the first error is most likely a typo and is reported.
      if (!first_config_error) first_config_error = std::make_unique<config::ConfigError>(err);
      ++config_errors;
      row += io::csv_field(std::string("config error: ") + err.what()) + ",,,,,,,,,,,,,,,";
      if (o.progress != ProgressMode::never) std::cerr << fmt::format("[{}/{}] invalid variant: {}\n", p + 1, points, err.what());
    } catch (const std::exception& err) {
      // A variant that cannot hold the network is a result, not a failure of the sweep.
      row += io::csv_field(std::string("error: ") + err.what()) + ",,,,,,,,,,,,,,,";
      if (o.progress != ProgressMode::never) std::cerr << fmt::format("[{}/{}] does not run: {}\n", p + 1, points, err.what());
    }
    out += row + "\n";
  }
  if (config_errors == points) throw *first_config_error;
  output.write(o.out, out);
  output.commit();
  std::cout << fmt::format("wrote {} variants to {}\n", points, o.out);
  return 0;
}

}  // namespace neuromesh::app
