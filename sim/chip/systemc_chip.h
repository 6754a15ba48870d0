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
class CycleDriver;

// One SystemC process per component (router, gateway, terminal, core), evaluated by the SystemC
// kernel. It is made runnable by the chip's CycleDriver, by immediate notification, at the cycles
// the component asked for.
class ComponentProcess : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ComponentProcess);
  ComponentProcess(const sc_core::sc_module_name& name, models::noc::Component& c,
                   const sc_core::sc_time& period, CycleDriver& driver);
  uint64_t evaluations = 0;

 private:
  friend class CycleDriver;
  void on_wake();
  void evaluate_at(uint64_t c);
  models::noc::Component& c_;
  sc_core::sc_time period_;
  CycleDriver& driver_;
  sc_core::sc_event ev_;
  uint64_t pending_ = models::noc::kNever;   // the cycle it is to be evaluated at next
  uint64_t dispatched_ = models::noc::kNever;   // the cycle the driver last made it runnable
  uint64_t last_eval_ = models::noc::kNever;
};

// The chip's clock as the SystemC kernel sees it: one timed event per cycle at which some
// component has work, rather than one per component wake (the SystemC kernel's timed-event queue
// was a quarter of its run time when every router and terminal wake was a timed notification).
// At such a cycle it makes each component due then runnable in the same evaluation phase, and
// the last of them to run re-arms the driver for the earliest cycle then queued (one timed
// notification per busy cycle); wakes at the current cycle come back as a delta notification. Components of one cycle may be
// evaluated in any order (models/noc/scheduler.h), so the results are the calendar kernel's.
class CycleDriver : public sc_core::sc_module, public models::noc::Scheduler {
 public:
  SC_HAS_PROCESS(CycleDriver);
  CycleDriver(const sc_core::sc_module_name& name, const sc_core::sc_time& period);
  void wake(models::noc::Component& c, uint64_t cycle) override;
  void attach(models::noc::Component& c, ComponentProcess& p) { c.kernel_handle = &p; }
  // Reads the current cycle from SystemC time (after sc_start returns, before the chip model
  // wakes components from outside the simulation).
  void sync();
  // Cycles one activation runs ahead of SystemC time (1: each busy cycle is an activation of its
  // own and each component evaluation an activation of the component's process).
  void set_quantum(uint64_t cycles) { quantum_ = cycles < 1 ? 1 : cycles; }

 private:
  friend class ComponentProcess;
  void on_cycle();
  void ran();
  void run_quantum(uint64_t c);
  void notify_at(uint64_t cycle);
  sc_core::sc_time period_;
  sc_core::sc_event ev_;
  models::noc::CycleQueue queue_;
  std::vector<models::noc::Component*> batch_;
  uint64_t scheduled_ = models::noc::kNever;   // cycle of ev_'s pending notification
  uint64_t now_ = 0;                           // the current cycle
  uint64_t running_ = 0;                       // processes made runnable that have not run yet
  bool decoupled_ = false;                     // inside run_quantum()
  uint64_t quantum_ = 1;                       // cycles one activation may run
};

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
  tlm::tlm_generic_payload trans_;
};

// The SystemC kernel's default quantum in cycles (SystemCChip, --quantum).
constexpr uint64_t kDefaultQuantum = 100;

class SystemCChip {
 public:
  SystemCChip(const config::ChipConfig& chip, const models::Network& net,
              const models::ExpandedNetwork& ex, const map::Placement& placement,
              bool release = false, const models::AdexCalibration* calibration = nullptr,
              uint64_t quantum = 1);
  StepRecord step();
  ChipModel& model() { return *model_; }
  uint64_t memory_reads() const;

 private:
  std::unique_ptr<CycleDriver> driver_;
  std::unique_ptr<ChipModel> model_;
  std::vector<std::unique_ptr<ComponentProcess>> procs_;
  std::vector<std::unique_ptr<SynapticMemory>> memories_;
  std::vector<std::unique_ptr<MemoryInitiator>> initiators_;
  sc_core::sc_time period_;
};

}  // namespace neuromesh::chip::sc
