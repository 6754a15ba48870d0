#include "sim/app/run.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <thread>
#include <tuple>

#include "models/connectivity.h"
#include "models/continuous_sim.h"
#include "models/functional_sim.h"
#include "models/noc/scheduler.h"
#include "sim/chip/chip_model.h"
#include "sim/chip/chip_trace.h"
#include "sim/chip/rtl_backend.h"
#include "sim/chip/systemc_chip.h"
#include "sim/config/chip_config.h"
#include "sim/config/network_config.h"
#include "sim/dist/chip_ranks.h"
#include "sim/dist/partition.h"
#include "sim/dist/ranks.h"
#include "sim/io/output_set.h"
#include "sim/map/mapper.h"
#include "sim/map/placement_quality.h"
#include "sim/app/calibrate.h"
#include "sim/app/describe.h"
#include "sim/app/estimate.h"
#include "sim/app/progress.h"
#include "sim/app/load.h"
#include "models/neuron_model_registry.h"
#include "sim/report/report.h"

namespace neuromesh::app {

namespace {

// Both simulation modes behind one face: step, then read spikes and state.
class Simulation {
 public:
  virtual ~Simulation() = default;
  virtual void step() = 0;
  virtual const std::vector<uint32_t>& spiked(uint32_t p) const = 0;
  // Continuous time: the integration substep of each spike of spiked(p).
  virtual const std::vector<uint64_t>& spike_substeps(uint32_t p) const = 0;
  virtual int64_t probe(uint32_t p, uint32_t var, uint32_t i) const = 0;
  // Whether this process computes neuron i of population p (a run spread over MPI ranks).
  virtual bool owns(uint32_t, uint32_t) const { return true; }
  // Functional modes: what was computed (by this process).
  virtual models::FunctionalCounters counters() const { return {}; }
};

class Functional final : public Simulation {
 public:
  Functional(const models::Network& n, const models::ExpandedNetwork& ex, uint32_t threads,
             const models::Share& share = {}, models::SpikeExchange exchange = nullptr)
      : sim(n, ex, threads, share, std::move(exchange)) {}
  void step() override { sim.step(); }
  const std::vector<uint32_t>& spiked(uint32_t p) const override { return sim.spiked(p); }
  const std::vector<uint64_t>& spike_substeps(uint32_t) const override { return none_; }
  int64_t probe(uint32_t p, uint32_t var, uint32_t i) const override { return sim.probe(p, var, i); }
  bool owns(uint32_t p, uint32_t i) const override { return sim.owns(p, i); }
  models::FunctionalCounters counters() const override { return sim.counters(); }
  models::FunctionalSim sim;

