#include "sim/chip/chip_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/axon_list_input.h"
#include "models/crossbar_input.h"
#include "models/lif_update_unit.h"
#include "models/loihi_lif_unit.h"
#include "models/truenorth_update_unit.h"
#include "models/synapse_driver_input.h"
#include "models/neuron_model_registry.h"

namespace neuromesh::chip {

using models::noc::kNever;

namespace {
uint16_t flits_for(uint32_t bits, uint32_t flit_bits) {
  return uint16_t((bits + flit_bits - 1) / flit_bits);
}
// Bits of a binary spike message: the widest of the chip's formats (Loihi's 32-bit message,
// TrueNorth's 32-bit packet, BrainScaleS-2's 14-bit event label).
uint32_t spike_bits(const config::ChipConfig& chip) {
  uint32_t bits = 0;
  for (const auto& t : chip.core_types) bits = std::max(bits, models::layout_of(t.synapse_format).spike_bits);
  return bits;
}
constexpr uint32_t kGradedPayloadBits = 24;  // Lava's 24-bit graded payloads

// Cycle counts stay below 2^62 so that no sum of a cycle and a latency can wrap a 64-bit counter.
constexpr uint64_t kMaxCycle = uint64_t{1} << 62;

// a + b * n, or a map::MapError naming what overflowed (a config whose latencies are too large
// for the run).
// `what()` is only called to build the message.
template <typename What>
uint64_t advance(uint64_t a, uint64_t b, uint64_t n, const What& what) {
  uint64_t prod = 0, sum = 0;
  if (__builtin_mul_overflow(b, n, &prod) || __builtin_add_overflow(a, prod, &sum) || sum >= kMaxCycle) {
    throw map::MapError("cycle count overflow: " + what() + " would pass 2^62 cycles; the "
                        "config's latencies are too large for this run (or for this many steps)");
  }
  return sum;
}

// The input stage of a core: chosen by the chip's synapse format, the one place that does so.
std::unique_ptr<models::InputStage> make_input_stage(const config::CoreTypeConfig& t,
                                                     const map::CoreMap& cm,
                                                     const models::ExpandedNetwork& ex,
                                                     uint32_t channels,
                                                     const AnalogClock& clock, double cycle_ns) {
  if (t.synapse_format.kind == models::SynapseFormatKind::bss2_array) {
    const auto& f = t.synapse_format;
    const uint64_t interval = uint64_t(std::llround(f.driver_interval_ns / cycle_ns)) * clock.substeps_per_cycle;
    return std::make_unique<models::SynapseDriverInput>(cm.count(), uint32_t(cm.axons.size()),
                                                        uint32_t(f.rows / 2), uint32_t(f.label_bits),
                                                        interval, clock.substeps_per_cycle);
  }
  if (t.synapse_format.kind == models::SynapseFormatKind::truenorth_crossbar) {
    const uint32_t row_words = (t.neurons + t.synaptic_memory.word_bits - 1) / t.synaptic_memory.word_bits;
    return std::make_unique<models::CrossbarInput>(cm.count(), uint32_t(cm.axons.size()), channels,
                                                   row_words);
  }
  auto in = std::make_unique<models::AxonListInput>(cm.count(), channels);
  std::vector<uint32_t> ring_of(ex.tables.size(), UINT32_MAX);
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    if (ex.tables[k].to == cm.population) {
      ring_of[k] = in->add_projection(ex.tables[k].max_delay, ex.tables[k].weight_exp);
    }
  }
  for (const auto& a : cm.axons) {
    in->add_axon(ring_of[a.projection], a.words, uint32_t(a.word_offset), a.synapses);
  }
  return in;
}
}  // namespace

AnalogClock analog_clock(const config::ChipConfig& chip) {
  AnalogClock a;
  if (chip.timing.model != config::TimingModel::analog) return a;
  a.substeps_per_cycle = uint64_t(std::llround(chip.clock.cycle_ns / chip.timing.integration_step_ns));
  a.window_cycles = uint64_t(std::llround(chip.timing.window_ns / chip.clock.cycle_ns));
  a.substep_bio_ns = chip.timing.integration_step_ns * chip.timing.acceleration;
  return a;
}

uint16_t spike_flits(const config::ChipConfig& chip) {
  return flits_for(spike_bits(chip), chip.router.flit_bits);
}

models::noc::NocParams noc_params(const config::ChipConfig& chip) {
  models::noc::NocParams p;
  p.width = chip.mesh.width;
  p.height = chip.mesh.height;
  p.locals = chip.mesh.cores_per_router;
  p.host_port = true;
  p.pipeline_stages = chip.router.pipeline_stages;
  p.buffer_flits = chip.router.input_buffer_flits;
  for (int d = 0; d < config::kDirections; ++d) {
    p.link_latency[d] = uint32_t(chip.router.hop[d].latency_cycles);
  }
  p.routing = models::noc::routing_from_string(chip.router.routing);
  if (chip.system.present) {
    p.chip_width = chip.system.chip_mesh_width;
    p.chip_height = chip.system.chip_mesh_height;
    p.gateway_latency = uint32_t(chip.system.link.latency_cycles);
    p.gateway_cycles_per_flit = chip.system.link.cycles_per_flit;
    p.gateway_buffer_flits = chip.system.link.buffer_flits;
  }
  return p;
}

config::OpCost barrier_cost(const config::ChipConfig& chip) {
  config::OpCost b = chip.timing.barrier;
  if (!chip.system.present) return b;
  const auto& sys = chip.system;
  b.latency_cycles += 2 * uint64_t(sys.diameter()) * (sys.link.latency_cycles + sys.link.cycles_per_flit);
  b.energy_pj = double(sys.chips()) * chip.timing.barrier.energy_pj +
                2.0 * double(sys.chips() - 1) * interchip_flit_pj(chip);
  b.source = chip.timing.barrier.source + "; across chips: 2 x diameter x (link latency + flit time), "
             "2 (chips - 1) link messages (docs/systems.md)";
  return b;
}

