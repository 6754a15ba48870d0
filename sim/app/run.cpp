#include "sim/app/run.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "models/connectivity.h"
#include "models/functional_sim.h"
#include "sim/config/chip_config.h"
#include "sim/config/network_config.h"
#include "sim/io/atomic_file.h"
#include "sim/map/mapper.h"

namespace neuromesh::app {

namespace {

struct Loaded {
  config::ChipConfig chip;
  models::Network net;
  models::ExpandedNetwork ex;
  map::Placement placement;
};

Loaded load_and_map(const std::string& chip, const std::string& network,
                    const std::string& strategy, std::optional<uint64_t> seed) {
  Loaded l;
  l.chip = config::load_chip_config(chip);
  l.net = config::load_network(network, seed);
  try {
    l.ex = models::expand(l.net);
  } catch (const models::NetworkTooLarge& e) {
    throw map::MapError(network + ": " + e.what());
  }
  try {
    l.placement = map::map_network(l.chip, l.net, l.ex, map::strategy_from_string(strategy));
  } catch (const map::MapError& e) {
    throw map::MapError(fmt::format("{} on {}: {}", network, chip, e.what()));
  }
  return l;
}

}  // namespace

int map_command(const std::string& chip, const std::string& network, const std::string& strategy,
                std::optional<uint64_t> seed) {
  const Loaded l = load_and_map(chip, network, strategy, seed);
  std::cout << map::describe_placement(l.chip, l.net, l.placement);
  return 0;
}

int run_command(const RunOptions& o) {
  const Loaded l = load_and_map(o.chip, o.network, o.strategy, o.seed);
  std::filesystem::create_directories(o.out);
  const auto& net = l.net;

  models::FunctionalSim sim(net, l.ex);
  fmt::memory_buffer spikes, probes;
  fmt::format_to(std::back_inserter(spikes), "step,population,neuron\n");
  fmt::format_to(std::back_inserter(probes), "step,population,neuron,variable,value\n");
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t t = 0; t < o.steps; ++t) {
    sim.step();
    for (uint32_t p = 0; p < net.populations.size(); ++p) {
      for (uint32_t i : sim.spiked(p)) {
        fmt::format_to(std::back_inserter(spikes), "{},{},{}\n", t, net.populations[p].name, i);
      }
    }
    for (const auto& pr : net.probes) {
      const std::string& name = net.populations[pr.population].name;
      for (uint32_t i : pr.neurons) {
        if (pr.u) fmt::format_to(std::back_inserter(probes), "{},{},{},u,{}\n", t, name, i, sim.u(pr.population, i));
        if (pr.v) fmt::format_to(std::back_inserter(probes), "{},{},{},v,{}\n", t, name, i, sim.v(pr.population, i));
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  io::write_file_atomic((std::filesystem::path(o.out) / "spikes.csv").string(),
                        fmt::to_string(spikes));
  io::write_file_atomic((std::filesystem::path(o.out) / "probes.csv").string(),
                        fmt::to_string(probes));
  const auto& c = sim.counters();
  std::cout << fmt::format(
      "ran {} steps of '{}' on '{}' ({} mode): {} spikes, {} input spikes, {} synaptic ops, "
      "{} neuron updates; {} cores used; {:.3f} s ({:.3g} synaptic ops/s)\n",
      o.steps, net.name, l.chip.name, o.mode, c.spikes, c.input_spikes, c.synaptic_ops,
      c.neuron_updates, l.placement.cores_used(), seconds,
      seconds > 0 ? double(c.synaptic_ops) / seconds : 0.0);
  std::cout << fmt::format("wrote {}/spikes.csv and {}/probes.csv\n", o.out, o.out);
  return 0;
}

}  // namespace neuromesh::app
