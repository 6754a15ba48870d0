#include "sim/app/describe.h"

#include <fmt/format.h>

#include <map>

#include "models/neuron_model_registry.h"
#include "sim/chip/chip_model.h"

namespace neuromesh::app {

namespace {

std::string bytes_text(uint64_t b) {
  if (b >= (uint64_t{1} << 30) && b % (uint64_t{1} << 20) == 0)
    return fmt::format("{} B ({:.2f} GiB)", b, double(b) / double(uint64_t{1} << 30));
  if (b >= (uint64_t{1} << 20)) return fmt::format("{} B ({:.2f} MiB)", b, double(b) / (1 << 20));
  if (b >= 1024) return fmt::format("{} B ({:.1f} KiB)", b, double(b) / 1024);
  return fmt::format("{} B", b);
}

std::string rate_text(double per_second) {
  if (per_second >= 1e12) return fmt::format("{:.3g} T/s", per_second / 1e12);
  if (per_second >= 1e9) return fmt::format("{:.3g} G/s", per_second / 1e9);
  if (per_second >= 1e6) return fmt::format("{:.3g} M/s", per_second / 1e6);
  return fmt::format("{:.3g} /s", per_second);
}

std::string source_text(const std::string& s) { return s.empty() ? "(no source given)" : s; }

}  // namespace

std::string describe_chip(const config::ChipConfig& c) {
  std::string o;
  auto line = [&](const std::string& s) { o += s + "\n"; };
  const double ns = c.clock.cycle_ns;
  auto cyc = [&](uint64_t cycles) {
    return fmt::format("{} cycles ({:.4g} ns)", cycles, double(cycles) * ns);
  };

  if (c.system.present) {
    const auto& sys = c.system;
    line(fmt::format("system    {} from {}", c.name, c.file));
    if (!c.description.empty()) line(fmt::format("          {}", c.description));
    line(fmt::format("chips     {} x {} = {} chips of {} (family {}) from {}", sys.width, sys.height,
                     sys.chips(), sys.chip_name, c.family, sys.chip_file));
    line(fmt::format("          each chip: {} x {} routers, {} cores; chip k holds cores chip[k].*",
                     sys.chip_mesh_width, sys.chip_mesh_height, sys.cores_per_chip));
    const auto& l = sys.link;
    const double gbit = double(c.router.flit_bits) / (double(l.cycles_per_flit) * ns);
    line(fmt::format("links     one gateway per chip edge and direction ({} in all), merging the "
                     "edge's rows or columns:", [&] {
                       uint64_t g = 2 * uint64_t(sys.width - 1) * sys.height + 2 * uint64_t(sys.height - 1) * sys.width;
                       return g;
                     }()));
    line(fmt::format("          latency {}, one {}-bit flit per {} cycle(s) ({:.4g} Gbit/s), {} flits "
                     "per lane, {:.4g} pJ/bit ({:.4g} pJ/flit)",
                     cyc(l.latency_cycles), c.router.flit_bits, l.cycles_per_flit, gbit, l.buffer_flits,
                     l.energy_pj_per_bit, chip::interchip_flit_pj(c)));
    line(fmt::format("          source: {}", source_text(l.source)));
    line(fmt::format("routing   {} dimension order over the whole system (across chips too)",
                     c.router.routing));
  } else {
    line(fmt::format("chip      {} (family {}) from {}", c.name, c.family, c.file));
    if (!c.description.empty()) line(fmt::format("          {}", c.description));
  }
  if (c.clock.clockless) {
    line(fmt::format("clock     clockless; nominal cycle {:.4g} ns for latencies", ns));
  } else {
    line(fmt::format("clock     {:.4g} MHz (cycle {:.4g} ns)", 1000.0 / ns, ns));
  }
  if (!c.clock.source.empty()) line(fmt::format("          source: {}", c.clock.source));
  const uint64_t slots = uint64_t(c.mesh.width) * c.mesh.height * c.mesh.cores_per_router;
  line(fmt::format("mesh      {} x {} routers, {} core(s) per router, {} of {} core slots used",
                   c.mesh.width, c.mesh.height, c.mesh.cores_per_router, c.cores.size(), slots));

  std::map<uint32_t, uint64_t> cores_of_type;
  for (const auto& core : c.cores) ++cores_of_type[core.type];

  uint64_t total_neurons = 0, total_synapses = 0, total_bytes = 0;
  double peak_sops = 0;
  line("core types");
  for (uint32_t t = 0; t < c.core_types.size(); ++t) {
    const auto& ct = c.core_types[t];
    const uint64_t n = cores_of_type[t];
    const auto& mem = ct.synaptic_memory;
    const uint64_t capacity = models::synapse_capacity(ct.synapse_format, ct.neurons, mem.bytes,
                                                       static_cast<int>(mem.word_bits));
    total_neurons += n * ct.neurons;
    total_synapses += n * capacity;
    total_bytes += n * mem.bytes;
    line(fmt::format("  {}: {} core(s), {} neurons each, neuron model {}", ct.name, n, ct.neurons,
                     ct.neuron_model.name));
    std::string widths;
    const auto* info = models::NeuronModelRegistry::instance().find(ct.neuron_model.name);
    for (const auto& f : info->fields) {
      widths += fmt::format("{}{}={}b", widths.empty() ? "" : " ", f.name,
                            ct.neuron_model.widths.at(f.name));
    }
    line(fmt::format("      field widths: {}", widths));
    line(fmt::format("      synaptic memory {} per core, {}-bit words, {} bank(s), access {}",
                     bytes_text(mem.bytes), mem.word_bits, mem.banks,
                     cyc(mem.access_latency_cycles)));
    const auto& f = ct.synapse_format;
    std::string fmt_desc;
    switch (f.kind) {
      case models::SynapseFormatKind::loihi_sparse:
      case models::SynapseFormatKind::loihi_dense:
        fmt_desc = fmt::format("{}-bit weights, {}-bit delays, {} bits per synapse", f.weight_bits,
                               f.delay_bits, models::synapse_bits(f, ct.neurons));
        break;
      case models::SynapseFormatKind::truenorth_crossbar:
        fmt_desc = fmt::format("{} axons x {} neurons binary crossbar, {} axon types, {}-bit "
                               "signed weights per type",
                               f.axons, ct.neurons, f.axon_types, f.weight_bits);
        break;
      case models::SynapseFormatKind::bss2_array:
        fmt_desc = fmt::format("{} rows x {} columns, {}-bit weights, {}-bit labels, sign per row",
                               f.rows, f.columns, f.weight_bits, f.label_bits);
        break;
    }
    line(fmt::format("      synapse format {}: {}", models::to_string(f.kind), fmt_desc));
    line(fmt::format("      synapses per core {}, fan-in {} axons, fan-out {} routes", capacity,
                     ct.fan_in, ct.fan_out));
    const uint64_t sop_cycles = ct.costs.synaptic_op.latency_cycles;
    if (sop_cycles > 0) peak_sops += double(n) * 1e9 / (double(sop_cycles) * ns);
  }
  line(fmt::format("totals    {} cores, {} neurons, {} synapses, {} synaptic memory",
                   c.cores.size(), total_neurons, total_synapses, bytes_text(total_bytes)));
  line(fmt::format("peak      {} synaptic ops (every core busy, one op per synaptic_op latency)",
                   rate_text(peak_sops)));

  const auto& r = c.router;
  line(fmt::format("router    {} pipeline stage(s), {}-flit input buffers, {}-bit flits, routing {}",
                   r.pipeline_stages, r.input_buffer_flits, r.flit_bits, r.routing));
  switch (c.timing.model) {
    case config::TimingModel::barrier: {
      const config::OpCost b = chip::barrier_cost(c);
      line(fmt::format("timing    barrier-synchronised timesteps; barrier {}, {:.4g} pJ{}",
                       cyc(b.latency_cycles), b.energy_pj,
                       c.system.present ? " (each chip's, then gather and release across the grid)" : ""));
      break;
    }
    case config::TimingModel::fixed_tick:
      line(fmt::format("timing    fixed tick of {:.6g} ns", c.timing.tick_ns));
      break;
    case config::TimingModel::analog:
      line(fmt::format("timing    continuous analog time, {:.4g}x faster than biology, "
                       "integration step {:.4g} ns; cores advance one clock cycle at a time; "
                       "reported windows of {:.6g} ns ({:.6g} ms biological)",
                       c.timing.acceleration, c.timing.integration_step_ns, c.timing.window_ns,
                       c.timing.window_ns * c.timing.acceleration / 1e6));
      line(fmt::format("          {} background generators, {:.4g} MEvent/s each; experiment "
                       "overhead {:.4g} us + {:.4g} ns per spike read out ({})",
                       c.timing.generators, c.timing.generator_max_mevents, c.timing.configuration_us,
                       c.timing.readout_ns_per_spike, source_text(c.timing.overhead_source)));
      for (const auto& t : c.core_types) {
        const auto& a = t.neuron_model.analog;
        if (!a.present) continue;
        line(fmt::format("analog    core type '{}': mismatch {} (chip sample {}), membrane noise {:.4g} "
                         "mV/sqrt(ms), {}-bit capmem, synapse drivers {} x >= {:.4g} ns",
                         t.name, a.mismatch ? "on" : "off", a.mismatch_seed, a.noise,
                         t.neuron_model.widths.at("capmem"), t.synapse_format.rows / 2,
                         t.synapse_format.driver_interval_ns));
      }
      break;
  }

  line("figures   operation                      energy      latency               source");
  auto fig = [&](const std::string& what, const config::OpCost& cost) {
    line(fmt::format("          {:<30} {:>8.4g} pJ {:<21} {}", what, cost.energy_pj,
                     cyc(cost.latency_cycles), source_text(cost.source)));
  };
  for (const auto& ct : c.core_types) {
    const std::string p = c.core_types.size() > 1 ? ct.name + "." : "";
    fig(p + "synaptic_op", ct.costs.synaptic_op);
    fig(p + "neuron_update_active", ct.costs.neuron_update_active);
    fig(p + "neuron_update_inactive", ct.costs.neuron_update_inactive);
    fig(p + "spike_generation", ct.costs.spike_generation);
    auto energy_only = [&](const std::string& what, const config::OpCost& cost) {
      line(fmt::format("          {:<30} {:>8.4g} pJ {:<21} {}", what, cost.energy_pj,
                       "(memory latency)", source_text(cost.source)));
    };
    energy_only(p + "memory_read", ct.costs.memory_read);
    energy_only(p + "memory_write", ct.costs.memory_write);
    line(fmt::format("          {:<30} {:>8.4g} mW {:<21} {}", p + "core static power",
                     ct.costs.static_power.mw, "", source_text(ct.costs.static_power.source)));
  }
  for (int d = 0; d < config::kDirections; ++d) {
    fig(std::string("hop ") + config::to_string(static_cast<config::Direction>(d)), r.hop[d]);
  }
  line(fmt::format("          {:<30} {:>8.4g} mW {:<21} {}", "router static power",
                   r.static_power.mw, "", source_text(r.static_power.source)));
  if (c.timing.model == config::TimingModel::barrier) fig("barrier", chip::barrier_cost(c));
  return o;
}

}  // namespace neuromesh::app