uint64_t fabric_latency_cycles(const config::ChipConfig& chip, int64_t src, uint32_t dst) {
  models::noc::CalendarScheduler sched;
  models::noc::MeshNoc noc(noc_params(chip), sched);
  auto term = [&](uint32_t c) {
    const auto& k = chip.cores[c];
    return noc.terminal(k.router_x, k.router_y, k.port);
  };
  const uint32_t from = src < 0 ? noc.host_terminal() : term(uint32_t(src));
  constexpr uint64_t kReady = 1;
  const uint32_t id = noc.send(from, term(dst), flits_for(spike_bits(chip), chip.router.flit_bits), kReady);
  sched.run();
  return noc.packet(id).delivered - kReady;
}

models::AnalogSetup analog_setup(const config::ChipConfig& chip, uint32_t type, uint64_t seed,
                                 const models::AdexCalibration* calibration) {
  const auto& t = chip.core_types[type];
  const auto& a = t.neuron_model.analog;
  models::AnalogSetup s;
  s.substep_ms = chip.timing.integration_step_ns * chip.timing.acceleration / 1e6;
  auto w = t.neuron_model.widths.find("capmem");
  s.capmem_bits = w == t.neuron_model.widths.end() ? 10 : w->second;
  s.range = a.capmem;
  s.mismatch = a.mismatch;
  s.mismatch_seed = a.mismatch_seed;
  s.noise = a.noise;
  s.noise_seed = seed;
  s.calibration = calibration;
  return s;
}

ChipModel::ChipModel(const config::ChipConfig& chip, const models::Network& net,
                     const models::ExpandedNetwork& ex, const map::Placement& pl,
                     models::noc::Scheduler& sched, bool release,
                     const models::AdexCalibration* calibration, ChipShare* share)
    : chip_(chip), net_(net), pl_(pl), sched_(sched), share_(share) {
  analog_ = analog_clock(chip);
  barrier_ = barrier_cost(chip);
  if (analog_.substeps_per_cycle) {
    for (uint32_t t = 0; t < chip.core_types.size(); ++t)
      setups_.push_back(analog_setup(chip, t, net.seed, calibration));
  }
  build_noc();
  if (share_) {
    if (analog_.substeps_per_cycle) throw map::MapError("an analog chip runs in one process");
    noc_->set_remote(share_->local_chip, share_);
  }
  if (chip.timing.model == config::TimingModel::fixed_tick) {
    tick_cycles_ = std::max<uint64_t>(1, uint64_t(chip.timing.tick_ns / chip.clock.cycle_ns + 0.5));
  }
  build_cores(ex);
  fill_memories(ex, release);
  for (auto& list : pop_cores_) {
    std::sort(list.begin(), list.end(), [&](uint32_t a, uint32_t b) {
      return cores_[a]->neurons->front() < cores_[b]->neurons->front();
    });
  }
  // Index-range slices in order give each population's spikes in neuron order as they are
  // gathered; grouped slices need a sort.
  contiguous_.assign(net.populations.size(), 1);
  for (uint32_t p = 0; p < pop_cores_.size(); ++p) {
    uint32_t next = 0;
    for (uint32_t slot : pop_cores_[p]) {
      const auto& n = *cores_[slot]->neurons;
      if (n.front() != next || n.back() - n.front() + 1 != n.size()) contiguous_[p] = 0;
      next = n.back() + 1;
    }
  }
  for (const auto& in : net.inputs) inputs_.emplace_back(in);
  if (analog_.substeps_per_cycle) {
    for (uint32_t s = 0; s < net.inputs.size(); ++s) timed_inputs_.emplace_back(net.inputs[s], s, analog_.substep_bio_ns);
    // Zero-load latencies between the used cores' and the host's terminals, to tell contention.
    const uint32_t n = noc_->terminals();
    zero_load_.assign(uint64_t(n) * n, 0);
    for (const auto& dst : cores_) {
      zero_load_[uint64_t(noc_->host_terminal()) * n + dst->terminal_] = fabric_latency_cycles(chip, -1, dst->index);
      for (const auto& src : cores_)
        zero_load_[uint64_t(src->terminal_) * n + dst->terminal_] = fabric_latency_cycles(chip, src->index, dst->index);
    }
  }
  spiked_.resize(net.populations.size());
  spiked_at_.resize(net.populations.size());
}

void ChipModel::build_noc() {
  models::noc::NocParams p = noc_params(chip_);
  spike_flits_ = chip::spike_flits(chip_);
  graded_flits_ = flits_for(spike_bits(chip_) + kGradedPayloadBits, chip_.router.flit_bits);
  bool graded = false;
  for (const auto& in : net_.inputs)
    for (const auto& s : in.spikes) graded |= s.payload != 1;
  const uint16_t need = graded ? graded_flits_ : spike_flits_;
  if (p.buffer_flits < need) {
    throw map::MapError("router input_buffer_flits (" + std::to_string(p.buffer_flits) +
                        ") must hold a whole spike packet of " + std::to_string(need) + " " +
                        std::to_string(chip_.router.flit_bits) + "-bit flits");
  }
  noc_ = std::make_unique<models::noc::MeshNoc>(p, sched_);
}

void ChipModel::build_cores(const models::ExpandedNetwork& ex) {
  const auto& registry = models::NeuronModelRegistry::instance();
  core_slot_.assign(chip_.cores.size(), -1);
  pop_cores_.resize(net_.populations.size());
  for (uint32_t c = 0; c < chip_.cores.size(); ++c) {
    const map::CoreMap& cm = pl_.cores[c];
    if (!cm.used()) continue;
    const auto& pop = net_.populations[cm.population];
    const auto& model = registry.get(pop.model);
    const bool lists = !models::layout_of(chip_.type_of(chip_.cores[c]).synapse_format).fixed_array;
    if (lists && uint64_t(cm.count()) * model.channels > models::AxonListInput::kMaxNeurons) {
      throw map::MapError("the cycle-accurate core model holds at most " +
                          std::to_string(models::AxonListInput::kMaxNeurons / model.channels) +
                          " neurons per core; core " + chip_.cores[c].name + " has " +
                          std::to_string(cm.count()));
    }
    if (cm.synapses >= (uint64_t{1} << 32) || cm.words_used >= (uint64_t{1} << 32)) {
      throw map::MapError("core " + chip_.cores[c].name + " holds more than 2^32 synapses or words");
    }
    auto core = std::make_unique<Core>();
    Core& k = *core;
    k.chip_ = this;
    k.index = c;
    k.population = cm.population;
    k.neurons = &cm.neurons;
    k.count = cm.count();
    const auto& inst = chip_.cores[c];
    k.terminal_ = noc_->terminal(inst.router_x, inst.router_y, inst.port);
    k.type_ = &chip_.type_of(inst);
    noc_->term(k.terminal_).owner = &k;
    const auto* weights = cm.population < ex.channel_weights.size() ? &ex.channel_weights[cm.population] : nullptr;
    models::NeuronSlice slice{&pop.params, cm.population, cm.neurons, net_.seed, weights};
    if (model.continuous) {
      for (uint32_t i = 0; i < cm.count(); ++i) k.circuits_.push_back(circuit_id(c, i));
      slice.analog = &setups_.at(inst.type);
      slice.circuits = k.circuits_.data();
    }
    k.unit = model.make(slice);
    k.input = make_input_stage(*k.type_, cm, ex, model.channels, analog_, chip_.clock.cycle_ns);
    k.flags_.assign(cm.count(), 0);
    core_slot_[c] = int32_t(cores_.size());
    k.slot_ = uint32_t(cores_.size());
    pop_cores_[cm.population].push_back(uint32_t(cores_.size()));
    cores_.push_back(std::move(core));
  }
}

