#include "sim/map/placement_quality.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/synapse_format.h"

namespace neuromesh::map {

namespace {

constexpr const char* kPort[4] = {"east", "west", "north", "south"};
enum { kEast, kWest, kNorth, kSouth };

uint64_t ceil_div(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : 0; }

// Adds one packet to every link of the dimension-order path from (x, y) to (tx, ty).
void walk(const config::ChipConfig& chip, uint32_t x, uint32_t y, uint32_t tx, uint32_t ty,
          std::vector<uint64_t>& load) {
  const uint32_t w = chip.mesh.width;
  auto step_x = [&] {
    while (x != tx) {
      ++load[(uint64_t(y) * w + x) * 4 + (tx > x ? kEast : kWest)];
      x = tx > x ? x + 1 : x - 1;
    }
  };
  auto step_y = [&] {
    while (y != ty) {
      ++load[(uint64_t(y) * w + x) * 4 + (ty > y ? kNorth : kSouth)];
      y = ty > y ? y + 1 : y - 1;
    }
  };
  if (chip.router.routing == "yx") {
    step_y();
    step_x();
  } else {
    step_x();
    step_y();
  }
}

}  // namespace

PlacementQuality placement_quality(const config::ChipConfig& chip, const models::Network& net,
                                   const models::ExpandedNetwork& ex, const Placement& pl) {
  PlacementQuality q;
  q.cores_used = pl.cores_used();
  q.packets = pl.routes;  // counted by the mapper as it built the routing tables
  q.hops = pl.route_hops;
  std::vector<uint64_t> load(uint64_t(chip.mesh.width) * chip.mesh.height * 4, 0);
  for (uint32_t c = 0; c < pl.cores.size(); ++c) {
    const auto& cm = pl.cores[c];
    const auto& dst = chip.cores[c];
    for (const auto& a : cm.axons) {
      const auto& from = ex.tables[a.projection].from;
      uint32_t x = 0, y = 0;  // inputs enter at router (0, 0)
      if (!from.is_input) {
        const auto& src = chip.cores[pl.core_of[from.index][a.pre]];
        x = src.router_x, y = src.router_y;
      }
      walk(chip, x, y, dst.router_x, dst.router_y, load);
    }
    if (cm.used() && cm.synapses > q.core_synapses) {
      q.core = c;
      q.core_synapses = cm.synapses;
      q.core_packets = cm.axons.size();
    }
  }
  const auto top = std::max_element(load.begin(), load.end());
  if (top != load.end() && *top > 0) {
    const uint64_t i = uint64_t(top - load.begin());
    q.link_x = uint32_t((i / 4) % chip.mesh.width);
    q.link_y = uint32_t((i / 4) / chip.mesh.width);
    q.link_port = kPort[i % 4];
    q.link_packets = *top;
  }
  if (chip.system.present) {
    const auto& sys = chip.system;
    std::vector<uint8_t> used(sys.chips(), 0);
    for (uint32_t c = 0; c < pl.cores.size(); ++c)
      if (pl.cores[c].used()) used[sys.chip_of_core(c)] = 1;
    q.chips_used = uint32_t(std::count(used.begin(), used.end(), 1));
    std::vector<uint64_t> gw(uint64_t(sys.chips()) * 4, 0);
    for (uint64_t i = 0; i < load.size(); ++i) {
      if (!load[i]) continue;
      const uint32_t x = uint32_t((i / 4) % chip.mesh.width), y = uint32_t((i / 4) / chip.mesh.width);
      const int d = int(i % 4);
      const uint32_t nx = d == kEast ? x + 1 : d == kWest ? x - 1 : x;
      const uint32_t ny = d == kNorth ? y + 1 : d == kSouth ? y - 1 : y;
      const uint32_t from = sys.chip_of_router(x, y);
      if (from == sys.chip_of_router(nx, ny)) continue;
      q.interchip_crossings += load[i];
      gw[uint64_t(from) * 4 + uint64_t(d)] += load[i];
    }
    const auto g = std::max_element(gw.begin(), gw.end());
    if (g != gw.end() && *g > 0) {
      q.gateway_chip = uint32_t((g - gw.begin()) / 4);
      q.gateway_port = kPort[(g - gw.begin()) % 4];
      q.gateway_packets = *g;
    }
  }
  // Lower bounds, per population on the type of core it sits on.
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    if (pop.size == 0) continue;
    const auto& t = chip.type_of(chip.cores[pl.core_of[p][0]]);
    const models::SynapseLayout layout = models::layout_of(t.synapse_format);
    const uint64_t by_neurons = ceil_div(pop.size, t.neurons);
    // Sparse lists store every synapse; a dense row spans the core's neurons, so a source
    // needs at least its distinct targets' worth of row words.
    uint64_t words = 0, sources = 0;
    std::vector<uint64_t> seen(layout.dense_rows ? pop.size : 0, UINT64_MAX);
    uint64_t stamp = 0;
    for (const auto& tab : ex.tables) {
      if (tab.to != p) continue;
      const uint64_t per_word =
          layout.fixed_array ? 1 : t.synaptic_memory.word_bits / uint64_t(synapse_bits(t, tab));
      for (size_t j = 0; j + 1 < tab.row.size(); ++j, ++stamp) {
        uint64_t n = tab.row[j + 1] - tab.row[j];
        if (n == 0) continue;
        ++sources;
        if (layout.dense_rows) {
          n = 0;
          for (uint64_t s = tab.row[j]; s < tab.row[j + 1]; ++s) {
            uint64_t& mark = seen[tab.synapses[s].post];
            if (mark != stamp) mark = stamp, ++n;
          }
        }
        words += ceil_div(n, per_word);
      }
    }
    const uint64_t cap_words = t.synaptic_memory.bytes * 8 / t.synaptic_memory.word_bits;
    const uint64_t by_memory = layout.fixed_array ? 0 : ceil_div(words, cap_words);
    const uint64_t axon_cap = layout.max_axons ? std::min<uint64_t>(t.fan_in, layout.max_axons) : t.fan_in;
    const uint64_t by_fan_in = ceil_div(sources, axon_cap);
    q.bound_neurons += by_neurons;
    q.bound_memory += by_memory;
    q.bound_fan_in += by_fan_in;
    q.bound += std::max({by_neurons, by_memory, by_fan_in});
  }
  return q;
}

