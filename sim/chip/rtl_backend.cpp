#include "sim/chip/rtl_backend.h"

#include <stdexcept>

#include "Vlif_update_unit.h"
#include "Vtruenorth_update_unit.h"
#include "models/lif_update_unit.h"
#include "models/loihi_lif_unit.h"
#include "models/truenorth_update_unit.h"
#include "rtl/drive.h"
#include "sim/map/mapper.h"

namespace neuromesh::chip {

namespace {
int64_t sign_extend(uint64_t raw, int bits) { return int64_t(raw << (64 - bits)) >> (64 - bits); }
}  // namespace

RtlNeuronBackend::RtlNeuronBackend() : dut_(std::make_unique<Vlif_update_unit>()) {
  rtl::reset(*dut_, true);
}

RtlNeuronBackend::~RtlNeuronBackend() {
  dut_->final();
  if (tn_) tn_->final();
}

void RtlNeuronBackend::tick() {
  rtl::clock(*dut_);
  ++cycles_;
}

void RtlNeuronBackend::step(const Where& where, models::NeuronUnit& unit, uint64_t t,
                            const int64_t* in, uint8_t* flags) {
  const std::string& core = where.core;
  if (auto* tn = dynamic_cast<models::TrueNorthUnit*>(&unit)) return stream_truenorth(where, *tn, t, in, flags);
  auto* lif = dynamic_cast<models::LoihiLifUnit*>(&unit);
  if (!lif) {
    throw map::MapError("--neuron-backend rtl: core " + core + " runs a neuron model that has no "
                        "RTL unit (rtl/ holds the Loihi LIF and TrueNorth units)");
  }
  models::LifArray& neurons = lif->neurons();
  // Whether an update is active is decided on the state before it, as the C++ unit does.
  for (uint32_t i = 0; i < neurons.size(); ++i) {
    flags[i] = neurons.active(i, in[i]) ? models::kActive : 0;
  }
  stream(where, neurons, in, flags);
}

void RtlNeuronBackend::stream(const Where& where, models::LifArray& neurons,
                              const int64_t* a_in, uint8_t* flags) {
  const uint32_t n = neurons.size();
  uint32_t sent = 0, received = 0;
  const uint64_t first = cycles_;
  while (received < n) {
    models::LifUnitIn x;
    const bool offer = sent < n;
    if (offer) {
      const auto& p = neurons.params(sent);
      x.u = neurons.u(sent);
      x.v = int32_t(neurons.v(sent));
      x.du = uint32_t(p.du);
      x.dv = uint32_t(p.dv);
      x.vth = uint32_t(p.vth);
      x.bias_mant = p.bias_mant;
      x.bias_exp = p.bias_exp;
      x.ref_period = uint32_t(p.refractory);
      x.ref_left = uint32_t(neurons.refractory_left(sent));
      x.a = a_in[sent];
      // The unit's domain is the model's, which the expansion guarantees (models/loihi_lif.h):
      // leaving it would be a bug here, not a property of the network.
      if (!models::LifUpdateUnit::in_domain(x)) {
        throw std::logic_error("--neuron-backend rtl: neuron " + std::to_string(where.neurons[sent]) +
                               " of population '" + where.population + "' (core " + where.core +
                               "): input " + std::to_string(a_in[sent]) + " or state (u " +
                               std::to_string(neurons.u(sent)) + ", v " +
                               std::to_string(neurons.v(sent)) +
                               ") is outside the model's operand domain (docs/rtl.md)");
      }
    }
    dut_->in_valid_i = offer;
    rtl::set_inputs(*dut_, x);
    dut_->out_ready_i = 1;
    dut_->eval();
    if (dut_->out_valid_o) {
      neurons.set_state(received, sign_extend(dut_->u_o, 52), sign_extend(dut_->v_o, 24),
                        int32_t(dut_->ref_left_o));
      if (dut_->spike_o) flags[received] |= models::kSpiked;
      ++received;
    }
    if (offer && dut_->in_ready_o) ++sent;
    tick();
  }
  last_ = cycles_ - first;
}

// TrueNorth cores: each neuron's state, parameters, four input counts and random key stream
// through the Verilated TrueNorth unit (one neuron at a time: accept, one cycle per stochastic
// event, finish); its output register is always taken. The unit's cycles for the core must be
// its cycle model's.
void RtlNeuronBackend::stream_truenorth(const Where& where, models::TrueNorthUnit& unit, uint64_t t,
                                        const int64_t* counts, uint8_t* flags) {
  if (!tn_) {
    tn_ = std::make_unique<Vtruenorth_update_unit>();
    rtl::reset(*tn_, true);
  }
  Vtruenorth_update_unit& d = *tn_;
  const uint32_t n = unit.size();
  const uint64_t first = cycles_;
  uint64_t expected = 0;
  uint32_t sent = 0, received = 0;
  while (received < n) {
    models::TrueNorthUnitIn x;
    const bool offer = sent < n;
    if (offer) {
      x.v = unit.v(sent);
      for (int g = 0; g < models::truenorth::kAxonTypes; ++g) x.counts[g] = counts[size_t(sent) * 4 + size_t(g)];
      x.p = unit.params(sent);
      x.seed = unit.rng().seed;
      x.population = unit.rng().population;
      x.neuron = unit.neuron(sent);
      x.step = t;
      if (!models::TrueNorthUpdateUnit::in_domain(x)) {
        throw std::logic_error("--neuron-backend rtl: neuron " + std::to_string(where.neurons[sent]) +
                               " of population '" + where.population + "' (core " + where.core +
                               ") is outside the TrueNorth unit's operand domain (docs/rtl.md)");
      }
    }
    d.in_valid_i = offer;
    if (offer) rtl::set_inputs(d, x);
    d.out_ready_i = 1;
    d.eval();
    if (d.out_valid_o) {
      const int32_t v = int32_t(uint32_t(d.v_o) << 12) >> 12;
      const int64_t* c = counts + size_t(received) * 4;
      const bool active = c[0] > 0 || c[1] > 0 || c[2] > 0 || c[3] > 0;
      unit.set_v(received, v);
      flags[received] = uint8_t((d.spike_o ? models::kSpiked : 0) | (active ? models::kActive : 0));
      ++received;
    }
    if (offer && d.in_ready_o) {
      expected += models::TrueNorthUpdateUnit::neuron_cycles(x);
      ++sent;
    }
    rtl::clock(d);
    ++cycles_;
  }
  last_ = cycles_ - first;
  // Each neuron takes accept + events + finish; the last output is taken one cycle after its finish.
  if (last_ != expected + 1) {
    throw std::logic_error("--neuron-backend rtl: the TrueNorth unit took " + std::to_string(last_) +
                           " cycles for core " + where.core + ", its cycle model " + std::to_string(expected + 1));
  }
}

}  // namespace neuromesh::chip