// Fills every core's synaptic memory in one pass over the synapse tables: the routes of a source
// neuron name, per destination core, the axon that holds its synapses there. With `release`,
// each table is freed as soon as the cores have their copy (lower peak memory).
void ChipModel::fill_memories(const models::ExpandedNetwork& ex, bool release) {
  std::vector<int64_t> axon_at(chip_.cores.size(), -1);
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& tab = ex.tables[k];
    const map::RoutingTable& rt =
        tab.from.is_input ? pl_.input_routes[tab.from.index] : pl_.population_routes[tab.from.index];
    const uint32_t n_pre = uint32_t(tab.row.size() - 1);
    for (uint32_t j = 0; j < n_pre; ++j) {
      if (tab.row[j] == tab.row[j + 1]) continue;
      for (uint64_t r = rt.row[j]; r < rt.row[j + 1]; ++r) {
        const map::Route& route = rt.routes[r];
        if (pl_.cores[route.core].axons[route.axon].projection == k) axon_at[route.core] = route.axon;
      }
      for (uint64_t s = tab.row[j]; s < tab.row[j + 1]; ++s) {
        const auto& syn = tab.synapses[s];
        const uint32_t c = pl_.core_of[tab.to][syn.post];
        if (!owns_core(c)) continue;  // another process holds this memory
        Core& core = *cores_[uint32_t(core_slot_[c])];
        core.input->add_synapse(uint32_t(axon_at[c]), pl_.local_of[tab.to][syn.post], syn.weight,
                                syn.delay, syn.channel);
      }
      for (uint64_t r = rt.row[j]; r < rt.row[j + 1]; ++r) axon_at[rt.routes[r].core] = -1;
    }
    if (release) {
      // The caller handed the tables over: free this one now that the cores hold its synapses.
      auto& owned = const_cast<models::SynapseTable&>(tab);
      std::vector<models::Synapse>().swap(owned.synapses);
      std::vector<uint64_t>().swap(owned.row);
    }
  }
  for (auto& core : cores_) core->input->seal();
}

void ChipModel::set_threads(uint32_t threads) {
  threads_.reset();
  if (threads < 2 || analog_.substeps_per_cycle) return;
  stages_.clear();
  for (auto& core : cores_) {
    core->separable_ = core->input->separable();
    stages_.push_back(core->input.get());
  }
  threads_ = std::make_unique<CoreThreads>(threads, [](void* ctx, const CoreThreads::Packet& p,
                                                        const CoreThreads::Packet* near,
                                                        const CoreThreads::Packet* far) {
    // The workers read only the input stages and the step, never a Core (whose lines the
    // kernel's thread writes for every packet).
    const ChipModel& m = *static_cast<const ChipModel*>(ctx);
    if (far) m.stages_[far->core]->prefetch(far->axon);
    if (near) m.stages_[near->core]->prefetch(near->axon, true);
    m.stages_[p.core]->integrate(p.axon, p.payload, m.integrate_step_);
  }, this);
  for (auto& core : cores_) core->worker_ = threads_->worker_of(core->slot_);
}

double ChipModel::static_mw() const {
  double mw = 0;
  for (const auto& core : chip_.cores) mw += chip_.type_of(core).costs.static_power.mw;
  return mw + double(chip_.mesh.width * chip_.mesh.height) * chip_.router.static_power.mw;
}

int64_t ChipModel::probe(uint32_t p, uint32_t var, uint32_t i) const {
  const Core& k = *cores_[uint32_t(core_slot_[pl_.core_of[p][i]])];
  return k.unit->probe(var, pl_.local_of[p][i]);
}

uint64_t Core::read_cycles(const models::InputWork& w) {
  if (w.words == 0) return 0;
  return memory ? memory->read(w.word_offset, w.words)
                : memory_read_cycles(type_->synaptic_memory, w.words);
}

// The neuron update unit at the start of a step, in two parts: compute_neurons() does the
// arithmetic (the input stage's collection, TrueNorth reading its crossbar now, and every neuron's
// update), which touches only this core and may run on any thread; update_neurons() then times it
// and sends each spike as it is produced, in core order on the kernel's thread.
void Core::compute_neurons() {
  ChipModel& chip = *chip_;
  collected_ = input->collect(step_, a_in_, events_);
  unit_total_ = chip.unit_cycles ? unit_schedule() : 0;   // unit cycles of the whole core
  if (chip.neuron_backend) {
    const NeuronUpdateBackend::Where w{chip.chip_.cores[index].name,
                                       chip.net_.populations[population].name, *neurons};
    chip.neuron_backend->step(w, *unit, step_, a_in_.data(), flags_.data());
    backend_cycles_ = chip.neuron_backend->last_stream_cycles();
  } else {
    unit->step(step_, a_in_.data(), flags_.data());
  }
}

