#include "sim/chip/chip_model.h"

#include <algorithm>
#include <stdexcept>

namespace neuromesh::chip {

using models::noc::kNever;

namespace {
uint16_t flits_for(uint32_t bits, uint32_t flit_bits) {
  return uint16_t((bits + flit_bits - 1) / flit_bits);
}
constexpr uint32_t kSpikeBits = 32;          // address of (core, axon): Loihi's 32-bit message
constexpr uint32_t kGradedPayloadBits = 24;  // Lava's 24-bit graded payloads
}  // namespace

ChipModel::ChipModel(const config::ChipConfig& chip, const models::Network& net,
                     const models::ExpandedNetwork& ex, const map::Placement& pl,
                     models::noc::Scheduler& sched, bool release)
    : chip_(chip), net_(net), pl_(pl), sched_(sched) {
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
  spike_flits_ = flits_for(kSpikeBits, chip.router.flit_bits);
  graded_flits_ = flits_for(kSpikeBits + kGradedPayloadBits, chip.router.flit_bits);
  bool graded = false;
  for (const auto& in : net.inputs)
    for (const auto& s : in.spikes) graded |= s.payload != 1;
  const uint16_t need = graded ? graded_flits_ : spike_flits_;
  if (p.buffer_flits < need) {
    throw map::MapError("router input_buffer_flits (" + std::to_string(p.buffer_flits) +
                        ") must hold a whole spike packet of " + std::to_string(need) + " " +
                        std::to_string(chip.router.flit_bits) + "-bit flits");
  }
  noc_ = std::make_unique<models::noc::MeshNoc>(p, sched);

  core_slot_.assign(chip.cores.size(), -1);
  pop_cores_.resize(net.populations.size());
  for (uint32_t c = 0; c < chip.cores.size(); ++c) {
    const map::CoreMap& cm = pl.cores[c];
    if (!cm.used()) continue;
    if (cm.count > Core::kMaxCoreNeurons) {
      throw map::MapError("the cycle-accurate core model holds at most " +
                          std::to_string(Core::kMaxCoreNeurons) + " neurons per core; core " +
                          chip.cores[c].name + " has " + std::to_string(cm.count));
    }
    auto core = std::make_unique<Core>();
    Core& k = *core;
    k.chip_ = this;
    k.index = c;
    k.population = cm.population;
    k.first = cm.first;
    k.count = cm.count;
    const auto& inst = chip.cores[c];
    k.terminal_ = noc_->terminal(inst.router_x, inst.router_y, inst.port);
    k.type_ = &chip.type_of(inst);
    noc_->term(k.terminal_).owner = &k;
    k.neurons = models::LifArray(net.populations[cm.population].params, cm.first, cm.count);
    k.dendrites_ = models::Dendrites(cm.count);
    std::vector<uint32_t> dendrite_of(ex.tables.size(), UINT32_MAX);
    for (uint32_t t = 0; t < ex.tables.size(); ++t) {
      if (ex.tables[t].to == cm.population) {
        dendrite_of[t] = k.dendrites_.add_projection(ex.tables[t].max_delay, ex.tables[t].weight_exp);
      }
    }
    // The core's synaptic memory: each axon's synapses onto this core's neurons, filled below.
    if (cm.synapses >= (uint64_t{1} << 32) || cm.words_used >= (uint64_t{1} << 32)) {
      throw map::MapError("core " + chip.cores[c].name + " holds more than 2^32 synapses or words");
    }
    // k.syn_ is allocated when the fill below first reaches this core, so that with `release`
    // the synapse tables shrink while the cores grow.
    uint64_t at = 0;
    k.axons_.reserve(cm.axons.size());
    for (const auto& a : cm.axons) {
      Core::Axon ax;
      ax.dendrite = dendrite_of[a.projection];
      ax.words = a.words;
      ax.word_offset = uint32_t(a.word_offset);
      ax.begin = ax.end = uint32_t(at);  // end advances as synapses are filled
      at += a.synapses;
      k.axons_.push_back(ax);
    }
    core_slot_[c] = int32_t(cores_.size());
    pop_cores_[cm.population].push_back(uint32_t(cores_.size()));
    cores_.push_back(std::move(core));
  }
  // Fill every core's synaptic memory in one pass over the synapse tables: the routes of a
  // source neuron name, per destination core, the axon that holds its synapses there.
  std::vector<int64_t> axon_at(chip.cores.size(), -1);
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& tab = ex.tables[k];
    const map::RoutingTable& rt =
        tab.from.is_input ? pl.input_routes[tab.from.index] : pl.population_routes[tab.from.index];
    const uint32_t n_pre = uint32_t(tab.row.size() - 1);
    for (uint32_t j = 0; j < n_pre; ++j) {
      if (tab.row[j] == tab.row[j + 1]) continue;
      for (uint64_t r = rt.row[j]; r < rt.row[j + 1]; ++r) {
        const map::Route& route = rt.routes[r];
        if (pl.cores[route.core].axons[route.axon].projection == k) axon_at[route.core] = route.axon;
      }
      for (uint64_t s = tab.row[j]; s < tab.row[j + 1]; ++s) {
        const auto& syn = tab.synapses[s];
        const uint32_t c = pl.core_of[tab.to][syn.post];
        Core& core = *cores_[uint32_t(core_slot_[c])];
        if (core.syn_.empty()) core.syn_.resize(pl.cores[c].synapses);
        Core::Axon& ax = core.axons_[uint32_t(axon_at[c])];
        core.syn_[ax.end++] = Core::Syn::make(syn.post - core.first, syn.weight, syn.delay);
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
  for (auto& list : pop_cores_) {
    std::sort(list.begin(), list.end(),
              [&](uint32_t a, uint32_t b) { return cores_[a]->first < cores_[b]->first; });
  }
  for (const auto& in : net.inputs) inputs_.emplace_back(in);
  spiked_.resize(net.populations.size());
}

double ChipModel::static_mw() const {
  double mw = 0;
  for (const auto& core : chip_.cores) mw += chip_.type_of(core).costs.static_power.mw;
  return mw + double(chip_.mesh.width * chip_.mesh.height) * chip_.router.static_power.mw;
}

int64_t ChipModel::u(uint32_t p, uint32_t i) const {
  const Core& k = *cores_[uint32_t(core_slot_[pl_.core_of[p][i]])];
  return k.neurons.u(i - k.first);
}
int64_t ChipModel::v(uint32_t p, uint32_t i) const {
  const Core& k = *cores_[uint32_t(core_slot_[pl_.core_of[p][i]])];
  return k.neurons.v(i - k.first);
}

void ChipModel::begin_step() {
  const uint64_t S = start_;
  if (observer) observer->step_begin(t_, S);
  const auto& costs = [&](const Core& k) -> const config::CoreCosts& {
    return chip_.type_of(chip_.cores[k.index]).costs;
  };
  for (auto& core : cores_) {
    Core& k = *core;
    const config::CoreCosts& cc = costs(k);
    k.step_ = t_;
    k.dendrites_.collect(t_, k.a_in_);
    k.spiked_.clear();
    uint64_t time = S;
    const auto& routes = pl_.population_routes[k.population];
    // The neuron update unit: which updates are active is decided on the state before them.
    k.active_.resize(k.count);
    k.spike_flag_.assign(k.count, 0);
    for (uint32_t i = 0; i < k.count; ++i) k.active_[i] = k.neurons.active(i, k.a_in_[i]);
    if (neuron_backend) {
      neuron_backend->update(chip_.cores[k.index].name, k.neurons, k.a_in_, k.spike_flag_);
    } else {
      for (uint32_t i = 0; i < k.count; ++i) k.spike_flag_[i] = k.neurons.update(i, k.a_in_[i]);
    }
    for (uint32_t i = 0; i < k.count; ++i) {
      const bool active = k.active_[i];
      time += active ? cc.neuron_update_active.latency_cycles : cc.neuron_update_inactive.latency_cycles;
      ++(active ? k.counters.neuron_updates_active : k.counters.neuron_updates_inactive);
      if (!k.spike_flag_[i]) continue;
      k.spiked_.push_back(i);
      ++k.counters.spikes;
      const uint64_t ready = time + cc.spike_generation.latency_cycles;
      const uint32_t g = k.first + i;
      for (uint64_t r = routes.row[g]; r < routes.row[g + 1]; ++r) {
        const map::Route& rt = routes.routes[r];
        const auto& dst = chip_.cores[rt.core];
        noc_->send(k.terminal_, noc_->terminal(dst.router_x, dst.router_y, dst.port), spike_flits_,
                   ready, (uint64_t(rt.axon) << 32) | 1u);
        ++k.counters.packets_out;
      }
    }
    k.neuron_end_ = time;
    k.counters.neuron_busy_cycles += time - S;
    if (observer) observer->neuron_unit(k.index, S, time);
    k.synapse_free_ = S;
    k.synapse_end_ = S;
    k.last_packet_ = UINT32_MAX;
  }
  // Input spikes enter at the host port of router (0, 0) at the start of the step.
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
  for (uint32_t p = 0; p < spiked_.size(); ++p) {
    spiked_[p].clear();
    for (uint32_t slot : pop_cores_[p]) {
      const Core& k = *cores_[slot];
      for (uint32_t i : k.spiked_) spiked_[p].push_back(k.first + i);
    }
  }
}

uint64_t Core::evaluate(uint64_t) {
  ChipModel& chip = *chip_;
  models::noc::Terminal& T = chip.noc_->term(terminal_);
  // The synaptic input unit takes packets one at a time in arrival order: each starts when it
  // has arrived and the previous one is done. Every packet already delivered to this core is
  // known, and later ones arrive later over the same link, so their start cycles are fixed now:
  // process them all, each stamped with its own start cycle (its buffer slots are freed then).
  while (T.front_arrival() != kNever) {
    const uint64_t start = std::max(T.front_arrival(), synapse_free_);
    const uint32_t id = T.front_packet();
    const uint64_t tag = chip.noc_->packet(id).tag;
    T.pop(start);
    const Axon& a = axons_[uint32_t(tag >> 32)];
    const int64_t payload = int32_t(uint32_t(tag));
    const uint64_t base = step_ + 1;
    if (dendrites_.ring(a.dendrite) == 1) {
      int64_t* slot = dendrites_.slot(a.dendrite, base);
      for (uint64_t s = a.begin; s < a.end; ++s) slot[syn_[s].local()] += int64_t{syn_[s].weight()} * payload;
    } else {
      for (uint64_t s = a.begin; s < a.end; ++s)
        dendrites_.slot(a.dendrite, base + syn_[s].delay())[syn_[s].local()] += int64_t{syn_[s].weight()} * payload;
    }
    const uint64_t n = a.end - a.begin;
    const uint64_t read = memory ? memory->read(a.word_offset, a.words)
                                 : memory_read_cycles(type_->synaptic_memory, a.words);
    uint64_t cycles = read + n * type_->costs.synaptic_op.latency_cycles;
    cycles = std::max<uint64_t>(cycles, 1);  // one packet per cycle at most
    synapse_free_ = start + cycles;
    synapse_end_ = synapse_free_;
    if (chip.observer) chip.observer->synaptic_input(index, start, synapse_free_);
    last_packet_ = id;
    ++counters.packets_in;
    counters.synaptic_ops += n;
    counters.memory_reads += a.words;
    counters.synapse_busy_cycles += cycles;
  }
  return kNever;  // the next delivery wakes this core
}

StepRecord ChipModel::end_step() {
  if (noc_->in_flight() != 0) {
    throw std::runtime_error("watchdog: the network on chip is stuck in step " +
                             std::to_string(t_) + " with " + std::to_string(noc_->in_flight()) +
                             " flit(s) that can never move:\n" + noc_->describe_stuck());
  }
  StepRecord rec;
  rec.step = t_;
  rec.start_cycle = start_;
  uint64_t end = start_;
  const Core* critical = nullptr;
  bool critical_synapse = false;
  for (const auto& core : cores_) {
    const Core& k = *core;
    rec.neuron_update_cycles = std::max(rec.neuron_update_cycles, k.neuron_end_ - start_);
    rec.synaptic_input_end = std::max(rec.synaptic_input_end, k.synapse_end_ - start_);
    const uint64_t e = std::max(k.neuron_end_, k.synapse_end_);
    if (e > end || critical == nullptr) {
      if (e >= end) {
        end = e;
        critical = &k;
        critical_synapse = k.synapse_end_ > k.neuron_end_;
      }
    }
  }
  rec.active_cycles = end - start_;
  // A barrier takes at least one cycle: the next step starts after everything of this one.
  switch (chip_.timing.model) {
    case config::TimingModel::barrier:
      rec.barrier_cycles = chip_.timing.barrier.latency_cycles;
      break;
    case config::TimingModel::fixed_tick: {
      // The next step starts at the next tick boundary; a step that overruns its tick makes the
      // chip miss ticks (the report counts the overruns).
      const uint64_t tick = std::max<uint64_t>(1, uint64_t(chip_.timing.tick_ns / chip_.clock.cycle_ns + 0.5));
      const uint64_t ticks = rec.active_cycles / tick + 1;
      rec.barrier_cycles = ticks * tick - rec.active_cycles;
      break;
    }
    case config::TimingModel::analog:
      rec.barrier_cycles = 0;
      break;
  }
  rec.barrier_cycles = std::max<uint64_t>(rec.barrier_cycles, 1);
  if (critical) {
    rec.critical.core = critical->index;
    rec.critical.component = "core " + chip_.cores[critical->index].name +
                             (critical_synapse ? " synaptic input" : " neuron update");
    rec.critical.packet_src_core = -2;
    if (critical_synapse && critical->last_packet_ != UINT32_MAX) {
      const auto& pk = noc_->packet(critical->last_packet_);
      rec.critical.packet_hops = pk.hops;
      rec.critical.packet_latency = pk.delivered - pk.created;
      rec.critical.packet_src_core = -1;
      for (const auto& k : cores_)
        if (k->terminal_ == pk.src) rec.critical.packet_src_core = k->index;
    }
  }
  rec.packets = noc_->packet_count();
  for (size_t k = 0; k < noc_->packet_count(); ++k) {
    rec.noc_end = std::max(rec.noc_end, noc_->packet(uint32_t(k)).delivered - start_);
  }
  for (const auto& k : cores_) rec.spikes += k->spiked_.size();
  rec.input_spikes = input_spikes_;
  CoreCounters now;
  for (const auto& k : cores_) {
    now.synaptic_ops += k->counters.synaptic_ops;
    now.neuron_updates_active += k->counters.neuron_updates_active;
    now.neuron_updates_inactive += k->counters.neuron_updates_inactive;
    now.memory_reads += k->counters.memory_reads;
  }
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
  // Energy of the step: every event charged once, at the cost of the core type that did it.
  double pj = 0;
  for (const auto& k : cores_) {
    const auto& cc = k->type_->costs;
    const CoreCounters& c = k->counters;
    pj += double(c.synaptic_ops - k->prev_.synaptic_ops) * cc.synaptic_op.energy_pj +
          double(c.neuron_updates_active - k->prev_.neuron_updates_active) * cc.neuron_update_active.energy_pj +
          double(c.neuron_updates_inactive - k->prev_.neuron_updates_inactive) * cc.neuron_update_inactive.energy_pj +
          double(c.spikes - k->prev_.spikes) * cc.spike_generation.energy_pj +
          double(c.memory_reads - k->prev_.memory_reads) * cc.memory_read.energy_pj;
    k->prev_ = c;
  }
  uint64_t delivered = 0;
  for (uint32_t r = 0; r < noc_->routers(); ++r) {
    const auto& out = noc_->router(r).flits_out;
    for (size_t o = models::noc::kMeshPorts; o < out.size(); ++o) delivered += out[o];
  }
  rec.flits_delivered = delivered - prev_delivered_;
  prev_delivered_ = delivered;
  for (int d = 0; d < 4; ++d) pj += double(rec.hops_by_dir[d]) * chip_.router.hop[d].energy_pj;
  pj += double(rec.flits_delivered) * chip_.router.hop[int(config::Direction::local)].energy_pj;
  if (chip_.timing.model == config::TimingModel::barrier) pj += chip_.timing.barrier.energy_pj;
  rec.dynamic_pj = pj;
  rec.ns = double(rec.cycles()) * chip_.clock.cycle_ns;
  rec.static_pj = static_mw() * rec.ns;  // mW x ns = pJ
  input_spikes_ = 0;
  noc_->clear_packets();
  start_ = end + rec.barrier_cycles;
  ++t_;
  return rec;
}

}  // namespace neuromesh::chip
