#include "sim/app/sweep.h"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "models/noc/scheduler.h"
#include "sim/app/load.h"
#include "sim/chip/chip_model.h"
#include "sim/config/config_error.h"
#include "sim/io/output_set.h"
#include "sim/io/csv.h"
#include "sim/report/energy.h"

namespace neuromesh::app {

namespace {

struct Axis {
  std::string key;
  std::vector<std::string> values;
};

std::vector<Axis> parse_axes(const SweepOptions& o) {
  std::vector<Axis> axes;
  for (const auto& v : o.vary) {
    const size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      throw config::ConfigError("--vary", 0, 0, "", "expected KEY=V1,V2,..., got '" + v + "'");
    }
    Axis a{v.substr(0, eq), {}};
    size_t from = eq + 1;
    while (true) {
      const size_t comma = v.find(',', from);
      a.values.push_back(v.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    for (const auto& other : axes) {
      if (other.key == a.key) {
        throw config::ConfigError("--vary", 0, 0, a.key, "the key is given twice; give all its "
                                                         "values in one --vary KEY=V1,V2,...");
      }
    }
    axes.push_back(a);
  }
  // Each value must be valid for its key on its own: a typo is refused before anything runs.
  // (Combinations that the config cannot express, such as a mesh too small for its cores, are
  // rows of the result.)
  for (const auto& a : axes) {
    for (const auto& v : a.values) {
      try {
        config::load_chip_config(o.chip, {{a.key, v}});
      } catch (const config::ConfigError& e) {
        const std::string what = e.what();
        if (what.find("--set") != std::string::npos || what.find(a.key) != std::string::npos) {
          throw config::ConfigError("--vary", 0, 0, a.key, "value '" + v + "' is not valid: " + what);
        }
      }
    }
  }
  return axes;
}

// Runs variant p (1-based p + 1 of `points` in messages); appends its result columns to `row`.
// Returns false when the config cannot express it (a "config error" row).
bool run_variant(const SweepOptions& o, const std::vector<config::Override>& overrides,
                 const std::string& strategy, size_t p, size_t points, std::string& row,
                 std::unique_ptr<config::ConfigError>& first_config_error) {
  const bool say = o.progress != ProgressMode::never;
  try {
    Loaded l = load_and_map(o.chip, o.network, strategy, std::nullopt, overrides);
    models::noc::CalendarScheduler sched;
    chip::ChipModel model(l.chip, l.net, l.ex, l.placement, sched, /*release=*/true);
    std::vector<chip::StepRecord> steps;
    for (uint64_t t = 0; t < o.steps; ++t) {
      model.begin_step();
      sched.run();
      steps.push_back(model.end_step());
    }
    const auto e = report::compute_energy(model, steps, o.power_window);
    std::vector<double> ns;
    uint64_t cycles = 0, ops = 0, spikes = 0, packets = 0, hops = 0;
    for (const auto& s : steps) {
      ns.push_back(s.ns);
      cycles += s.cycles();
      ops += s.synaptic_ops;
      spikes += s.spikes;
      packets += s.packets;
      hops += s.flit_hops;
    }
    std::sort(ns.begin(), ns.end());
    auto pct = [&](double q) { return ns[std::min(ns.size() - 1, size_t(q * double(ns.size() - 1) + 0.5))]; };
    // A fixed-tick variant whose packets missed their delivery tick ran, but not as the chip
    // would: its status says so (the figures are still those of the emulation).
    const std::string status = model.late_packets() == 0
        ? "ok" : io::csv_field(fmt::format("hardware failure: {} late packets", model.late_packets()));
    const std::string key = row;
    row += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", status,
                       l.placement.cores_used(), cycles, e.time_ns, pct(0.5), pct(0.99),
                       e.total_pj(), e.dynamic_pj, e.static_pj, e.average_mw, e.peak_mw,
                       ops ? e.total_pj() / double(ops) : 0.0, ops, spikes, packets, hops);
    if (say) std::cerr << fmt::format("[{}/{}] {}: {} cycles\n", p + 1, points, key.substr(0, key.size() - 1), cycles);
  } catch (const config::ConfigError& err) {
    // A variant the config cannot express (say, a mesh too small for the cores) is a row; if
    // no variant at all is valid, the first error is most likely a typo and is reported.
    if (!first_config_error) first_config_error = std::make_unique<config::ConfigError>(err);
    row += io::csv_field(std::string("config error: ") + err.what()) + ",,,,,,,,,,,,,,,";
    if (say) std::cerr << fmt::format("[{}/{}] invalid variant: {}\n", p + 1, points, err.what());
    return false;
  } catch (const std::exception& err) {
    // A variant that cannot hold the network is a result, not a failure of the sweep.
    row += io::csv_field(std::string("error: ") + err.what()) + ",,,,,,,,,,,,,,,";
    if (say) std::cerr << fmt::format("[{}/{}] does not run: {}\n", p + 1, points, err.what());
  }
  return true;
}

// Variant p: its overrides and the CSV text of its key columns (values, strategy).
std::string variant_key(const std::vector<Axis>& axes, const std::vector<std::string>& strategies,
                        size_t p, std::vector<config::Override>& overrides, std::string* strategy) {
  size_t rest = p;
  std::string key;
  for (const auto& a : axes) {
    const size_t i = rest % a.values.size();
    rest /= a.values.size();
    overrides.push_back({a.key, a.values[i]});
    key += io::csv_field(a.values[i]) + ",";
  }
  *strategy = strategies[rest];
  return key + io::csv_field(*strategy) + ",";
}

// The rows of an unfinished sweep (OUT.partial): header first, then one row per finished variant.
std::vector<std::string> read_journal(const std::string& path, const std::string& header) {
  std::vector<std::string> rows;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line) || line + "\n" != header) {
    throw config::ConfigError(path, 1, 0, "", "not the journal of this sweep: its columns differ "
                                              "(remove it to start afresh)");
  }
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(line);
  }
  return rows;
}