std::string describe_quality(const config::ChipConfig& chip, const PlacementQuality& q) {
  std::string o = fmt::format(
      "quality: {} cores used; lower bound {} (by neurons {}, by synaptic memory {}, by fan-in "
      "{}; summed per population)\n",
      q.cores_used, q.bound, q.bound_neurons, q.bound_memory, q.bound_fan_in);
  o += fmt::format("  {} packets and {:.3f} hops per packet if every source neuron spiked once\n",
                   q.packets, q.hops_per_packet());
  if (q.link_packets) {
    o += fmt::format("  most loaded link: router {},{} {} with {} of those packets ({} paths)\n",
                     q.link_x, q.link_y, q.link_port, q.link_packets,
                     chip.router.routing == "yx" ? "y-then-x" : "x-then-y");
  }
  if (chip.system.present) {
    o += fmt::format("  chips used {} of {} (lower bound {}); {} inter-chip crossings of those packets",
                     q.chips_used, chip.system.chips(),
                     (q.bound + chip.system.cores_per_chip - 1) / chip.system.cores_per_chip,
                     q.interchip_crossings);
    if (q.gateway_packets) {
      o += fmt::format("; busiest gateway: chip {} {} with {}", q.gateway_chip, q.gateway_port,
                       q.gateway_packets);
    }
    o += "\n";
  }
  if (q.core_synapses) {
    o += fmt::format("  most loaded core: {} with {} synapses, {} packets in\n",
                     chip.cores[q.core].name, q.core_synapses, q.core_packets);
  }
  return o;
}

}  // namespace neuromesh::map
