// neuromesh command line. Exit status: 0 success, 2 bad input (config, network, command line),
// 1 internal or I/O failure.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/bench.h"
#include "sim/app/describe.h"
#include "sim/app/noc_sweep.h"
#include "sim/app/calibrate.h"
#include "sim/app/run.h"
#include "sim/app/sweep.h"
#include "sim/map/mapper.h"
#include "sim/config/chip_config.h"
#include "sim/config/config_error.h"
#include "sim/config/yaml_reader.h"
#include "sim/dist/ranks.h"
#include "sim/io/output_set.h"
#include "sim/report/compare.h"

namespace {

// --set key=value, repeatable, on every command that reads a chip config.
void add_set_option(CLI::App* cmd, std::vector<std::string>& sets) {
  cmd->add_option("--set", sets,
                  "Change the chip config before it is checked: KEY=VALUE, KEY a dot path such as "
                  "router.input_buffer_flits (repeatable)")
      ->check([](const std::string& s) -> std::string {
        neuromesh::config::Override o;
        return neuromesh::config::parse_override(s, &o) ? "" : "expected KEY=VALUE, got '" + s + "'";
      });
}

std::vector<neuromesh::config::Override> to_overrides(const std::vector<std::string>& sets) {
  std::vector<neuromesh::config::Override> out;
  for (const auto& s : sets) {
    neuromesh::config::Override o;
    neuromesh::config::parse_override(s, &o);
    out.push_back(o);
  }
  return out;
}

// Option validators on the text as typed, before CLI11 converts it (CLI11 would turn "-1" into
// 2^64 - 1 for an unsigned option, and a range check lets "nan" through).
std::string strict_uint(const std::string& s) {
  if (s.empty() || s.size() > 20 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "expected a non-negative integer, got '" + s + "'";
  }
  if (s.size() == 20 && s > "18446744073709551615") return "'" + s + "' is larger than 2^64 - 1";
  return "";
}

std::string finite_number(const std::string& s) {
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(x)) return "expected a finite number, got '" + s + "'";
  return "";
}

// FIRST:LAST, both plain integers, FIRST < LAST.
bool parse_window(const std::string& s, uint64_t* first, uint64_t* last) {
  const size_t colon = s.find(':');
  if (colon == std::string::npos) return false;
  const std::string a = s.substr(0, colon), b = s.substr(colon + 1);
  if (!strict_uint(a).empty() || !strict_uint(b).empty()) return false;
  *first = std::stoull(a);
  *last = std::stoull(b);
  return *first < *last;
}

// What was typed that the command line does not know, and the nearest name it does know.
std::string typo_hint(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> subs;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) subs.push_back(sub->get_name());
  if (argc < 2) return "";
  const std::string first = argv[1];
  if (first.rfind("-", 0) != 0 && std::find(subs.begin(), subs.end(), first) == subs.end()) {
    const std::string near = neuromesh::config::yaml::closest(first, subs);
    return "unknown subcommand '" + first + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
           " (subcommands: " + neuromesh::config::yaml::join(subs) + ")";
  }
  CLI::App* sub = nullptr;
  for (auto* c : app.get_subcommands([](const CLI::App*) { return true; }))
    if (c->get_name() == first) sub = c;
  if (!sub) return "";
  std::vector<std::string> names;
  for (const auto* opt : sub->get_options()) {
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
  }
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) continue;
    const std::string name = arg.substr(0, arg.find('='));
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    const std::string near = neuromesh::config::yaml::closest(name, names);
    return "'" + first + "' has no option '" + name + "'" +
           (near.empty() ? "" : "; did you mean '" + near + "'?");
  }
  return "";
}

// --progress / --quiet on a command that runs for a long time.
void add_progress_options(CLI::App* cmd, neuromesh::app::ProgressMode& mode) {
  auto* on = cmd->add_flag_callback("--progress", [&mode] { mode = neuromesh::app::ProgressMode::always; },
                                    "Print progress (rate, ETA) even when stderr is not a terminal: a line every 10 s");
  auto* off = cmd->add_flag_callback("--quiet", [&mode] { mode = neuromesh::app::ProgressMode::never; },
                                     "Print no progress (default: a live line on a terminal, nothing otherwise)");
  on->excludes(off);
}

// SystemC prints its banner before sc_main runs unless this is set: set it during static
// initialisation, which precedes libsystemc's main().
const bool kQuietSystemC = ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0;

