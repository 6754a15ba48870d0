// Reads system configs: a chip config tiled over a grid of chips, with the off-chip links between
// neighbouring chips (docs/systems.md). The chip config is read by the chip loader, unchanged;
// this file only tiles it.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "sim/config/chip_config.h"
#include "sim/config/yaml_reader.h"

namespace neuromesh::config {

using yaml::Map;
using yaml::Value;

namespace {

// Largest system accepted: Hala Point has 1,152 chips; the limit leaves room above it while
// keeping a flattened config (one entry per core) within memory.
constexpr uint64_t kMaxChips = 16384;
constexpr uint64_t kMaxSystemCores = uint64_t{1} << 22;

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

std::string resolve(const std::string& system_file, const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::path(path).is_absolute()) return path;
  const fs::path dir = fs::path(system_file).parent_path();
  return (dir / path).lexically_normal().string();
}

}  // namespace

ChipConfig tile_chip(const ChipConfig& chip, uint32_t width, uint32_t height) {
  ChipConfig s = chip;
  s.cores.clear();
  s.mesh.width = chip.mesh.width * width;
  s.mesh.height = chip.mesh.height * height;
  s.cores.reserve(size_t(chip.cores.size()) * width * height);
  for (uint32_t cy = 0; cy < height; ++cy) {
    for (uint32_t cx = 0; cx < width; ++cx) {
      const std::string prefix = "chip[" + std::to_string(cy * width + cx) + "].";
      for (const auto& k : chip.cores) {
        CoreInstance c = k;
        c.name = prefix + k.name;
        c.router_x = cx * chip.mesh.width + k.router_x;
        c.router_y = cy * chip.mesh.height + k.router_y;
        s.cores.push_back(std::move(c));
      }
    }
  }
  SystemConfig& sys = s.system;
  sys.present = true;
  sys.chip_file = chip.file;
  sys.chip_name = chip.name;
  sys.width = width;
  sys.height = height;
  sys.chip_mesh_width = chip.mesh.width;
  sys.chip_mesh_height = chip.mesh.height;
  sys.cores_per_chip = uint32_t(chip.cores.size());
  return s;
}

namespace {

class SystemLoader {
 public:
  SystemLoader(const std::string& file) : file_(file) {}

  ChipConfig load(const Value& root) {
    Map top = root.as_map({"system", "chip", "grid", "interchip_link"});
    Map sys = top.req("system", "a mapping with name and description").as_map({"name", "description"});
    const std::string name = sys.req("name", "a string").as_string();
    std::string description;
    if (auto d = sys.opt("description")) description = d->as_string();

    const Value chip_v = top.req("chip", "the path of a chip config, relative to this file");
    const std::string chip_path = resolve(file_, chip_v.as_string());
    std::error_code ec;
    if (!std::filesystem::is_regular_file(chip_path, ec)) {
      chip_v.fail("no chip config at '" + chip_path + "' (expected a path relative to " + file_ + ")");
    }
    const std::string chip_text = yaml::read_text_file(chip_path);
    if (is_system_text(chip_text, chip_path)) {
      chip_v.fail("'" + chip_path + "' is a system config; expected a chip config");
    }
    const ChipConfig chip = parse_chip_config(chip_text, chip_path);
    if (chip.timing.model == TimingModel::analog) {
      chip_v.fail("analog chips (" + chip.name + ") cannot be tiled yet: their continuous time "
                  "has no inter-chip link model");
    }

    Map grid = top.req("grid", "a mapping with width and height (chips)").as_map({"width", "height"});
    const Value wv = grid.req("width", "an integer number of chips");
    const Value hv = grid.req("height", "an integer number of chips");
    const uint32_t w = uint32_t(wv.as_uint(1, kMaxChips));
    const uint32_t h = uint32_t(hv.as_uint(1, kMaxChips));
    if (uint64_t(w) * h > kMaxChips) hv.fail("at most " + std::to_string(kMaxChips) + " chips");
    if (uint64_t(w) * h * chip.cores.size() > kMaxSystemCores) {
      hv.fail(std::to_string(uint64_t(w) * h) + " chips of " + std::to_string(chip.cores.size()) +
              " cores exceed the " + std::to_string(kMaxSystemCores) + " cores one process holds");
    }
    if (uint64_t(w) * chip.mesh.width > 65535 || uint64_t(h) * chip.mesh.height > 65535) {
      wv.fail("the system's mesh would exceed 65535 routers in one dimension");
    }

    ChipConfig s = tile_chip(chip, w, h);
    s.file = file_;
    s.name = name;
    s.description = description;
    s.system.file = file_;
    s.system.name = name;
    s.system.description = description;
    read_link(top.req("interchip_link", "a mapping describing the off-chip link of a chip edge"),
              chip, s.system.link);
    return s;
  }

