#include "sim/app/noc_sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "models/noc/mesh_noc.h"
#include "models/rng.h"
#include "sim/config/chip_config.h"
#include "sim/map/mapper.h"

namespace neuromesh::app {

namespace {

using namespace models::noc;

// Consumes every delivered packet at once (one per cycle): the NoC alone is measured.
class Drain final : public Component {
 public:
  Drain(MeshNoc& noc, uint32_t t) : noc_(noc), t_(t) {}
  uint64_t evaluate(uint64_t c) override {
    Terminal& T = noc_.term(t_);
    if (T.has_packet(c)) T.pop(c);
    const uint64_t a = T.front_arrival();
    return a == kNever ? kNever : std::max(a, c + 1);
  }

 private:
  MeshNoc& noc_;
  uint32_t t_;
};

}  // namespace

int noc_sweep_command(const NocSweepOptions& o) {
  const auto chip = config::load_chip_config(o.chip, o.overrides);
  NocParams p;
  p.width = o.width ? o.width : chip.mesh.width;
  p.height = o.height ? o.height : chip.mesh.height;
  p.locals = 1;
  p.pipeline_stages = chip.router.pipeline_stages;
  p.buffer_flits = std::max<uint32_t>(chip.router.input_buffer_flits, o.flits);
  for (int d = 0; d < 5; ++d) p.link_latency[size_t(d)] = uint32_t(chip.router.hop[d].latency_cycles);
  p.routing = routing_from_string(chip.router.routing);
  if (uint64_t(p.width) * p.height * p.locals < 2) {
    throw map::MapError(fmt::format(
        "neuromesh noc: a {}x{} mesh has one terminal, and a uniform random load needs another "
        "to send to; give --width and --height for a mesh of at least two routers",
        p.width, p.height));
  }
  std::cout << "rate_flits_per_terminal_cycle,packets_measured,mean_latency_cycles,"
               "p99_latency_cycles,accepted_flits_per_terminal_cycle,mean_hops\n";
  for (double rate : o.rates) {
    CalendarScheduler sched;
    MeshNoc noc(p, sched);
    std::vector<std::unique_ptr<Drain>> drains;
    for (uint32_t t = 0; t < noc.terminals(); ++t) {
      drains.push_back(std::make_unique<Drain>(noc, t));
      noc.term(t).owner = drains.back().get();
    }
    models::Rng rng(o.seed);
    const double packet_rate = rate / o.flits;
    const uint64_t end = o.warmup + o.measure;
    for (uint64_t c = 0; c < end; ++c)
      for (uint32_t t = 0; t < noc.terminals(); ++t)
        if (rng.chance(packet_rate)) {
          uint32_t d = uint32_t(rng.range(0, noc.terminals() - 2));
          if (d >= t) ++d;  // uniform over the other terminals
          noc.send(t, d, uint16_t(o.flits), c);
        }
    sched.run();
    std::vector<uint64_t> lat;
    uint64_t hops = 0, accepted = 0;
    for (size_t k = 0; k < noc.packet_count(); ++k) {
      const Packet& pk = noc.packet(uint32_t(k));
      if (pk.delivered >= o.warmup && pk.delivered < end) accepted += pk.flits;
      if (pk.created < o.warmup || pk.created >= end) continue;
      lat.push_back(pk.delivered - pk.created);
      hops += pk.hops;
    }
    std::sort(lat.begin(), lat.end());
    double mean = 0;
    for (auto l : lat) mean += double(l);
    mean = lat.empty() ? 0 : mean / double(lat.size());
    const uint64_t p99 = lat.empty() ? 0 : lat[std::min(lat.size() - 1, size_t(0.99 * double(lat.size())))];
    std::cout << fmt::format("{},{},{:.2f},{},{:.4f},{:.3f}\n", rate, lat.size(), mean, p99,
                             double(accepted) / double(noc.terminals()) / double(o.measure),
                             lat.empty() ? 0.0 : double(hops) / double(lat.size()));
  }
  return 0;
}

}  // namespace neuromesh::app
