// neuromesh command line. Exit status: 0 success, 2 bad input (config, network, command line),
// 1 internal or I/O failure.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "sim/app/describe.h"
#include "sim/config/chip_config.h"
#include "sim/config/config_error.h"
#include "sim/io/atomic_file.h"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitFailure = 1;

int cmd_validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& f : files) {
    try {
      const auto chip = neuromesh::config::load_chip_config(f);
      std::cout << fmt::format("{}: ok ({}, {} cores on a {}x{} mesh)\n", f, chip.name,
                               chip.cores.size(), chip.mesh.width, chip.mesh.height);
    } catch (const neuromesh::config::ConfigError& e) {
      std::cerr << e.what() << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

int cmd_describe(const std::string& file, const std::string& out) {
  const auto chip = neuromesh::config::load_chip_config(file);
  const std::string text = neuromesh::app::describe_chip(chip);
  std::cout << text;
  if (!out.empty()) neuromesh::io::write_file_atomic(out, text);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"neuromesh: cycle-accurate neuromorphic chip emulator"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "neuromesh 0.1.0");

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand("validate", "Check chip configs; exit 2 on the first error");
  validate->add_option("chip", validate_files, "Chip config YAML files")->required();

  std::string describe_file, describe_out;
  auto* describe = app.add_subcommand(
      "describe", "Summarise a chip: cores, neurons, synapses, memory, mesh, clock, figures");
  describe->add_option("chip", describe_file, "Chip config YAML file")->required();
  describe->add_option("--out", describe_out, "Also write the description to this file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "neuromesh: error: " << e.what() << "\n"
              << "run 'neuromesh --help' for usage\n";
    return kExitBadInput;
  }

  try {
    if (*validate) return cmd_validate(validate_files);
    if (*describe) return cmd_describe(describe_file, describe_out);
  } catch (const neuromesh::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "neuromesh: error: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitBadInput;
}
