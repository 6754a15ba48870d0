// The only reader of chip YAML. Schema: docs/config-reference.md.
#include <algorithm>
#include <cmath>
#include <set>

#include "models/neuron_model_registry.h"
#include "sim/config/chip_config.h"
#include "sim/config/ranged_name.h"
#include "sim/config/yaml_reader.h"

namespace neuromesh::config {

using yaml::Map;
using yaml::Value;

const char* to_string(Direction d) {
  switch (d) {
    case Direction::east: return "east";
    case Direction::west: return "west";
    case Direction::north: return "north";
    case Direction::south: return "south";
    case Direction::local: return "local";
  }
  return "?";
}

const char* to_string(TimingModel m) {
  switch (m) {
    case TimingModel::barrier: return "barrier";
    case TimingModel::fixed_tick: return "fixed_tick";
    case TimingModel::analog: return "analog";
  }
  return "?";
}

const std::vector<std::string>& routing_algorithms() {
  static const std::vector<std::string> names = {"xy", "yx", "west_first"};
  return names;
}

namespace {

const std::vector<std::string> kFamilies = {"loihi2", "truenorth", "brainscales2", "custom"};
const std::vector<std::string> kTimingModels = {"barrier", "fixed_tick", "analog"};
constexpr uint64_t kMaxLatencyCycles = uint64_t{1} << 40;

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

class ChipLoader {
 public:
  explicit ChipLoader(ChipConfig& out) : c_(out) {}

  void load(const Value& root) {
    Map top = root.as_map({"chip", "clock", "mesh", "core_types", "cores", "router", "timing"});
    read_chip(top.req("chip", "a mapping with name and family"));
    read_clock(top.req("clock", "a mapping with frequency_mhz or nominal_cycle_ns"));
    read_mesh(top.req("mesh", "a mapping with width, height, cores_per_router"));
    read_core_types(top.req("core_types", "a mapping from core type name to its description"));
    read_cores(top.req("cores", "a list of {name, type} entries"));
    read_router(top.req("router", "a mapping describing the mesh router"));
    read_timing(top.req("timing", "a mapping with model: barrier, fixed_tick or analog"));
  }

 private:
  void read_chip(const Value& v) {
    Map m = v.as_map({"name", "family", "description"});
    c_.name = m.req("name", "a string").as_string();
    c_.family = m.req("family", "one of " + yaml::join(kFamilies)).as_choice(kFamilies);
    if (auto d = m.opt("description")) c_.description = d->as_string();
  }

  void read_clock(const Value& v) {
    Map m = v.as_map({"frequency_mhz", "nominal_cycle_ns", "source"});
    const std::string which = m.one_of({"frequency_mhz", "nominal_cycle_ns"});
    if (which == "frequency_mhz") {
      c_.clock.cycle_ns = 1000.0 / m.req(which, "").as_number(1e-3, 1e6);
      c_.clock.clockless = false;
    } else {
      c_.clock.cycle_ns = m.req(which, "").as_number(1e-6, 1e9);
      c_.clock.clockless = true;
    }
    if (auto s = m.opt("source")) c_.clock.source = s->as_string();
  }

  void read_mesh(const Value& v) {
    Map m = v.as_map({"width", "height", "cores_per_router"});
    c_.mesh.width = static_cast<uint32_t>(m.req("width", "an integer").as_uint(1, 1024));
    c_.mesh.height = static_cast<uint32_t>(m.req("height", "an integer").as_uint(1, 1024));
    c_.mesh.cores_per_router =
        static_cast<uint32_t>(m.req("cores_per_router", "an integer").as_uint(1, 32));
  }

  uint64_t latency(const Map& m) {
    const std::string which = m.one_of({"latency_ns", "latency_cycles"});
    const Value v = m.req(which, "");
    if (which == "latency_cycles") return v.as_uint(0, kMaxLatencyCycles);
    const double ns = v.as_number(0.0, 1e12);
    const double cycles = ns / c_.clock.cycle_ns;
    const double rounded = std::round(cycles);
    if (std::fabs(cycles - rounded) > 1e-6 * std::max(1.0, cycles)) {
      v.fail(number_text(ns) + " ns is not a whole number of " + number_text(c_.clock.cycle_ns) +
             " ns cycles (" + number_text(cycles) +
             "); give latency_cycles or pick a clock whose cycle divides it");
    }
    return static_cast<uint64_t>(rounded);
  }

