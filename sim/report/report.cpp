#include "sim/report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "models/lif_update_unit.h"
#include "sim/io/csv.h"
#include "sim/report/html.h"

namespace neuromesh::report {

using io::csv_field;
using Json = nlohmann::ordered_json;

namespace {
const char* kPortName[4] = {"east", "west", "north", "south"};

// Fixed-tick chips: the packets that missed their delivery tick (the first ones recorded).
Json late_packets(const config::ChipConfig& chip, const chip::ChipModel& model) {
  Json out = Json::array();
  for (const auto& lp : model.late_records()) {
    out.push_back({{"step", lp.step},
                   {"from", lp.src_core < 0 ? std::string("host") : chip.cores[uint32_t(lp.src_core)].name},
                   {"to", chip.cores[lp.dst_core].name},
                   {"axon", lp.axon},
                   {"hops", lp.hops},
                   {"arrival_cycle", lp.arrival},
                   {"deadline_cycle", lp.deadline},
                   {"late_cycles", lp.arrival - lp.deadline}});
  }
  return out;
}

// Analog chips: the time base, the fabric's latencies, the synapse drivers' back-pressure, the
// experiment's hardware wall clock and the probed traces (downsampled to at most 2000 points).
void analog_report(Json& j, const config::ChipConfig& chip, const chip::ChipModel& model,
                   const std::vector<chip::StepRecord>& steps, const RunInfo& info) {
  const auto& a = model.analog();
  uint64_t delayed = 0, delay_substeps = 0, spikes = 0, fabric = 0;
  for (const auto& k : model.cores()) {
    fabric += k->counters.fabric_delayed;
    delayed += k->counters.driver_delayed;
    delay_substeps += k->counters.driver_delay_substeps;
    spikes += k->counters.spikes;
  }
  const double hw_ns = double(steps.size() * a.window_cycles) * chip.clock.cycle_ns;
  const double bio_ms = hw_ns * chip.timing.acceleration / 1e6;
  const double readout_us = double(spikes) * chip.timing.readout_ns_per_spike / 1e3;
  Json lat = Json::object();
  for (const auto& k : model.cores()) {
    lat[chip.cores[k->index].name] = model.zero_load_cycles(-1, k->index);
  }
  Json core_lat = Json::object();
  for (const auto& src : model.cores()) {
    Json row = Json::object();
    for (const auto& dst : model.cores())
      row[chip.cores[dst->index].name] = model.zero_load_cycles(src->index, dst->index);
    core_lat[chip.cores[src->index].name] = row;
  }
  double interval = 0;
  for (const auto& t : chip.core_types) interval = std::max(interval, t.synapse_format.driver_interval_ns);
  j["analog"] = {
      {"acceleration", chip.timing.acceleration},
      {"integration_step_ns", chip.timing.integration_step_ns},
      {"substeps_per_cycle", a.substeps_per_cycle},
      {"window_ns", chip.timing.window_ns},
      {"fabric_latency_cycles", {{"from_host", lat}, {"between_cores", core_lat}}},
      {"driver_interval_ns", interval},
      {"driver_delayed_events", delayed},
      {"driver_delay_ns", double(delay_substeps) * chip.timing.integration_step_ns},
      {"fabric_delayed_packets", fabric},
      {"experiment", {{"biological_ms", bio_ms},
                      {"emulated_us", hw_ns / 1e3},
                      {"configuration_us", chip.timing.configuration_us},
                      {"readout_us", readout_us},
                      {"total_us", hw_ns / 1e3 + chip.timing.configuration_us + readout_us},
                      {"source", chip.timing.overhead_source}}}};
  Json traces = Json::array();
  for (const auto& t : info.traces) {
    const size_t stride = std::max<size_t>(1, (t.values.size() + 1999) / 2000);
    Json tm = Json::array(), vals = Json::array();
    for (size_t i = 0; i < t.values.size(); i += stride) {
      tm.push_back(t.time_ms[i]);
      vals.push_back(t.values[i]);
    }
    traces.push_back({{"population", t.population}, {"neuron", t.neuron}, {"variable", t.variable},
                      {"unit", t.unit}, {"time_ms", tm}, {"values", vals}});
  }
  j["traces"] = traces;
}

}  // namespace

// Systems of chips: the grid, the links, each chip's share and each inter-chip link's traffic.
void system_report(Json& j, const config::ChipConfig& chip, chip::ChipModel& model,
                   const EnergyReport& energy, uint64_t total_cycles) {
  const auto& sys = chip.system;
  const auto& noc = model.noc();
  struct PerChip {
    uint64_t cores = 0, neurons = 0, spikes = 0, out = 0, in = 0, ops = 0;
    double pj = 0;
  };
  std::vector<PerChip> pc(sys.chips());
  for (const auto& k : model.cores()) {
    PerChip& p = pc[sys.chip_of_core(k->index)];
    const auto& c = k->counters;
    ++p.cores;
    p.neurons += k->count;
    p.spikes += c.spikes;
    p.out += c.packets_out;
    p.in += c.packets_in;
    p.ops += c.synaptic_ops;
    p.pj += energy.core_pj[k->index];
  }
  for (uint32_t r = 0; r < energy.router_pj.size(); ++r) {
    pc[sys.chip_of_router(r % chip.mesh.width, r / chip.mesh.width)].pj += energy.router_pj[r];
  }
  double chip_static_mw = double(sys.chip_mesh_width * sys.chip_mesh_height) * chip.router.static_power.mw;
  for (uint32_t i = 0; i < sys.cores_per_chip; ++i) chip_static_mw += chip.type_of(chip.cores[i]).costs.static_power.mw;
  Json chips = Json::array();
  for (uint32_t c = 0; c < sys.chips(); ++c) {
    const PerChip& p = pc[c];
    chips.push_back({{"chip", c}, {"grid", {c % sys.width, c / sys.width}}, {"cores_used", p.cores},
                     {"neurons", p.neurons}, {"spikes", p.spikes}, {"packets_out", p.out},
                     {"packets_in", p.in}, {"synaptic_ops", p.ops}, {"dynamic_pj", p.pj},
                     {"static_mw", chip_static_mw}});
  }
  Json links = Json::array();
  uint64_t flits = 0, packets = 0;
  double pj = 0;
  const auto& gws = noc.gateways();
  for (size_t g = 0; g < gws.size(); ++g) {
    const auto& G = gws[g];
    flits += G.flits;
    packets += G.packets;
    pj += energy.gateway_pj[g];
    links.push_back({{"from_chip", G.from_chip()}, {"to_chip", G.to_chip()},
                     {"direction", kPortName[G.dir()]}, {"flits", G.flits}, {"packets", G.packets},
                     {"utilization", total_cycles ? double(G.flits) * sys.link.cycles_per_flit / double(total_cycles) : 0.0},
                     {"mean_wait_cycles", G.flits ? double(G.wait_cycles) / double(G.flits) : 0.0},
                     {"energy_pj", energy.gateway_pj[g]}});
  }
  const config::OpCost barrier = chip::barrier_cost(chip);
  j["system"] = {
      {"name", sys.name}, {"file", sys.file},
      {"chip", {{"name", sys.chip_name}, {"file", sys.chip_file}}},
      {"grid", {sys.width, sys.height}}, {"chips", sys.chips()},
      {"cores_per_chip", sys.cores_per_chip},
      {"link", {{"latency_cycles", sys.link.latency_cycles}, {"cycles_per_flit", sys.link.cycles_per_flit},
                {"buffer_flits", sys.link.buffer_flits}, {"energy_pj_per_bit", sys.link.energy_pj_per_bit},
                {"source", sys.link.source}}},
      {"barrier", {{"latency_cycles", barrier.latency_cycles}, {"energy_pj", barrier.energy_pj}}},
      {"chips_used", size_t(std::count_if(pc.begin(), pc.end(), [](const PerChip& p) { return p.cores > 0; }))},
      {"totals", {{"interchip_flits", flits}, {"interchip_packets", packets},
                  {"interchip_energy_pj", pj}}},
      {"per_chip", chips},
      {"interchip_links", links}};
}

Outputs make_report(const config::ChipConfig& chip, const models::Network& net,
                    const map::Placement& pl, chip::ChipModel& model,
                    const std::vector<chip::StepRecord>& steps, const RunInfo& info,
                    const std::string& chip_summary) {
  const double ns = chip.clock.cycle_ns;
  const EnergyReport energy = compute_energy(model, steps, info.power_window);
  Json j;
  j["schema"] = "neuromesh.report";
  j["version"] = kSchemaVersion;
  j["chip"] = {{"name", chip.name},
               {"file", chip.file},
               {"family", chip.family},
               {"cycle_ns", ns},
               {"clockless", chip.clock.clockless},
               {"mesh", {{"width", chip.mesh.width},
                         {"height", chip.mesh.height},
                         {"cores_per_router", chip.mesh.cores_per_router}}},
               {"cores", chip.cores.size()},
               {"routing", chip.router.routing},
               {"input_buffer_flits", chip.router.input_buffer_flits},
               {"timing", config::to_string(chip.timing.model)}};
  uint64_t neurons = 0;
  for (const auto& p : net.populations) neurons += p.size;
  j["network"] = {{"name", net.name}, {"file", net.file}, {"seed", net.seed},
                  {"neurons", neurons}, {"synapses", info.synapses}};
  j["run"] = {{"mode", info.mode}, {"kernel", info.kernel}, {"neuron_backend", info.neuron_backend},
              {"strategy", info.strategy},
              {"steps", info.steps}, {"cores_used", pl.cores_used()}};
  if (!info.placement_file.empty()) j["run"]["placement_file"] = info.placement_file;
  j["run"]["neuron_timing"] = info.neuron_timing;
  if (info.neuron_timing == "unit") {
    // The units of the network's neuron models and how each times a neuron.
    Json units = Json::object();
    for (const auto& p : net.populations) {
      if (p.model == "loihi_cuba_lif")
        units["lif_update_unit"] = fmt::format("one neuron per unit cycle, its result {} cycles after it enters",
                                               models::LifUpdateUnit::kLatency + 1);
      if (p.model == "truenorth_lif")
        units["truenorth_update_unit"] = "2 unit cycles per neuron plus one per stochastic synaptic event";
    }
    j["run"]["neuron_unit"] = {{"clock_ns", info.unit_clock_ns},
                               {"chip_cycles_per_unit_cycle", info.unit_cycles}, {"units", units}};
  }
  {
    const auto& q = info.quality;
    Json link = nullptr, core = nullptr;
    if (q.link_packets) {
      link = {{"router", {q.link_x, q.link_y}}, {"port", q.link_port}, {"packets", q.link_packets}};
    }
    if (q.core_synapses) {
      core = {{"name", chip.cores[q.core].name}, {"synapses", q.core_synapses},
              {"packets_in", q.core_packets}};
    }
    j["placement"] = {{"cores_used", q.cores_used},
                      {"packets_per_all_spike_step", q.packets},
                      {"hops_per_packet", q.hops_per_packet()},
                      {"most_loaded_link", link},
                      {"most_loaded_core", core},
                      {"lower_bound_cores", {{"total", q.bound},
                                             {"by_neurons", q.bound_neurons},
                                             {"by_memory", q.bound_memory},
                                             {"by_fan_in", q.bound_fan_in}}}};
    if (chip.system.present) {
      j["placement"]["chips_used"] = q.chips_used;
      j["placement"]["interchip_crossings_per_all_spike_step"] = q.interchip_crossings;
      j["placement"]["busiest_gateway"] =
          q.gateway_packets ? Json{{"chip", q.gateway_chip}, {"direction", q.gateway_port},
                                   {"packets", q.gateway_packets}}
                            : Json(nullptr);
    }
  }

  // Per step.
  Json js = Json::array();
  std::vector<uint64_t> cycles;
  uint64_t total_cycles = 0, overruns = 0;
  double min_slack_ns = 0;
  bool any_slack = false;
  for (const auto& s : steps) {
    Json c = {{"component", s.critical.component}};
    if (s.critical.packet_src_core != -2) {
      c["last_packet"] = {
          {"from", s.critical.packet_src_core == -1
                       ? std::string("host")
                       : chip.cores[uint32_t(s.critical.packet_src_core)].name},
          {"hops", s.critical.packet_hops},
          {"latency_cycles", s.critical.packet_latency}};
    }
    Json step = {{"step", s.step},
                  {"start_cycle", s.start_cycle},
                  {"cycles", s.cycles()},
                  {"ns", s.ns},
                  {"breakdown_cycles", {{"neuron_update", s.neuron_update_cycles},
                                        {"noc_end", s.noc_end},
                                        {"synaptic_input_end", s.synaptic_input_end},
                                        {"active", s.active_cycles},
                                        {"barrier", s.barrier_cycles}}},
                  {"critical_path", c},
                  {"spikes", s.spikes},
                  {"input_spikes", s.input_spikes},
                  {"packets", s.packets},
                  {"synaptic_ops", s.synaptic_ops},
                  {"neuron_updates_active", s.neuron_updates_active},
                  {"neuron_updates_inactive", s.neuron_updates_inactive},
                  {"memory_reads", s.memory_reads},
                  {"flit_hops", s.flit_hops},
                  {"dynamic_pj", s.dynamic_pj},
                  {"static_pj", s.static_pj},
                  {"power_mw", s.ns > 0 ? (s.dynamic_pj + s.static_pj) / s.ns : 0.0}};
    if (chip.timing.model == config::TimingModel::fixed_tick) {
      step["slack_cycles"] = s.slack_cycles;
      step["late_packets"] = s.late_packets;
    }
    js.push_back(step);
    cycles.push_back(s.cycles());
    total_cycles += s.cycles();
    if (chip.timing.model == config::TimingModel::fixed_tick) {
      const double slack = chip.timing.tick_ns - double(s.active_cycles) * ns;
      if (slack < 0) ++overruns;
      if (!any_slack || slack < min_slack_ns) min_slack_ns = slack;
      any_slack = true;
    }
  }

  chip::CoreCounters t;
  for (const auto& k : model.cores()) {
    const auto& c = k->counters;
    t.neuron_updates_active += c.neuron_updates_active;
    t.neuron_updates_inactive += c.neuron_updates_inactive;
    t.spikes += c.spikes;
    t.packets_in += c.packets_in;
    t.synaptic_ops += c.synaptic_ops;
    t.memory_reads += c.memory_reads;
  }
  auto& noc = model.noc();
  Json hops = Json::object();
  for (int d = 0; d < 4; ++d) hops[kPortName[d]] = noc.flit_hops(d);
  uint64_t input_spikes = 0;
  for (const auto& s : steps) input_spikes += s.input_spikes;
  std::vector<uint64_t> sorted = cycles;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double q) -> uint64_t {
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size() - 1) + 0.5))];
  };
  Json cats = Json::array();
  for (const auto& c : energy.categories) {
    cats.push_back({{"name", c.name},
                    {"events", c.count},
                    {"energy_pj", c.energy_pj},
                    {"share", energy.total_pj() > 0 ? c.energy_pj / energy.total_pj() : 0.0},
                    {"source", c.source}});
  }
  cats.push_back({{"name", "static"},
                  {"events", 0},
                  {"energy_pj", energy.static_pj},
                  {"share", energy.total_pj() > 0 ? energy.static_pj / energy.total_pj() : 0.0},
                  {"source", "static power of every core and router x simulated time"}});
  const double time_ns = double(total_cycles) * ns;
  Json latency = {{"time_ns", time_ns},
                  {"timesteps_per_second", time_ns > 0 ? double(steps.size()) / time_ns * 1e9 : 0.0},
                  {"step_cycles", {{"min", pct(0)}, {"median", pct(0.5)}, {"p99", pct(0.99)},
                                   {"max", pct(1)}}},
                  {"step_ns", {{"min", double(pct(0)) * ns}, {"median", double(pct(0.5)) * ns},
                               {"p99", double(pct(0.99)) * ns}, {"max", double(pct(1)) * ns}}}};
  if (chip.timing.model == config::TimingModel::fixed_tick) {
    latency["tick"] = {{"tick_ns", chip.timing.tick_ns}, {"tick_cycles", model.tick_cycles()},
                       {"overruns", overruns}, {"min_slack_ns", min_slack_ns},
                       {"late_packets", model.late_packets()},
                       {"hardware_failure", model.late_packets() > 0},
                       {"late", late_packets(chip, model)}};
  }
  j["totals"] = {{"cycles", total_cycles},
                 {"ns", time_ns},
                 {"synaptic_ops", t.synaptic_ops},
                 {"neuron_updates_active", t.neuron_updates_active},
                 {"neuron_updates_inactive", t.neuron_updates_inactive},
                 {"spikes", t.spikes},
                 {"input_spikes", input_spikes},
                 {"packets", t.packets_in},
                 {"memory_reads", t.memory_reads},
                 {"flit_hops", hops},
                 {"latency", latency},
                 {"energy", {{"total_pj", energy.total_pj()},
                             {"dynamic_pj", energy.dynamic_pj},
                             {"static_pj", energy.static_pj},
                             {"pj_per_synaptic_op", t.synaptic_ops ? energy.total_pj() / double(t.synaptic_ops) : 0.0},
                             {"by_category", cats}}},
                 {"power", {{"average_mw", energy.average_mw},
                            {"peak_mw", energy.peak_mw},
                            {"peak_window_steps", energy.window},
                            {"peak_first_step", energy.peak_first_step},
                            {"static_mw", energy.core_static_mw + energy.router_static_mw}}}};
  j["steps"] = js;
  if (model.analog().substeps_per_cycle) analog_report(j, chip, model, steps, info);

  Json jc = Json::array();
  for (const auto& k : model.cores()) {
    const auto& inst = chip.cores[k->index];
    const auto& c = k->counters;
    jc.push_back({{"name", inst.name},
                  {"router", {inst.router_x, inst.router_y}},
                  {"port", inst.port},
                  {"population", net.populations[k->population].name},
                  {"first", k->neurons->front()},
                  {"neurons", k->count},
                  {"neuron_updates_active", c.neuron_updates_active},
                  {"neuron_updates_inactive", c.neuron_updates_inactive},
                  {"spikes", c.spikes},
                  {"packets_out", c.packets_out},
                  {"packets_in", c.packets_in},
                  {"synaptic_ops", c.synaptic_ops},
                  {"memory_reads", c.memory_reads},
                  {"dynamic_pj", energy.core_pj[k->index]},
                  {"neuron_unit_utilization",
                   total_cycles ? double(c.neuron_busy_cycles) / double(total_cycles) : 0.0},
                  {"synapse_unit_utilization",
                   total_cycles ? double(c.synapse_busy_cycles) / double(total_cycles) : 0.0}});
  }
  j["cores"] = jc;

  Json jl = Json::array();
  for (uint32_t r = 0; r < noc.routers(); ++r) {
    const auto& R = noc.router(r);
    for (size_t o = 0; o < R.flits_out.size(); ++o) {
      if (R.flits_out[o] == 0) continue;
      const std::string dir = o < 4 ? kPortName[o] : "local" + std::to_string(o - 4);
      const int d = o < 4 ? int(o) : 4;
      jl.push_back({{"router", {r % chip.mesh.width, r / chip.mesh.width}},
                    {"port", dir},
                    {"flits", R.flits_out[o]},
                    {"energy_pj", double(R.flits_out[o]) * chip.router.hop[d].energy_pj},
                    {"utilization",
                     total_cycles ? double(R.flits_out[o]) / double(total_cycles) : 0.0}});
    }
  }
  j["links"] = jl;
  if (chip.system.present) system_report(j, chip, model, energy, total_cycles);

  Outputs out;
  out.json = j.dump(1) + "\n";
  std::string s = "step,start_cycle,cycles,ns,neuron_update_cycles,noc_end_cycles,synaptic_input_end_cycles,"
                  "barrier_cycles,critical_path,spikes,input_spikes,packets,synaptic_ops,"
                  "neuron_updates_active,neuron_updates_inactive,memory_reads,flit_hops,"
                  "dynamic_pj,static_pj,power_mw";
  const bool tick = chip.timing.model == config::TimingModel::fixed_tick;
  const bool sys = chip.system.present;
  s += tick ? ",slack_cycles,late_packets" : "";
  s += sys ? ",interchip_flits\n" : "\n";
  for (const auto& r : steps) {
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", r.step,
                     r.start_cycle, r.cycles(), r.ns, r.neuron_update_cycles, r.noc_end,
                     r.synaptic_input_end, r.barrier_cycles, csv_field(r.critical.component),
                     r.spikes, r.input_spikes, r.packets, r.synaptic_ops, r.neuron_updates_active,
                     r.neuron_updates_inactive, r.memory_reads, r.flit_hops, r.dynamic_pj,
                     r.static_pj, r.ns > 0 ? (r.dynamic_pj + r.static_pj) / r.ns : 0.0);
    s += tick ? fmt::format(",{},{}", r.slack_cycles, r.late_packets) : "";
    s += sys ? fmt::format(",{}\n", r.interchip_flits) : "\n";
  }
  out.steps_csv = s;
  s = "core,router_x,router_y,port,population,first,neurons,neuron_updates_active,"
      "neuron_updates_inactive,spikes,packets_out,packets_in,synaptic_ops,memory_reads,"
      "dynamic_pj,neuron_unit_utilization,synapse_unit_utilization\n";
  for (const auto& c : jc) {
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                     csv_field(c["name"].get<std::string>()), c["router"][0].get<uint32_t>(),
                     c["router"][1].get<uint32_t>(), c["port"].get<uint32_t>(),
                     c["population"].get<std::string>(),
                     c["first"].get<uint32_t>(), c["neurons"].get<uint32_t>(),
                     c["neuron_updates_active"].get<uint64_t>(),
                     c["neuron_updates_inactive"].get<uint64_t>(), c["spikes"].get<uint64_t>(),
                     c["packets_out"].get<uint64_t>(), c["packets_in"].get<uint64_t>(),
                     c["synaptic_ops"].get<uint64_t>(), c["memory_reads"].get<uint64_t>(),
                     c["dynamic_pj"].get<double>(), c["neuron_unit_utilization"].get<double>(),
                     c["synapse_unit_utilization"].get<double>());
  }
  out.cores_csv = s;
  s = "router_x,router_y,port,flits,energy_pj,utilization\n";
  for (const auto& l : jl) {
    s += fmt::format("{},{},{},{},{},{}\n", l["router"][0].get<uint32_t>(),
                     l["router"][1].get<uint32_t>(), l["port"].get<std::string>(),
                     l["flits"].get<uint64_t>(), l["energy_pj"].get<double>(),
                     l["utilization"].get<double>());
  }
  out.links_csv = s;
  if (sys) {
    s = "chip,grid_x,grid_y,cores_used,neurons,spikes,packets_out,packets_in,synaptic_ops,"
        "dynamic_pj,static_mw\n";
    for (const auto& c : j["system"]["per_chip"]) {
      s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", c["chip"].get<uint32_t>(),
                       c["grid"][0].get<uint32_t>(), c["grid"][1].get<uint32_t>(),
                       c["cores_used"].get<uint64_t>(), c["neurons"].get<uint64_t>(),
                       c["spikes"].get<uint64_t>(), c["packets_out"].get<uint64_t>(),
                       c["packets_in"].get<uint64_t>(), c["synaptic_ops"].get<uint64_t>(),
                       c["dynamic_pj"].get<double>(), c["static_mw"].get<double>());
    }
    out.chips_csv = s;
    s = "from_chip,to_chip,direction,flits,packets,utilization,mean_wait_cycles,energy_pj\n";
    for (const auto& l : j["system"]["interchip_links"]) {
      s += fmt::format("{},{},{},{},{},{},{},{}\n", l["from_chip"].get<uint32_t>(),
                       l["to_chip"].get<uint32_t>(), l["direction"].get<std::string>(),
                       l["flits"].get<uint64_t>(), l["packets"].get<uint64_t>(),
                       l["utilization"].get<double>(), l["mean_wait_cycles"].get<double>(),
                       l["energy_pj"].get<double>());
    }
    out.interchip_links_csv = s;
  }
  out.html = render_html(j, chip_summary);
  return out;
}

}  // namespace neuromesh::report