 private:
  std::vector<uint64_t> none_;
};

// The functional mode of an analog chip: the same neuron units in continuous time, events
// delivered after the fabric's zero-load latency.
class FunctionalAnalog final : public Simulation {
 public:
  FunctionalAnalog(const Loaded& l, const models::AdexCalibration* cal)
      : sim(l.net, l.ex, continuous_timing(l, cal)) {}
  void step() override { sim.step(); }
  const std::vector<uint32_t>& spiked(uint32_t p) const override { return sim.spiked(p); }
  const std::vector<uint64_t>& spike_substeps(uint32_t p) const override { return sim.spike_substeps(p); }
  int64_t probe(uint32_t p, uint32_t var, uint32_t i) const override { return sim.probe(p, var, i); }
  models::FunctionalCounters counters() const override { return sim.counters(); }
  models::ContinuousSim sim;
};

class Cycle : public Simulation {
 public:
  virtual chip::ChipModel& model() = 0;
  const std::vector<uint32_t>& spiked(uint32_t p) const override {
    return const_cast<Cycle*>(this)->model().spiked(p);
  }
  const std::vector<uint64_t>& spike_substeps(uint32_t p) const override {
    return const_cast<Cycle*>(this)->model().spike_substeps(p);
  }
  int64_t probe(uint32_t p, uint32_t var, uint32_t i) const override {
    return const_cast<Cycle*>(this)->model().probe(p, var, i);
  }
  bool owns(uint32_t p, uint32_t i) const override { return const_cast<Cycle*>(this)->model().owns(p, i); }
  std::vector<chip::StepRecord> records;
};

// The chip's plain C++ timing model under its own event calendar; spread over MPI ranks when
// `ranks` is given (each computes its chips, sim/dist/chip_ranks.h).
class CycleCalendar final : public Cycle {
 public:
  CycleCalendar(const Loaded& l, const models::AdexCalibration* cal, std::unique_ptr<dist::ChipRanks> ranks = nullptr)
      : share(std::move(ranks)), chip(l.chip, l.net, l.ex, l.placement, sched, true, cal, share.get()) {}
  void step() override {
    chip.begin_step();
    if (share) share->run_step(sched, chip.noc());
    else if (chip.analog().substeps_per_cycle) sched.run_until(chip.window_end());
    else sched.run();
    records.push_back(chip.end_step());
  }
  chip::ChipModel& model() override { return chip; }
  models::noc::CalendarScheduler sched;
  std::unique_ptr<dist::ChipRanks> share;
  chip::ChipModel chip;
};

// The SystemC chip: the same models inside SystemC modules under the SystemC kernel.
class CycleSystemC final : public Cycle {
 public:
  CycleSystemC(const Loaded& l, const models::AdexCalibration* cal, uint64_t quantum)
      : chip(l.chip, l.net, l.ex, l.placement, true, cal, quantum) {}
  void step() override { records.push_back(chip.step()); }
  chip::ChipModel& model() override { return chip.model(); }
  chip::sc::SystemCChip chip;
};

}  // namespace

namespace {

// `neuromesh map --compare`: the network loaded once, placed by every strategy (and the
// placement file, when given), one column each.
int compare_placements(const MapOptions& o) {
  Loaded l = load_unplaced(o.chip, o.network, o.seed, o.overrides);
  if (!o.placement.empty()) place(l, o.chip, o.network, "", o.placement);
  struct Column {
    std::string name;
    std::string error;
    map::PlacementQuality q;
  };
  std::vector<Column> cols;
  if (!o.placement.empty()) {
    cols.push_back({"file", "", map::placement_quality(l.chip, l.net, l.ex, l.placement)});
  }
  for (const auto& name : map::strategy_names()) {
    Column c{name, "", {}};
    try {
      place(l, o.chip, o.network, name, "");
      c.q = map::placement_quality(l.chip, l.net, l.ex, l.placement);
    } catch (const map::MapError& e) {
      c.error = e.what();
    }
    cols.push_back(std::move(c));
  }
  std::cout << fmt::format("placements of network '{}' on chip '{}'\n", l.net.name, l.chip.name);
  auto row = [&](const std::string& label, auto&& cell) {
    std::string s = fmt::format("{:<30}", label);
    for (const auto& c : cols) s += fmt::format(" {:>18}", c.error.empty() ? cell(c.q) : "-");
    std::cout << s << "\n";
  };
  {
    std::string s = fmt::format("{:<30}", "strategy");
    for (const auto& c : cols) s += fmt::format(" {:>18}", c.name);
    std::cout << s << "\n";
  }
  row("cores used", [](const map::PlacementQuality& q) { return std::to_string(q.cores_used); });
  row("packets per all-spike step", [](const map::PlacementQuality& q) { return std::to_string(q.packets); });
  row("hops per packet", [](const map::PlacementQuality& q) { return fmt::format("{:.3f}", q.hops_per_packet()); });
  row("most loaded link packets", [](const map::PlacementQuality& q) { return std::to_string(q.link_packets); });
  row("most loaded link", [](const map::PlacementQuality& q) {
    return q.link_port.empty() ? std::string("none") : fmt::format("{},{} {}", q.link_x, q.link_y, q.link_port);
  });
  row("most loaded core synapses", [](const map::PlacementQuality& q) { return std::to_string(q.core_synapses); });
  const auto& any = std::find_if(cols.begin(), cols.end(), [](const Column& c) { return c.error.empty(); });
  if (any != cols.end()) {
    std::cout << fmt::format("lower bound on cores {} (by neurons {}, synaptic memory {}, fan-in {})\n",
                             any->q.bound, any->q.bound_neurons, any->q.bound_memory, any->q.bound_fan_in);
  }
  for (const auto& c : cols) {
    if (!c.error.empty()) std::cout << fmt::format("{}: does not fit: {}\n", c.name, c.error);
  }
  return 0;
}

}  // namespace

int map_command(const MapOptions& o) {
  if (o.compare) return compare_placements(o);
  const Loaded l = load_and_map(o.chip, o.network, o.strategy, o.seed, o.overrides, o.placement);
  std::unique_ptr<io::OutputSet> out;
  if (!o.write_placement.empty()) {
    std::vector<std::string> inputs = {o.chip, o.network};
    if (!o.placement.empty()) inputs.push_back(o.placement);
    out = std::make_unique<io::OutputSet>(inputs);
    out->add(o.write_placement, "--write-placement");
    out->write(o.write_placement, map::placement_csv(l.chip, l.net, l.placement));
    out->commit();
  }
  std::cout << map::describe_placement(l.chip, l.net, l.placement);
  std::cout << map::describe_quality(l.chip, map::placement_quality(l.chip, l.net, l.ex, l.placement));
  const RunEstimate cyc = estimate_run(l, "cycle", "systemc", 1000);
  const RunEstimate fun = estimate_run(l, "functional", "", 1000);
  std::cout << "a 1000-step cycle-accurate run (SystemC kernel): " << cyc.text() << "\n";
  std::cout << "a 1000-step functional run: " << fun.text() << "\n";
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::cout << fmt::format("timing: load {:.2f} s, expand {:.2f} s, place {:.2f} s; peak RSS {:.0f} MiB "
                           "({:.1f} bytes per synapse)\n",
                           l.load_seconds, l.expand_seconds, l.map_seconds,
                           double(u.ru_maxrss) / 1024.0,
                           l.ex.total_synapses ? double(u.ru_maxrss) * 1024.0 / double(l.ex.total_synapses) : 0.0);
  if (out) std::cout << "wrote " << o.write_placement << "\n";
  return 0;
}

namespace {

// Inconsistent options are refused before anything is loaded.
void check_options(const RunOptions& o) {
  if (o.neuron_backend == "rtl" && o.mode != "cycle") {
    throw map::MapError("--neuron-backend rtl needs --mode cycle (the RTL runs inside the chip)");
  }
  if (!o.trace.empty() && o.mode != "cycle") {
    throw map::MapError("--trace needs --mode cycle: the functional mode has no hardware timing");
  }
  if (o.neuron_timing == "unit" && o.mode != "cycle") {
    throw map::MapError("--neuron-timing unit needs --mode cycle: the functional mode has no hardware timing");
  }
  if (o.neuron_timing == "unit" && o.unit_clock_ns <= 0) {
    throw map::MapError("--neuron-timing unit needs --unit-clock-ns: the neuron update unit's clock period, ns");
  }
  if (o.neuron_timing != "unit" && o.unit_clock_ns > 0) {
    throw map::MapError("--unit-clock-ns is used only with --neuron-timing unit");
  }
}

const std::vector<std::string> kCycleOutputs = {"report.json", "steps.csv", "cores.csv",
                                                "links.csv", "report.html"};
const std::vector<std::string> kSystemOutputs = {"chips.csv", "interchip_links.csv"};

// Every output of the run, checked now: the folder and the trace are created and writable,
// and none of them is an input (the chip config, the network or one of its spike files).
void declare_outputs(io::OutputSet& out, const RunOptions& o, bool system) {
  std::vector<std::string> names = {"spikes.csv", "probes.csv"};
  std::vector<std::string> stale;
  if (o.mode == "cycle") names.insert(names.end(), kCycleOutputs.begin(), kCycleOutputs.end());
  else stale = kCycleOutputs;
  if (o.mode == "cycle" && system) names.insert(names.end(), kSystemOutputs.begin(), kSystemOutputs.end());
  else stale.insert(stale.end(), kSystemOutputs.begin(), kSystemOutputs.end());
  out.add_folder(o.out, names, stale, "--out");
  if (!o.trace.empty()) out.add(o.trace, "--trace");
}

// Between a step's neuron updates and its deliveries, every rank's spikes to every rank: each
// rank's per-population lists (count, then neurons) gathered in rank order, then merged.
models::SpikeExchange spike_exchange() {
  struct Buffers {
    std::vector<uint32_t> mine, all;
    std::vector<int> counts;
  };
  auto b = std::make_shared<Buffers>();
  return [b](std::vector<std::vector<uint32_t>*>& spiked) {
    b->mine.clear();
    for (const auto* s : spiked) {
      b->mine.push_back(uint32_t(s->size()));
      b->mine.insert(b->mine.end(), s->begin(), s->end());
    }
    dist::Ranks::world().all_gather(b->mine, b->all, b->counts);
    for (auto* s : spiked) s->clear();
    size_t at = 0;
    for (int count : b->counts) {
      const size_t end = at + size_t(count);
      for (auto* s : spiked) {
        const uint32_t n = b->all[at++];
        s->insert(s->end(), b->all.begin() + long(at), b->all.begin() + long(at + n));
        at += n;
      }
      if (at != end) throw std::runtime_error("spike exchange: a rank sent a malformed list");
    }
    for (auto* s : spiked)
      if (!std::is_sorted(s->begin(), s->end())) std::sort(s->begin(), s->end());
  };
}

// --unit-clock-ns in chip cycles: a whole number of them, at least one.
uint64_t unit_cycles(const RunOptions& o, const config::ChipConfig& chip) {
  const double c = o.unit_clock_ns / chip.clock.cycle_ns;
  const double r = std::round(c);
  if (r < 1 || std::fabs(c - r) > 1e-6 * r || r > 1e12) {
    throw map::MapError(fmt::format("--unit-clock-ns {}: must be a whole number (1 to 10^12) of the chip's "
                                    "{} ns cycles", o.unit_clock_ns, chip.clock.cycle_ns));
  }
  return uint64_t(r);
}

std::unique_ptr<Simulation> make_simulation(const RunOptions& o, Loaded& l, Cycle** cycle,
                                            std::unique_ptr<chip::ChipTrace>& trace,
                                            std::unique_ptr<chip::RtlNeuronBackend>& rtl) {
  const models::AdexCalibration* cal = l.calibration.code.empty() ? nullptr : &l.calibration;
  if (chip::analog_clock(l.chip).substeps_per_cycle && o.threads > 1) {
    throw map::MapError("--threads " + std::to_string(o.threads) + ": an analog chip (" + l.chip.name +
                        ") runs on one thread in either mode");
  }
  // Ranks on one machine share its cores.
  const auto& ranks = dist::Ranks::world();
  const uint32_t threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency() / uint32_t(ranks.local_size()));
  if (o.mode != "cycle") {
    if (chip::analog_clock(l.chip).substeps_per_cycle) return std::make_unique<FunctionalAnalog>(l, cal);
    if (!ranks.distributed()) return std::make_unique<Functional>(l.net, l.ex, threads);
    const dist::Partition part = dist::partition_chips(l.chip, l.placement, uint32_t(ranks.size()));
    const models::Share share = dist::share_of(l.chip, l.placement, part, uint32_t(ranks.rank()));
    auto f = std::make_unique<Functional>(l.net, l.ex, threads, share, spike_exchange());
    // This rank's simulator holds its own copy of the synapses that end on its neurons.
    for (auto& t : l.ex.tables) {
      std::vector<models::Synapse>().swap(t.synapses);
      std::vector<uint64_t>().swap(t.row);
    }
    return f;
  }
  std::unique_ptr<Cycle> c;
  if (dist::Ranks::world().distributed()) {
    c = std::make_unique<CycleCalendar>(l, cal, std::make_unique<dist::ChipRanks>(l.chip, l.placement, dist::Ranks::world()));
  } else if (o.kernel == "systemc") {
    c = std::make_unique<CycleSystemC>(l, cal, o.quantum ? o.quantum : chip::sc::kDefaultQuantum);
  } else {
    c = std::make_unique<CycleCalendar>(l, cal);
  }
  *cycle = c.get();
  c->model().set_threads(threads);
  if (!o.trace.empty()) trace = std::make_unique<chip::ChipTrace>(c->model(), o.trace_first, o.trace_last);
  if (o.neuron_backend == "rtl") {
    rtl = std::make_unique<chip::RtlNeuronBackend>();
    c->model().neuron_backend = rtl.get();
  }
  if (o.neuron_timing == "unit") c->model().unit_cycles = unit_cycles(o, l.chip);
  // The cores hold their own synaptic memories now: the expanded tables and the mapper's
  // per-axon lists can go.
  l.ex = models::ExpandedNetwork{};
  for (auto& cm : l.placement.cores) std::vector<map::AxonList>().swap(cm.axons);
  return c;
}

// Appends to an output file as the run goes, in large blocks.
class Stream {
 public:
  explicit Stream(std::FILE* f) : f_(f) {}
  fmt::memory_buffer& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= (size_t{1} << 20)) flush();
  }
  void flush() {
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      throw std::runtime_error(std::string("cannot write an output: ") + std::strerror(errno));
    }
    buf_.clear();
  }

 private:
  std::FILE* f_;
  fmt::memory_buffer buf_;
};