 private:
  void read_link(const Value& v, const ChipConfig& chip, InterChipLinkConfig& l) {
    Map m = v.as_map({"latency_ns", "latency_cycles", "bandwidth_gbit_s", "cycles_per_flit",
                      "buffer_flits", "energy_pj_per_bit", "source"});
    const std::string lat = m.one_of({"latency_ns", "latency_cycles"});
    const Value lv = m.req(lat, "");
    if (lat == "latency_cycles") {
      l.latency_cycles = lv.as_uint(1, uint64_t{1} << 32);
    } else {
      const double ns = lv.as_number(1e-9, 1e9);
      const double cycles = ns / chip.clock.cycle_ns;
      if (std::fabs(cycles - std::round(cycles)) > 1e-6 * std::max(1.0, cycles) || std::round(cycles) < 1) {
        lv.fail(number_text(ns) + " ns is not a whole number (>= 1) of the chip's " +
                number_text(chip.clock.cycle_ns) + " ns cycles; give latency_cycles");
      }
      l.latency_cycles = uint64_t(std::round(cycles));
    }
    const std::string bw = m.one_of({"bandwidth_gbit_s", "cycles_per_flit"});
    const Value bv = m.req(bw, "");
    if (bw == "cycles_per_flit") {
      l.cycles_per_flit = uint32_t(bv.as_uint(1, 1u << 20));
    } else {
      // Gbit/s = bits per ns; a flit takes flit_bits / (rate x cycle_ns) cycles, rounded up to
      // whole cycles (describe prints the effective rate).
      const double rate = bv.as_number(1e-6, 1e6);
      const double cycles = double(chip.router.flit_bits) / (rate * chip.clock.cycle_ns);
      if (cycles > double(1u << 20)) bv.fail("too slow: a flit would take more than 2^20 cycles");
      l.cycles_per_flit = uint32_t(std::max(1.0, std::ceil(cycles - 1e-9)));
    }
    l.buffer_flits = uint32_t(m.req("buffer_flits", "an integer number of flits per lane").as_uint(1, 4096));
    l.energy_pj_per_bit = m.req("energy_pj_per_bit", "a number of picojoules").as_number(0.0, 1e9);
    l.source = m.req("source", "where the figures come from").as_string();
  }

  std::string file_;
};

}  // namespace

ChipConfig parse_system_config(const std::string& text, const std::string& name,
                               const std::vector<Override>& overrides) {
  const Value root = Value::parse(text, name, "a system config (a mapping with keys system, chip, "
                                              "grid, interchip_link)");
  for (const auto& o : overrides) yaml::apply_override(root, o.key, o.value);
  try {
    return SystemLoader(name).load(root);
  } catch (const ConfigError& e) {
    if (e.file() == name) {
      for (const auto& o : overrides) {
        if (e.key() == o.key || e.key().rfind(o.key + ".", 0) == 0) {
          throw ConfigError(e.file(), 0, 0, e.key(),
                            e.message() + " (the value comes from --set " + o.key + "=" + o.value + ")");
        }
      }
    }
    throw;
  }
}

ChipConfig load_system_config(const std::string& path, const std::vector<Override>& overrides) {
  return parse_system_config(yaml::read_text_file(path), path, overrides);
}

}  // namespace neuromesh::config
