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
    NeuronSlice slice{&pop.params, p, 0, pop.size, net.seed, nullptr};
    slice.analog = &tm_.setup[p];
    slice.circuits = tm_.circuits[p].data();
    pops_[p].unit = model.make(slice);
  }
  pop_out_.resize(net.populations.size());
  input_out_.resize(net.inputs.size());
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& t = ex.tables[k];
    (t.from.is_input ? input_out_ : pop_out_)[t.from.index].push_back(k);
  }
  for (uint32_t s = 0; s < net.inputs.size(); ++s) inputs_.emplace_back(net.inputs[s], s, tm_.substep_bio_ns);
}

// Events of source `pre` of table `table`, handed to the fabric at cycle `ready`.
void ContinuousSim::deliver(uint32_t table, uint32_t pre, int64_t src_core, uint64_t ready) {
  const SynapseTable& t = ex_.tables[table];
  Pop& dst = pops_[t.to];
  const auto& core_of = tm_.core_of[t.to];
  for (uint64_t s = t.row[pre]; s < t.row[pre + 1]; ++s) {
    const Synapse& syn = t.synapses[s];
    const uint32_t d = core_of[syn.post];
    const uint64_t lat = src_core < 0 ? tm_.host_latency[d] : tm_.latency[uint64_t(src_core) * tm_.cores + d];
    dst.pending.push(TimedEvent{(ready + lat) * tm_.substeps_per_cycle, syn.post, syn.channel, syn.weight});
  }
  counters_.synaptic_ops += t.row[pre + 1] - t.row[pre];
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
      for (uint32_t table : input_out_[s]) deliver(table, index, -1, std::max(window_start, at / k + 1));
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
        for (uint32_t table : pop_out_[pi]) deliver(table, i, tm_.core_of[pi][i], c + 1);
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