// How spike and probe times are written: steps, or biological ms (analog chips).
struct TimeBase {
  bool analog = false;
  double substep_bio_ns = 0;
  uint64_t window_substeps = 0;
  // Biological time of substep s in ms with ns resolution, from an integer (exact, same bytes).
  std::string ms(uint64_t s) const {
    const uint64_t ns = uint64_t(std::llround(double(s) * substep_bio_ns));
    return fmt::format("{}.{:06}", ns / 1000000, ns % 1000000);
  }
};
TimeBase time_base(const config::ChipConfig& chip) {
  const chip::AnalogClock a = chip::analog_clock(chip);
  TimeBase tb;
  tb.analog = a.substeps_per_cycle != 0;
  tb.substep_bio_ns = a.substep_bio_ns;
  tb.window_substeps = a.window_cycles * a.substeps_per_cycle;
  return tb;
}
// An integer of 10^-decimals units as a decimal number.
std::string fixed_point(int64_t v, int decimals) {
  if (decimals == 0) return std::to_string(v);
  int64_t scale = 1;
  for (int d = 0; d < decimals; ++d) scale *= 10;
  const uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  return fmt::format("{}{}.{:0{}}", v < 0 ? "-" : "", mag / uint64_t(scale), mag % uint64_t(scale), decimals);
}

