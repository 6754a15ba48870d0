#include "models/continuous_sim.h"

#include <algorithm>
#include <cmath>

#include "models/neuron_model_registry.h"

namespace neuromesh::models {

ContinuousSim::ContinuousSim(const Network& net, const ExpandedNetwork& ex, ContinuousTiming timing)
    : net_(net), ex_(ex), tm_(std::move(timing)) {
  pops_.resize(net.populations.size());
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const auto& model = NeuronModelRegistry::instance().get(pop.model);
    NeuronSlice slice{&pop.params, p, all_neurons(pop.size), net.seed, nullptr};
    slice.analog = &tm_.setup[p];
    slice.circuits = tm_.circuits[p].data();
    pops_[p].unit = model.make(slice);
  }
  free_.assign(tm_.cores + 1, 0);
  for (uint32_t s = 0; s < net.inputs.size(); ++s) inputs_.emplace_back(net.inputs[s], s, tm_.substep_bio_ns);
}

// The packets of source neuron `pre`, ready at cycle `ready` at core `src_core` (-1: host).
void ContinuousSim::send(const ContinuousTiming::Routes& routes, uint32_t pre, int64_t src_core,
                         uint64_t ready) {
  uint64_t& free = free_[src_core < 0 ? tm_.cores : uint32_t(src_core)];
  for (uint64_t r = routes.row[pre]; r < routes.row[pre + 1]; ++r) {
    const uint64_t sent = std::max(ready, free);
    free = sent + tm_.packet_flits;
    deliver(routes.routes[r].table, pre, src_core, routes.routes[r].core, sent);
  }
}

// The events of source `pre` of table `table` onto core `dst_core`, sent at cycle `sent`.
void ContinuousSim::deliver(uint32_t table, uint32_t pre, int64_t src_core, uint32_t dst_core,
                            uint64_t sent) {
  const SynapseTable& t = ex_.tables[table];
  Pop& dst = pops_[t.to];
  const auto& core_of = tm_.core_of[t.to];
  const uint64_t lat = src_core < 0 ? tm_.host_latency[dst_core]
                                    : tm_.latency[uint64_t(src_core) * tm_.cores + dst_core];
  const uint64_t at = (sent + lat) * tm_.substeps_per_cycle;
  for (uint64_t s = t.row[pre]; s < t.row[pre + 1]; ++s) {
    const Synapse& syn = t.synapses[s];
    if (core_of[syn.post] != dst_core) continue;
    dst.pending.push(TimedEvent{at, syn.post, syn.channel, syn.weight});
    ++counters_.synaptic_ops;
  }
}

// Input spikes before `end_substep` enter the fabric.
void ContinuousSim::inputs_until(uint64_t end_substep) {
  const uint64_t k = tm_.substeps_per_cycle;
  const uint64_t window_start = t_ * tm_.window_cycles;
  for (uint32_t s = 0; s < inputs_.size(); ++s) {
    uint32_t index = 0;
    uint64_t at = 0;
    while (inputs_[s].next(end_substep, index, at)) {
      ++counters_.input_spikes;
      send(tm_.input_routes[s], index, -1, std::max(window_start, at / k + 1));
    }
  }
}

void ContinuousSim::step() {
  const uint64_t k = tm_.substeps_per_cycle;
  const uint64_t first = t_ * tm_.window_cycles, last = first + tm_.window_cycles;
  inputs_until(last * k);
  for (auto& p : pops_) {
    p.out.clear();
    p.spiked.clear();
    p.spiked_at.clear();
  }
  for (uint64_t c = first; c < last; ++c) {
    for (uint32_t pi = 0; pi < pops_.size(); ++pi) {
      Pop& p = pops_[pi];
      p.due.clear();
      while (!p.pending.empty() && p.pending.top().at < (c + 1) * k) {
        p.due.push_back(p.pending.top());
        p.pending.pop();
      }
      const size_t before = p.out.size();
      p.unit->advance(c * k, (c + 1) * k, p.due.data(), p.due.size(), p.out);
      counters_.neuron_updates += p.unit->size();
      for (size_t n = before; n < p.out.size(); ++n) {
        const uint32_t i = p.out[n].neuron;
        send(tm_.population_routes[pi], i, tm_.core_of[pi][i], c + 1);
      }
    }
  }
  for (auto& p : pops_) {
    for (const auto& sp : p.out) {
      p.spiked.push_back(sp.neuron);
      p.spiked_at.push_back(sp.at);
    }
    counters_.spikes += p.out.size();
  }
  ++t_;
}

}  // namespace neuromesh::models
