// Waveforms of a window of timesteps: the step number, every link's flit pulses and every core's
// neuron update and synaptic input units, as a VCD file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/chip/chip_model.h"
#include "sim/io/vcd_writer.h"

namespace neuromesh::chip {

class ChipTrace final : public ChipObserver, public models::noc::NocObserver {
 public:
  // Records steps [first, last).
  ChipTrace(ChipModel& model, uint64_t first, uint64_t last);
  ~ChipTrace() override;
  std::string text() const { return vcd_.text(); }

  void step_begin(uint64_t step, uint64_t cycle) override;
  void neuron_unit(uint32_t core, uint64_t start, uint64_t end) override;
  void synaptic_input(uint32_t core, uint64_t start, uint64_t end) override;
  void flit_sent(uint32_t router, int port, uint64_t cycle) override;
  void flit_injected(uint32_t terminal, uint64_t cycle) override;

 private:
  ChipModel& model_;
  io::VcdWriter vcd_;
  uint64_t first_, last_;
  bool on_ = false;
  uint32_t step_sig_ = 0;
  std::vector<uint32_t> neuron_sig_, synapse_sig_;   // by chip core index
  std::vector<std::vector<uint32_t>> link_sig_;      // [router][port]
  std::vector<uint32_t> inject_sig_;                 // by terminal
};

}  // namespace neuromesh::chip
