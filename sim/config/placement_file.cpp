#include "sim/config/placement_file.h"

#include <fmt/format.h>

#include <unordered_map>

#include "sim/config/csv_reader.h"
#include "sim/config/yaml_reader.h"
#include "sim/io/utf8.h"

namespace neuromesh::config {

namespace {
constexpr const char* kHeader = "core,population,first,last";
constexpr uint32_t kNone = UINT32_MAX;
}  // namespace

UserPlacement parse_placement(const std::string& text, const std::string& name,
                              const ChipConfig& chip, const models::Network& net) {
  UserPlacement u;
  u.file = name;
  u.origin.assign(chip.cores.size(), "");
  u.core_of.resize(net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) u.core_of[p].assign(net.populations[p].size, kNone);
  std::unordered_map<std::string, uint32_t> core_index, pop_index;
  for (uint32_t c = 0; c < chip.cores.size(); ++c) core_index.emplace(chip.cores[c].name, c);
  for (uint32_t p = 0; p < net.populations.size(); ++p) pop_index.emplace(net.populations[p].name, p);
  // Per neuron the line that placed it, per core its population, per population its core type
  // and the line that fixed it: for messages naming both rows of a conflict.
  std::vector<std::vector<int>> line_of(net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) line_of[p].assign(net.populations[p].size, 0);
  std::vector<uint32_t> pop_of_core(chip.cores.size(), kNone);
  std::vector<int> core_line(chip.cores.size(), 0);
  std::vector<uint32_t> type_of_pop(net.populations.size(), kNone);
  std::vector<int> type_line(net.populations.size(), 0);

  CsvReader csv(text, name, true);
  std::vector<std::string> cells;
  bool header = false;
  while (csv.next(cells)) {
    if (!header) {
      if (cells != std::vector<std::string>{"core", "population", "first", "last"}) {
        csv.fail(fmt::format("expected the header '{}', got '{}'", kHeader, io::printable(csv.line())));
      }
      header = true;
      continue;
    }
    if (cells.size() != 4) {
      csv.fail(fmt::format("expected 4 comma-separated values ({}), got {}", kHeader, cells.size()));
    }
    const auto ci = core_index.find(cells[0]);
    if (ci == core_index.end()) {
      csv.fail(fmt::format("core '{}' is not a core of chip '{}' (its cores are {} .. {})",
                           io::printable(cells[0]), chip.name, chip.cores.front().name,
                           chip.cores.back().name));
    }
    const auto pi = pop_index.find(cells[1]);
    if (pi == pop_index.end()) {
      csv.fail(fmt::format("population '{}' is not in network '{}'", io::printable(cells[1]), net.name));
    }
    const uint32_t c = ci->second, p = pi->second;
    const auto& pop = net.populations[p];
    if (pop.size == 0) csv.fail(fmt::format("population '{}' has no neurons to place", pop.name));
    const int64_t first = csv.integer(cells[2], 0, int64_t(pop.size) - 1, "first neuron");
    const int64_t last = csv.integer(cells[3], first, int64_t(pop.size) - 1, "last neuron");
    const int line = csv.line_number();
    if (pop_of_core[c] != kNone && pop_of_core[c] != p) {
      csv.fail(fmt::format("core {} already holds population '{}' (line {}); a core holds neurons "
                           "of one population",
                           chip.cores[c].name, net.populations[pop_of_core[c]].name, core_line[c]));
    }
    const auto& type = chip.type_of(chip.cores[c]);
    if (type.neuron_model.name != pop.model) {
      csv.fail(fmt::format("core {} (type '{}') runs {}; population '{}' uses {}", chip.cores[c].name,
                           type.name, type.neuron_model.name, pop.name, pop.model));
    }
    if (type_of_pop[p] != kNone && type_of_pop[p] != chip.cores[c].type) {
      csv.fail(fmt::format("population '{}' is on cores of type '{}' (line {}); core {} is of type "
                           "'{}': a population's cores share one type",
                           pop.name, chip.core_types[type_of_pop[p]].name, type_line[p],
                           chip.cores[c].name, type.name));
    }
    if (type_of_pop[p] == kNone) type_of_pop[p] = chip.cores[c].type, type_line[p] = line;
    if (pop_of_core[c] == kNone) {
      pop_of_core[c] = p;
      core_line[c] = line;
      u.origin[c] = fmt::format("{}:{}", name, line);
    }
    for (int64_t i = first; i <= last; ++i) {
      if (u.core_of[p][size_t(i)] != kNone) {
        csv.fail(fmt::format("neuron {} of population '{}' is already placed on core {} (line {})", i,
                             pop.name, chip.cores[u.core_of[p][size_t(i)]].name, line_of[p][size_t(i)]));
      }
      u.core_of[p][size_t(i)] = c;
      line_of[p][size_t(i)] = line;
    }
  }
  if (!header) csv.fail(fmt::format("empty placement file: expected the header '{}'", kHeader));
  for (size_t p = 0; p < net.populations.size(); ++p) {
    uint32_t missing = 0, first_missing = 0;
    for (uint32_t i = 0; i < net.populations[p].size; ++i)
      if (u.core_of[p][i] == kNone && missing++ == 0) first_missing = i;
    if (missing) {
      throw ConfigError(name, 0, 0, "",
                        fmt::format("{} neurons of population '{}' have no core (the first is "
                                    "neuron {}); a placement file places every neuron",
                                    missing, net.populations[p].name, first_missing));
    }
  }
  return u;
}

UserPlacement load_placement(const std::string& path, const ChipConfig& chip,
                             const models::Network& net) {
  return parse_placement(yaml::read_text_file(path, "a placement CSV file"), path, chip, net);
}

}  // namespace neuromesh::config