// Steps the simulation, streaming spikes and probes into their staging files. Returns the
// wall-clock seconds of the stepping.
// Analog chips: the membrane potential of the first probed neurons, kept for report.html.
constexpr size_t kMaxTraces = 16;
std::vector<report::Trace> trace_slots(const models::Network& net, bool analog) {
  std::vector<report::Trace> t;
  if (!analog) return t;
  const auto& registry = models::NeuronModelRegistry::instance();
  for (const auto& pr : net.probes) {
    const auto& model = registry.get(net.populations[pr.population].model);
    for (uint32_t var : pr.variables) {
      if (model.probes[var] != "v") continue;
      for (uint32_t i : pr.neurons) {
        if (t.size() == kMaxTraces) return t;
        t.push_back({net.populations[pr.population].name, "v", "mV", i, {}, {}});
      }
    }
  }
  return t;
}

// Only rank 0 writes (every rank has every spike after the exchange; probed values come from
// the rank that owns each neuron).
double simulate(const RunOptions& o, const config::ChipConfig& chip, const models::Network& net,
                Simulation& sim, io::OutputSet& out, std::vector<report::Trace>& traces) {
  const auto& registry = models::NeuronModelRegistry::instance();
  const std::filesystem::path dir(o.out);
  auto& ranks = dist::Ranks::world();
  const bool writer = ranks.rank() == 0;
  Stream spikes(writer ? out.open((dir / "spikes.csv").string()) : nullptr);
  Stream probes(writer ? out.open((dir / "probes.csv").string()) : nullptr);
  std::vector<int64_t> probed;
  const TimeBase tb = time_base(chip);
  traces = trace_slots(net, tb.analog);
  std::vector<uint32_t> trace_pop;
  for (const auto& t : traces)
    for (uint32_t p = 0; p < net.populations.size(); ++p)
      if (net.populations[p].name == t.population) trace_pop.push_back(p);
  const int v_var = traces.empty() ? -1 : registry.get(net.populations[trace_pop[0]].model).probe_index("v");
  fmt::format_to(std::back_inserter(spikes.buf()), tb.analog ? "time_ms,population,neuron\n" : "step,population,neuron\n");
  fmt::format_to(std::back_inserter(probes.buf()), tb.analog ? "time_ms,population,neuron,variable,value\n"
                                                             : "step,population,neuron,variable,value\n");
  const auto start = std::chrono::steady_clock::now();
  Progress progress("step", o.steps, writer ? o.progress : ProgressMode::never);
  ranks.lockstep = ranks.distributed();
  for (uint64_t t = 0; t < o.steps; ++t) {
    sim.step();
    // Every probed value, in the order they are written.
    probed.clear();
    for (const auto& pr : net.probes)
      for (uint32_t i : pr.neurons)
        for (uint32_t var : pr.variables)
          probed.push_back(sim.owns(pr.population, i) ? sim.probe(pr.population, var, i) : 0);
    ranks.sum(probed);
    if (!writer) continue;
    if (tb.analog) {
      // In time order across populations, so that the rows do not depend on the window length.
      std::vector<std::tuple<uint64_t, uint32_t, uint32_t>> all;
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        const auto& idx = sim.spiked(p);
        for (size_t n = 0; n < idx.size(); ++n) all.emplace_back(sim.spike_substeps(p)[n], p, idx[n]);
      }
      std::sort(all.begin(), all.end());
      for (const auto& [at, p, i] : all) {
        fmt::format_to(std::back_inserter(spikes.buf()), "{},{},{}\n", tb.ms(at), net.populations[p].name, i);
      }
    } else {
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        for (uint32_t i : sim.spiked(p)) {
          fmt::format_to(std::back_inserter(spikes.buf()), "{},{},{}\n", t, net.populations[p].name, i);
        }
      }
    }
    // Analog probes are sampled at the end of each window.
    const std::string when = tb.analog ? tb.ms((t + 1) * tb.window_substeps) : std::to_string(t);
    size_t next = 0;
    for (const auto& pr : net.probes) {
      const std::string& name = net.populations[pr.population].name;
      const auto& model = registry.get(net.populations[pr.population].model);
      for (uint32_t i : pr.neurons) {
        for (uint32_t var : pr.variables) {
          fmt::format_to(std::back_inserter(probes.buf()), "{},{},{},{},{}\n", when, name, i,
                         model.probes[var],
                         fixed_point(probed[next++], model.probe_decimals));
        }
      }
    }
    for (size_t k = 0; k < traces.size(); ++k) {
      traces[k].time_ms.push_back(double((t + 1) * tb.window_substeps) * tb.substep_bio_ns / 1e6);
      traces[k].values.push_back(double(sim.probe(trace_pop[k], uint32_t(v_var), traces[k].neuron)) / 1000.0);
    }
    spikes.maybe_flush();
    probes.maybe_flush();
    progress.update(t + 1);
  }
  if (writer) {
    spikes.flush();
    probes.flush();
  }
  return ranks.max(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

// The cycle mode's reports and trace, into their staging files; returns the exit status.
int finish_cycle(const RunOptions& o, const Loaded& l, const map::PlacementQuality& quality,
                 Cycle& cycle, chip::ChipTrace* trace,
                 uint64_t synapses, double seconds, double peak_mib, io::OutputSet& out,
                 std::vector<report::Trace> traces) {
  const std::filesystem::path dir(o.out);
  report::RunInfo info{o.mode, o.placement.empty() ? o.strategy : "file", o.kernel, o.steps, synapses,
                       o.power_window, o.neuron_backend, {}, {}, {}};
  info.placement_file = o.placement;
  info.quality = quality;
  info.neuron_timing = o.neuron_timing;
  info.unit_clock_ns = o.unit_clock_ns;
  info.unit_cycles = cycle.model().unit_cycles;
  info.traces = std::move(traces);
  const auto rep = report::make_report(l.chip, l.net, l.placement, cycle.model(), cycle.records,
                                       info, describe_chip(l.chip));
  out.write((dir / "report.json").string(), rep.json);
  out.write((dir / "steps.csv").string(), rep.steps_csv);
  out.write((dir / "cores.csv").string(), rep.cores_csv);
  out.write((dir / "links.csv").string(), rep.links_csv);
  if (l.chip.system.present) {
    out.write((dir / "chips.csv").string(), rep.chips_csv);
    out.write((dir / "interchip_links.csv").string(), rep.interchip_links_csv);
  }
  out.write((dir / "report.html").string(), rep.html);
  if (trace) out.write(o.trace, trace->text());
  out.commit();
  uint64_t cycles = 0, ops = 0;
  for (const auto& r : cycle.records) cycles += r.cycles(), ops += r.synaptic_ops;
  std::cout << fmt::format(
      "ran {} steps of '{}' on '{}' (cycle mode, {} kernel{}{}): {} cycles ({:.6g} us of chip time), {} "
      "synaptic ops; {:.3f} s wall ({:.3g} synaptic ops/s); peak RSS {:.0f} MiB{}\n",
      o.steps, l.net.name, l.chip.name, o.kernel,
      fmt::format(", {} thread{}", cycle.model().threads(), cycle.model().threads() == 1 ? "" : "s"),
      dist::Ranks::world().distributed() ? fmt::format(", {} MPI ranks", dist::Ranks::world().size()) : std::string(),
      cycles, double(cycles) * l.chip.clock.cycle_ns / 1e3, ops, seconds, seconds > 0 ? double(ops) / seconds : 0.0,
      peak_mib, dist::Ranks::world().distributed() ? " (largest rank)" : "");
  std::cout << fmt::format("wrote {0}/spikes.csv, {0}/probes.csv, {0}/report.json, "
                           "{0}/report.html, {0}/steps.csv, {0}/cores.csv, {0}/links.csv{1}\n",
                           o.out, l.chip.system.present ? fmt::format(", {0}/chips.csv, {0}/interchip_links.csv", o.out) : "");
  if (trace) {
    std::cout << fmt::format("wrote {} (steps {} to {})\n", o.trace, o.trace_first,
                             std::min(o.trace_last, o.steps) - 1);
  }
  const auto& model = cycle.model();
  if (model.late_packets() == 0) return 0;
  // The hardware would have lost these spikes (they reach the scheduler after the tick that
  // reads them); the emulation delivered them as programmed, so its spikes are not the chip's.
  const auto& lp = model.late_records().front();
  std::cerr << fmt::format(
      "neuromesh: hardware failure: {} packet(s) arrived after their delivery tick; first: "
      "step {}, {} -> {} axon {}, {} hops, {} cycles late (report.json totals.latency.tick.late)\n",
      model.late_packets(), lp.step,
      lp.src_core < 0 ? std::string("host") : l.chip.cores[uint32_t(lp.src_core)].name,
      l.chip.cores[lp.dst_core].name, lp.axon, lp.hops, lp.arrival - lp.deadline);
  return kExitHardwareFailure;
}

}  // namespace