constexpr int kExitBadInput = 2;
constexpr int kExitFailure = 1;

int cmd_validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& f : files) {
    try {
      const auto chip = neuromesh::config::load_chip_config(f);
      if (chip.system.present) {
        std::cout << fmt::format("{}: ok (system {}, {} chips of {} on a {}x{} grid, {} cores)\n", f,
                                 chip.name, chip.system.chips(), chip.system.chip_name,
                                 chip.system.width, chip.system.height, chip.cores.size());
      } else {
        std::cout << fmt::format("{}: ok ({}, {} cores on a {}x{} mesh)\n", f, chip.name,
                                 chip.cores.size(), chip.mesh.width, chip.mesh.height);
      }
    } catch (const neuromesh::config::ConfigError& e) {
      std::cerr << e.what() << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

int cmd_describe(const std::string& file, const std::string& out,
                 const std::vector<neuromesh::config::Override>& overrides) {
  neuromesh::io::OutputSet outputs({file});
  if (!out.empty()) outputs.add(out, "--out");
  const auto chip = neuromesh::config::load_chip_config(file, overrides);
  const std::string text = neuromesh::app::describe_chip(chip);
  std::cout << text;
  if (!out.empty()) {
    outputs.write(out, text);
    outputs.commit();
  }
  return 0;
}


// An error that ends the command. In a run spread over MPI ranks that already exchange data,
// the other ranks would wait for this one for ever: the whole run is aborted with the status.
int fail(int status, const std::string& text) {
  auto& ranks = neuromesh::dist::Ranks::world();
  if (ranks.distributed() && ranks.lockstep) {
    ranks.print_error(text);
    ranks.abort(status);
  }
  std::cerr << text << "\n";
  return status;
}

int cli_main(int argc, char** argv) {
  CLI::App app{"neuromesh: cycle-accurate neuromorphic chip emulator"};
  app.require_subcommand(1);
  // Every option's --help line shows its default (subcommands inherit this).
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", "neuromesh 0.1.0");

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand(
      "validate", "Check chip configs; report every file, exit 2 if any is invalid");
  validate->add_option("chip", validate_files, "Chip or system config YAML files")->required();

  std::string describe_file, describe_out;
  auto* describe = app.add_subcommand(
      "describe", "Summarise a chip: cores, neurons, synapses, memory, mesh, clock, figures");
  describe->add_option("chip", describe_file, "Chip or system config YAML file")->required();
  describe->add_option("--out", describe_out, "Also write the description to this file");
  std::vector<std::string> describe_sets, run_sets, map_sets, bench_sets, noc_sets;
  add_set_option(describe, describe_sets);

  neuromesh::app::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run a network on a chip; write spikes.csv and probes.csv");
  run_cmd->add_option("--chip,--system", run.chip, "Chip or system config YAML")->required();
  run_cmd->add_option("--network", run.network, "Network YAML")->required();
  run_cmd->add_option("--steps", run.steps, "Timesteps to run")->required()->check(strict_uint)->check(
      CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  run_cmd->add_option("--out", run.out, "Output directory (created if missing)")->required();
  run_cmd->add_option("--mode", run.mode, "Simulation mode")
      ->check(CLI::IsMember({"functional", "cycle"}))
      ->default_val("functional");
  auto* run_strategy = run_cmd->add_option("--strategy", run.strategy, "Placement strategy")
      ->check(CLI::IsMember(neuromesh::map::strategy_names()))
      ->default_val("fill");
  run_cmd->add_option("--placement", run.placement,
                      "Placement file (CSV core,population,first,last; see docs/placement-format.md) "
                      "instead of a strategy")
      ->excludes(run_strategy);
  run_cmd->add_option("--threads", run.threads,
                      "Threads (default: every core): the functional mode's neurons, or the cycle "
                      "mode's synaptic integration and neuron updates beside its event kernel; the "
                      "outputs are the same bytes for any number")
      ->check(strict_uint)
      ->check(CLI::Range(1u, 1024u));
  run_cmd->add_option("--seed", run.seed, "Override every random seed of the network")->check(strict_uint);
  add_set_option(run_cmd, run_sets);
  run_cmd->add_option("--neuron-backend", run.neuron_backend,
                      "Who computes neuron updates in the cycle mode: model (C++) or rtl "
                      "(the Verilated neuron update unit in every core)")
      ->check(CLI::IsMember({"model", "rtl"}))
      ->default_val("model");
  run_cmd->add_option("--neuron-timing", run.neuron_timing,
                      "Where a core's neuron-update cycles come from in the cycle mode: config "
                      "(per-neuron latencies) or unit (the neuron update unit's cycle model, clocked "
                      "at --unit-clock-ns; docs/rtl.md)")
      ->check(CLI::IsMember({"config", "unit"}))
      ->default_val("config");
  run_cmd->add_option("--unit-clock-ns", run.unit_clock_ns,
                      "Clock period of the neuron update unit, ns (--neuron-timing unit)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--power-window", run.power_window,
                      "Steps over which peak power is averaged (report)")
      ->check(strict_uint)->check(CLI::Range(1u, 1000000u));
  std::string trace_steps = "0:10";
  run_cmd->add_option("--trace", run.trace, "Write a VCD waveform of router and core activity");
  run_cmd->add_option("--trace-steps", trace_steps, "Window of steps to trace, FIRST:LAST (LAST excluded)")
      ->check([](const std::string& s) -> std::string {
        uint64_t a = 0, b = 0;
        return parse_window(s, &a, &b) ? "" : "expected FIRST:LAST, two integers with FIRST < LAST, got '" + s + "'";
      });
  run_cmd->add_option("--kernel", run.kernel,
                      "Event kernel of the cycle mode: systemc (the SystemC chip) or calendar "
                      "(the same models under a plain C++ event queue)")
      ->check(CLI::IsMember({"systemc", "calendar"}))
      ->default_val("systemc");
  run_cmd->add_option("--quantum", run.quantum,
                      "SystemC kernel: cycles the chip's clock process runs per activation, ahead of "
                      "SystemC time (TLM-2.0 temporal decoupling; default 100; 1: one activation per "
                      "busy cycle and one per component evaluation); the same results for any value")
      ->check(strict_uint)
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));

  add_progress_options(run_cmd, run.progress);
  run_cmd->add_option("--calibration", run.calibration,
                      "Analog chips: per-circuit capmem codes written by 'neuromesh calibrate'");

  neuromesh::app::CalibrateOptions calib;
  std::vector<std::string> calib_sets;
  auto* calib_cmd = app.add_subcommand(
      "calibrate", "Analog chips: tune each used circuit's capmem codes toward its targets; write "
                   "calibration.csv (for run --calibration) and the spread before and after");
  calib_cmd->add_option("--chip,--system", calib.chip, "Chip or system config YAML")->required();
  calib_cmd->add_option("--network", calib.network, "Network YAML (its neurons' parameters are the targets)")->required();
  calib_cmd->add_option("--out", calib.out, "Output directory (created if missing)")->required();
  calib_cmd->add_option("--strategy", calib.strategy, "Placement strategy")
      ->check(CLI::IsMember(neuromesh::map::strategy_names()))
      ->default_val("fill");
  calib_cmd->add_option("--seed", calib.seed, "Override every random seed of the network")->check(strict_uint);
  add_set_option(calib_cmd, calib_sets);

  neuromesh::app::MapOptions mapo;
  auto* map_cmd = app.add_subcommand("map", "Place a network on a chip and print the placement");
  map_cmd->add_option("--chip,--system", mapo.chip, "Chip or system config YAML")->required();
  map_cmd->add_option("--network", mapo.network, "Network YAML")->required();
  auto* map_strategy = map_cmd->add_option("--strategy", mapo.strategy, "Placement strategy")
      ->check(CLI::IsMember(neuromesh::map::strategy_names()))
      ->default_val("fill");
  auto* map_placement = map_cmd->add_option(
      "--placement", mapo.placement,
      "Placement file to check and describe instead of a strategy (docs/placement-format.md)")
      ->excludes(map_strategy);
  map_cmd->add_option("--write-placement", mapo.write_placement,
                      "Write the placement as a placement file (CSV)");
  auto* map_compare = map_cmd->add_flag("--compare", mapo.compare,
                                        "Print every strategy's placement quality side by side "
                                        "(and the --placement file's)");
  map_compare->excludes(map_strategy);
  (void)map_placement;
  map_cmd->add_option("--seed", mapo.seed, "Override every random seed of the network")->check(strict_uint);
  add_set_option(map_cmd, map_sets);

  neuromesh::app::BenchOptions bench;
  auto* bench_cmd = app.add_subcommand(
      "bench", "Speed and memory of a cycle-accurate run (synaptic events/s, bytes/synapse)");
  bench_cmd->add_option("--chip,--system", bench.chip, "Chip or system config YAML")->required();
  bench_cmd->add_option("--network", bench.network, "Network YAML")->required();
  bench_cmd->add_option("--steps", bench.steps, "Timesteps")->check(strict_uint)->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  bench_cmd->add_option("--kernel", bench.kernel, "Event kernel: systemc or calendar")
      ->check(CLI::IsMember({"systemc", "calendar"}));
  bench_cmd->add_option("--strategy", bench.strategy, "Placement strategy")
      ->check(CLI::IsMember(neuromesh::map::strategy_names()));
  bench_cmd->add_option("--threads", bench.threads,
                        "Threads for the cores' synaptic integration and neuron updates beside the "
                        "event kernel (default 1)")
      ->check(strict_uint)
      ->check(CLI::Range(1u, 1024u));
  bench_cmd->add_option("--quantum", bench.quantum,
                        "SystemC kernel: cycles the chip's clock process runs per activation, ahead "
                        "of SystemC time (TLM-2.0 temporal decoupling; 1: one activation per busy "
                        "cycle and one per component evaluation); the same results for any value")
      ->check(strict_uint)
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  bench_cmd->add_flag("--json", bench.json, "Print one JSON object");
  add_set_option(bench_cmd, bench_sets);
  add_progress_options(bench_cmd, bench.progress);

  neuromesh::app::NocSweepOptions noc;
  auto* noc_cmd = app.add_subcommand(
      "noc", "Latency vs offered load of the chip's router on a mesh, uniform random traffic (CSV)");
  noc_cmd->add_option("--chip", noc.chip, "Chip config YAML (its router section is used)")->required();
  noc_cmd->add_option("--width", noc.width, "Mesh width (default: the chip config's)")
      ->check(strict_uint)->check(CLI::Range(1u, 64u));
  noc_cmd->add_option("--height", noc.height, "Mesh height (default: the chip config's)")
      ->check(strict_uint)->check(CLI::Range(1u, 64u));
  noc_cmd->add_option("--rates", noc.rates, "Offered loads, flits per terminal per cycle")
      ->required()->check(finite_number)->check(CLI::Range(0.0, 1.0));
  noc_cmd->add_option("--flits", noc.flits, "Flits per packet")->check(strict_uint)->check(CLI::Range(1u, 64u));
  noc_cmd->add_option("--warmup", noc.warmup, "Warm-up cycles")->check(strict_uint)->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30));
  noc_cmd->add_option("--measure", noc.measure, "Measured cycles")->check(strict_uint)->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
  noc_cmd->add_option("--seed", noc.seed, "Traffic seed")->check(strict_uint);
  add_set_option(noc_cmd, noc_sets);

  neuromesh::app::SweepOptions sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "Run a network on variants of a chip (any config key, placement) and write one CSV "
               "row of latency and energy figures per variant");
  sweep_cmd->add_option("--chip,--system", sweep.chip, "Chip or system config YAML")->required();
  sweep_cmd->add_option("--network", sweep.network, "Network YAML")->required();
  sweep_cmd->add_option("--steps", sweep.steps, "Timesteps per variant")
      ->check(strict_uint)->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  sweep_cmd->add_option("--vary", sweep.vary,
                        "KEY=V1,V2,... (repeatable): every combination is run, e.g. "
                        "router.input_buffer_flits=2,4,16")->required();
  sweep_cmd->add_option("--strategy", sweep.strategies, "Placement strategies to sweep")
      ->check(CLI::IsMember(neuromesh::map::strategy_names()));
  sweep_cmd->add_option("--out", sweep.out, "CSV file to write")->required();
  add_progress_options(sweep_cmd, sweep.progress);
  sweep_cmd->add_option("--jobs", sweep.jobs, "Variants run at once, one thread each (default 1)")
      ->check(strict_uint)->check(CLI::Range(1u, 256u));
  sweep_cmd->add_flag("--resume", sweep.resume,
                      "Finish an interrupted sweep: keep the rows in OUT.partial, run only the rest");

  std::vector<std::string> compare_files;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Key figures of several report.json files side by side, ratios against the first");
  compare_cmd->add_option("reports", compare_files, "report.json files")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "neuromesh: error: " << e.what() << "\n";
    const std::string hint = typo_hint(app, argc, argv);
    if (!hint.empty()) std::cerr << "neuromesh: " << hint << "\n";
    std::cerr << "run 'neuromesh --help' for usage\n";
    return kExitBadInput;
  }

  try {
    if (neuromesh::dist::Ranks::world().distributed() && !*run_cmd) {
      throw neuromesh::map::MapError(fmt::format(
          "only 'neuromesh run' spreads over MPI ranks; run '{}' without mpirun",
          app.get_subcommands().front()->get_name()));
    }
    if (*validate) return cmd_validate(validate_files);
    if (*calib_cmd) {
      calib.overrides = to_overrides(calib_sets);
      return neuromesh::app::calibrate_command(calib);
    }
    if (*describe) return cmd_describe(describe_file, describe_out, to_overrides(describe_sets));
    if (*run_cmd) {
      uint64_t a = 0, b = 10;
      parse_window(trace_steps, &a, &b);
      run.overrides = to_overrides(run_sets);
      run.trace_first = a;
      run.trace_last = b;
      // Options that would do nothing in the chosen mode are refused, not ignored.
      if (run.mode != "cycle") {
        for (const char* opt : {"--kernel", "--power-window", "--quantum"}) {
          if (run_cmd->get_option(opt)->count()) {
            throw neuromesh::map::MapError(std::string(opt) + " applies to --mode cycle only");
          }
        }
      }
      if (run.kernel != "systemc" && run_cmd->get_option("--quantum")->count()) {
        throw neuromesh::map::MapError("--quantum applies to --kernel systemc only");
      }
      if (run_cmd->get_option("--trace-steps")->count() && run.trace.empty()) {
        throw neuromesh::map::MapError("--trace-steps needs --trace FILE (the waveform to write)");
      }
      if (!run.trace.empty() && run.trace_first >= run.steps) {
        throw neuromesh::map::MapError(fmt::format(
            "--trace-steps {} starts after the run's last step ({}): the waveform would be empty",
            trace_steps, run.steps - 1));
      }
      return neuromesh::app::run_command(run);
    }
    if (*sweep_cmd) return neuromesh::app::sweep_command(sweep);
    if (*compare_cmd) {
      std::cout << neuromesh::report::compare_reports(compare_files);
      return 0;
    }
    if (*noc_cmd) {
      noc.overrides = to_overrides(noc_sets);
      return neuromesh::app::noc_sweep_command(noc);
    }
    if (*bench_cmd) {
      bench.overrides = to_overrides(bench_sets);
      return neuromesh::app::bench_command(bench);
    }
    if (*map_cmd) {
      mapo.overrides = to_overrides(map_sets);
      if (mapo.compare && !mapo.write_placement.empty()) {
        throw neuromesh::map::MapError("--compare prints placements; --write-placement writes one: "
                                       "give one of them");
      }
      return neuromesh::app::map_command(mapo);
    }
  } catch (const neuromesh::dist::QuietExit& e) {
    return e.status;
  } catch (const neuromesh::config::ConfigError& e) {
    return fail(kExitBadInput, e.what());
  } catch (const neuromesh::map::MapError& e) {
    return fail(kExitBadInput, std::string("neuromesh: error: ") + e.what());
  } catch (const neuromesh::io::OutputError& e) {
    return fail(kExitBadInput, std::string("neuromesh: error: ") + e.what());
  } catch (const std::exception& e) {
    return fail(kExitFailure, std::string("neuromesh: error: ") + e.what());
  }
  return kExitBadInput;
}

}  // namespace

// The product's only sc_main: libsystemc's main() calls it (declared extern "C" by SystemC).
extern "C" int sc_main(int argc, char** argv);
int sc_main(int argc, char** argv) {
  try {
    neuromesh::dist::Ranks::init(argc, argv);
  } catch (const std::exception& e) {
    if (neuromesh::dist::Ranks::world().rank() == 0) std::cerr << "neuromesh: error: " << e.what() << "\n";
    return kExitBadInput;
  }
  const int status = cli_main(argc, argv);
  neuromesh::dist::Ranks::finalize();
  return status;
}
