#include "sim/report/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace neuromesh::report {

using Json = nlohmann::ordered_json;

namespace {
const char* kPortName[4] = {"east", "west", "north", "south"};
}

std::string report_json(const config::ChipConfig& chip, const models::Network& net,
                        const map::Placement& pl, chip::ChipModel& model,
                        const std::vector<chip::StepRecord>& steps, const RunInfo& info) {
  const double ns = chip.clock.cycle_ns;
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
               {"timing", config::to_string(chip.timing.model)}};
  uint64_t neurons = 0;
  for (const auto& p : net.populations) neurons += p.size;
  j["network"] = {{"name", net.name}, {"file", net.file}, {"seed", net.seed},
                  {"neurons", neurons}, {"synapses", info.synapses}};
  j["run"] = {{"mode", info.mode}, {"strategy", info.strategy}, {"steps", info.steps},
              {"cores_used", pl.cores_used()}};

  // Per step.
  Json js = Json::array();
  std::vector<uint64_t> cycles;
  uint64_t total_cycles = 0;
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
    js.push_back({{"step", s.step},
                  {"start_cycle", s.start_cycle},
                  {"cycles", s.cycles()},
                  {"ns", double(s.cycles()) * ns},
                  {"breakdown_cycles", {{"neuron_update", s.neuron_update_cycles},
                                        {"synaptic_input_end", s.synaptic_input_end},
                                        {"active", s.active_cycles},
                                        {"barrier", s.barrier_cycles}}},
                  {"critical_path", c},
                  {"spikes", s.spikes},
                  {"input_spikes", s.input_spikes},
                  {"packets", s.packets},
                  {"synaptic_ops", s.synaptic_ops},
                  {"flit_hops", s.flit_hops}});
    cycles.push_back(s.cycles());
    total_cycles += s.cycles();
  }

  // Totals.
  chip::CoreCounters t;
  for (const auto& k : model.cores()) {
    const auto& c = k->counters;
    t.neuron_updates_active += c.neuron_updates_active;
    t.neuron_updates_inactive += c.neuron_updates_inactive;
    t.spikes += c.spikes;
    t.packets_out += c.packets_out;
    t.packets_in += c.packets_in;
    t.synaptic_ops += c.synaptic_ops;
    t.memory_reads += c.memory_reads;
  }
  auto& noc = model.noc();
  Json hops = Json::object();
  for (int d = 0; d < 4; ++d) hops[kPortName[d]] = noc.flit_hops(d);
  uint64_t input_spikes = 0;
  for (const auto& s : steps) input_spikes += s.input_spikes;
  std::sort(cycles.begin(), cycles.end());
  auto pct = [&](double q) -> uint64_t {
    if (cycles.empty()) return 0;
    return cycles[std::min(cycles.size() - 1, size_t(q * double(cycles.size() - 1) + 0.5))];
  };
  j["totals"] = {{"cycles", total_cycles},
                 {"ns", double(total_cycles) * ns},
                 {"step_cycles", {{"min", pct(0)}, {"median", pct(0.5)}, {"p99", pct(0.99)},
                                  {"max", pct(1)}}},
                 {"synaptic_ops", t.synaptic_ops},
                 {"neuron_updates_active", t.neuron_updates_active},
                 {"neuron_updates_inactive", t.neuron_updates_inactive},
                 {"spikes", t.spikes},
                 {"input_spikes", input_spikes},
                 {"packets", t.packets_in},
                 {"memory_reads", t.memory_reads},
                 {"flit_hops", hops}};
  j["steps"] = js;

  // Per core.
  Json jc = Json::array();
  for (const auto& k : model.cores()) {
    const auto& inst = chip.cores[k->index];
    const auto& c = k->counters;
    jc.push_back({{"name", inst.name},
                  {"router", {inst.router_x, inst.router_y}},
                  {"population", net.populations[k->population].name},
                  {"first", k->first},
                  {"neurons", k->count},
                  {"neuron_updates_active", c.neuron_updates_active},
                  {"neuron_updates_inactive", c.neuron_updates_inactive},
                  {"spikes", c.spikes},
                  {"packets_out", c.packets_out},
                  {"packets_in", c.packets_in},
                  {"synaptic_ops", c.synaptic_ops},
                  {"memory_reads", c.memory_reads},
                  {"neuron_unit_utilization",
                   total_cycles ? double(c.neuron_busy_cycles) / double(total_cycles) : 0.0},
                  {"synapse_unit_utilization",
                   total_cycles ? double(c.synapse_busy_cycles) / double(total_cycles) : 0.0}});
  }
  j["cores"] = jc;

  // Per link (router output port).
  Json jl = Json::array();
  for (uint32_t r = 0; r < noc.routers(); ++r) {
    const auto& R = noc.router(r);
    for (size_t o = 0; o < R.flits_out.size(); ++o) {
      if (R.flits_out[o] == 0) continue;
      const std::string dir = o < 4 ? kPortName[o] : "local" + std::to_string(o - 4);
      jl.push_back({{"router", {r % chip.mesh.width, r / chip.mesh.width}},
                    {"port", dir},
                    {"flits", R.flits_out[o]},
                    {"utilization",
                     total_cycles ? double(R.flits_out[o]) / double(total_cycles) : 0.0}});
    }
  }
  j["links"] = jl;
  return j.dump(1) + "\n";
}

}  // namespace neuromesh::report
