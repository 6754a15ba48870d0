// Chip config loader: every key with a valid and an invalid case, positions of every error, the
// shipped configs, and hostile inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sim/config/chip_config.h"
#include "sim/config/config_error.h"
#include "testbench/common/text_edit.h"
#include "sim/config/yaml_reader.h"

using neuromesh::config::ChipConfig;
using neuromesh::config::ConfigError;
using neuromesh::config::Direction;
using neuromesh::config::parse_chip_config;
using neuromesh::config::TimingModel;

namespace {

using neuromesh::testkit::line_of;
using neuromesh::testkit::replace_once;

// A small but complete chip. Each line a test mutates is unique in the text, so the expected
// line number of an error is found by searching for that line here, independently of the loader.
const std::string kBase = R"(chip:
  name: tiny
  family: custom
  description: "a test chip"
clock:
  frequency_mhz: 500
  source: "test clock"
mesh:
  width: 3
  height: 2
  cores_per_router: 2
core_types:
  nc:
    neurons: 1024
    neuron_model:
      name: loihi_cuba_lif
      widths:
        u: 24
        vth: 17
    synaptic_memory:
      bytes: 65536
      word_bits: 64
      banks: 4
      access_latency_cycles: 2
    fan_in: 4096
    fan_out: 2048
    synapse_format:
      kind: loihi_sparse
      weight_bits: 8
      delay_bits: 6
    costs:
      synaptic_op: {energy_pj: 23.6, latency_ns: 4, source: "syn"}
      neuron_update_active: {energy_pj: 81, latency_cycles: 5, source: "act"}
      neuron_update_inactive: {energy_pj: 52, latency_cycles: 3, source: "inact"}
      spike_generation: {energy_pj: 10, latency_cycles: 7}
      memory_read: {energy_pj: 1.5, source: "rd"}
      memory_write: {energy_pj: 2.5}
      static_power: {mw: 0.5, source: "static"}
cores:
  - name: "nc[0..9]"
    type: nc
  - name: extra
    type: nc
router:
  pipeline_stages: 2
  input_buffer_flits: 8
  flit_bits: 32
  routing: xy
  hops:
    east: {energy_pj: 3.0, latency_cycles: 2}
    west: {energy_pj: 3.1, latency_cycles: 2}
    north: {energy_pj: 4.0, latency_cycles: 3}
    south: {energy_pj: 4.1, latency_cycles: 3}
    local: {energy_pj: 1.7, latency_cycles: 1}
  static_power: {mw: 0.25}
timing:
  model: barrier
  barrier: {energy_pj: 0, latency_cycles: 150, source: "bar"}
)";


ConfigError expect_error(const std::string& text) {
  try {
    parse_chip_config(text, "test.yaml");
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "config was accepted:\n" << text;
  return ConfigError("", 0, 0, "", "");
}

const std::string kSource = NEUROMESH_SOURCE_DIR;

}  // namespace

