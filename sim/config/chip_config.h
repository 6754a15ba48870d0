// ChipConfig: a chip description as plain structs, filled from YAML by load_chip_config()
// (sim/config/chip_loader.cpp, the only reader of chip YAML). See docs/config-reference.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/adex.h"
#include "models/synapse_format.h"

namespace neuromesh::config {

// A per-operation figure: dynamic energy and latency, with where the numbers come from.
struct OpCost {
  double energy_pj = 0.0;
  uint64_t latency_cycles = 0;
  std::string source;  // free text, e.g. "Davies et al. 2018, Table 2"
};

// A static power figure with its source.
struct StaticPower {
  double mw = 0.0;
  std::string source;
};

struct ClockConfig {
  bool clockless = false;  // true when the chip has no clock and cycle_ns is a nominal unit
  double cycle_ns = 1.0;   // length of one cycle (or nominal cycle) in ns
  std::string source;
};

struct MeshConfig {
  uint32_t width = 1;
  uint32_t height = 1;
  uint32_t cores_per_router = 1;
};

// The analog circuits of a continuous-time neuron model (neuron_model.analog).
struct AnalogNeuronConfig {
  bool present = false;
  bool mismatch = true;                     // fixed-pattern mismatch on
  uint64_t mismatch_seed = 0;               // which chip sample
  double noise = 0;                         // membrane noise, mV / sqrt(ms) of biological time
  std::vector<models::CapmemRange> capmem;  // indexed by models::AdexParam
};

struct NeuronModelConfig {
  std::string name;                    // registered in models::NeuronModelRegistry
  std::map<std::string, int> widths;   // every field of the model, defaults filled in
  AnalogNeuronConfig analog;           // continuous-time models only
};

struct SynapticMemoryConfig {
  uint64_t bytes = 0;
  uint32_t word_bits = 64;
  uint32_t banks = 1;
  uint32_t access_latency_cycles = 1;
};

struct CoreCosts {
  OpCost synaptic_op;
  OpCost neuron_update_active;
  OpCost neuron_update_inactive;
  OpCost spike_generation;
  OpCost memory_read;    // energy only: timing is SynapticMemoryConfig::access_latency_cycles
  OpCost memory_write;   // energy only
  StaticPower static_power;
};

struct CoreTypeConfig {
  std::string name;
  uint32_t neurons = 0;
  NeuronModelConfig neuron_model;
  SynapticMemoryConfig synaptic_memory;
  uint32_t fan_in = 0;    // axon inputs (distinct source axons) per core
  uint32_t fan_out = 0;   // output routes (destination cores or axons) per core
  models::SynapseFormat synapse_format;
  CoreCosts costs;
};

// One physical core: instance name, its type (index into ChipConfig::core_types) and its router.
struct CoreInstance {
  std::string name;
  uint32_t type = 0;
  uint32_t router_x = 0;
  uint32_t router_y = 0;
  uint32_t port = 0;  // local port index on that router, 0..cores_per_router-1
};

enum class Direction { east, west, north, south, local };
constexpr int kDirections = 5;
const char* to_string(Direction d);

struct RouterConfig {
  uint32_t pipeline_stages = 1;
  uint32_t input_buffer_flits = 4;
  uint32_t flit_bits = 32;
  std::string routing = "xy";         // one of routing_algorithms()
  // Per direction: energy of one flit crossing the link that leaves the router that way, and the
  // link's latency in cycles (>= 1). `local` is the core<->router link. A flit's zero-load hop
  // latency is pipeline_stages + hop[d].latency_cycles.
  OpCost hop[kDirections];            // indexed by Direction
  StaticPower static_power;
};
const std::vector<std::string>& routing_algorithms();

enum class TimingModel { barrier, fixed_tick, analog };
const char* to_string(TimingModel m);

struct TimingConfig {
  TimingModel model = TimingModel::barrier;
  OpCost barrier;                 // barrier: cost of one mesh-wide barrier
  double tick_ns = 0.0;           // fixed_tick: length of a tick
  double acceleration = 1.0;      // analog: hardware time = biological time / acceleration
  double integration_step_ns = 0; // analog: fine ODE step, in hardware time
  double window_ns = 0;           // analog: length of one reported step (window), hardware time
  // analog: host-side cost of an experiment around the emulated time (hardware wall clock)
  double configuration_us = 0;    // writing the configuration before the run
  double readout_ns_per_spike = 0;  // reading each recorded spike back
  std::string overhead_source;
  // analog: on-chip background spike generators (inputs with `background:`)
  uint32_t generators = 0;
  double generator_max_mevents = 0;   // per generator, MEvent/s of hardware time
};

// The off-chip link of one chip edge, the same for every edge of a system (docs/systems.md).
struct InterChipLinkConfig {
  uint64_t latency_cycles = 1;      // in the chip's cycles, >= 1
  uint32_t cycles_per_flit = 1;     // serialisation: one flit per this many cycles
  uint32_t buffer_flits = 4;        // per lane (row or column of the edge)
  double energy_pj_per_bit = 0;
  std::string source;
};

// A system of identical chips on a grid (a board or a mesh of boards). The ChipConfig that holds
// it is the whole system flattened: its mesh is the grid of chip meshes, its cores are every
// chip's cores, chip-major (chip k holds cores [k * cores_per_chip, (k + 1) * cores_per_chip)),
// named "chip[k].<name>".
struct SystemConfig {
  bool present = false;
  std::string file, name, description;
  std::string chip_file;               // the chip config it tiles
  std::string chip_name;
  uint32_t width = 1, height = 1;      // chips
  uint32_t chip_mesh_width = 1, chip_mesh_height = 1;  // routers per chip
  uint32_t cores_per_chip = 0;
  InterChipLinkConfig link;
  uint32_t chips() const { return width * height; }
  uint32_t chip_of_core(uint32_t core) const { return present ? core / cores_per_chip : 0; }
  uint32_t chip_of_router(uint32_t x, uint32_t y) const {
    return present ? (y / chip_mesh_height) * width + x / chip_mesh_width : 0;
  }
  // Longest path across the chip grid, in inter-chip links.
  uint32_t diameter() const { return width + height - 2; }
};

struct ChipConfig {
  std::string file;   // path it was loaded from
  std::string name;
  std::string family;
  std::string description;
  ClockConfig clock;
  MeshConfig mesh;
  std::vector<CoreTypeConfig> core_types;
  std::vector<CoreInstance> cores;
  RouterConfig router;
  TimingConfig timing;
  SystemConfig system;   // present: this config is a system of chips (load_system_config)

