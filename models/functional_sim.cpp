#include "models/functional_sim.h"

namespace neuromesh::models {

using namespace loihi;

FunctionalSim::FunctionalSim(const Network& net, const ExpandedNetwork& ex) : net_(net), ex_(ex) {
  pops_.resize(net.populations.size());
  pop_out_.resize(net.populations.size());
  input_out_.resize(net.inputs.size());
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    Pop& s = pops_[p];
    const size_t n = pop.size;
    s.du_factor.resize(n);
    s.dv_factor.resize(n);
    s.threshold.resize(n);
    s.bias.resize(n);
    s.refractory.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const LifParams& lp = pop.params[i];
      s.du_factor[i] = 4096 - (lp.du + 1);
      s.dv_factor[i] = 4096 - lp.dv;
      s.threshold[i] = int64_t{lp.vth} << kActShift;
      s.bias[i] = effective_bias(lp);
      s.refractory[i] = lp.refractory;
    }
    s.u.assign(n, 0);
    s.v.assign(n, 0);
    s.refractory_left.assign(n, 0);
    s.a_in.assign(n, 0);
  }
  acc_.resize(ex.tables.size());
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& t = ex.tables[k];
    acc_[k].ring = t.max_delay + 1;
    acc_[k].post = net.populations[t.to].size;
    acc_[k].slots.assign(size_t(acc_[k].ring) * acc_[k].post, 0);
    pops_[t.to].incoming.push_back(k);
    (t.from.is_input ? input_out_ : pop_out_)[t.from.index].outgoing.push_back(k);
  }
  inputs_.resize(net.inputs.size());
  for (size_t k = 0; k < net.inputs.size(); ++k) inputs_[k].rng = Rng(net.inputs[k].seed);
}

void FunctionalSim::deliver(uint32_t k, const std::vector<uint32_t>& pre,
                            const std::vector<int32_t>* payload) {
  const SynapseTable& t = ex_.tables[k];
  Acc& a = acc_[k];
  const uint64_t base_t = t_ + 1;
  uint64_t ops = 0;
  for (size_t n = 0; n < pre.size(); ++n) {
    const uint32_t j = pre[n];
    const int64_t s = payload ? (*payload)[n] : 1;
    const Synapse* syn = t.synapses.data() + t.row[j];
    const Synapse* end = t.synapses.data() + t.row[j + 1];
    ops += uint64_t(end - syn);
    if (a.ring == 1) {
      int64_t* slot = a.slots.data();
      for (; syn != end; ++syn) slot[syn->post] += int64_t{syn->weight} * s;
    } else {
      for (; syn != end; ++syn) {
        const size_t r = size_t((base_t + syn->delay) % a.ring);
        a.slots[r * a.post + syn->post] += int64_t{syn->weight} * s;
      }
    }
  }
  counters_.synaptic_ops += ops;
}

void FunctionalSim::step() {
  // 1. Neuron updates with the input arriving at t.
  for (auto& s : pops_) {
    const size_t n = s.u.size();
    std::fill(s.a_in.begin(), s.a_in.end(), 0);
    for (uint32_t k : s.incoming) {
      Acc& a = acc_[k];
      int64_t* slot = a.slots.data() + size_t(t_ % a.ring) * a.post;
      const int wexp = ex_.tables[k].weight_exp;
      for (size_t i = 0; i < n; ++i) {
        s.a_in[i] += apply_weight_exp(slot[i], wexp);
        slot[i] = 0;
      }
    }
    s.spiked.clear();
    for (size_t i = 0; i < n; ++i) {
      const int64_t u = wrap_u(decay(s.u[i], s.du_factor[i]) + s.a_in[i] * (int64_t{1} << kActShift));
      s.u[i] = u;
      if (s.refractory_left[i] > 0) {
        --s.refractory_left[i];
        s.v[i] = 0;
        continue;
      }
      const int64_t v = saturate_v(decay(s.v[i], s.dv_factor[i]) + u + s.bias[i]);
      if (v > s.threshold[i]) {
        s.v[i] = 0;
        s.refractory_left[i] = s.refractory[i];
        s.spiked.push_back(static_cast<uint32_t>(i));
      } else {
        s.v[i] = v;
      }
    }
    counters_.neuron_updates += n;
    counters_.spikes += s.spiked.size();
  }

  // 2. Input sources emit their spikes of step t.
  for (size_t k = 0; k < inputs_.size(); ++k) {
    const InputSource& src = net_.inputs[k];
    InputState& st = inputs_[k];
    st.index.clear();
    st.payload.clear();
    while (st.cursor < src.spikes.size() && src.spikes[st.cursor].step < t_) ++st.cursor;
    while (st.cursor < src.spikes.size() && src.spikes[st.cursor].step == t_) {
      st.index.push_back(src.spikes[st.cursor].index);
      st.payload.push_back(src.spikes[st.cursor].payload);
      ++st.cursor;
    }
    if (src.poisson) {
      for (uint32_t i = 0; i < src.size; ++i) {
        if (st.rng.chance(src.rate)) {
          st.index.push_back(i);
          st.payload.push_back(1);
        }
      }
    }
    counters_.input_spikes += st.index.size();
  }

  // 3. Spikes of step t go into the accumulators of t + 1 + delay.
  for (size_t p = 0; p < pops_.size(); ++p) {
    if (pops_[p].spiked.empty()) continue;
    for (uint32_t k : pop_out_[p].outgoing) deliver(k, pops_[p].spiked, nullptr);
  }
  for (size_t k = 0; k < inputs_.size(); ++k) {
    if (inputs_[k].index.empty()) continue;
    for (uint32_t proj : input_out_[k].outgoing) deliver(proj, inputs_[k].index, &inputs_[k].payload);
  }
  ++t_;
}

}  // namespace neuromesh::models
