#include "sim/chip/rtl_backend.h"

#include <stdexcept>

#include "Vlif_update_unit.h"
#include "models/lif_update_unit.h"
#include "models/loihi_lif_unit.h"
#include "sim/map/mapper.h"

namespace neuromesh::chip {

namespace {
int64_t sign_extend(uint64_t raw, int bits) { return int64_t(raw << (64 - bits)) >> (64 - bits); }
}  // namespace

RtlNeuronBackend::RtlNeuronBackend() : dut_(std::make_unique<Vlif_update_unit>()) {
  dut_->clk_i = 0;
  dut_->rst_ni = 0;
  dut_->in_valid_i = 0;
  dut_->out_ready_i = 1;
  dut_->eval();
  tick();
  dut_->rst_ni = 1;
  dut_->eval();
}

RtlNeuronBackend::~RtlNeuronBackend() { dut_->final(); }

void RtlNeuronBackend::tick() {
  dut_->clk_i = 1;
  dut_->eval();
  dut_->clk_i = 0;
  dut_->eval();
  ++cycles_;
}

void RtlNeuronBackend::step(const Where& where, models::NeuronUnit& unit, uint64_t,
                            const int64_t* in, uint8_t* flags) {
  const std::string& core = where.core;
  auto* lif = dynamic_cast<models::LoihiLifUnit*>(&unit);
  if (!lif) {
    throw map::MapError("--neuron-backend rtl: core " + core + " runs a neuron model that has no "
                        "RTL unit yet (rtl/ holds the Loihi LIF unit only)");
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
    dut_->u_i = uint64_t(x.u) & ((uint64_t{1} << 52) - 1);
    dut_->v_i = uint32_t(x.v) & 0xFFFFFFu;
    dut_->du_i = x.du;
    dut_->dv_i = x.dv;
    dut_->vth_i = x.vth;
    dut_->bias_mant_i = uint32_t(x.bias_mant) & 0x1FFFu;
    dut_->bias_exp_i = uint32_t(x.bias_exp) & 0xFu;
    dut_->a_i = uint64_t(x.a) & ((uint64_t{1} << 34) - 1);
    dut_->ref_period_i = x.ref_period;
    dut_->ref_left_i = x.ref_left;
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

}  // namespace neuromesh::chip