  const CoreTypeConfig& type_of(const CoreInstance& c) const { return core_types[c.type]; }
};

// A command-line change to a chip config before it is validated: `key` is a dot path of mapping
// keys (e.g. "router.input_buffer_flits"), `value` YAML text (e.g. "8", "yx", "[1, 2]").
struct Override {
  std::string key, value;
};
// Parses "key=value"; returns false for text without '=' or with an empty key.
bool parse_override(const std::string& text, Override* out);

// Reads and validates a chip config, or a system config (a file whose top level has `system`:
// load_system_config below). Throws ConfigError (sim/config/config_error.h) naming file,
// line, column and key path on any problem. Overrides are applied to the YAML first and then
// validated like the rest; an override whose path does not lead through existing mappings is an
// error naming it.
ChipConfig load_chip_config(const std::string& path, const std::vector<Override>& overrides = {});
// Same, from text already in memory; `name` stands for the file in messages.
ChipConfig parse_chip_config(const std::string& text, const std::string& name,
                             const std::vector<Override>& overrides = {});

// Reads a system config (docs/systems.md): the chip config it references (a path relative to the
// system file), tiled over the grid, as one flattened ChipConfig with `system` filled in.
// Overrides apply to the system document. Errors are ConfigErrors like the chip loader's; errors
// in the referenced chip config name that file.
ChipConfig load_system_config(const std::string& path, const std::vector<Override>& overrides = {});
ChipConfig parse_system_config(const std::string& text, const std::string& name,
                               const std::vector<Override>& overrides = {});
// Whether YAML text is a system config (its top level has `system`).
bool is_system_text(const std::string& text, const std::string& name);
// Tiles `chip` over a width x height grid (the flattening above).
ChipConfig tile_chip(const ChipConfig& chip, uint32_t width, uint32_t height);

}  // namespace neuromesh::config
