// The functional mode of continuous-time (analog) chips: the same neuron units as the chip's
// cores (models/adex.h), advanced cycle by cycle, with every synaptic event taking effect after
// the event fabric's zero-load latency and no fabric or synapse-driver contention. Where the
// chip has no contention, its cycle-accurate run gives the same spikes (docs/architecture.md).
//
// Timing, in integration substeps (k per clock cycle): a neuron spiking at substep s hands its
// packets (one per route, as the chip's routing table lists them) to its core's network
// interface at cycle floor(s / k) + 1; the interface injects one flit per cycle, so a packet
// leaves at max(ready, the end of the interface's previous packet); it reaches core d from core
// c after latency[c][d] cycles and takes effect at the first substep of that cycle. An input
// spike at biological time T (substep round(T / substep)) enters at the host port the same way.
// What this leaves out is contention inside the fabric and at the receiving cores.
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include "models/adex.h"
#include "models/connectivity.h"
#include "models/functional_sim.h"
#include "models/network.h"
#include "models/neuron_unit.h"
#include "models/timed_input.h"

namespace neuromesh::models {

struct ContinuousTiming {
  uint64_t substeps_per_cycle = 1;
  uint64_t window_cycles = 1;
  double substep_bio_ns = 1000;
  std::vector<AnalogSetup> setup;                 // per population
  std::vector<std::vector<uint32_t>> circuits;    // [population][neuron]: circuit id
  std::vector<std::vector<uint32_t>> core_of;     // [population][neuron]: chip core
  uint32_t cores = 0;
  std::vector<uint64_t> latency;                  // [src * cores + dst] cycles
  std::vector<uint64_t> host_latency;             // [dst] cycles
  uint32_t packet_flits = 1;
  // Routes of each source neuron in the chip's order: (destination core, synapse table), CSR.
  struct Route {
    uint32_t core, table;
  };
  struct Routes {
    std::vector<uint64_t> row;
    std::vector<Route> routes;
  };
  std::vector<Routes> population_routes, input_routes;
};

class ContinuousSim {
 public:
  ContinuousSim(const Network& net, const ExpandedNetwork& ex, ContinuousTiming timing);

  // Runs window steps_done() and advances.
  void step();
  uint64_t steps_done() const { return t_; }
  // Spikes of the last window of population p in time order, and their substeps.
  const std::vector<uint32_t>& spiked(uint32_t p) const { return pops_[p].spiked; }
  const std::vector<uint64_t>& spike_substeps(uint32_t p) const { return pops_[p].spiked_at; }
  int64_t probe(uint32_t p, uint32_t var, uint32_t i) const { return pops_[p].unit->probe(var, i); }
  const FunctionalCounters& counters() const { return counters_; }

 private:
  struct Later {
    bool operator()(const TimedEvent& a, const TimedEvent& b) const { return b < a; }
  };
  struct Pop {
    std::unique_ptr<NeuronUnit> unit;
    std::priority_queue<TimedEvent, std::vector<TimedEvent>, Later> pending;
    std::vector<TimedEvent> due;
    std::vector<TimedSpike> out;
    std::vector<uint32_t> spiked;
    std::vector<uint64_t> spiked_at;
  };
  void send(const ContinuousTiming::Routes& routes, uint32_t pre, int64_t src_core, uint64_t ready);
  void deliver(uint32_t table, uint32_t pre, int64_t src_core, uint32_t dst_core, uint64_t sent);
  void inputs_until(uint64_t end_substep);

  const Network& net_;
  const ExpandedNetwork& ex_;
  ContinuousTiming tm_;
  uint64_t t_ = 0;
  std::vector<Pop> pops_;
  std::vector<TimedInput> inputs_;
  std::vector<uint64_t> free_;   // per chip core (+1: the host port): next free injection cycle
  FunctionalCounters counters_;
};

}  // namespace neuromesh::models