void Core::update_neurons(uint64_t S) {
  ChipModel& chip = *chip_;
  const config::CoreCosts& cc = type_->costs;
  const models::InputWork& w = collected_;
  counters.synaptic_ops += w.synaptic_ops;
  counters.memory_reads += w.words;
  const auto where = [&] { return "core " + chip.chip_.cores[index].name + " in step " + std::to_string(step_); };
  uint64_t time = advance(S, read_cycles(w), 1, where);
  // --neuron-timing unit: the neuron update unit's cycle model times the updates (one neuron per
  // unit cycle, each result kLatency + 1 unit cycles after it entered), not the config's figures.
  const uint64_t U = chip.unit_cycles;
  const uint64_t unit_total = unit_total_;
  // One bound for the whole loop below (every neuron at the larger update cost, every event and
  // spike-generation latency; or the unit's cycles): the loop itself then adds without checks.
  if (U) {
    advance(advance(time, U, unit_total, where), cc.spike_generation.latency_cycles, 1, where);
  } else {
    const uint64_t per_neuron = std::max(cc.neuron_update_active.latency_cycles,
                                         cc.neuron_update_inactive.latency_cycles) +
                                cc.spike_generation.latency_cycles;
    advance(advance(time, per_neuron, count, where), cc.synaptic_op.latency_cycles, w.synaptic_ops, where);
  }
  // Co-simulation checks timing too: the RTL must take the cycle model's cycles.
  if (chip.neuron_backend && U && backend_cycles_ != unit_total) {
    throw std::logic_error("--neuron-timing unit: the RTL unit took " + std::to_string(backend_cycles_) +
                           " cycles for the " + std::to_string(count) + " neurons of " + where() +
                           ", its cycle model " + std::to_string(unit_total));
  }
  const uint64_t T0 = time;
  spiked_.clear();
  const auto& routes = chip.pl_.population_routes[population];
  const bool per_event = !events_.empty();
  for (uint32_t i = 0; i < count; ++i) {
    const bool active = flags_[i] & models::kActive;
    if (U) {
      time = T0 + unit_done_[i] * U;
    } else {
      if (per_event) time += uint64_t(events_[i]) * cc.synaptic_op.latency_cycles;
      time += active ? cc.neuron_update_active.latency_cycles : cc.neuron_update_inactive.latency_cycles;
    }
    ++(active ? counters.neuron_updates_active : counters.neuron_updates_inactive);
    if (!(flags_[i] & models::kSpiked)) continue;
    spiked_.push_back(i);
    ++counters.spikes;
    const uint64_t ready = time + cc.spike_generation.latency_cycles;
    const uint32_t g = (*neurons)[i];
    for (uint64_t r = routes.row[g]; r < routes.row[g + 1]; ++r) {
      const map::Route& rt = routes.routes[r];
      const auto& dst = chip.chip_.cores[rt.core];
      chip.noc_->send(terminal_, chip.noc_->terminal(dst.router_x, dst.router_y, dst.port),
                      chip.spike_flits_, ready, (uint64_t(rt.axon) << 32) | 1u);
      ++counters.packets_out;
    }
  }
  if (U) time = T0 + unit_total * U;
  neuron_end_ = time;
  counters.neuron_busy_cycles += time - S;
  if (chip.observer) chip.observer->neuron_unit(index, S, time);
}

// --neuron-timing unit: when each neuron's result leaves its core's neuron update unit, in unit
// cycles from the start of the updates (unit_done_), as the unit's cycle model times the stream
// with the output always taken; returns the whole stream's cycles. LIF (models/lif_update_unit.h):
// one neuron per cycle, each result kLatency + 1 cycles after it entered. TrueNorth
// (models/truenorth_update_unit.h): neuron k enters after the 2 + E cycles of each one before it
// (E its stochastic synaptic events) and leaves 2 + E_k + 1 cycles after entering.
uint64_t Core::unit_schedule() {
  unit_done_.resize(count);
  if (dynamic_cast<const models::LoihiLifUnit*>(unit.get())) {
    for (uint32_t i = 0; i < count; ++i) unit_done_[i] = uint64_t(i) + models::LifUpdateUnit::kLatency + 1;
    return models::LifUpdateUnit::stream_cycles(count);
  }
  if (const auto* tn = dynamic_cast<const models::TrueNorthUnit*>(unit.get())) {
    uint64_t entered = 0;
    models::TrueNorthUnitIn x;
    for (uint32_t i = 0; i < count; ++i) {
      x.p = tn->params(i);
      for (int g = 0; g < models::truenorth::kAxonTypes; ++g) x.counts[g] = a_in_[size_t(i) * 4 + size_t(g)];
      entered += models::TrueNorthUpdateUnit::neuron_cycles(x);
      unit_done_[i] = entered + 1;
    }
    return count ? entered + 1 : 0;
  }
  throw map::MapError("--neuron-timing unit: core " + chip_->chip_.cores[index].name + " runs " +
                      chip_->net_.populations[population].model + ", which has no neuron update "
                      "unit (rtl/ holds the Loihi LIF and TrueNorth units)");
}

void ChipModel::begin_step() {
  if (analog_.substeps_per_cycle) return begin_window();
  const uint64_t S = start_;
  if (observer) observer->step_begin(t_, S);
  late_in_step_ = 0;
  integrate_step_ = t_;   // the workers are idle: end_step() drained them
  for (auto& core : cores_) {
    Core& k = *core;
    k.step_ = t_;
    k.synapse_free_ = S;
    k.synapse_end_ = S;
    k.last_packet_ = UINT32_MAX;
    k.neuron_end_ = S;
  }
  // The cores' arithmetic, spread over the threads (a co-simulated RTL unit runs on this one).
  const auto compute = [&](uint32_t thread, uint32_t threads) {
    for (size_t c = thread; c < cores_.size(); c += threads) {
      if (owns_core(cores_[c]->index)) cores_[c]->compute_neurons();
    }
  };
  if (threads_ && !neuron_backend) {
    threads_->run([&](uint32_t k) { compute(k, threads_->threads()); });
  } else {
    compute(0, 1);
  }
  for (auto& core : cores_) {
    if (owns_core(core->index)) core->update_neurons(S);
  }
  // The host port is on router (0, 0), on chip 0.
  if (noc_->local_chip(0)) send_input_spikes(S);
  for (uint32_t p = 0; p < spiked_.size(); ++p) {
    spiked_[p].clear();
    for (uint32_t slot : pop_cores_[p]) {
      const Core& k = *cores_[slot];
      for (uint32_t i : k.spiked_) spiked_[p].push_back((*k.neurons)[i]);
    }
    if (!contiguous_[p]) std::sort(spiked_[p].begin(), spiked_[p].end());
  }
  if (share_) gather_spikes();
}