TEST(ChipConfig, BaseConfigLoadsWithEveryValue) {
  const ChipConfig c = parse_chip_config(kBase, "base.yaml");
  EXPECT_EQ(c.name, "tiny");
  EXPECT_EQ(c.family, "custom");
  EXPECT_EQ(c.description, "a test chip");
  EXPECT_FALSE(c.clock.clockless);
  EXPECT_DOUBLE_EQ(c.clock.cycle_ns, 2.0);
  EXPECT_EQ(c.clock.source, "test clock");
  EXPECT_EQ(c.mesh.width, 3u);
  EXPECT_EQ(c.mesh.height, 2u);
  EXPECT_EQ(c.mesh.cores_per_router, 2u);
  ASSERT_EQ(c.core_types.size(), 1u);
  const auto& t = c.core_types[0];
  EXPECT_EQ(t.name, "nc");
  EXPECT_EQ(t.neurons, 1024u);
  EXPECT_EQ(t.neuron_model.name, "loihi_cuba_lif");
  EXPECT_EQ(t.neuron_model.widths.at("u"), 24);
  EXPECT_EQ(t.neuron_model.widths.at("dv"), 12);  // default from the registry
  EXPECT_EQ(t.synaptic_memory.bytes, 65536u);
  EXPECT_EQ(t.synaptic_memory.word_bits, 64u);
  EXPECT_EQ(t.synaptic_memory.banks, 4u);
  EXPECT_EQ(t.synaptic_memory.access_latency_cycles, 2u);
  EXPECT_EQ(t.fan_in, 4096u);
  EXPECT_EQ(t.fan_out, 2048u);
  EXPECT_EQ(t.synapse_format.kind, neuromesh::models::SynapseFormatKind::loihi_sparse);
  EXPECT_EQ(t.synapse_format.weight_bits, 8);
  EXPECT_EQ(t.synapse_format.delay_bits, 6);
  EXPECT_DOUBLE_EQ(t.costs.synaptic_op.energy_pj, 23.6);
  EXPECT_EQ(t.costs.synaptic_op.latency_cycles, 2u);  // 4 ns at 500 MHz
  EXPECT_EQ(t.costs.synaptic_op.source, "syn");
  EXPECT_EQ(t.costs.neuron_update_active.latency_cycles, 5u);
  EXPECT_EQ(t.costs.neuron_update_inactive.latency_cycles, 3u);
  EXPECT_EQ(t.costs.spike_generation.source, "");
  EXPECT_DOUBLE_EQ(t.costs.memory_read.energy_pj, 1.5);
  EXPECT_DOUBLE_EQ(t.costs.memory_write.energy_pj, 2.5);
  EXPECT_DOUBLE_EQ(t.costs.static_power.mw, 0.5);
  ASSERT_EQ(c.cores.size(), 11u);
  EXPECT_EQ(c.cores[0].name, "nc[0]");
  EXPECT_EQ(c.cores[10].name, "extra");
  // Cores fill routers in row-major order, cores_per_router at a time.
  EXPECT_EQ(c.cores[5].router_x, 2u);
  EXPECT_EQ(c.cores[5].router_y, 0u);
  EXPECT_EQ(c.cores[5].port, 1u);
  EXPECT_EQ(c.cores[6].router_x, 0u);
  EXPECT_EQ(c.cores[6].router_y, 1u);
  EXPECT_EQ(c.router.pipeline_stages, 2u);
  EXPECT_EQ(c.router.input_buffer_flits, 8u);
  EXPECT_EQ(c.router.flit_bits, 32u);
  EXPECT_EQ(c.router.routing, "xy");
  EXPECT_DOUBLE_EQ(c.router.hop[int(Direction::west)].energy_pj, 3.1);
  EXPECT_EQ(c.router.hop[int(Direction::north)].latency_cycles, 3u);
  EXPECT_DOUBLE_EQ(c.router.static_power.mw, 0.25);
  EXPECT_EQ(c.timing.model, TimingModel::barrier);
  EXPECT_EQ(c.timing.barrier.latency_cycles, 150u);
}

// One valid variant per key that the base does not already exercise.
struct ValidCase {
  const char* name;
  const char* from;
  const char* to;
};

void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.name; }

class ValidVariants : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidVariants, Loads) {
  const auto& p = GetParam();
  EXPECT_NO_THROW(parse_chip_config(replace_once(kBase, p.from, p.to), "v.yaml")) << p.name;
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ValidVariants,
    ::testing::Values(
        ValidCase{"no_description", "  description: \"a test chip\"\n", ""},
        ValidCase{"nominal_cycle", "  frequency_mhz: 500", "  nominal_cycle_ns: 0.5"},
        ValidCase{"no_clock_source", "  source: \"test clock\"\n", ""},
        ValidCase{"max_mesh", "  width: 3", "  width: 1024"},
        ValidCase{"no_widths", "      widths:\n        u: 24\n        vth: 17\n", ""},
        ValidCase{"other_model", "      name: loihi_cuba_lif\n      widths:\n        u: 24\n        vth: 17\n",
                  "      name: truenorth_lif\n      widths:\n        v: 20\n"},
        ValidCase{"dense", "kind: loihi_sparse", "kind: loihi_dense"},
        ValidCase{"no_delay_bits", "      delay_bits: 6\n", ""},
        ValidCase{"hex_bytes", "bytes: 65536", "bytes: 0x10000"},
        ValidCase{"zero_latency_memory", "access_latency_cycles: 2", "access_latency_cycles: 0"},
        ValidCase{"count", "  - name: extra\n    type: nc\n", "  - name: more\n    count: 2\n    type: nc\n"},
        ValidCase{"yx", "routing: xy", "routing: yx"},
        ValidCase{"west_first", "routing: xy", "routing: west_first"},
        ValidCase{"fixed_tick", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n",
                  "  model: fixed_tick\n  tick_ns: 1000000\n"},
        ValidCase{"analog", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n",
                  "  model: analog\n  acceleration: 1000\n  integration_step_ns: 1\n  window_ns: 1000\n  experiment_overhead: {configuration_us: 0, readout_ns_per_spike: 0, source: \"x\"}\n  background_generators: {count: 8, max_mevents_per_s: 125, source: \"x\"}\n"},
        ValidCase{"crossbar",
                  "      kind: loihi_sparse\n      weight_bits: 8\n      delay_bits: 6\n",
                  "      kind: truenorth_crossbar\n      axons: 256\n      axon_types: 4\n      weight_bits: 9\n"},
        ValidCase{"bss2",
                  "      kind: loihi_sparse\n      weight_bits: 8\n      delay_bits: 6\n",
                  "      kind: bss2_array\n      rows: 32\n      columns: 1024\n      weight_bits: 6\n      label_bits: 6\n      driver_interval_ns: 8\n"}),
    [](const auto& info) { return std::string(info.param.name); });

