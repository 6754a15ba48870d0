#include "sim/app/load.h"

#include <fmt/format.h>

#include "sim/config/network_config.h"

namespace neuromesh::app {

Loaded load_and_map(const std::string& chip, const std::string& network,
                    const std::string& strategy, std::optional<uint64_t> seed,
                    const std::vector<config::Override>& overrides) {
  Loaded l;
  l.chip = config::load_chip_config(chip, overrides);
  l.net = config::load_network(network, seed);
  try {
    l.ex = models::expand(l.net);
  } catch (const models::NetworkTooLarge& e) {
    throw map::MapError(network + ": " + e.what());
  } catch (const models::ExpansionError& e) {
    throw map::MapError(network + ": " + e.what());
  }
  try {
    l.placement = map::map_network(l.chip, l.net, l.ex, map::strategy_from_string(strategy));
  } catch (const map::MapError& e) {
    throw map::MapError(fmt::format("{} on {}: {}", network, chip, e.what()));
  }
  return l;
}

}  // namespace neuromesh::app