// Every process's spikes of the step, per population, ascending.
void ChipModel::gather_spikes() {
  std::vector<uint64_t> mine, all;
  std::vector<int> counts;
  for (const auto& s : spiked_) {
    mine.push_back(s.size());
    mine.insert(mine.end(), s.begin(), s.end());
  }
  share_->all_gather(mine, all, counts);
  for (auto& s : spiked_) s.clear();
  size_t at = 0;
  for (int count : counts) {
    const size_t end = at + size_t(count);
    for (auto& s : spiked_) {
      const size_t n = size_t(all.at(at++));
      for (size_t k = 0; k < n; ++k) s.push_back(uint32_t(all.at(at++)));
    }
    if (at != end) throw std::logic_error("spike exchange: a process sent a malformed list");
  }
  for (auto& s : spiked_) std::sort(s.begin(), s.end());
}

// Input spikes enter at the host port of router (0, 0) at the start of the step.
void ChipModel::send_input_spikes(uint64_t S) {
  for (uint32_t s = 0; s < inputs_.size(); ++s) {
    inputs_[s].emit(t_, input_index_, input_payload_);
    input_spikes_ += input_index_.size();
    const auto& routes = pl_.input_routes[s];
    for (size_t n = 0; n < input_index_.size(); ++n) {
      const uint32_t j = input_index_[n];
      const int32_t payload = input_payload_[n];
      for (uint64_t r = routes.row[j]; r < routes.row[j + 1]; ++r) {
        const map::Route& rt = routes.routes[r];
        const auto& dst = chip_.cores[rt.core];
        noc_->send(noc_->host_terminal(), noc_->terminal(dst.router_x, dst.router_y, dst.port),
                   payload == 1 ? spike_flits_ : graded_flits_, S,
                   (uint64_t(rt.axon) << 32) | uint32_t(payload));
      }
    }
  }
}

void ChipModel::late_packet(const Core& k, uint32_t id, uint32_t axon, uint64_t arrival,
                            uint64_t deadline) {
  ++late_in_step_;
  const auto& pk = noc_->packet(id);
  LatePacket lp;
  lp.step = t_;
  lp.src_core = core_of_terminal(pk.src);
  lp.dst_core = k.index;
  lp.axon = axon;
  lp.hops = pk.hops;
  lp.arrival = arrival;
  lp.deadline = deadline;
  late_step_.push_back(lp);
}

// The step's late packets in time order (arrival, then destination core, axon, source, hops: an
// order that does not depend on how the work was scheduled or shared), the first `keep` of them.
void ChipModel::order_late_records(size_t keep) {
  auto key = [](const LatePacket& a) {
    return std::make_tuple(a.arrival, a.dst_core, a.axon, a.src_core, a.hops, a.deadline);
  };
  std::sort(late_step_.begin(), late_step_.end(),
            [&](const LatePacket& a, const LatePacket& b) { return key(a) < key(b); });
  if (late_step_.size() > keep) late_step_.resize(keep);
}

// The chip core whose terminal is `terminal` (-1: the host).
int64_t ChipModel::core_of_terminal(uint32_t terminal) const {
  for (const auto& c : cores_)
    if (c->terminal_ == terminal) return c->index;
  return -1;
}

uint64_t Core::evaluate(uint64_t c) {
  ChipModel& chip = *chip_;
  models::noc::Terminal& T = chip.noc_->term(terminal_);
  // The input stage takes packets one at a time in arrival order: each starts when it has
  // arrived and the previous one is done. Every packet already delivered to this core is known,
  // and later ones arrive later over the same link, so their start cycles are fixed now: process
  // them all, each stamped with its own start cycle (its buffer slots are freed then).
  while (T.front_arrival() != kNever) {
    const uint64_t start = std::max(T.front_arrival(), synapse_free_);
    const uint32_t id = T.front_packet();
    const uint64_t tag = chip.noc_->packet(id).tag;
    T.pop(start);
    const uint32_t axon = uint32_t(tag >> 32);
    if (chip.tick_cycles_) {
      const uint64_t due = chip.start_ + (input->deadline_step(axon, step_) - step_) * chip.tick_cycles_;
      if (start >= due) chip.late_packet(*this, id, axon, start, due);
    }
    if (!chip.zero_load_.empty()) {
      const auto& pk = chip.noc_->packet(id);
      if (start > pk.head_sent + chip.zero_load(pk.src, terminal_)) {
        ++counters.fabric_delayed;
      }
    }
    const int64_t payload = int32_t(uint32_t(tag));
    models::InputWork w;
    if (chip.threads_ && separable_) {
      w = input->packet_work(axon);   // the timing now; a worker integrates it
      chip.threads_->push(worker_, {slot_, axon, payload});
    } else {
      w = input->on_packet(axon, payload, step_, start);
    }
    counters.driver_delayed += w.delayed;
    counters.driver_delay_substeps += w.delay_substeps;
    const auto where = [&] { return "core " + chip.chip_.cores[index].name + " in step " + std::to_string(step_); };
    uint64_t cycles = advance(read_cycles(w), type_->costs.synaptic_op.latency_cycles, w.synaptic_ops, where);
    cycles = std::max<uint64_t>(cycles, 1);  // one packet per cycle at most
    synapse_free_ = advance(start, cycles, 1, where);
    synapse_end_ = synapse_free_;
    if (chip.observer) chip.observer->synaptic_input(index, start, synapse_free_);
    last_packet_ = id;
    ++counters.packets_in;
    counters.synaptic_ops += w.synaptic_ops;
    counters.memory_reads += w.words;
    counters.synapse_busy_cycles += cycles;
  }
  if (chip.analog_.substeps_per_cycle == 0) return kNever;  // the next delivery wakes this core
  // Analog: the circuits advance through this cycle with the events that take effect in it;
  // the fabric takes the cycle's spikes at the next cycle edge. The core is evaluated at every
  // cycle of the window.
  const uint64_t end = chip.window_end();
  if (c >= end) return kNever;
  advance_analog(c);
  return c + 1 < end ? c + 1 : kNever;
}

