// The input stage of a core: what a spike packet does when it arrives, and what the neuron unit
// sees at the start of a step. One implementation per synapse memory format family:
//   - AxonListInput (Loihi): per-axon lists of (neuron, weight, delay) in the core's memory; a
//     packet reads its axon's list and adds the weights into a ring of delay slots on arrival;
//   - CrossbarInput (TrueNorth): a packet sets one bit of a 16-tick x 256-axon scheduler; at the
//     tick the core reads the crossbar row of every scheduled axon and counts events per neuron
//     and axon type;
//   - SynapseDriverInput (BrainScaleS-2): a packet is an event at one synapse driver, which
//     passes it to the synapses of its two rows whose label matches, as timed events, no sooner
//     than the driver's minimum event separation after its previous event.
// Both produce the same numbers as the functional simulator's delay rings (models/functional_sim.h)
// for the same network; the chip model (sim/chip/chip_model.h) turns their work into cycles.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/neuron_unit.h"

namespace neuromesh::models {

// Work of one packet or one collection: synapses integrated, memory words read and where.
struct InputWork {
  uint64_t synaptic_ops = 0;
  uint32_t words = 0;
  uint64_t word_offset = 0;
  uint64_t delayed = 0;          // events held back by a busy synapse driver (continuous time)
  uint64_t delay_substeps = 0;   // ... and by how many integration substeps in all
};

class InputStage {
 public:
  virtual ~InputStage() = default;
  // Places one synapse of axon `axon` (its index in the core's axon table) onto local neuron
  // `post`, while the core's memory image is built.
  virtual void add_synapse(uint32_t axon, uint32_t post, int32_t weight, uint32_t delay,
                           uint32_t channel) = 0;
  // Called once every synapse is placed.
  virtual void seal() {}
  // A packet for `axon` carrying `payload` is processed during step `step`, at cycle `cycle`.
  virtual InputWork on_packet(uint32_t axon, int64_t payload, uint64_t step, uint64_t cycle) = 0;
  // A stage whose packet work (synapses, words and where) depends only on the axon can split
  // on_packet in two: packet_work() now, for the timing, and integrate() later, possibly on
  // another thread, before the step that reads the sums (sim/chip/core_threads.h).
  virtual bool separable() const { return false; }
  // A packet for `axon` is on its way: fetch what processing it will read (a hint; no effect on
  // results): its axon record, or with `list` its synapses (the record read first).
  virtual void prefetch(uint32_t axon, bool list = false) const { (void)axon, (void)list; }
  virtual InputWork packet_work(uint32_t axon) const;
  virtual void integrate(uint32_t axon, int64_t payload, uint64_t step);
  // The first step whose start the packet must precede (the tick that reads it).
  virtual uint64_t deadline_step(uint32_t axon, uint64_t step) const = 0;
  // At the start of step `step`: writes the neuron inputs (neurons x channels) into `in`; when the
  // stage integrates now rather than on arrival, `events[i]` counts neuron i's synaptic events
  // (else `events` is left empty).
  virtual InputWork collect(uint64_t step, std::vector<int64_t>& in,
                            std::vector<uint32_t>& events) = 0;
  // Continuous-time stages: moves the synaptic events that take effect before substep `until`
  // into `out`, sorted.
  virtual void take_events(uint64_t until, std::vector<TimedEvent>& out);
};

inline InputWork InputStage::packet_work(uint32_t) const {
  throw std::logic_error("packet_work() called on an input stage that is not separable");
}
inline void InputStage::integrate(uint32_t, int64_t, uint64_t) {
  throw std::logic_error("integrate() called on an input stage that is not separable");
}

inline void InputStage::take_events(uint64_t, std::vector<TimedEvent>&) {
  throw std::logic_error("take_events() called on a stepped input stage");
}

}  // namespace neuromesh::models
