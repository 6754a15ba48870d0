// Co-simulation: every core's neuron updates computed by the Verilated RTL neuron update unit of
// its neuron model instead of the C++ arithmetic: rtl/lif_update_unit.sv for Loihi LIF cores,
// rtl/truenorth_update_unit.sv for TrueNorth cores. Neurons stream through the unit; the cycles
// the unit takes are checked against its C++ cycle model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/lif_array.h"
#include "sim/chip/chip_model.h"

class Vlif_update_unit;
class Vtruenorth_update_unit;
namespace neuromesh::models {
class TrueNorthUnit;
}

namespace neuromesh::chip {

class RtlNeuronBackend final : public NeuronUpdateBackend {
 public:
  RtlNeuronBackend();
  ~RtlNeuronBackend() override;
  // Runs a Loihi LIF unit's step through the RTL; any other neuron model is a MapError.
  void step(const Where& where, models::NeuronUnit& unit, uint64_t t, const int64_t* in,
            uint8_t* flags) override;
  uint64_t unit_cycles() const { return cycles_; }
  uint64_t last_stream_cycles() const override { return last_; }

 private:
  void tick();
  void stream(const Where& where, models::LifArray& neurons, const int64_t* a_in, uint8_t* flags);
  void stream_truenorth(const Where& where, models::TrueNorthUnit& unit, uint64_t t,
                        const int64_t* counts, uint8_t* flags);
  std::unique_ptr<Vlif_update_unit> dut_;
  std::unique_ptr<Vtruenorth_update_unit> tn_;   // made at the first TrueNorth core
  uint64_t cycles_ = 0, last_ = 0;
};

}  // namespace neuromesh::chip
