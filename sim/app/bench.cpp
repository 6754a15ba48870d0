#include "sim/app/bench.h"
#include "sim/app/load.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "models/connectivity.h"
#include "models/noc/scheduler.h"
#include "sim/chip/chip_model.h"
#include "sim/chip/systemc_chip.h"
#include "sim/config/chip_config.h"
#include "sim/config/network_config.h"
#include "sim/map/mapper.h"

namespace neuromesh::app {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
uint64_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return uint64_t(u.ru_maxrss) * 1024;  // Linux reports KiB
}
}  // namespace

int bench_command(const BenchOptions& o) {
  if (o.quantum && o.kernel != "systemc") throw map::MapError("--quantum applies to --kernel systemc only");
  const auto t0 = Clock::now();
  Loaded l = load_and_map(o.chip, o.network, o.strategy, std::nullopt, o.overrides);
  const auto& chip = l.chip;
  const auto& net = l.net;
  auto& ex = l.ex;
  const auto& pl = l.placement;
  const uint64_t synapses = ex.total_synapses;

  std::unique_ptr<models::noc::CalendarScheduler> sched;
  std::unique_ptr<chip::ChipModel> plain;
  std::unique_ptr<chip::sc::SystemCChip> sc_chip;
  const uint64_t quantum = o.kernel == "systemc" ? (o.quantum ? o.quantum : chip::sc::kDefaultQuantum) : 0;
  if (o.kernel == "systemc") {
    sc_chip = std::make_unique<chip::sc::SystemCChip>(chip, net, ex, pl, /*release=*/true, nullptr,
                                                      quantum);
  } else {
    sched = std::make_unique<models::noc::CalendarScheduler>();
    plain = std::make_unique<chip::ChipModel>(chip, net, ex, pl, *sched, /*release=*/true);
  }
  ex = models::ExpandedNetwork{};  // the cores hold their synaptic memories now
  chip::ChipModel& model = sc_chip ? sc_chip->model() : *plain;
  model.set_threads(o.threads);
  const double setup = since(t0);

  const auto t1 = Clock::now();
  uint64_t cycles = 0, ops = 0, packets = 0, flit_hops = 0, spikes = 0;
  Progress progress("step", o.steps, o.progress);
  for (uint64_t t = 0; t < o.steps; ++t) {
    chip::StepRecord r;
    if (sc_chip) {
      r = sc_chip->step();
    } else {
      model.begin_step();
      sched->run();
      r = model.end_step();
    }
    cycles += r.cycles();
    ops += r.synaptic_ops;
    packets += r.packets;
    flit_hops += r.flit_hops;
    spikes += r.spikes;
    progress.update(t + 1);
  }
  const double run = since(t1);
  uint64_t updates = 0;
  for (const auto& k : model.cores())
    updates += k->counters.neuron_updates_active + k->counters.neuron_updates_inactive;
  const uint64_t rss = peak_rss_bytes();
  const std::string json = fmt::format(
      "{{\"network\": \"{}\", \"chip\": \"{}\", \"kernel\": \"{}\", \"quantum\": {}, \"threads\": {}, \"steps\": {}, "
      "\"synapses\": {}, \"synaptic_events\": {}, \"spikes\": {}, \"packets\": {}, "
      "\"flit_hops\": {}, \"simulated_cycles\": {}, \"setup_seconds\": {:.3f}, "
      "\"run_seconds\": {:.3f}, \"synaptic_events_per_second\": {:.0f}, "
      "\"neuron_updates_per_second\": {:.0f}, \"simulated_cycles_per_second\": {:.0f}, "
      "\"packets_per_second\": {:.0f}, \"flit_hops_per_second\": {:.0f}, "
      "\"peak_rss_bytes\": {}, \"bytes_per_synapse\": {:.2f}}}",
      net.name, chip.name, o.kernel, quantum, model.threads(), o.steps, synapses, ops, spikes, packets, flit_hops, cycles,
      setup, run, double(ops) / run, double(updates) / run, double(cycles) / run,
      double(packets) / run, double(flit_hops) / run, rss, double(rss) / double(synapses));
  if (o.json) {
    std::cout << json << "\n";
  } else {
    std::cout << fmt::format(
        "{} on {} ({} kernel, {} threads), {} steps: {:.3g} synaptic events/s, {:.3g} neuron updates/s, "
        "{:.3g} simulated cycles/s, {:.3g} packets/s, {:.3g} flit-hops/s; peak RSS {:.1f} MiB = "
        "{:.1f} bytes per synapse; setup {:.2f} s, run {:.2f} s\n",
        net.name, chip.name, o.kernel, model.threads(), o.steps, double(ops) / run, double(updates) / run,
        double(cycles) / run, double(packets) / run, double(flit_hops) / run,
        double(rss) / (1 << 20), double(rss) / double(synapses), setup, run);
  }
  return 0;
}

}  // namespace neuromesh::app
