#include "sim/app/estimate.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace neuromesh::app {

namespace {

// Per-item costs, measured with /usr/bin/time on bench_layered, synfire on 64..256-square
// meshes and 2,000 vs 20,000-step runs (docs/reliability.md, "Memory estimate"); rounded up.
constexpr double kCycleBytesPerSynapse = 8;       // packed synapses, routes, axon tables
constexpr double kFunctionalBytesPerSynapse = 8;  // per-thread copies of the tables (4 packed)
constexpr double kBytesPerNeuron = 128;           // state, parameters, accumulators, flags
constexpr double kBytesPerDelaySlot = 8;          // one accumulator per neuron, channel, slot
constexpr double kCalendarBytesPerRouter = 5500;  // router, 4 terminals, their buffers
constexpr double kSystemCBytesPerRouter = 16000;  // the same plus SystemC modules and events
constexpr double kCycleBytesPerStep = 6000;       // step record, its JSON and CSV rows
constexpr double kNeuronUpdatesPerSecond = 2e8;   // a fast machine's functional mode: a bound

uint64_t resident_bytes() {
  std::ifstream f("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * uint64_t(::sysconf(_SC_PAGESIZE));
}

uint64_t available_bytes() {
  std::ifstream f("/proc/meminfo");
  std::string key, unit;
  uint64_t kb = 0;
  while (f >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

std::string gib(double b) { return fmt::format("{:.2f} GiB", b / double(uint64_t{1} << 30)); }

}  // namespace

RunEstimate estimate_run(const Loaded& l, const std::string& mode, const std::string& kernel,
                         uint64_t steps) {
  RunEstimate e;
  e.now_bytes = resident_bytes();
  e.available_bytes = available_bytes();
  uint64_t neurons = 0, slots = 0;
  for (const auto& p : l.net.populations) neurons += p.size;
  for (const auto& t : l.ex.tables) slots += uint64_t(l.net.populations[t.to].size) * (t.max_delay + 1) * 4;
  const bool cycle = mode == "cycle";
  const double synapses = double(l.ex.total_synapses);
  double more = double(neurons) * kBytesPerNeuron + double(slots) * kBytesPerDelaySlot +
                synapses * (cycle ? kCycleBytesPerSynapse : kFunctionalBytesPerSynapse);
  if (cycle) {
    const double routers = double(l.chip.mesh.width) * l.chip.mesh.height;
    more += routers * (kernel == "systemc" ? kSystemCBytesPerRouter : kCalendarBytesPerRouter);
    more += double(steps) * kCycleBytesPerStep;
  }
  e.more_bytes = uint64_t(std::min(more, 1.8e19));
  e.min_seconds = double(steps) * double(neurons) / kNeuronUpdatesPerSecond;
  return e;
}

std::string RunEstimate::text() const {
  std::string s = fmt::format("estimated memory: {} resident now + {} for the run = {}",
                              gib(double(now_bytes)), gib(double(more_bytes)),
                              gib(double(now_bytes) + double(more_bytes)));
  if (available_bytes) s += fmt::format(" (the machine has {} available)", gib(double(available_bytes)));
  s += fmt::format("; time: at least {:.3g} s (neuron updates alone)", min_seconds);
  return s;
}

void refuse_if_too_big(const RunEstimate& e) {
  if (e.available_bytes == 0 || e.more_bytes <= e.available_bytes) return;
  throw map::MapError("this run would not fit in memory: " + e.text() +
                      ". Run fewer steps, a smaller mesh or network, or --mode functional");
}

}  // namespace neuromesh::app