int run_command(const RunOptions& o) {
  check_options(o);
  auto& ranks = dist::Ranks::world();
  if (ranks.distributed() && o.mode == "cycle" && o.kernel != "calendar") {
    throw map::MapError(fmt::format(
        "--mode cycle across {} MPI ranks runs on the calendar kernel: add --kernel calendar "
        "(its results are the SystemC kernel's; docs/systems.md)", ranks.size()));
  }
  if (ranks.distributed() && !o.trace.empty()) {
    throw map::MapError("--trace records one process's chip: run it without mpirun");
  }
  Loaded l = load_and_map(o.chip, o.network, o.strategy, o.seed, o.overrides, o.placement);
  if (ranks.distributed() && chip::analog_clock(l.chip).substeps_per_cycle) {
    throw map::MapError("an analog chip (" + l.chip.name + ") runs in one process, not over MPI ranks");
  }
  if (o.neuron_backend == "rtl" && chip::analog_clock(l.chip).substeps_per_cycle) {
    throw map::MapError("--neuron-backend rtl: there is no RTL unit of an analog neuron (" + l.chip.name +
                        " is an analog chip); the RTL backend runs Loihi-style LIF cores");
  }
  if (!o.calibration.empty()) {
    if (chip::analog_clock(l.chip).substeps_per_cycle == 0) {
      throw map::MapError("--calibration applies to analog chips; '" + l.chip.name + "' is digital");
    }
    l.calibration = load_calibration(o.calibration, l);
  }
  refuse_if_too_big(estimate_run(l, o.mode, o.kernel, o.steps));
  std::vector<std::string> inputs = {o.chip, o.network};
  if (l.chip.system.present) inputs.push_back(l.chip.system.chip_file);
  if (!o.placement.empty()) inputs.push_back(o.placement);
  if (!o.calibration.empty()) inputs.push_back(o.calibration);
  inputs.insert(inputs.end(), l.net.input_files.begin(), l.net.input_files.end());
  io::OutputSet out(inputs);
  if (!ranks.distributed()) {
    declare_outputs(out, o, l.chip.system.present);
  } else {
    // Rank 0 writes every output; the others learn whether it can before anyone starts.
    std::exception_ptr error;
    if (ranks.rank() == 0) {
      try {
        declare_outputs(out, o, l.chip.system.present);
      } catch (...) {
        error = std::current_exception();
      }
    }
    if (ranks.max(error ? 1 : 0)) {
      if (error) std::rethrow_exception(error);
      throw dist::QuietExit(2);
    }
  }
  const uint64_t synapses = l.ex.total_synapses;
  // For the cycle mode's report, before the chip is built: it releases the synapse tables once
  // its memories hold them.
  const map::PlacementQuality quality = o.mode == "cycle"
                                            ? map::placement_quality(l.chip, l.net, l.ex, l.placement)
                                            : map::PlacementQuality{};
  // Declared before the trace and the RTL backend, so destroyed after them: both refer to it.
  std::unique_ptr<Simulation> sim;
  Cycle* cycle = nullptr;
  std::unique_ptr<chip::ChipTrace> trace;
  std::unique_ptr<chip::RtlNeuronBackend> rtl;
  sim = make_simulation(o, l, &cycle, trace, rtl);
  std::vector<report::Trace> traces;
  const double seconds = simulate(o, l.chip, l.net, *sim, out, traces);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const double peak_mib = ranks.max(double(u.ru_maxrss) / 1024.0);
  if (cycle) {
    // Every rank's counters, then rank 0 writes the reports.
    cycle->model().gather_counters();
    if (const auto* cal = dynamic_cast<const CycleCalendar*>(cycle); cal && cal->share) {
      std::vector<uint64_t> x = {cal->share->messages(), cal->share->windows()};
      ranks.sum(x);
      std::cout << fmt::format("across {} MPI ranks: {} windows of {} cycles, {} flits and credits "
                               "crossed between ranks ({:.1f} per step)\n",
                               ranks.size(), x[1] / uint64_t(ranks.size()), l.chip.system.link.latency_cycles, x[0],
                               o.steps ? double(x[0]) / double(o.steps) : 0.0);
    }
    if (ranks.rank() != 0) return cycle->model().late_packets() ? kExitHardwareFailure : 0;
    return finish_cycle(o, l, quality, *cycle, trace.get(), synapses, seconds, peak_mib, out, std::move(traces));
  }
  models::FunctionalCounters c = sim->counters();
  std::vector<uint64_t> work = {c.spikes, c.synaptic_ops, c.neuron_updates};
  ranks.sum(work);
  c.spikes = work[0], c.synaptic_ops = work[1], c.neuron_updates = work[2];
  if (ranks.rank() == 0) out.commit();
  std::cout << fmt::format(
      "ran {} steps of '{}' on '{}' (functional mode{}): {} spikes, {} input spikes, {} synaptic "
      "ops, {} neuron updates; {} cores used; {:.3f} s ({:.3g} synaptic ops/s); peak RSS {:.0f} MiB{}\n",
      o.steps, l.net.name, l.chip.name,
      ranks.distributed() ? fmt::format(", {} MPI ranks", ranks.size()) : std::string(), c.spikes,
      c.input_spikes, c.synaptic_ops, c.neuron_updates, l.placement.cores_used(), seconds,
      seconds > 0 ? double(c.synaptic_ops) / seconds : 0.0, peak_mib,
      ranks.distributed() ? " (largest rank)" : "");
  std::cout << fmt::format("wrote {0}/spikes.csv and {0}/probes.csv\n", o.out);
  return 0;
}

}  // namespace neuromesh::app