void append_row(std::FILE* f, const std::string& row, const std::string& path) {
  if (std::fputs((row + "\n").c_str(), f) < 0 || std::fflush(f) != 0 || ::fsync(fileno(f)) != 0) {
    throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  }
}

}  // namespace

int sweep_command(const SweepOptions& o) {
  io::OutputSet output({o.chip, o.network});
  output.add(o.out, "--out");  // checked before any variant runs
  const std::vector<Axis> axes = parse_axes(o);
  std::vector<std::string> strategies = o.strategies.empty() ? std::vector<std::string>{"fill"}
                                                             : o.strategies;
  size_t points = strategies.size();
  for (const auto& a : axes) points *= a.values.size();
  if (points > 10000) {
    throw config::ConfigError("--vary", 0, 0, "", fmt::format("{} variants; at most 10000", points));
  }
  std::string header;
  for (const auto& a : axes) header += io::csv_field(a.key) + ",";
  header += "strategy,status,cores_used,cycles,time_ns,step_ns_median,step_ns_p99,energy_pj,"
            "dynamic_pj,static_pj,average_mw,peak_mw,pj_per_synaptic_op,synaptic_ops,spikes,"
            "packets,flit_hops\n";
  // Finished rows survive an interruption in OUT.partial; --resume keeps them.
  const std::string journal = o.out + ".partial";
  std::vector<std::string> done;
  if (std::filesystem::exists(journal)) {
    if (!o.resume) {
      throw io::OutputError("--out " + o.out + ": an unfinished sweep left " + journal +
                            "; add --resume to finish it, or remove it to start afresh");
    }
    done = read_journal(journal, header);
  }
  std::FILE* jf = std::fopen(journal.c_str(), done.empty() ? "w" : "a");
  size_t first_error_point = 0;
  if (!jf) throw io::OutputError(journal + ": cannot write: " + std::strerror(errno));
  if (done.empty()) append_row(jf, header.substr(0, header.size() - 1), journal);
  // Variants run on `jobs` threads, each taking the next variant; rows land in variant order.
  std::vector<std::string> rows(points);
  std::vector<char> invalid(points, 0);
  std::unique_ptr<config::ConfigError> first_config_error;
  size_t resumed = 0;
  std::vector<size_t> todo;
  for (size_t p = 0; p < points; ++p) {
    std::vector<config::Override> overrides;
    std::string strategy;
    const std::string key = variant_key(axes, strategies, p, overrides, &strategy);
    const auto it = std::find_if(done.begin(), done.end(),
                                 [&](const std::string& d) { return d.rfind(key, 0) == 0; });
    if (it == done.end()) {
      todo.push_back(p);
      continue;
    }
    rows[p] = *it;
    invalid[p] = it->find(",config error: ") != std::string::npos ||
                 it->find(",\"config error: ") != std::string::npos;
    ++resumed;
  }
  std::mutex mu;
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  auto worker = [&] {
    for (size_t k; (k = next++) < todo.size();) {
      const size_t p = todo[k];
      std::vector<config::Override> overrides;
      std::string strategy;
      std::string row = variant_key(axes, strategies, p, overrides, &strategy);
      std::unique_ptr<config::ConfigError> err;
      const bool ok = run_variant(o, overrides, strategy, p, points, row, err);
      std::lock_guard<std::mutex> lock(mu);
      try {
        append_row(jf, row, journal);
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
      rows[p] = row;
      invalid[p] = !ok;
      if (err && (!first_config_error || p < first_error_point)) {
        first_config_error = std::move(err);
        first_error_point = p;
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t j = 1; j < o.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  std::string out = header;
  size_t config_errors = 0;
  for (size_t p = 0; p < points; ++p) {
    out += rows[p] + "\n";
    config_errors += invalid[p];
  }
  std::fclose(jf);
  if (config_errors == points && first_config_error) {
    std::remove(journal.c_str());
    throw *first_config_error;
  }
  output.write(o.out, out);
  output.commit();
  std::remove(journal.c_str());
  std::cout << fmt::format("wrote {} variants to {}{}\n", points, o.out,
                           resumed ? fmt::format(" ({} kept from the unfinished sweep)", resumed) : "");
  return 0;
}

}  // namespace neuromesh::app
