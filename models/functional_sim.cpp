#include "models/functional_sim.h"

#include "models/neuron_model_registry.h"

namespace neuromesh::models {

FunctionalSim::FunctionalSim(const Network& net, const ExpandedNetwork& ex) : net_(net), ex_(ex) {
  pops_.resize(net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const auto& model = NeuronModelRegistry::instance().get(pop.model);
    const auto* weights = p < ex.channel_weights.size() ? &ex.channel_weights[p] : nullptr;
    NeuronSlice slice{&pop.params, uint32_t(p), all_neurons(pop.size), net.seed, weights};
    pops_[p].unit = model.make(slice);
    pops_[p].channels = model.channels;
    pops_[p].dendrites = Dendrites(pop.size, model.channels);
    pops_[p].flags.assign(pop.size, 0);
  }
  pop_out_.resize(net.populations.size());
  input_out_.resize(net.inputs.size());
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& t = ex.tables[k];
    const uint32_t d = pops_[t.to].dendrites.add_projection(t.max_delay, t.weight_exp);
    (t.from.is_input ? input_out_ : pop_out_)[t.from.index].push_back(Out{k, d});
  }
  for (const auto& in : net.inputs) inputs_.emplace_back(in);
  input_index_.resize(net.inputs.size());
  input_payload_.resize(net.inputs.size());
}

void FunctionalSim::deliver(const Out& o, const std::vector<uint32_t>& pre,
                            const std::vector<int32_t>* payload) {
  const SynapseTable& t = ex_.tables[o.table];
  Dendrites& d = pops_[t.to].dendrites;
  const uint64_t base = t_ + 1;
  const uint32_t ch = pops_[t.to].channels;
  uint64_t ops = 0;
  int64_t* flat = d.ring(o.dendrite) == 1 ? d.slot(o.dendrite, base) : nullptr;
  for (size_t n = 0; n < pre.size(); ++n) {
    const uint32_t j = pre[n];
    const int64_t s = payload ? (*payload)[n] : 1;
    const Synapse* syn = t.synapses.data() + t.row[j];
    const Synapse* end = t.synapses.data() + t.row[j + 1];
    ops += uint64_t(end - syn);
    if (ch == 1 && flat) {
      for (; syn != end; ++syn) flat[syn->post] += int64_t{syn->weight} * s;
    } else if (ch == 1) {
      for (; syn != end; ++syn) d.slot(o.dendrite, base + syn->delay)[syn->post] += int64_t{syn->weight} * s;
    } else {
      for (; syn != end; ++syn) {
        d.slot(o.dendrite, base + syn->delay)[size_t(syn->post) * ch + syn->channel] +=
            int64_t{syn->weight} * s;
      }
    }
  }
  counters_.synaptic_ops += ops;
}

void FunctionalSim::step() {
  // 1. Neuron updates with the input arriving at t.
  for (auto& p : pops_) {
    p.dendrites.collect(t_, p.a_in);
    p.spiked.clear();
    p.unit->step(t_, p.a_in.data(), p.flags.data());
    for (uint32_t i = 0; i < p.flags.size(); ++i)
      if (p.flags[i] & kSpiked) p.spiked.push_back(i);
    counters_.neuron_updates += p.unit->size();
    counters_.spikes += p.spiked.size();
  }
  // 2. Input sources emit their spikes of step t.
  for (size_t k = 0; k < inputs_.size(); ++k) {
    inputs_[k].emit(t_, input_index_[k], input_payload_[k]);
    counters_.input_spikes += input_index_[k].size();
  }
  // 3. Spikes of step t go into the accumulators of t + 1 + delay.
  for (size_t p = 0; p < pops_.size(); ++p) {
    if (pops_[p].spiked.empty()) continue;
    for (const Out& o : pop_out_[p]) deliver(o, pops_[p].spiked, nullptr);
  }
  for (size_t k = 0; k < inputs_.size(); ++k) {
    if (input_index_[k].empty()) continue;
    for (const Out& o : input_out_[k]) deliver(o, input_index_[k], &input_payload_[k]);
  }
  ++t_;
}

}  // namespace neuromesh::models