  OpCost op_cost(const Value& v, bool with_latency = true) {
    Map m = with_latency ? v.as_map({"energy_pj", "latency_ns", "latency_cycles", "source"})
                         : v.as_map({"energy_pj", "source"});
    OpCost cost;
    cost.energy_pj = m.req("energy_pj", "a number of picojoules").as_number(0.0, 1e12);
    if (with_latency) cost.latency_cycles = latency(m);
    if (auto s = m.opt("source")) cost.source = s->as_string();
    return cost;
  }

  StaticPower static_power(const Value& v) {
    Map m = v.as_map({"mw", "source"});
    StaticPower p;
    p.mw = m.req("mw", "a number of milliwatts").as_number(0.0, 1e9);
    if (auto s = m.opt("source")) p.source = s->as_string();
    return p;
  }

  void read_core_types(const Value& v) {
    if (!v.is_map() || v.node().size() == 0) {
      v.fail("expected a non-empty mapping from core type name to its description");
    }
    std::vector<std::string> names;
    for (const auto& kv : v.node()) {
      if (!kv.first.IsScalar()) Value(v.file_ptr(), kv.first, v.path()).fail("expected a name");
      names.push_back(kv.first.Scalar());
    }
    Map types = v.as_map(names);  // rejects duplicates
    for (const auto& name : types.keys()) {
      CoreTypeConfig t;
      t.name = name;
      read_core_type(types.req(name, ""), t);
      c_.core_types.push_back(std::move(t));
    }
  }

  void read_core_type(const Value& v, CoreTypeConfig& t) {
    Map m = v.as_map({"neurons", "neuron_model", "synaptic_memory", "fan_in", "fan_out",
                      "synapse_format", "costs"});
    t.neurons = static_cast<uint32_t>(m.req("neurons", "an integer").as_uint(1, 1u << 24));
    read_neuron_model(m.req("neuron_model", "a mapping with name (and optional widths)"), t);
    read_memory(m.req("synaptic_memory", "a mapping with bytes, word_bits, banks, "
                                         "access_latency_cycles"),
                t.synaptic_memory);
    t.fan_in = static_cast<uint32_t>(m.req("fan_in", "an integer").as_uint(1, 1u << 24));
    t.fan_out = static_cast<uint32_t>(m.req("fan_out", "an integer").as_uint(1, 1u << 24));
    read_synapse_format(m.req("synapse_format", "a mapping with kind and its fields"), t);
    read_costs(m.req("costs", "a mapping of per-operation costs"), t.costs);
  }

  void read_neuron_model(const Value& v, CoreTypeConfig& t) {
    Map m = v.as_map({"name", "widths", "analog"});
    const auto& registry = models::NeuronModelRegistry::instance();
    const Value name = m.req("name", "one of " + yaml::join(registry.names()));
    const std::string model = name.as_choice(registry.names());
    const models::NeuronModelInfo* info = registry.find(model);
    t.neuron_model.name = model;
    std::vector<std::string> fields;
    for (const auto& f : info->fields) {
      fields.push_back(f.name);
      t.neuron_model.widths[f.name] = f.default_bits;
    }
    if (auto w = m.opt("widths")) {
      Map widths = w->as_map(fields);
      for (const auto& f : info->fields) {
        if (auto bits = widths.opt(f.name)) {
          t.neuron_model.widths[f.name] = static_cast<int>(bits->as_int(f.min_bits, f.max_bits));
        }
      }
    }
    if (info->continuous) {
      read_analog(m.req("analog", "a mapping with mismatch, mismatch_seed, noise_mv_per_sqrt_ms, capmem"),
                  t.neuron_model.analog);
    } else if (m.has("analog")) {
      m.req("analog", "").fail("applies to continuous-time (analog) neuron models only; " + model +
                               " is digital");
    }
  }

