#include "sim/report/compare.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/config/config_error.h"
#include "sim/config/yaml_reader.h"
#include "sim/report/report.h"

namespace neuromesh::report {

namespace {

using Json = nlohmann::json;

Json parse(const std::string& text, const std::string& file) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    throw config::ConfigError(file, 0, 0, "", std::string("not a JSON report: ") + e.what());
  }
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string() ||
      j["schema"].get<std::string>() != "neuromesh.report") {
    throw config::ConfigError(file, 0, 0, "schema", "expected a neuromesh report.json (schema "
                                                    "\"neuromesh.report\")");
  }
  if (!j.contains("version") || !j["version"].is_number_integer()) {
    throw config::ConfigError(file, 0, 0, "version", "missing or not an integer; expected " +
                                                         std::to_string(kSchemaVersion));
  }
  if (j["version"].get<int64_t>() != kSchemaVersion) {
    throw config::ConfigError(file, 0, 0, "version",
                              fmt::format("report version {} is not the supported version {}",
                                          j["version"].get<int64_t>(), kSchemaVersion));
  }
  for (const char* key : {"chip", "network"}) {
    if (!j.contains(key) || !j[key].is_object() || !j[key].contains("name") ||
        !j[key]["name"].is_string()) {
      throw config::ConfigError(file, 0, 0, std::string(key) + ".name",
                                "missing or not a string; expected the " + std::string(key) +
                                    "'s name, as neuromesh run writes it");
    }
  }
  return j;
}

Json load(const std::string& file) {
  // The same checks as every other input: a regular, readable, UTF-8-named file.
  return parse(config::yaml::read_text_file(file, "a report.json file"), file);
}

// A value at a JSON pointer, or NaN when the report lacks it.
double at(const Json& j, const char* pointer) {
  const auto p = Json::json_pointer(pointer);
  try {
    return j.contains(p) && j[p].is_number() ? j[p].get<double>() : std::nan("");
  } catch (const Json::exception&) {
    return std::nan("");  // a path through something that is not an object: the figure is missing
  }
}

}  // namespace

void check_report(const std::string& text, const std::string& file) { parse(text, file); }

std::string compare_reports(const std::vector<std::string>& files) {
  std::vector<Json> r;
  for (const auto& f : files) r.push_back(load(f));
  struct Figure {
    const char* label;
    const char* pointer;
    double scale;
  };
  const Figure figures[] = {
      {"steps", "/run/steps", 1},
      {"cores used", "/run/cores_used", 1},
      {"time to solution (us)", "/totals/ns", 1e-3},
      {"step latency median (ns)", "/totals/latency/step_ns/median", 1},
      {"step latency p99 (ns)", "/totals/latency/step_ns/p99", 1},
      {"timesteps per second", "/totals/latency/timesteps_per_second", 1},
      {"energy total (uJ)", "/totals/energy/total_pj", 1e-6},
      {"energy dynamic (uJ)", "/totals/energy/dynamic_pj", 1e-6},
      {"energy static (uJ)", "/totals/energy/static_pj", 1e-6},
      {"energy per synaptic op (pJ)", "/totals/energy/pj_per_synaptic_op", 1},
      {"average power (mW)", "/totals/power/average_mw", 1},
      {"peak power (mW)", "/totals/power/peak_mw", 1},
      {"synaptic ops", "/totals/synaptic_ops", 1},
      {"spikes", "/totals/spikes", 1},
      {"packets", "/totals/packets", 1},
  };
  std::ostringstream os;
  os << fmt::format("{:<30}", "figure");
  for (size_t k = 0; k < r.size(); ++k) {
    const std::string name = r[k]["chip"]["name"].get<std::string>() + "/" +
                             r[k]["network"]["name"].get<std::string>();
    os << fmt::format(" | {:>24}", fmt::format("[{}] {}", k + 1, name.substr(0, 19)));
  }
  os << "\n";
  for (const auto& f : figures) {
    os << fmt::format("{:<30}", f.label);
    const double base = at(r[0], f.pointer) * f.scale;
    for (size_t k = 0; k < r.size(); ++k) {
      const double v = at(r[k], f.pointer) * f.scale;
      std::string cell = std::isnan(v) ? std::string("-") : fmt::format("{:.5g}", v);
      if (k > 0 && !std::isnan(v) && !std::isnan(base) && base != 0) {
        cell += fmt::format(" ({:.3g}x)", v / base);
      }
      os << fmt::format(" | {:>24}", cell);
    }
    os << "\n";
  }
  os << "ratios are against [1]:";
  for (size_t k = 0; k < files.size(); ++k) os << fmt::format(" [{}] {}", k + 1, files[k]);
  os << "\n";
  return os.str();
}

}  // namespace neuromesh::report
