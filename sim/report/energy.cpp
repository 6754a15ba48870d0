#include "sim/report/energy.h"

#include <algorithm>

namespace neuromesh::report {

EnergyReport compute_energy(const chip::ChipModel& model, const std::vector<chip::StepRecord>& steps,
                            uint32_t window) {
  const config::ChipConfig& chip = model.config();
  EnergyReport e;
  e.window = std::max<uint32_t>(1, window);
  e.core_pj.assign(chip.cores.size(), 0.0);
  // Per-core events at the core type's figures.
  auto named = [](const char* n) {
    Category c;
    c.name = n;
    return c;
  };
  Category syn = named("synaptic_ops"), act = named("neuron_updates_active"),
           inact = named("neuron_updates_inactive"), gen = named("spike_generation"),
           rd = named("memory_reads"), wr = named("memory_writes");
  for (const auto& k : model.cores()) {
    const auto& t = chip.type_of(chip.cores[k->index]);
    const auto& c = k->counters;
    const auto& cc = t.costs;
    const double pj = double(c.synaptic_ops) * cc.synaptic_op.energy_pj +
                      double(c.neuron_updates_active) * cc.neuron_update_active.energy_pj +
                      double(c.neuron_updates_inactive) * cc.neuron_update_inactive.energy_pj +
                      double(c.spikes) * cc.spike_generation.energy_pj +
                      double(c.memory_reads) * cc.memory_read.energy_pj;
    e.core_pj[k->index] = pj;
    syn.count += c.synaptic_ops, syn.energy_pj += double(c.synaptic_ops) * cc.synaptic_op.energy_pj;
    act.count += c.neuron_updates_active;
    act.energy_pj += double(c.neuron_updates_active) * cc.neuron_update_active.energy_pj;
    inact.count += c.neuron_updates_inactive;
    inact.energy_pj += double(c.neuron_updates_inactive) * cc.neuron_update_inactive.energy_pj;
    gen.count += c.spikes, gen.energy_pj += double(c.spikes) * cc.spike_generation.energy_pj;
    rd.count += c.memory_reads, rd.energy_pj += double(c.memory_reads) * cc.memory_read.energy_pj;
    syn.source = cc.synaptic_op.source;
    act.source = cc.neuron_update_active.source;
    inact.source = cc.neuron_update_inactive.source;
    gen.source = cc.spike_generation.source;
    rd.source = cc.memory_read.source;
    wr.source = cc.memory_write.source;
  }
  e.categories = {syn, act, inact, gen, rd, wr};
  // Links: every router output port's flits at that direction's figure; local ports are the
  // deliveries to cores.
  auto& noc = const_cast<chip::ChipModel&>(model).noc();
  e.router_pj.assign(noc.routers(), 0.0);
  const char* dir_name[5] = {"hops_east", "hops_west", "hops_north", "hops_south", "local_deliveries"};
  Category dirs[5];
  for (int d = 0; d < 5; ++d) {
    dirs[d].name = dir_name[d];
    dirs[d].source = chip.router.hop[d].source;
  }
  for (uint32_t r = 0; r < noc.routers(); ++r) {
    const auto& out = noc.router(r).flits_out;
    for (size_t o = 0; o < out.size(); ++o) {
      const int d = o < 4 ? int(o) : 4;
      const double pj = double(out[o]) * chip.router.hop[d].energy_pj;
      e.router_pj[r] += pj;
      dirs[d].count += out[o];
      dirs[d].energy_pj += pj;
    }
  }
  for (auto& d : dirs) e.categories.push_back(d);
  if (chip.system.present) {
    // Off-chip links: every flit a gateway sent, at the link's energy per bit.
    Category x = named("interchip_flits");
    x.source = chip.system.link.source;
    const double per_flit = chip::interchip_flit_pj(chip);
    for (const auto& g : noc.gateways()) {
      e.gateway_pj.push_back(double(g.flits) * per_flit);
      x.count += g.flits;
      x.energy_pj += double(g.flits) * per_flit;
    }
    e.categories.push_back(x);
  }
  if (chip.timing.model == config::TimingModel::barrier) {
    const config::OpCost b = chip::barrier_cost(chip);
    Category bar = named("barriers");
    bar.count = steps.size();
    bar.energy_pj = double(steps.size()) * b.energy_pj;
    bar.source = b.source;
    e.categories.push_back(bar);
  }
  for (const auto& c : e.categories) e.dynamic_pj += c.energy_pj;

  for (const auto& core : chip.cores) e.core_static_mw += chip.type_of(core).costs.static_power.mw;
  e.router_static_mw = double(chip.mesh.width * chip.mesh.height) * chip.router.static_power.mw;
  for (const auto& s : steps) {
    e.time_ns += s.ns;
    e.static_pj += s.static_pj;
  }
  e.average_mw = e.time_ns > 0 ? e.total_pj() / e.time_ns : 0.0;
  // Peak: the highest average over `window` consecutive steps.
  const size_t w = std::min<size_t>(e.window, steps.size());
  double pj = 0, ns = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    pj += steps[i].dynamic_pj + steps[i].static_pj;
    ns += steps[i].ns;
    if (i >= w) {
      pj -= steps[i - w].dynamic_pj + steps[i - w].static_pj;
      ns -= steps[i - w].ns;
    }
    if (i + 1 >= w && ns > 0 && pj / ns > e.peak_mw) {
      e.peak_mw = pj / ns;
      e.peak_first_step = steps[i + 1 - w].step;
    }
  }
  return e;
}

}  // namespace neuromesh::report