  // The analog circuits: mismatch, noise and each capmem parameter's range and spreads.
  void read_analog(const Value& v, AnalogNeuronConfig& a) {
    Map m = v.as_map({"mismatch", "mismatch_seed", "noise_mv_per_sqrt_ms", "capmem"});
    a.present = true;
    a.mismatch = m.req("mismatch", "true or false").as_bool();
    a.mismatch_seed = m.req("mismatch_seed", "an integer (the chip sample)").as_uint(0, UINT64_MAX);
    a.noise = m.req("noise_mv_per_sqrt_ms", "a number >= 0").as_number(0.0, 1e3);
    std::vector<std::string> names;
    for (uint32_t p = 0; p < models::kAdexParams; ++p)
      if (models::adex_in_capmem(p)) names.push_back(models::adex_param_name(p));
    Map cm = m.req("capmem", "a mapping of " + yaml::join(names)).as_map(names);
    a.capmem.assign(models::kAdexParams, models::CapmemRange{});
    for (uint32_t p = 0; p < models::kAdexParams; ++p) {
      if (!models::adex_in_capmem(p)) continue;
      const Value e = cm.req(models::adex_param_name(p),
                             "a mapping with min, max, gain_spread, offset_spread");
      Map r = e.as_map({"min", "max", "gain_spread", "offset_spread"});
      auto& c = a.capmem[p];
      c.min = r.req("min", "a number").as_number(-1e6, 1e6);
      const Value mx = r.req("max", "a number");
      c.max = mx.as_number(-1e6, 1e6);
      if (c.max <= c.min) mx.fail("expected max > min (" + number_text(c.min) + ")");
      c.gain_spread = r.req("gain_spread", "a relative spread in 0..1").as_number(0.0, 1.0);
      c.offset_spread = r.req("offset_spread", "a number >= 0").as_number(0.0, 1e6);
    }
  }

  void read_memory(const Value& v, SynapticMemoryConfig& mem) {
    Map m = v.as_map({"bytes", "word_bits", "banks", "access_latency_cycles"});
    const Value bytes = m.req("bytes", "an integer number of bytes");
    mem.bytes = bytes.as_uint(1, uint64_t{1} << 40);
    const Value word = m.req("word_bits", "an integer");
    mem.word_bits = static_cast<uint32_t>(word.as_uint(1, 1024));
    if (mem.word_bits % 8 != 0) word.fail("expected a multiple of 8 bits, got " +
                                          std::to_string(mem.word_bits));
    mem.banks = static_cast<uint32_t>(m.req("banks", "an integer").as_uint(1, 1024));
    mem.access_latency_cycles =
        static_cast<uint32_t>(m.req("access_latency_cycles", "an integer").as_uint(0, 1u << 20));
    const uint64_t row = uint64_t(mem.word_bits / 8) * mem.banks;
    if (mem.bytes % row != 0) {
      bytes.fail(std::to_string(mem.bytes) + " bytes do not divide into " +
                 std::to_string(mem.banks) + " banks of " + std::to_string(mem.word_bits) +
                 "-bit words; expected a multiple of " + std::to_string(row));
    }
  }