void Core::advance_analog(uint64_t c) {
  ChipModel& chip = *chip_;
  const uint64_t k = chip.analog_.substeps_per_cycle;
  timed_in_.clear();
  input->take_events((c + 1) * k, timed_in_);
  const size_t before = timed_out_.size();
  unit->advance(c * k, (c + 1) * k, timed_in_.data(), timed_in_.size(), timed_out_);
  counters.neuron_updates_active += count;
  const auto& routes = chip.pl_.population_routes[population];
  for (size_t s = before; s < timed_out_.size(); ++s) {
    ++counters.spikes;
    const uint32_t g = (*neurons)[timed_out_[s].neuron];
    for (uint64_t r = routes.row[g]; r < routes.row[g + 1]; ++r) {
      const map::Route& rt = routes.routes[r];
      const auto& dst = chip.chip_.cores[rt.core];
      chip.noc_->send(terminal_, chip.noc_->terminal(dst.router_x, dst.router_y, dst.port),
                      chip.spike_flits_, c + 1, (uint64_t(rt.axon) << 32) | 1u);
      ++counters.packets_out;
    }
  }
}

// The unit of this process's cores that finished last (ties: the first in core order).
ChipModel::Critical ChipModel::find_critical(StepRecord& rec) const {
  Critical crit;
  crit.end = start_;
  const Core* critical = nullptr;
  for (const auto& core : cores_) {
    const Core& k = *core;
    if (!owns_core(k.index)) continue;
    rec.neuron_update_cycles = std::max(rec.neuron_update_cycles, k.neuron_end_ - start_);
    rec.synaptic_input_end = std::max(rec.synaptic_input_end, k.synapse_end_ - start_);
    const uint64_t e = std::max(k.neuron_end_, k.synapse_end_);
    if ((e > crit.end || critical == nullptr) && e >= crit.end) {
      crit.end = e;
      critical = &k;
      crit.synapse = k.synapse_end_ > k.neuron_end_;
    }
  }
  if (!critical) return crit;
  crit.core = critical->index;
  if (crit.synapse && critical->last_packet_ != UINT32_MAX) {
    const auto& pk = noc_->packet(critical->last_packet_);
    crit.packet_hops = pk.hops;
    crit.packet_latency = pk.delivered - pk.created;
    crit.packet_src = core_of_terminal(pk.src);
  }
  return crit;
}

// Cycles between the last unit finishing and the next step's start. A barrier takes at least one
// cycle: the next step starts after everything of this one.
uint64_t ChipModel::barrier_cycles(uint64_t active) const {
  uint64_t cycles = 0;
  switch (chip_.timing.model) {
    case config::TimingModel::barrier:
      cycles = barrier_.latency_cycles;
      break;
    case config::TimingModel::fixed_tick:
      // The next step starts at the next tick boundary; a step that overruns its tick makes the
      // chip miss ticks (the report counts the overruns).
      cycles = (active / tick_cycles_ + 1) * tick_cycles_ - active;
      break;
    case config::TimingModel::analog:
      cycles = 0;
      break;
  }
  return std::max<uint64_t>(cycles, 1);
}

// The step's event counts, from the counters' growth since the last step.
void ChipModel::count_step(StepRecord& rec) {
  rec.packets = noc_->packets_sent() - packets_base_;
  for (size_t k = packets_base_; k < noc_->packet_count(); ++k) {
    const uint64_t d = noc_->packet(uint32_t(k)).delivered;
    if (d >= start_ && d != kNever) rec.noc_end = std::max(rec.noc_end, d - start_);
  }
  for (const auto& k : cores_) rec.spikes += k->spiked_.size();
  rec.input_spikes = input_spikes_;
  CoreCounters now;
  for (const auto& k : cores_) {
    if (!owns_core(k->index)) continue;
    now.synaptic_ops += k->counters.synaptic_ops;
    now.neuron_updates_active += k->counters.neuron_updates_active;
    now.neuron_updates_inactive += k->counters.neuron_updates_inactive;
    now.memory_reads += k->counters.memory_reads;
    now.driver_delayed += k->counters.driver_delayed;
  }
  rec.driver_delayed = now.driver_delayed - prev_.driver_delayed;
  rec.synaptic_ops = now.synaptic_ops - prev_.synaptic_ops;
  rec.neuron_updates_active = now.neuron_updates_active - prev_.neuron_updates_active;
  rec.neuron_updates_inactive = now.neuron_updates_inactive - prev_.neuron_updates_inactive;
  rec.memory_reads = now.memory_reads - prev_.memory_reads;
  prev_ = now;
  for (int d = 0; d < 4; ++d) {
    rec.hops_by_dir[d] = noc_->flit_hops(d) - prev_hops_[d];
    prev_hops_[d] = noc_->flit_hops(d);
    rec.flit_hops += rec.hops_by_dir[d];
  }
  uint64_t delivered = 0;
  for (uint32_t r = 0; r < noc_->routers(); ++r) {
    const auto& out = noc_->router(r).flits_out;
    for (size_t o = models::noc::kMeshPorts; o < out.size(); ++o) delivered += out[o];
  }
  rec.flits_delivered = delivered - prev_delivered_;
  prev_delivered_ = delivered;
  rec.interchip_flits = noc_->gateway_flits() - prev_interchip_;
  prev_interchip_ = noc_->gateway_flits();
}

// The step's events per core type (exact integer counts: the energy below then does not depend
// on the order of the cores or on how they are shared between processes).
std::vector<uint64_t> ChipModel::type_events() {
  std::vector<uint64_t> ev(chip_.core_types.size() * kEventKinds, 0);
  for (const auto& k : cores_) {
    if (!owns_core(k->index)) continue;
    const CoreCounters& c = k->counters;
    uint64_t* e = &ev[chip_.cores[k->index].type * kEventKinds];
    e[0] += c.synaptic_ops - k->prev_.synaptic_ops;
    e[1] += c.neuron_updates_active - k->prev_.neuron_updates_active;
    e[2] += c.neuron_updates_inactive - k->prev_.neuron_updates_inactive;
    e[3] += c.spikes - k->prev_.spikes;
    e[4] += c.memory_reads - k->prev_.memory_reads;
    k->prev_ = c;
  }
  return ev;
}

