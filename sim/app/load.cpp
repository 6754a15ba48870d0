#include "sim/app/load.h"

#include <fmt/format.h>

#include <chrono>

#include "models/neuron_model_registry.h"
#include "sim/chip/chip_model.h"
#include "sim/config/network_config.h"
#include "sim/config/placement_file.h"

namespace neuromesh::app {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

Loaded load_and_map(const std::string& chip, const std::string& network,
                    const std::string& strategy, std::optional<uint64_t> seed,
                    const std::vector<config::Override>& overrides,
                    const std::string& placement_file) {
  Loaded l = load_unplaced(chip, network, seed, overrides);
  place(l, chip, network, strategy, placement_file);
  return l;
}

Loaded load_unplaced(const std::string& chip, const std::string& network,
                     std::optional<uint64_t> seed, const std::vector<config::Override>& overrides) {
  Loaded l;
  auto t = Clock::now();
  l.chip = config::load_chip_config(chip, overrides);
  l.net = config::load_network(network, seed);
  l.load_seconds = since(t);
  t = Clock::now();
  try {
    l.ex = models::expand(l.net);
  } catch (const models::NetworkTooLarge& e) {
    throw map::MapError(network + ": " + e.what());
  } catch (const models::ExpansionError& e) {
    throw map::MapError(network + ": " + e.what());
  }
  l.expand_seconds = since(t);
  return l;
}

void place(Loaded& l, const std::string& chip, const std::string& network,
           const std::string& strategy, const std::string& placement_file) {
  const auto t = Clock::now();
  config::UserPlacement given;
  if (!placement_file.empty()) given = config::load_placement(placement_file, l.chip, l.net);
  try {
    l.placement = placement_file.empty()
                      ? map::map_network(l.chip, l.net, l.ex, map::strategy_from_string(strategy))
                      : map::place_network(l.chip, l.net, l.ex, given);
    check_analog_params(l);
  } catch (const map::MapError& e) {
    throw map::MapError(fmt::format("{} on {}: {}", network, chip, e.what()));
  }
  l.map_seconds = since(t);
}

void check_analog_params(const Loaded& l) {
  const auto& registry = models::NeuronModelRegistry::instance();
  uint32_t generators = 0;
  for (const auto& in : l.net.inputs) {
    if (in.background_hz <= 0) continue;
    generators += in.size;
    const double mevents = in.background_hz * l.chip.timing.acceleration / 1e6;
    if (mevents > l.chip.timing.generator_max_mevents) {
      throw map::MapError(fmt::format(
          "input '{}': {} Hz of biological time is {} MEvent/s per generator at {}x; a background "
          "generator reaches at most {} MEvent/s (timing.background_generators.max_mevents_per_s)",
          in.name, in.background_hz, mevents, l.chip.timing.acceleration, l.chip.timing.generator_max_mevents));
    }
  }
  if (generators > l.chip.timing.generators) {
    throw map::MapError(fmt::format(
        "the background inputs need {} generators (one per neuron); the chip has {} "
        "(timing.background_generators.count)", generators, l.chip.timing.generators));
  }
  for (uint32_t p = 0; p < l.net.populations.size(); ++p) {
    const auto& pop = l.net.populations[p];
    if (!registry.get(pop.model).continuous || pop.size == 0) continue;
    const auto& type = l.chip.core_types[l.chip.cores[l.placement.core_of[p][0]].type];
    for (uint32_t k = 0; k < models::kAdexParams; ++k) {
      if (!models::adex_in_capmem(k)) continue;
      const auto& r = type.neuron_model.analog.capmem[k];
      for (uint32_t i = 0; i < pop.size; ++i) {
        const double v = models::adex_target(pop.params, k, i);
        const bool off = v == 0 && (k == models::kDeltaT || k == models::kA || k == models::kB);
        if (off || (v >= r.min && v <= r.max)) continue;
        throw map::MapError(fmt::format(
            "population '{}' neuron {}: {} = {} is outside the capmem range of core type '{}' "
            "({}..{}, neuron_model.analog.capmem.{})",
            pop.name, i, models::adex_param_name(k), v, type.name, r.min, r.max,
            models::adex_param_name(k)));
      }
    }
  }
}

models::ContinuousTiming continuous_timing(const Loaded& l, const models::AdexCalibration* cal) {
  const chip::AnalogClock clock = chip::analog_clock(l.chip);
  models::ContinuousTiming tm;
  tm.substeps_per_cycle = clock.substeps_per_cycle;
  tm.window_cycles = clock.window_cycles;
  tm.substep_bio_ns = clock.substep_bio_ns;
  tm.cores = uint32_t(l.chip.cores.size());
  std::vector<bool> used(tm.cores, false);
  for (uint32_t c = 0; c < tm.cores; ++c) used[c] = l.placement.cores[c].used();
  tm.latency.assign(uint64_t(tm.cores) * tm.cores, 0);
  tm.host_latency.assign(tm.cores, 0);
  for (uint32_t d = 0; d < tm.cores; ++d) {
    if (!used[d]) continue;
    tm.host_latency[d] = chip::fabric_latency_cycles(l.chip, -1, d);
    for (uint32_t s = 0; s < tm.cores; ++s)
      if (used[s]) tm.latency[uint64_t(s) * tm.cores + d] = chip::fabric_latency_cycles(l.chip, s, d);
  }
  tm.packet_flits = chip::spike_flits(l.chip);
  auto routes = [&](const map::RoutingTable& rt) {
    models::ContinuousTiming::Routes out;
    out.row = rt.row;
    for (const auto& r : rt.routes) out.routes.push_back({r.core, l.placement.cores[r.core].axons[r.axon].projection});
    return out;
  };
  for (const auto& rt : l.placement.population_routes) tm.population_routes.push_back(routes(rt));
  for (const auto& rt : l.placement.input_routes) tm.input_routes.push_back(routes(rt));
  for (uint32_t p = 0; p < l.net.populations.size(); ++p) {
    const auto& core_of = l.placement.core_of[p];
    tm.core_of.push_back(core_of);
    std::vector<uint32_t> circuits(core_of.size());
    for (uint32_t i = 0; i < core_of.size(); ++i) {
      circuits[i] = chip::circuit_id(core_of[i], l.placement.local_of[p][i]);
    }
    tm.circuits.push_back(std::move(circuits));
    const uint32_t type = core_of.empty() ? 0 : l.chip.cores[core_of[0]].type;
    tm.setup.push_back(chip::analog_setup(l.chip, type, l.net.seed, cal));
  }
  return tm;
}

}  // namespace neuromesh::app
