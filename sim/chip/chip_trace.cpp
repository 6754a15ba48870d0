#include "sim/chip/chip_trace.h"

namespace neuromesh::chip {

namespace {
const char* kPort[4] = {"east", "west", "north", "south"};
std::string scope_name(std::string s) {
  for (char& c : s)
    if (c == '[' || c == ']' || c == '.') c = '_';
  return s;
}
}  // namespace

ChipTrace::ChipTrace(ChipModel& model, uint64_t first, uint64_t last)
    : model_(model), vcd_(model.config().clock.cycle_ns), first_(first), last_(last) {
  const auto& chip = model.config();
  step_sig_ = vcd_.add("chip", "timestep", 32);
  neuron_sig_.assign(chip.cores.size(), 0);
  synapse_sig_.assign(chip.cores.size(), 0);
  for (const auto& k : model.cores()) {
    const std::string scope = "chip.core_" + scope_name(chip.cores[k->index].name);
    neuron_sig_[k->index] = vcd_.add(scope, "neuron_update_busy", 1);
    synapse_sig_[k->index] = vcd_.add(scope, "synaptic_input_busy", 1);
  }
  auto& noc = model.noc();
  link_sig_.resize(noc.routers());
  for (uint32_t r = 0; r < noc.routers(); ++r) {
    const std::string scope = "chip.router_" + std::to_string(r % chip.mesh.width) + "_" +
                              std::to_string(r / chip.mesh.width);
    const size_t ports = noc.router(r).flits_out.size();
    for (size_t p = 0; p < ports; ++p) {
      const std::string name = p < 4 ? std::string(kPort[p]) + "_flit"
                                     : "local" + std::to_string(p - 4) + "_flit";
      link_sig_[r].push_back(vcd_.add(scope, name, 1));
    }
  }
  for (uint32_t t = 0; t < noc.terminals(); ++t) {
    const std::string name = t == noc.host_terminal() ? "host_inject_flit"
                                                      : "ni" + std::to_string(t) + "_inject_flit";
    inject_sig_.push_back(vcd_.add("chip.terminals", name, 1));
  }
  model.observer = this;
  noc.observer = this;
}

ChipTrace::~ChipTrace() {
  model_.observer = nullptr;
  model_.noc().observer = nullptr;
}

void ChipTrace::step_begin(uint64_t step, uint64_t cycle) {
  on_ = step >= first_ && step < last_;
  if (on_) vcd_.change(cycle, step_sig_, step);
}

void ChipTrace::neuron_unit(uint32_t core, uint64_t start, uint64_t end) {
  if (!on_ || end == start) return;
  vcd_.change(start, neuron_sig_[core], 1);
  vcd_.change(end, neuron_sig_[core], 0);
}

void ChipTrace::synaptic_input(uint32_t core, uint64_t start, uint64_t end) {
  if (!on_) return;
  vcd_.change(start, synapse_sig_[core], 1);
  vcd_.change(end, synapse_sig_[core], 0);
}

void ChipTrace::flit_sent(uint32_t router, int port, uint64_t cycle) {
  if (!on_) return;
  vcd_.change(cycle, link_sig_[router][size_t(port)], 1);
  vcd_.change(cycle + 1, link_sig_[router][size_t(port)], 0);
}

void ChipTrace::flit_injected(uint32_t terminal, uint64_t cycle) {
  if (!on_) return;
  vcd_.change(cycle, inject_sig_[terminal], 1);
  vcd_.change(cycle + 1, inject_sig_[terminal], 0);
}

}  // namespace neuromesh::chip