// Energy of the step: every event charged once, at the cost of the core type that did it.
double ChipModel::step_energy(const StepRecord& rec, const std::vector<uint64_t>& ev) const {
  double pj = 0;
  for (size_t t = 0; t < chip_.core_types.size(); ++t) {
    const auto& cc = chip_.core_types[t].costs;
    const uint64_t* e = &ev[t * kEventKinds];
    pj += double(e[0]) * cc.synaptic_op.energy_pj + double(e[1]) * cc.neuron_update_active.energy_pj +
          double(e[2]) * cc.neuron_update_inactive.energy_pj + double(e[3]) * cc.spike_generation.energy_pj +
          double(e[4]) * cc.memory_read.energy_pj;
  }
  for (int d = 0; d < 4; ++d) pj += double(rec.hops_by_dir[d]) * chip_.router.hop[d].energy_pj;
  pj += double(rec.flits_delivered) * chip_.router.hop[int(config::Direction::local)].energy_pj;
  pj += double(rec.interchip_flits) * interchip_flit_pj(chip_);
  if (chip_.timing.model == config::TimingModel::barrier) pj += barrier_.energy_pj;
  return pj;
}

namespace {
// One process's view of a step, as words (ChipModel::combine).
enum Part : size_t {
  kEnd, kCore, kSynapse, kHops, kLatency, kSrc, kNeuronEnd, kSynapseEnd, kNocEnd, kPackets, kSpikes,
  kInputSpikes, kSynOps, kActive, kInactive, kReads, kDriverDelayed, kDirs, kDelivered = kDirs + 4,
  kInterchip, kLate, kLateKept, kPartWords
};
constexpr size_t kLateWords = 7;
}  // namespace

// Every process's part of the step combined into the step's: counts added, ends the latest, the
// critical unit the latest (ties: the lowest core index, as one process scanning the cores in
// order finds), the late packets merged in order.
void ChipModel::combine(StepRecord& rec, Critical& crit, std::vector<uint64_t>& events) {
  std::vector<uint64_t> mine(kPartWords, 0);
  mine[kEnd] = crit.end;
  mine[kCore] = uint64_t(crit.core);
  mine[kSynapse] = crit.synapse;
  mine[kHops] = crit.packet_hops;
  mine[kLatency] = crit.packet_latency;
  mine[kSrc] = uint64_t(crit.packet_src);
  mine[kNeuronEnd] = rec.neuron_update_cycles;
  mine[kSynapseEnd] = rec.synaptic_input_end;
  mine[kNocEnd] = rec.noc_end;
  mine[kPackets] = rec.packets;
  mine[kSpikes] = rec.spikes;
  mine[kInputSpikes] = rec.input_spikes;
  mine[kSynOps] = rec.synaptic_ops;
  mine[kActive] = rec.neuron_updates_active;
  mine[kInactive] = rec.neuron_updates_inactive;
  mine[kReads] = rec.memory_reads;
  mine[kDriverDelayed] = rec.driver_delayed;
  for (int d = 0; d < 4; ++d) mine[kDirs + size_t(d)] = rec.hops_by_dir[d];
  mine[kDelivered] = rec.flits_delivered;
  mine[kInterchip] = rec.interchip_flits;
  mine[kLate] = late_in_step_;
  // The late packets the run can still keep are among each process's first ones in the order
  // keep_late_records() gives: only those travel.
  const size_t room = kMaxLateRecords - std::min(kMaxLateRecords, late_.size());
  order_late_records(room);
  mine[kLateKept] = late_step_.size();
  for (const auto& lp : late_step_) {
    for (uint64_t w : {lp.step, uint64_t(lp.src_core), uint64_t(lp.dst_core), uint64_t(lp.axon),
                       uint64_t(lp.hops), lp.arrival, lp.deadline})
      mine.push_back(w);
  }
  late_step_.clear();
  mine.insert(mine.end(), events.begin(), events.end());
  std::vector<uint64_t> all;
  std::vector<int> counts;
  share_->all_gather(mine, all, counts);

  StepRecord sum;
  Critical best;
  best.end = start_;
  std::fill(events.begin(), events.end(), 0);
  size_t at = 0;
  late_in_step_ = 0;
  for (int count : counts) {
    const uint64_t* w = &all.at(at);
    const int64_t core = int64_t(w[kCore]);
    if (core >= 0 && (best.core < 0 || w[kEnd] > best.end || (w[kEnd] == best.end && core < best.core))) {
      best.end = w[kEnd];
      best.core = core;
      best.synapse = w[kSynapse] != 0;
      best.packet_hops = w[kHops];
      best.packet_latency = w[kLatency];
      best.packet_src = int64_t(w[kSrc]);
    }
    rec.neuron_update_cycles = std::max(rec.neuron_update_cycles, w[kNeuronEnd]);
    rec.synaptic_input_end = std::max(rec.synaptic_input_end, w[kSynapseEnd]);
    rec.noc_end = std::max(rec.noc_end, w[kNocEnd]);
    sum.packets += w[kPackets];
    sum.spikes += w[kSpikes];
    sum.input_spikes += w[kInputSpikes];
    sum.synaptic_ops += w[kSynOps];
    sum.neuron_updates_active += w[kActive];
    sum.neuron_updates_inactive += w[kInactive];
    sum.memory_reads += w[kReads];
    sum.driver_delayed += w[kDriverDelayed];
    for (int d = 0; d < 4; ++d) sum.hops_by_dir[d] += w[kDirs + size_t(d)];
    sum.flits_delivered += w[kDelivered];
    sum.interchip_flits += w[kInterchip];
    late_in_step_ += w[kLate];
    const uint64_t kept_here = w[kLateKept];
    const uint64_t* l = w + kPartWords;
    for (uint64_t k = 0; k < kept_here; ++k, l += kLateWords) {
      LatePacket lp;
      lp.step = l[0];
      lp.src_core = int64_t(l[1]);
      lp.dst_core = uint32_t(l[2]);
      lp.axon = uint32_t(l[3]);
      lp.hops = uint32_t(l[4]);
      lp.arrival = l[5];
      lp.deadline = l[6];
      late_step_.push_back(lp);
    }
    for (size_t e = 0; e < events.size(); ++e) events[e] += l[e];
    at += size_t(count);
    if (size_t(l - &all[0]) + events.size() != at) throw std::logic_error("step exchange: a malformed part");
  }
  rec.packets = sum.packets;
  rec.spikes = sum.spikes;
  rec.input_spikes = sum.input_spikes;
  rec.synaptic_ops = sum.synaptic_ops;
  rec.neuron_updates_active = sum.neuron_updates_active;
  rec.neuron_updates_inactive = sum.neuron_updates_inactive;
  rec.memory_reads = sum.memory_reads;
  rec.driver_delayed = sum.driver_delayed;
  rec.flit_hops = 0;
  for (int d = 0; d < 4; ++d) rec.flit_hops += (rec.hops_by_dir[d] = sum.hops_by_dir[d]);
  rec.flits_delivered = sum.flits_delivered;
  rec.interchip_flits = sum.interchip_flits;
  crit = best;
}