// Invalid cases: the mutated text, the line the error must name (found by searching for `at` in
// the mutated text), the key path it must name, and a fragment of the explanation.
struct InvalidCase {
  const char* name;
  const char* from;
  const char* to;
  const char* at;       // text whose line the error must point to
  const char* key;      // expected key path
  const char* message;  // expected fragment
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class InvalidVariants : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidVariants, NamesFileLineKeyAndExpectation) {
  const auto& p = GetParam();
  const std::string text = replace_once(kBase, p.from, p.to);
  const ConfigError e = expect_error(text);
  EXPECT_EQ(e.file(), "test.yaml");
  EXPECT_EQ(e.line(), line_of(text, p.at)) << e.what();
  EXPECT_GT(e.column(), 0) << e.what();
  EXPECT_EQ(e.key(), p.key) << e.what();
  EXPECT_NE(e.message().find(p.message), std::string::npos) << e.what();
  // what() is the one-line form the CLI prints: file:line:col: error: key '...': message
  const std::string prefix = "test.yaml:" + std::to_string(e.line()) + ":";
  EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what();
}

INSTANTIATE_TEST_SUITE_P(
    Keys, InvalidVariants,
    ::testing::Values(
        InvalidCase{"top_typo", "mesh:\n", "mehs:\n", "mehs:", "mehs", "did you mean 'mesh'"},
        InvalidCase{"name_list", "  name: tiny", "  name: [a, b]", "[a, b]", "chip.name", "expected a string"},
        InvalidCase{"family", "family: custom", "family: loihi3", "loihi3", "chip.family", "one of"},
        InvalidCase{"description_empty", "description: \"a test chip\"", "description: \"\"", "description:", "chip.description", "non-empty"},
        InvalidCase{"chip_unknown", "  family: custom\n", "  family: custom\n  vendor: x\n", "vendor", "chip.vendor", "unknown key"},
        InvalidCase{"both_clocks", "  frequency_mhz: 500\n", "  frequency_mhz: 500\n  nominal_cycle_ns: 2\n", "clock:", "clock", "exactly one of"},
        InvalidCase{"freq_zero", "frequency_mhz: 500", "frequency_mhz: 0", "frequency_mhz: 0", "clock.frequency_mhz", "out of range"},
        InvalidCase{"freq_text", "frequency_mhz: 500", "frequency_mhz: fast", "fast", "clock.frequency_mhz", "expected a number"},
        InvalidCase{"cycle_nan", "  frequency_mhz: 500", "  nominal_cycle_ns: .nan", ".nan", "clock.nominal_cycle_ns", "expected a number"},
        InvalidCase{"clock_source_map", "source: \"test clock\"", "source: {a: 1}", "{a: 1}", "clock.source", "expected a string"},
        InvalidCase{"width_zero", "  width: 3", "  width: 0", "width: 0", "mesh.width", "out of range"},
        InvalidCase{"height_huge", "  height: 2", "  height: 99999999999999999999999", "99999", "mesh.height", "out of range"},
        InvalidCase{"height_float", "  height: 2", "  height: 2.5", "2.5", "mesh.height", "expected an integer"},
        InvalidCase{"cpr_missing", "  cores_per_router: 2\n", "", "mesh:", "mesh.cores_per_router", "missing required key"},
        InvalidCase{"neurons_negative", "neurons: 1024", "neurons: -5", "-5", "core_types.nc.neurons", "out of range"},
        InvalidCase{"model_unknown", "name: loihi_cuba_lif", "name: loihi_cuba_lfi", "loihi_cuba_lfi", "core_types.nc.neuron_model.name", "did you mean 'loihi_cuba_lif'"},
        InvalidCase{"width_out_of_range", "        u: 24", "        u: 5000", "5000", "core_types.nc.neuron_model.widths.u", "out of range"},
        InvalidCase{"width_unknown_field", "        vth: 17", "        vthh: 17", "vthh", "core_types.nc.neuron_model.widths.vthh", "did you mean 'vth'"},
        InvalidCase{"bytes_zero", "bytes: 65536", "bytes: 0", "bytes: 0", "core_types.nc.synaptic_memory.bytes", "out of range"},
        InvalidCase{"bytes_unaligned", "bytes: 65536", "bytes: 65540", "65540", "core_types.nc.synaptic_memory.bytes", "multiple of 32"},
        InvalidCase{"word_bits_odd", "word_bits: 64", "word_bits: 63", "63", "core_types.nc.synaptic_memory.word_bits", "multiple of 8"},
        InvalidCase{"banks_zero", "banks: 4", "banks: 0", "banks: 0", "core_types.nc.synaptic_memory.banks", "out of range"},
        InvalidCase{"latency_neg", "access_latency_cycles: 2", "access_latency_cycles: -1", "-1", "core_types.nc.synaptic_memory.access_latency_cycles", "out of range"},
        InvalidCase{"fan_in_zero", "fan_in: 4096", "fan_in: 0", "fan_in: 0", "core_types.nc.fan_in", "out of range"},
        InvalidCase{"fan_out_text", "fan_out: 2048", "fan_out: many", "many", "core_types.nc.fan_out", "expected an integer"},
        InvalidCase{"kind_unknown", "kind: loihi_sparse", "kind: sparse", "sparse", "core_types.nc.synapse_format.kind", "one of"},
        InvalidCase{"weight_bits_big", "      weight_bits: 8", "      weight_bits: 12", "12", "core_types.nc.synapse_format.weight_bits", "out of range"},
        InvalidCase{"delay_bits_big", "delay_bits: 6", "delay_bits: 7", "delay_bits: 7", "core_types.nc.synapse_format.delay_bits", "out of range"},
        InvalidCase{"crossbar_key_on_sparse", "      delay_bits: 6\n", "      delay_bits: 6\n      axons: 256\n", "axons", "core_types.nc.synapse_format.axons", "does not apply"},
        InvalidCase{"crossbar_too_big",
                    "      kind: loihi_sparse\n      weight_bits: 8\n      delay_bits: 6\n",
                    "      kind: truenorth_crossbar\n      axons: 4096\n      axon_types: 4\n      weight_bits: 9\n",
                    "      kind: truenorth_crossbar", "core_types.nc.synapse_format", "bytes"},
        InvalidCase{"bss2_columns",
                    "      kind: loihi_sparse\n      weight_bits: 8\n      delay_bits: 6\n",
                    "      kind: bss2_array\n      rows: 256\n      columns: 512\n      weight_bits: 6\n      label_bits: 6\n",
                    "columns: 512", "core_types.nc.synapse_format.columns", "one column per neuron"},
        InvalidCase{"energy_negative", "{energy_pj: 23.6, latency_ns: 4", "{energy_pj: -1, latency_ns: 4", "energy_pj: -1", "core_types.nc.costs.synaptic_op.energy_pj", "out of range"},
        InvalidCase{"latency_not_whole", "latency_ns: 4, source", "latency_ns: 3, source", "latency_ns: 3", "core_types.nc.costs.synaptic_op.latency_ns", "not a whole number"},
        InvalidCase{"latency_both", "{energy_pj: 81, latency_cycles: 5,", "{energy_pj: 81, latency_cycles: 5, latency_ns: 10,", "{energy_pj: 81", "core_types.nc.costs.neuron_update_active", "exactly one of"},
        InvalidCase{"cost_missing", "      spike_generation: {energy_pj: 10, latency_cycles: 7}\n", "", "    costs:", "core_types.nc.costs.spike_generation", "missing required key"},
        InvalidCase{"memory_latency", "memory_read: {energy_pj: 1.5,", "memory_read: {energy_pj: 1.5, latency_cycles: 3,", "memory_read:", "core_types.nc.costs.memory_read.latency_cycles", "unknown key"},
        InvalidCase{"static_text", "static_power: {mw: 0.5", "static_power: {mw: lots", "lots", "core_types.nc.costs.static_power.mw", "expected a number"},
        InvalidCase{"core_type_unknown", "  - name: extra\n    type: nc\n", "  - name: extra\n    type: ncc\n", "type: ncc", "cores[1].type", "did you mean 'nc'"},
        InvalidCase{"core_range_bad", "\"nc[0..9]\"", "\"nc[9..0]\"", "nc[9..0]", "cores[0].name", "empty"},
        InvalidCase{"core_duplicate", "  - name: extra\n", "  - name: \"nc[3]\"\n", "name: \"nc[3]\"", "cores[1].name", "used twice"},
        InvalidCase{"too_many_cores", "\"nc[0..9]\"", "\"nc[0..11]\"", "name: extra", "cores[1].name", "room for 12 cores"},
        InvalidCase{"count_zero", "  - name: extra\n    type: nc\n", "  - name: extra\n    count: 0\n    type: nc\n", "count: 0", "cores[1].count", "out of range"},
        InvalidCase{"cores_empty", "  - name: \"nc[0..9]\"\n    type: nc\n  - name: extra\n    type: nc\n", "  []\n", "  []", "cores", "at least 1"},
        InvalidCase{"stages_zero", "pipeline_stages: 2", "pipeline_stages: 0", "pipeline_stages: 0", "router.pipeline_stages", "out of range"},
        InvalidCase{"buffer_huge", "input_buffer_flits: 8", "input_buffer_flits: 1e9", "1e9", "router.input_buffer_flits", "expected an integer"},
        InvalidCase{"flit_small", "flit_bits: 32", "flit_bits: 4", "flit_bits: 4", "router.flit_bits", "out of range"},
        InvalidCase{"routing_unknown", "routing: xy", "routing: odd_even", "odd_even", "router.routing", "one of"},
        InvalidCase{"hop_missing", "    local: {energy_pj: 1.7, latency_cycles: 1}\n", "", "  hops:", "router.hops.local", "missing required key"},
        InvalidCase{"hop_zero_latency", "east: {energy_pj: 3.0, latency_cycles: 2}", "east: {energy_pj: 3.0, latency_cycles: 0}", "east:", "router.hops.east", "at least one cycle"},
        InvalidCase{"router_static_missing", "  static_power: {mw: 0.25}\n", "", "router:\n", "router.static_power", "missing required key"},
        InvalidCase{"timing_model", "model: barrier", "model: async", "async", "timing.model", "one of"},
        InvalidCase{"tick_on_barrier", "  model: barrier\n", "  model: barrier\n  tick_ns: 5\n", "tick_ns", "timing.tick_ns", "does not apply"},
        InvalidCase{"tick_missing", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: fixed_tick\n", "timing:", "timing.tick_ns", "missing required key"},
        InvalidCase{"tick_short", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: fixed_tick\n  tick_ns: 1\n", "tick_ns: 1", "timing.tick_ns", "shorter than one clock cycle"},
        InvalidCase{"accel_zero", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: analog\n  acceleration: 0\n  integration_step_ns: 1\n", "acceleration: 0", "timing.acceleration", "out of range"},
        InvalidCase{"step_missing", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: analog\n  acceleration: 1000\n", "timing:", "timing.integration_step_ns", "missing required key"},
        InvalidCase{"window_missing", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: analog\n  acceleration: 1000\n  integration_step_ns: 1\n  experiment_overhead: {configuration_us: 0, readout_ns_per_spike: 0, source: \"x\"}\n  background_generators: {count: 8, max_mevents_per_s: 125, source: \"x\"}\n", "timing:", "timing.window_ns", "missing required key"},
        InvalidCase{"window_fraction", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: analog\n  acceleration: 1000\n  integration_step_ns: 1\n  window_ns: 3\n  experiment_overhead: {configuration_us: 0, readout_ns_per_spike: 0, source: \"x\"}\n  background_generators: {count: 8, max_mevents_per_s: 125, source: \"x\"}\n", "window_ns: 3", "timing.window_ns", "whole number of clock cycles"},
        InvalidCase{"step_not_dividing", "  model: barrier\n  barrier: {energy_pj: 0, latency_cycles: 150, source: \"bar\"}\n", "  model: analog\n  acceleration: 1000\n  integration_step_ns: 0.3\n  window_ns: 2\n  experiment_overhead: {configuration_us: 0, readout_ns_per_spike: 0, source: \"x\"}\n  background_generators: {count: 8, max_mevents_per_s: 125, source: \"x\"}\n", "integration_step_ns: 0.3", "timing.integration_step_ns", "whole number of integration steps"},
        InvalidCase{"duplicate_key", "  height: 2\n", "  height: 2\n  height: 3\n", "height: 3", "mesh.height", "duplicate key"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ChipConfig, ShippedConfigsLoad) {
  for (const char* name : {"loihi2", "truenorth", "brainscales2"}) {
    const std::string path = kSource + "/configs/chips/" + name + ".yaml";
    SCOPED_TRACE(path);
    const ChipConfig c = neuromesh::config::load_chip_config(path);
    EXPECT_FALSE(c.cores.empty());
  }
}

TEST(ChipConfig, Loihi2HasThePublishedFigures) {
  const ChipConfig c = neuromesh::config::load_chip_config(kSource + "/configs/chips/loihi2.yaml");
  EXPECT_EQ(c.cores.size(), 128u);  // 128 neuro cores
  const auto& t = c.type_of(c.cores[0]);
  EXPECT_EQ(uint64_t(t.neurons) * c.cores.size(), 1048576u);  // 1 M neurons
  // Davies18 Table 2, in a 0.1 ns nominal cycle.
  EXPECT_DOUBLE_EQ(t.costs.synaptic_op.energy_pj, 23.6);
  EXPECT_EQ(t.costs.synaptic_op.latency_cycles, 35u);
  EXPECT_EQ(t.costs.neuron_update_active.latency_cycles, 84u);
  EXPECT_EQ(t.costs.neuron_update_inactive.latency_cycles, 53u);
  EXPECT_EQ(c.router.pipeline_stages + c.router.hop[int(Direction::east)].latency_cycles, 41u);
  EXPECT_EQ(c.router.pipeline_stages + c.router.hop[int(Direction::north)].latency_cycles, 65u);
  // Within a tile: core -> router -> core = 2.1 ns.
  EXPECT_EQ(2 * c.router.hop[int(Direction::local)].latency_cycles + c.router.pipeline_stages, 21u);
  EXPECT_EQ(t.synapse_format.delay_bits, 6);  // delays 0..63
}

TEST(ChipConfig, EveryShippedFigureNamesASource) {
  for (const char* name : {"loihi2", "truenorth", "brainscales2"}) {
    const ChipConfig c =
        neuromesh::config::load_chip_config(kSource + "/configs/chips/" + name + ".yaml");
    SCOPED_TRACE(name);
    for (const auto& t : c.core_types) {
      for (const auto* cost : {&t.costs.synaptic_op, &t.costs.neuron_update_active,
                               &t.costs.neuron_update_inactive, &t.costs.spike_generation,
                               &t.costs.memory_read, &t.costs.memory_write}) {
        EXPECT_FALSE(cost->source.empty());
      }
      EXPECT_FALSE(t.costs.static_power.source.empty());
    }
    for (const auto& hop : c.router.hop) EXPECT_FALSE(hop.source.empty());
    EXPECT_FALSE(c.router.static_power.source.empty());
  }
}

// Hostile inputs: each must give a ConfigError with a position, never a crash or a hang.
TEST(ChipConfigHostile, EmptyAndCommentOnly) {
  for (const char* text : {"", "# only a comment\n", "   \n\n"}) {
    const ConfigError e = expect_error(text);
    EXPECT_NE(e.message().find("document is empty"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 1);
  }
}

TEST(ChipConfigHostile, WrongTopLevelShapes) {
  for (const char* text : {"- a\n- b\n", "just a string\n", "42\n"}) {
    const ConfigError e = expect_error(text);
    EXPECT_NE(e.message().find("expected a mapping"), std::string::npos) << e.what();
  }
}

TEST(ChipConfigHostile, BinaryGarbage) {
  std::string bytes;
  std::mt19937 rng(1234);
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>(rng() & 0xff));
  const ConfigError e = expect_error(bytes);
  EXPECT_GT(e.line(), 0) << e.what();
}

TEST(ChipConfigHostile, DeeplyNestedFlowAndBlock) {
  const std::string flow = "chip: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  EXPECT_NE(std::string(expect_error(flow).what()).find("test.yaml:"), std::string::npos);
  std::string block = "chip:\n";
  for (int i = 1; i < 3000; ++i) block += std::string(i, ' ') + "k:\n";
  EXPECT_NE(std::string(expect_error(block).what()).find("test.yaml:"), std::string::npos);
}

TEST(ChipConfigHostile, InvalidYamlNamesPosition) {
  const ConfigError e = expect_error("chip:\n  name: [unclosed\nmesh: 1\n");
  EXPECT_GT(e.line(), 0);
  EXPECT_NE(e.message().find("invalid YAML"), std::string::npos) << e.what();
}

TEST(ChipConfigHostile, MissingFile) {
  try {
    neuromesh::config::load_chip_config("/nonexistent/chip.yaml");
    FAIL() << "accepted a missing file";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/chip.yaml");
    EXPECT_NE(e.message().find("cannot open"), std::string::npos);
  }
}

// Random byte-level mutations of a valid config: the loader must accept or reject each with a
// ConfigError; anything else (a crash, another exception) fails the test.
TEST(ChipConfigHostile, RandomMutationsNeverCrash) {
  std::mt19937 rng(42);
  const std::string alphabet = ":[]{}-,#&*!|>'\"%@` \n\t0123456789.e-xyzABC";
  int rejected = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    std::string text = kBase;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      const size_t pos = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(pos, 1 + rng() % 8); break;
        default: text.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    try {
      parse_chip_config(text, "m.yaml");
    } catch (const ConfigError& e) {
      ++rejected;
      EXPECT_EQ(std::string(e.what()).rfind("m.yaml", 0), 0u);
    }
  }
  EXPECT_GT(rejected, 500);  // most mutations break something
}

TEST(ChipConfigOverrides, SetChangesValuesAndNamesItselfInErrors) {
  using neuromesh::config::Override;
  const ChipConfig c = parse_chip_config(kBase, "o.yaml",
                                         {{"router.input_buffer_flits", "2"},
                                          {"router.routing", "west_first"},
                                          {"mesh.width", "4"}});
  EXPECT_EQ(c.router.input_buffer_flits, 2u);
  EXPECT_EQ(c.router.routing, "west_first");
  EXPECT_EQ(c.mesh.width, 4u);
  auto error = [](const std::vector<Override>& o) {
    try {
      parse_chip_config(kBase, "o.yaml", o);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error({{"mesh.width", "0"}}).find("out of range"), std::string::npos);
  EXPECT_NE(error({{"mesh.width", "0"}}).find("--set mesh.width=0"), std::string::npos);
  EXPECT_NE(error({{"router.buffer", "2"}}).find("unknown key"), std::string::npos);
  EXPECT_NE(error({{"router.routing.x", "2"}}).find("is not a mapping"), std::string::npos);
  EXPECT_NE(error({{"routr.pipeline_stages", "2"}}).find("has no mapping 'routr'"), std::string::npos);
  EXPECT_NE(error({{"mesh.width", "[1"}}).find("invalid YAML value"), std::string::npos);
  neuromesh::config::Override o;
  EXPECT_TRUE(neuromesh::config::parse_override("a.b=c=d", &o));
  EXPECT_EQ(o.key, "a.b");
  EXPECT_EQ(o.value, "c=d");
  EXPECT_FALSE(neuromesh::config::parse_override("=x", &o));
  EXPECT_FALSE(neuromesh::config::parse_override("novalue", &o));
}