  void read_synapse_format(const Value& v, CoreTypeConfig& t) {
    models::SynapseFormat& f = t.synapse_format;
    const auto kinds = models::synapse_format_names();
    Map m = v.as_map({"kind", "weight_bits", "delay_bits", "axons", "axon_types", "rows",
                      "columns", "label_bits", "driver_interval_ns"});
    const Value kind = m.req("kind", "one of " + yaml::join(kinds));
    models::synapse_format_from_string(kind.as_choice(kinds), &f.kind);
    auto only = [&](const std::vector<std::string>& keys) {
      for (const auto& k : m.keys()) {
        if (k != "kind" && std::find(keys.begin(), keys.end(), k) == keys.end()) {
          m.req(k, "").fail(std::string("does not apply to synapse format ") +
                            models::to_string(f.kind) + "; its keys are: kind, " +
                            yaml::join(keys));
        }
      }
    };
    switch (f.kind) {
      case models::SynapseFormatKind::loihi_sparse:
      case models::SynapseFormatKind::loihi_dense:
        only({"weight_bits", "delay_bits"});
        f.weight_bits = static_cast<int>(m.req("weight_bits", "an integer").as_int(1, 9));
        f.delay_bits = m.has("delay_bits") ? static_cast<int>(m.req("delay_bits", "").as_int(0, 6))
                                           : 0;
        break;
      case models::SynapseFormatKind::truenorth_crossbar:
        only({"axons", "axon_types", "weight_bits"});
        f.axons = static_cast<int>(m.req("axons", "an integer").as_int(1, 4096));
        f.axon_types = static_cast<int>(m.req("axon_types", "an integer").as_int(1, 16));
        f.weight_bits = static_cast<int>(m.req("weight_bits", "an integer").as_int(1, 16));
        break;
      case models::SynapseFormatKind::bss2_array: {
        only({"rows", "columns", "weight_bits", "label_bits", "driver_interval_ns"});
        f.rows = static_cast<int>(m.req("rows", "an integer").as_int(1, 4096));
        const Value cols = m.req("columns", "an integer");
        f.columns = static_cast<int>(cols.as_int(1, 4096));
        if (static_cast<uint32_t>(f.columns) != t.neurons) {
          cols.fail("a BrainScaleS-2 synapse array has one column per neuron: expected " +
                    std::to_string(t.neurons) + " (the core's neurons), got " +
                    std::to_string(f.columns));
        }
        f.weight_bits = static_cast<int>(m.req("weight_bits", "an integer").as_int(1, 16));
        f.label_bits = static_cast<int>(m.req("label_bits", "an integer").as_int(0, 16));
        f.driver_interval_ns = m.req("driver_interval_ns", "a number of ns").as_number(0.0, 1e6);
        if (f.rows % 2 != 0) {
          m.req("rows", "").fail("expected an even number: each synapse driver feeds 2 rows");
        }
        break;
      }
    }
    const auto& mem = t.synaptic_memory;
    const int bits = models::synapse_bits(f, t.neurons);
    const bool fixed = models::fixed_array_bits(f, t.neurons) > 0;
    if (!fixed && bits > static_cast<int>(mem.word_bits)) {
      v.fail("one synapse needs " + std::to_string(bits) + " bits but a memory word has only " +
             std::to_string(mem.word_bits));
    }
    if (models::synapse_capacity(f, t.neurons, mem.bytes, static_cast<int>(mem.word_bits)) == 0) {
      v.fail("the synapse array needs " +
             std::to_string((models::fixed_array_bits(f, t.neurons) + 7) / 8) +
             " bytes but synaptic_memory.bytes is " + std::to_string(mem.bytes));
    }
  }

  void read_costs(const Value& v, CoreCosts& costs) {
    Map m = v.as_map({"synaptic_op", "neuron_update_active", "neuron_update_inactive",
                      "spike_generation", "memory_read", "memory_write", "static_power"});
    const std::string e = "a mapping with energy_pj, latency_ns or latency_cycles, source";
    costs.synaptic_op = op_cost(m.req("synaptic_op", e));
    costs.neuron_update_active = op_cost(m.req("neuron_update_active", e));
    costs.neuron_update_inactive = op_cost(m.req("neuron_update_inactive", e));
    costs.spike_generation = op_cost(m.req("spike_generation", e));
    // Memory timing is synaptic_memory.access_latency_cycles; these carry energy only.
    costs.memory_read = op_cost(m.req("memory_read", "a mapping with energy_pj, source"), false);
    costs.memory_write = op_cost(m.req("memory_write", "a mapping with energy_pj, source"), false);
    costs.static_power = static_power(m.req("static_power", "a mapping with mw and source"));
  }

