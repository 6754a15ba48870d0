#include "models/functional_sim.h"

#include <algorithm>

#include "models/neuron_model_registry.h"

namespace neuromesh::models {

FunctionalSim::FunctionalSim(const Network& net, const ExpandedNetwork& ex, uint32_t threads,
                             const Share& share, SpikeExchange exchange)
    : net_(net), ex_(ex), exchange_(std::move(exchange)), pool_(threads) {
  const uint32_t T = pool_.threads();
  const bool partial = !share.neurons.empty();
  pops_.resize(net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const auto& model = NeuronModelRegistry::instance().get(pop.model);
    const auto* weights = p < ex.channel_weights.size() ? &ex.channel_weights[p] : nullptr;
    Pop& P = pops_[p];
    uint32_t n = pop.size;
    if (partial) {
      P.owned = share.neurons.at(p);
      P.local_of.assign(pop.size, -1);
      for (uint32_t l = 0; l < P.owned.size(); ++l) P.local_of[P.owned[l]] = int32_t(l);
      n = uint32_t(P.owned.size());
    }
    P.bounds.resize(T + 1);
    for (uint32_t k = 0; k <= T; ++k) P.bounds[k] = uint32_t(uint64_t(n) * k / T);
    P.units.resize(T);
    for (uint32_t k = 0; k < T; ++k) {
      const uint32_t lo = P.bounds[k], hi = P.bounds[k + 1];
      if (lo == hi) continue;
      std::vector<uint32_t> neurons(hi - lo);
      for (uint32_t i = lo; i < hi; ++i) neurons[i - lo] = partial ? P.owned[i] : i;
      NeuronSlice slice{&pop.params, uint32_t(p), std::move(neurons), net.seed, weights};
      P.units[k] = model.make(slice);
    }
    P.channels = model.channels;
    P.dendrites = Dendrites(n, model.channels);
    P.a_in.assign(size_t(n) * model.channels, 0);
    P.flags.assign(n, 0);
  }
  pop_out_.resize(net.populations.size());
  input_out_.resize(net.inputs.size());
  parts_.resize(ex.tables.size());
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& t = ex.tables[k];
    const uint32_t d = pops_[t.to].dendrites.add_projection(t.max_delay, t.weight_exp);
    (t.from.is_input ? input_out_ : pop_out_)[t.from.index].push_back(Out{k, d});
    parts_[k].resize(T);
    if (T == 1 && !partial) {
      parts_[k][0].row = t.row.data();
      parts_[k][0].synapses = t.synapses.data();
      continue;
    }
    // Split by target range (of owned neurons, as local indices), keeping each row's synapse order.
    const auto& bounds = pops_[t.to].bounds;
    const auto& local_of = pops_[t.to].local_of;
    const size_t n_pre = t.row.size() - 1;
    for (uint32_t part = 0; part < T; ++part) {
      Part& P = parts_[k][part];
      P.own_row.assign(n_pre + 1, 0);
      for (size_t j = 0; j < n_pre; ++j) {
        for (uint64_t s = t.row[j]; s < t.row[j + 1]; ++s) {
          Synapse y = t.synapses[s];
          if (partial) {
            if (local_of[y.post] < 0) continue;
            y.post = uint32_t(local_of[y.post]);
          }
          if (y.post >= bounds[part] && y.post < bounds[part + 1]) P.own_synapses.push_back(y);
        }
        P.own_row[j + 1] = P.own_synapses.size();
      }
      P.row = P.own_row.data();
      P.synapses = P.own_synapses.data();
    }
  }
  // Packed parts serve only the one-channel, no-delay delivery loop.
  for (uint32_t k = 0; k < ex.tables.size(); ++k)
    if (pops_[ex.tables[k].to].channels == 1)
      for (auto& part : parts_[k]) pack(part, ex.tables[k]);
  for (const auto& in : net.inputs) inputs_.emplace_back(in);
  input_index_.resize(net.inputs.size());
  input_payload_.resize(net.inputs.size());
  ops_.assign(T, 0);
}

void FunctionalSim::pack(Part& part, const SynapseTable& t) {
  const uint64_t n = part.row[t.row.size() - 1];
  if (t.max_delay != 0) return;
  for (uint64_t s = 0; s < n; ++s) {
    const Synapse& y = part.synapses[s];
    if (y.channel != 0 || y.post >= (1u << 23) || y.weight < -256 || y.weight > 255) return;
  }
  part.packed.resize(n);
  for (uint64_t s = 0; s < n; ++s) {
    const Synapse& y = part.synapses[s];
    part.packed[s] = (y.post << 9) | (uint32_t(y.weight) & 0x1FF);
  }
  part.is_packed = true;
  part.own_synapses = {};
  part.synapses = nullptr;
}

