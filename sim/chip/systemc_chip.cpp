#include "sim/chip/systemc_chip.h"

#include <cmath>
#include <string>

namespace neuromesh::chip::sc {

using sc_core::sc_time;
using models::noc::kNever;

void init_time_resolution() {
  static bool done = false;
  if (!done) {
    sc_core::sc_set_time_resolution(1, sc_core::SC_FS);
    done = true;
  }
}

namespace {
sc_time period_of(const config::ChipConfig& chip) {
  return sc_time::from_value(sc_dt::uint64(std::llround(chip.clock.cycle_ns * 1e6)));
}
std::string safe(std::string s) {
  for (char& c : s)
    if (c == '[' || c == ']' || c == '.' || c == ',') c = '_';
  return s;
}
}  // namespace

ComponentProcess::ComponentProcess(const sc_core::sc_module_name& name, models::noc::Component& c,
                                   const sc_time& period, CycleDriver& driver)
    : sc_module(name), c_(c), period_(period), driver_(driver) {
  SC_METHOD(on_wake);
  sensitive << ev_;
  dont_initialize();
}

// Evaluates the component at cycle `c` if it is due then and not yet evaluated at `c`.
void ComponentProcess::evaluate_at(uint64_t c) {
  if (pending_ != c || last_eval_ == c) return;
  pending_ = kNever;
  last_eval_ = c;
  ++evaluations;
  const uint64_t next = c_.evaluate(c);
  if (next != kNever) driver_.wake(c_, next);
}

// Runs in the evaluation phase in which the driver made it runnable, at the driver's cycle.
void ComponentProcess::on_wake() {
  evaluate_at(driver_.now_);
  driver_.ran();
}

CycleDriver::CycleDriver(const sc_core::sc_module_name& name, const sc_time& period)
    : sc_module(name), period_(period) {
  SC_METHOD(on_cycle);
  sensitive << ev_;
  dont_initialize();
}

void CycleDriver::sync() { now_ = sc_core::sc_time_stamp().value() / period_.value(); }

void CycleDriver::wake(models::noc::Component& c, uint64_t cycle) {
  ComponentProcess& p = *static_cast<ComponentProcess*>(c.kernel_handle);
  if (cycle < now_) cycle = now_;
  if (cycle >= p.pending_) return;  // an earlier wake is pending; it will ask again if needed
  p.pending_ = cycle;
  queue_.push(cycle, &c);
  if (running_ == 0 && !decoupled_) notify_at(cycle);   // else the driver re-arms afterwards
}

// The last of the processes made runnable at this cycle has run: every wake they asked for is
// queued, so one notification, for the earliest, replaces one per wake.
void CycleDriver::ran() {
  if (--running_ != 0) return;
  const uint64_t next = queue_.earliest();
  if (next != kNever) notify_at(next);
}

// Relative to the absolute start of `cycle`: SystemC time may sit between cycles (analog windows
// end 1 fs before the next one starts).
void CycleDriver::notify_at(uint64_t cycle) {
  if (cycle >= scheduled_) return;
  scheduled_ = cycle;
  const sc_time at = sc_time::from_value(period_.value() * cycle);
  ev_.notify(at > sc_core::sc_time_stamp() ? at - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME);
}

void CycleDriver::on_cycle() {
  sync();
  const uint64_t c = now_;
  scheduled_ = kNever;
  if (quantum_ > 1) return run_quantum(c);
  if (queue_.earliest() == c) {
    queue_.take(c, batch_);
    for (models::noc::Component* comp : batch_) {
      ComponentProcess& p = *static_cast<ComponentProcess*>(comp->kernel_handle);
      if (p.pending_ != c || p.dispatched_ == c) continue;   // superseded, or already runnable
      p.dispatched_ = c;
      ++running_;
      p.ev_.notify();  // runnable in this evaluation phase
    }
  }
  if (running_ != 0) return;   // the last of them re-arms the driver (ran())
  const uint64_t next = queue_.earliest();
  if (next != kNever) notify_at(next);
}

// Temporal decoupling (TLM-2.0 loosely timed): this activation runs every busy cycle of
// [c, c + quantum) itself, in cycle order, each component at its own cycle, ahead of SystemC time;
// SystemC time then jumps to the next busy cycle. The components see only their own cycle
// stamps, so the results are those of one activation per cycle.
void CycleDriver::run_quantum(uint64_t c) {
  decoupled_ = true;
  const uint64_t limit = c + quantum_;
  for (uint64_t cycle = queue_.earliest(); cycle < limit; cycle = queue_.earliest()) {
    queue_.take(cycle, batch_);
    now_ = cycle;
    for (models::noc::Component* comp : batch_) {
      static_cast<ComponentProcess*>(comp->kernel_handle)->evaluate_at(cycle);
    }
  }
  decoupled_ = false;
  const uint64_t next = queue_.earliest();
  if (next != kNever) notify_at(next);
}

SynapticMemory::SynapticMemory(const sc_core::sc_module_name& name,
                               const config::SynapticMemoryConfig& cfg, const sc_time& period)
    : sc_module(name), socket("socket"), cfg_(cfg), period_(period) {
  socket.register_b_transport(this, &SynapticMemory::b_transport);
}

void SynapticMemory::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  const uint64_t word_bytes = cfg_.word_bits / 8;
  const uint64_t addr = trans.get_address(), len = trans.get_data_length();
  if (addr % word_bytes != 0 || len % word_bytes != 0 || addr + len > cfg_.bytes) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const uint32_t words = uint32_t(len / word_bytes);
  if (trans.is_read()) reads += words;
  else writes += words;
  delay += period_ * double(memory_read_cycles(cfg_, words));
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

MemoryInitiator::MemoryInitiator(const sc_core::sc_module_name& name, uint32_t word_bytes,
                                 const sc_time& period)
    : sc_module(name), socket("socket"), word_bytes_(word_bytes), period_(period) {}

// One payload object, reused: constructing one allocates its extension array.
uint64_t MemoryInitiator::read(uint64_t word, uint32_t words) {
  tlm::tlm_generic_payload& trans = trans_;
  const size_t len = size_t(words) * word_bytes_;
  if (scratch_.size() < len) scratch_.resize(len);
  trans.set_command(tlm::TLM_READ_COMMAND);
  trans.set_address(word * word_bytes_);
  trans.set_data_ptr(scratch_.data());
  trans.set_data_length(uint32_t(len));
  trans.set_streaming_width(uint32_t(len));
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(trans, delay);
  if (trans.is_response_error()) {
    throw std::runtime_error(std::string(name()) + ": synaptic memory read outside the memory: " +
                             trans.get_response_string());
  }
  return delay.value() / period_.value();
}

SystemCChip::SystemCChip(const config::ChipConfig& chip, const models::Network& net,
                         const models::ExpandedNetwork& ex, const map::Placement& placement,
                         bool release, const models::AdexCalibration* calibration, uint64_t quantum) {
  init_time_resolution();
  period_ = period_of(chip);
  driver_ = std::make_unique<CycleDriver>("cycle_driver", period_);
  // Analog windows end at a cycle the driver does not know: one activation per cycle there.
  driver_->set_quantum(analog_clock(chip).substeps_per_cycle ? 1 : quantum);
  model_ = std::make_unique<ChipModel>(chip, net, ex, placement, *driver_, release, calibration);
  auto& noc = model_->noc();
  for (uint32_t r = 0; r < noc.routers(); ++r) {
    const std::string name = "router_" + std::to_string(r % chip.mesh.width) + "_" +
                             std::to_string(r / chip.mesh.width);
    procs_.push_back(std::make_unique<ComponentProcess>(name.c_str(), noc.router(r), period_, *driver_));
    driver_->attach(noc.router(r), *procs_.back());
  }
  for (size_t g = 0; g < noc.gateways().size(); ++g) {
    auto& G = noc.gateway(g);
    static const char* dir[4] = {"east", "west", "north", "south"};
    const std::string name = "gateway_chip" + std::to_string(G.from_chip()) + "_" + dir[G.dir()];
    procs_.push_back(std::make_unique<ComponentProcess>(name.c_str(), G, period_, *driver_));
    driver_->attach(G, *procs_.back());
  }
  for (uint32_t t = 0; t < noc.terminals(); ++t) {
    const std::string name = t == noc.host_terminal() ? std::string("host_port")
                                                      : "ni_" + std::to_string(t);
    procs_.push_back(std::make_unique<ComponentProcess>(name.c_str(), noc.term(t), period_, *driver_));
    driver_->attach(noc.term(t), *procs_.back());
  }
  for (const auto& core : model_->cores()) {
    const auto& inst = chip.cores[core->index];
    const auto& type = chip.type_of(inst);
    const std::string base = safe(inst.name);
    procs_.push_back(std::make_unique<ComponentProcess>(("core_" + base).c_str(), *core, period_, *driver_));
    driver_->attach(*core, *procs_.back());
    memories_.push_back(std::make_unique<SynapticMemory>(("synmem_" + base).c_str(),
                                                         type.synaptic_memory, period_));
    initiators_.push_back(std::make_unique<MemoryInitiator>(
        ("synmem_port_" + base).c_str(), type.synaptic_memory.word_bits / 8, period_));
    initiators_.back()->socket.bind(memories_.back()->socket);
    core->memory = initiators_.back().get();
  }
}

StepRecord SystemCChip::step() {
  if (model_->analog().substeps_per_cycle) {
    // Analog: run exactly the window's cycles, up to 1 fs before the next window starts (no
    // event lies between cycles); later events stay pending.
    driver_->sync();
    model_->begin_step();
    const sc_time target = period_ * double(model_->window_end()) - sc_time(1, sc_core::SC_FS);
    if (target > sc_core::sc_time_stamp()) sc_core::sc_start(target - sc_core::sc_time_stamp());
    driver_->sync();
    return model_->end_step();
  }
  // Bring SystemC time to the step's start cycle, then run until no event is left.
  const uint64_t start = model_->cycle();
  const uint64_t now = sc_core::sc_time_stamp().value() / period_.value();
  if (start > now) sc_core::sc_start(period_ * double(start - now));
  driver_->sync();
  model_->begin_step();
  if (sc_core::sc_pending_activity()) sc_core::sc_start();
  driver_->sync();
  return model_->end_step();
}

uint64_t SystemCChip::memory_reads() const {
  uint64_t n = 0;
  for (const auto& m : memories_) n += m->reads;
  return n;
}

}  // namespace neuromesh::chip::sc