  void read_cores(const Value& v) {
    const auto entries = v.as_list(1);
    const uint64_t slots =
        uint64_t(c_.mesh.width) * c_.mesh.height * c_.mesh.cores_per_router;
    std::set<std::string> seen;
    for (const auto& e : entries) {
      Map m = e.as_map({"name", "type", "count"});
      const Value name = m.req("name", "a core name, optionally ranged as name[0..N]");
      std::vector<std::string> names;
      std::string error;
      if (auto count = m.opt("count")) {
        const uint64_t n = count->as_uint(1, slots);
        names = expand_count(name.as_string(), n);
      } else if (!expand_ranged_name(name.as_string(), slots, &names, &error)) {
        name.fail(error);
      }
      std::vector<std::string> type_names;
      for (const auto& t : c_.core_types) type_names.push_back(t.name);
      const Value type = m.req("type", "one of the core_types: " + yaml::join(type_names));
      const std::string tname = type.as_choice(type_names);
      const uint32_t tindex = static_cast<uint32_t>(
          std::find(type_names.begin(), type_names.end(), tname) - type_names.begin());
      for (auto& n : names) {
        if (!seen.insert(n).second) name.fail("core name '" + n + "' is used twice");
        if (c_.cores.size() >= slots) {
          name.fail("the mesh has room for " + std::to_string(slots) + " cores (" +
                    std::to_string(c_.mesh.width) + " x " + std::to_string(c_.mesh.height) +
                    " routers x " + std::to_string(c_.mesh.cores_per_router) +
                    " cores per router); this entry goes beyond that");
        }
        CoreInstance inst;
        const uint32_t index = static_cast<uint32_t>(c_.cores.size());
        const uint32_t router = index / c_.mesh.cores_per_router;
        inst.name = std::move(n);
        inst.type = tindex;
        inst.port = index % c_.mesh.cores_per_router;
        inst.router_x = router % c_.mesh.width;
        inst.router_y = router / c_.mesh.width;
        c_.cores.push_back(std::move(inst));
      }
    }
  }

  void read_router(const Value& v) {
    Map m = v.as_map({"pipeline_stages", "input_buffer_flits", "flit_bits", "routing", "hops",
                      "static_power"});
    RouterConfig& r = c_.router;
    r.pipeline_stages = static_cast<uint32_t>(m.req("pipeline_stages", "an integer").as_uint(1, 64));
    r.input_buffer_flits =
        static_cast<uint32_t>(m.req("input_buffer_flits", "an integer").as_uint(1, 4096));
    r.flit_bits = static_cast<uint32_t>(m.req("flit_bits", "an integer").as_uint(8, 1024));
    r.routing = m.req("routing", "one of " + yaml::join(routing_algorithms()))
                    .as_choice(routing_algorithms());
    Map hops = m.req("hops", "a mapping with east, west, north, south, local")
                   .as_map({"east", "west", "north", "south", "local"});
    for (int d = 0; d < kDirections; ++d) {
      const char* dn = to_string(static_cast<Direction>(d));
      r.hop[d] = op_cost(hops.req(dn, "a mapping with energy_pj, latency_ns or latency_cycles"));
      if (r.hop[d].latency_cycles == 0) {
        hops.req(dn, "").fail("a link needs at least one cycle: expected a latency >= 1 cycle");
      }
    }
    r.static_power = static_power(m.req("static_power", "a mapping with mw and source"));
  }

  void read_timing(const Value& v) {
    Map m = v.as_map({"model", "barrier", "tick_ns", "acceleration", "integration_step_ns",
                      "window_ns", "experiment_overhead", "background_generators"});
    const std::string model = m.req("model", "one of " + yaml::join(kTimingModels))
                                  .as_choice(kTimingModels);
    std::vector<std::string> own;
    if (model == "barrier") {
      c_.timing.model = TimingModel::barrier;
      own = {"barrier"};
    } else if (model == "fixed_tick") {
      c_.timing.model = TimingModel::fixed_tick;
      own = {"tick_ns"};
    } else {
      c_.timing.model = TimingModel::analog;
      own = {"acceleration", "integration_step_ns", "window_ns", "experiment_overhead",
             "background_generators"};
    }
    for (const auto& k : m.keys()) {
      if (k != "model" && std::find(own.begin(), own.end(), k) == own.end()) {
        m.req(k, "").fail("does not apply to timing model " + model + "; its keys are: model, " +
                          yaml::join(own));
      }
    }
    switch (c_.timing.model) {
      case TimingModel::barrier:
        c_.timing.barrier = op_cost(m.req("barrier", "a mapping with energy_pj, latency, source"));
        break;
      case TimingModel::fixed_tick: {
        const Value tick = m.req("tick_ns", "a tick length in ns");
        c_.timing.tick_ns = tick.as_number(1e-3, 1e12);
        if (c_.timing.tick_ns < c_.clock.cycle_ns) {
          tick.fail("a tick shorter than one clock cycle (" + number_text(c_.clock.cycle_ns) +
                    " ns) cannot be simulated");
        }
        break;
      }
      case TimingModel::analog:
        c_.timing.acceleration = m.req("acceleration", "a number").as_number(1e-3, 1e9);
        analog_timing(m);
        break;
    }
  }