int64_t FunctionalSim::probe(uint32_t p, uint32_t var, uint32_t i) const {
  const Pop& P = pops_[p];
  const uint32_t l = P.local_of.empty() ? i : uint32_t(P.local_of.at(i));
  const size_t k = size_t(std::upper_bound(P.bounds.begin(), P.bounds.end(), l) - P.bounds.begin()) - 1;
  return P.units[k]->probe(var, l - P.bounds[k]);
}

uint64_t FunctionalSim::deliver(const Out& o, uint32_t part, const std::vector<uint32_t>& pre,
                                const std::vector<int32_t>* payload) {
  const SynapseTable& t = ex_.tables[o.table];
  const Part& P = parts_[o.table][part];
  Dendrites& d = pops_[t.to].dendrites;
  const uint64_t base = t_ + 1;
  const uint32_t ch = pops_[t.to].channels;
  uint64_t ops = 0;
  int64_t* flat = d.ring(o.dendrite) == 1 ? d.slot(o.dendrite, base) : nullptr;
  if (P.is_packed) {  // one channel, no delay: flat is the slot of t + 1
    for (size_t n = 0; n < pre.size(); ++n) {
      const int64_t s = payload ? (*payload)[n] : 1;
      const uint32_t* syn = P.packed.data() + P.row[pre[n]];
      const uint32_t* end = P.packed.data() + P.row[pre[n] + 1];
      if (n + 2 < pre.size()) {
        // The row after next: its first lines are a cache miss the stream prefetcher cannot see.
        const uint32_t* ahead = P.packed.data() + P.row[pre[n + 2]];
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 16);
      }
      ops += uint64_t(end - syn);
      if (s == 1) {  // binary spikes: the weights themselves
        for (; syn != end; ++syn) flat[*syn >> 9] += int32_t(*syn << 23) >> 23;  // low 9 bits, signed
      } else {
        for (; syn != end; ++syn) flat[*syn >> 9] += int64_t{int32_t(*syn << 23) >> 23} * s;
      }
    }
    return ops;
  }
  for (size_t n = 0; n < pre.size(); ++n) {
    const uint32_t j = pre[n];
    const int64_t s = payload ? (*payload)[n] : 1;
    const Synapse* syn = P.synapses + P.row[j];
    const Synapse* end = P.synapses + P.row[j + 1];
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
  return ops;
}

void FunctionalSim::step() {
  update();
  if (exchange_) {
    exchanged_.clear();
    for (auto& p : pops_) exchanged_.push_back(&p.spiked);
    exchange_(exchanged_);
  }
  deliver();
}

void FunctionalSim::update() {
  // 1. Neuron updates with the input arriving at t, each thread on its ranges.
  pool_.run([&](uint32_t k) {
    for (auto& p : pops_) {
      const uint32_t lo = p.bounds[k], hi = p.bounds[k + 1];
      if (lo == hi) continue;
      p.dendrites.collect_range(t_, lo, hi, p.channels, p.a_in.data());
      p.units[k]->step(t_, p.a_in.data() + size_t(lo) * p.channels, p.flags.data() + lo);
    }
  });
  for (auto& p : pops_) {
    p.spiked.clear();
    for (uint32_t i = 0; i < p.flags.size(); ++i)
      if (p.flags[i] & kSpiked) p.spiked.push_back(p.owned.empty() ? i : p.owned[i]);
    counters_.neuron_updates += p.flags.size();
    counters_.spikes += p.spiked.size();
  }
}

void FunctionalSim::deliver() {
  // 2. Input sources emit their spikes of step t.
  for (size_t k = 0; k < inputs_.size(); ++k) {
    inputs_[k].emit(t_, input_index_[k], input_payload_[k]);
    counters_.input_spikes += input_index_[k].size();
  }
  // 3. Spikes of step t go into the accumulators of t + 1 + delay, each thread onto its targets.
  pool_.run([&](uint32_t k) {
    uint64_t ops = 0;
    for (size_t p = 0; p < pops_.size(); ++p) {
      if (pops_[p].spiked.empty()) continue;
      for (const Out& o : pop_out_[p]) ops += deliver(o, k, pops_[p].spiked, nullptr);
    }
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (input_index_[i].empty()) continue;
      for (const Out& o : input_out_[i]) ops += deliver(o, k, input_index_[i], &input_payload_[i]);
    }
    ops_[k] = ops;
  });
  for (uint64_t o : ops_) counters_.synaptic_ops += o;
  ++t_;
}

}  // namespace neuromesh::models