void ChipModel::gather_counters() {
  if (!share_) return;
  std::vector<uint64_t*> where = noc_->counters();
  for (auto& k : cores_) {
    CoreCounters& c = k->counters;
    for (uint64_t* p : {&c.neuron_updates_active, &c.neuron_updates_inactive, &c.spikes, &c.packets_out,
                        &c.packets_in, &c.synaptic_ops, &c.memory_reads, &c.neuron_busy_cycles,
                        &c.synapse_busy_cycles, &c.driver_delayed, &c.driver_delay_substeps, &c.fabric_delayed})
      where.push_back(p);
  }
  std::vector<uint64_t> v(where.size());
  for (size_t k = 0; k < v.size(); ++k) v[k] = *where[k];
  share_->sum(v);
  for (size_t k = 0; k < v.size(); ++k) *where[k] = v[k];
}

StepRecord ChipModel::end_step() {
  if (analog_.substeps_per_cycle) return end_window();
  if (threads_) threads_->drain();   // this step's sums are complete before anything reads them
  if (noc_->in_flight() != 0) {
    throw std::runtime_error("watchdog: the network on chip is stuck in step " +
                             std::to_string(t_) + " with " + std::to_string(noc_->in_flight()) +
                             " flit(s) that can never move:\n" + noc_->describe_stuck());
  }
  StepRecord rec;
  rec.step = t_;
  rec.start_cycle = start_;
  Critical crit = find_critical(rec);
  count_step(rec);
  std::vector<uint64_t> events = type_events();
  if (share_) combine(rec, crit, events);
  const size_t room = kMaxLateRecords - std::min(kMaxLateRecords, late_.size());
  order_late_records(room);
  late_.insert(late_.end(), late_step_.begin(), late_step_.end());
  late_step_.clear();
  late_count_ += late_in_step_;
  rec.late_packets = late_in_step_;
  const uint64_t end = crit.end;
  if (crit.core >= 0) {
    rec.critical.core = uint32_t(crit.core);
    rec.critical.component = "core " + chip_.cores[uint32_t(crit.core)].name +
                             (crit.synapse ? " synaptic input" : " neuron update");
    rec.critical.packet_src_core = crit.packet_src;
    rec.critical.packet_hops = uint32_t(crit.packet_hops);
    rec.critical.packet_latency = crit.packet_latency;
  }
  rec.active_cycles = end - start_;
  rec.barrier_cycles = barrier_cycles(rec.active_cycles);
  if (tick_cycles_) rec.slack_cycles = int64_t(tick_cycles_) - int64_t(rec.active_cycles);
  rec.dynamic_pj = step_energy(rec, events);
  rec.ns = double(rec.cycles()) * chip_.clock.cycle_ns;
  rec.static_pj = static_mw() * rec.ns;  // mW x ns = pJ
  input_spikes_ = 0;
  noc_->clear_packets();
  start_ = advance(end, rec.barrier_cycles, 1, [&] { return "the barrier after step " + std::to_string(t_); });
  ++t_;
  return rec;
}

// Analog window [start, start + window): every core advances cycle by cycle under the
// scheduler (Core::evaluate), which the caller runs up to window_end(); input spikes of the
// window enter at the host port at the cycle edge after their time.
void ChipModel::begin_window() {
  if (observer) observer->step_begin(t_, start_);
  for (auto& core : cores_) {
    core->step_ = t_;
    core->timed_out_.clear();
    sched_.wake(*core, start_);
  }
  send_timed_inputs();
}

void ChipModel::send_timed_inputs() {
  const uint64_t k = analog_.substeps_per_cycle;
  const uint64_t end_substep = window_end() * k;
  for (uint32_t s = 0; s < timed_inputs_.size(); ++s) {
    const auto& routes = pl_.input_routes[s];
    uint32_t j = 0;
    uint64_t at = 0;
    while (timed_inputs_[s].next(end_substep, j, at)) {
      ++input_spikes_;
      for (uint64_t r = routes.row[j]; r < routes.row[j + 1]; ++r) {
        const map::Route& rt = routes.routes[r];
        const auto& dst = chip_.cores[rt.core];
        noc_->send(noc_->host_terminal(), noc_->terminal(dst.router_x, dst.router_y, dst.port),
                   spike_flits_, std::max(start_, at / k + 1), (uint64_t(rt.axon) << 32) | 1u);
      }
    }
  }
}

StepRecord ChipModel::end_window() {
  StepRecord rec;
  rec.step = t_;
  rec.start_cycle = start_;
  rec.active_cycles = analog_.window_cycles;
  rec.barrier_cycles = 0;
  rec.critical.component = "analog window";
  rec.critical.packet_src_core = -2;
  for (uint32_t p = 0; p < spiked_.size(); ++p) {
    std::vector<models::TimedSpike> all;
    for (uint32_t slot : pop_cores_[p]) {
      const Core& k = *cores_[slot];
      for (const auto& sp : k.timed_out_) all.push_back({sp.at, (*k.neurons)[sp.neuron]});
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.at != b.at ? a.at < b.at : a.neuron < b.neuron;
    });
    spiked_[p].clear();
    spiked_at_[p].clear();
    for (const auto& sp : all) {
      spiked_[p].push_back(sp.neuron);
      spiked_at_[p].push_back(sp.at);
    }
  }
  for (const auto& k : cores_) {
    k->spiked_.clear();
    for (const auto& sp : k->timed_out_) k->spiked_.push_back(sp.neuron);
  }
  count_step(rec);
  rec.dynamic_pj = step_energy(rec, type_events());
  rec.ns = double(rec.cycles()) * chip_.clock.cycle_ns;
  rec.static_pj = static_mw() * rec.ns;
  input_spikes_ = 0;
  if (noc_->in_flight() == 0) noc_->clear_packets();
  packets_base_ = noc_->packet_count();
  start_ = advance(start_, analog_.window_cycles, 1, [&] { return "window " + std::to_string(t_); });
  ++t_;
  return rec;
}

}  // namespace neuromesh::chip