  // The analog time base in whole units: a clock cycle is a whole number of integration steps
  // and a window a whole number of cycles, so every time in the emulation is an exact integer.
  void analog_timing(Map& m) {
    c_.timing.acceleration = m.req("acceleration", "a number").as_number(1e-3, 1e9);
    const Value step = m.req("integration_step_ns", "a step in ns of hardware time");
    c_.timing.integration_step_ns = step.as_number(1e-6, 1e9);
    const double k = c_.clock.cycle_ns / c_.timing.integration_step_ns;
    if (std::fabs(k - std::round(k)) > 1e-9 * k || std::round(k) < 1) {
      step.fail("the clock cycle (" + number_text(c_.clock.cycle_ns) +
                " ns) must be a whole number of integration steps");
    }
    Map ov = m.req("experiment_overhead", "a mapping with configuration_us, readout_ns_per_spike, source")
                 .as_map({"configuration_us", "readout_ns_per_spike", "source"});
    c_.timing.configuration_us = ov.req("configuration_us", "a number of us").as_number(0.0, 1e12);
    c_.timing.readout_ns_per_spike = ov.req("readout_ns_per_spike", "a number of ns").as_number(0.0, 1e12);
    c_.timing.overhead_source = ov.req("source", "where the figures come from").as_string();
    Map bg = m.req("background_generators", "a mapping with count, max_mevents_per_s, source")
                 .as_map({"count", "max_mevents_per_s", "source"});
    c_.timing.generators = uint32_t(bg.req("count", "an integer").as_uint(0, 1u << 20));
    c_.timing.generator_max_mevents = bg.req("max_mevents_per_s", "a rate in MEvent/s").as_number(0.0, 1e9);
    bg.req("source", "where the figures come from").as_string();
    const Value win = m.req("window_ns", "a window length in ns of hardware time");
    c_.timing.window_ns = win.as_number(1e-6, 1e12);
    const double w = c_.timing.window_ns / c_.clock.cycle_ns;
    if (std::fabs(w - std::round(w)) > 1e-9 * w || std::round(w) < 1) {
      win.fail("a window must be a whole number of clock cycles (" +
               number_text(c_.clock.cycle_ns) + " ns)");
    }
  }

  ChipConfig& c_;
};

}  // namespace

bool parse_override(const std::string& text, Override* out) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  out->key = text.substr(0, eq);
  out->value = text.substr(eq + 1);
  return true;
}

ChipConfig parse_chip_config(const std::string& text, const std::string& name,
                             const std::vector<Override>& overrides) {
  ChipConfig c;
  c.file = name;
  const Value root = Value::parse(text, name, "a chip config (a mapping with keys chip, clock, "
                                              "mesh, core_types, cores, router, timing)");
  for (const auto& o : overrides) yaml::apply_override(root, o.key, o.value);
  try {
    ChipLoader(c).load(root);
  } catch (const ConfigError& e) {
    // A value that came from --set has no place in the file: say where it came from instead.
    for (const auto& o : overrides) {
      if (e.key() == o.key || e.key().rfind(o.key + ".", 0) == 0 || e.key().rfind(o.key + "[", 0) == 0) {
        throw ConfigError(e.file(), 0, 0, e.key(),
                          e.message() + " (the value comes from --set " + o.key + "=" + o.value + ")");
      }
    }
    throw;
  }
  return c;
}

bool is_system_text(const std::string& text, const std::string& name) {
  const Value root = Value::parse(text, name, "a chip or system config");
  return root.is_map() && root.node()["system"];
}

ChipConfig load_chip_config(const std::string& path, const std::vector<Override>& overrides) {
  const std::string text = yaml::read_text_file(path);
  if (is_system_text(text, path)) return parse_system_config(text, path, overrides);
  return parse_chip_config(text, path, overrides);
}

}  // namespace neuromesh::config
