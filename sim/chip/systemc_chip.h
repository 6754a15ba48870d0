// The chip as SystemC modules: one module per router, per NoC terminal (core network interface
// and host port), per neuro core and per synaptic memory (a TLM-2.0 target), composed at run time
// from the ChipConfig. Each module is a thin timing shell: it holds a plain C++ model from
// sim/chip/chip_model.h or models/noc and evaluates it when its event fires; nothing runs on a
// clock edge. A timestep is one sc_start(): it returns when no event is left (every core idle,
// the NoC empty), which is where the barrier closes the step.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <vector>

#include "sim/chip/chip_model.h"

namespace neuromesh::chip::sc {

// Must run before any sc_time is made: femtosecond resolution keeps every cycle an exact
// integer number of time units for any clock in the configs.
void init_time_resolution();

// Evaluates one plain C++ component when its event fires.
class ComponentProcess : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ComponentProcess);
  ComponentProcess(const sc_core::sc_module_name& name, models::noc::Component& c,
                   const sc_core::sc_time& period);
  void wake(uint64_t cycle);
  uint64_t evaluations = 0;

 private:
  void on_wake();
  uint64_t now_cycle() const;
  models::noc::Component& c_;
  sc_core::sc_time period_;
  sc_core::sc_event ev_;
  uint64_t pending_ = models::noc::kNever;
  uint64_t last_eval_ = models::noc::kNever;
};

class SystemCScheduler : public models::noc::Scheduler {
 public:
  void wake(models::noc::Component& c, uint64_t cycle) override {
    static_cast<ComponentProcess*>(c.kernel_handle)->wake(cycle);
  }
  void attach(models::noc::Component& c, ComponentProcess& p) { c.kernel_handle = &p; }
};

// A core's synaptic memory: banks x word width, access latency, capacity enforced; counts reads.
class SynapticMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SynapticMemory> socket;
  SynapticMemory(const sc_core::sc_module_name& name, const config::SynapticMemoryConfig& cfg,
                 const sc_core::sc_time& period);
  uint64_t reads = 0, writes = 0;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  config::SynapticMemoryConfig cfg_;
  sc_core::sc_time period_;
};

// The core side of the memory: issues one TLM read per spike packet.
class MemoryInitiator : public sc_core::sc_module, public SynapticMemoryPort {
 public:
  tlm_utils::simple_initiator_socket<MemoryInitiator> socket;
  MemoryInitiator(const sc_core::sc_module_name& name, uint32_t word_bytes,
                  const sc_core::sc_time& period);
  uint64_t read(uint64_t word, uint32_t words) override;

 private:
  uint32_t word_bytes_;
  sc_core::sc_time period_;
  std::vector<unsigned char> scratch_;
};

class SystemCChip {
 public:
  SystemCChip(const config::ChipConfig& chip, const models::Network& net,
              const models::ExpandedNetwork& ex, const map::Placement& placement,
              bool release = false, const models::AdexCalibration* calibration = nullptr);
  StepRecord step();
  ChipModel& model() { return *model_; }
  uint64_t memory_reads() const;

 private:
  SystemCScheduler sched_;
  std::unique_ptr<ChipModel> model_;
  std::vector<std::unique_ptr<ComponentProcess>> procs_;
  std::vector<std::unique_ptr<SynapticMemory>> memories_;
  std::vector<std::unique_ptr<MemoryInitiator>> initiators_;
  sc_core::sc_time period_;
};

}  // namespace neuromesh::chip::sc
