// CoreThreads (sim/chip/core_threads.h) on its own: every packet is integrated exactly once, by
// the one worker that owns its core, in the order it was pushed, and all of them before drain()
// returns; the rings wrap many times over; run() gives every thread its index once per phase and
// brings a worker's exception back to the caller.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/chip/core_threads.h"

namespace neuromesh::chip {
namespace {

struct Log {
  static constexpr uint32_t kCores = 37;
  std::vector<std::vector<uint32_t>> seen = std::vector<std::vector<uint32_t>>(kCores);  // axons
  std::vector<std::thread::id> owner = std::vector<std::thread::id>(kCores);
  std::atomic<uint64_t> lookahead{0};
  bool wrong_owner = false;
};

void record(void* ctx, const CoreThreads::Packet& p, const CoreThreads::Packet* near,
            const CoreThreads::Packet* far) {
  Log& log = *static_cast<Log*>(ctx);
  // One worker per core: the core's log is touched by that thread only.
  if (log.owner[p.core] == std::thread::id()) log.owner[p.core] = std::this_thread::get_id();
  if (log.owner[p.core] != std::this_thread::get_id()) log.wrong_owner = true;
  log.seen[p.core].push_back(p.axon);
  if (near || far) log.lookahead.fetch_add(1, std::memory_order_relaxed);
}

TEST(CoreThreads, EachCoresPacketsOnceInOrderByOneWorkerBeforeDrainReturns) {
  for (uint32_t threads : {2u, 3u, 5u}) {
    Log log;
    CoreThreads ct(threads, record, &log);
    ASSERT_EQ(ct.threads(), threads);
    std::vector<std::vector<uint32_t>> sent(Log::kCores);
    uint64_t x = 12345;
    // Several steps; the first has more packets than a ring holds, so the caller waits on a
    // full ring and the rings wrap.
    for (int step = 0; step < 4; ++step) {
      const uint32_t n = step == 0 ? 300000 : 5000 * uint32_t(step);
      for (uint32_t k = 0; k < n; ++k) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t core = uint32_t(x >> 33) % Log::kCores;
        const uint32_t axon = uint32_t(sent[core].size());
        sent[core].push_back(axon);
        ct.push(ct.worker_of(core), {core, axon, int64_t(k)});
      }
      ct.drain();
      for (uint32_t c = 0; c < Log::kCores; ++c) {
        ASSERT_EQ(log.seen[c], sent[c]) << threads << " threads, step " << step << ", core " << c;
      }
    }
    EXPECT_FALSE(log.wrong_owner);
    EXPECT_GT(log.lookahead.load(), 0u);  // the prefetch hints are offered
  }
}

TEST(CoreThreads, RunGivesEveryThreadItsIndexAndReturnsAWorkersException) {
  Log log;
  CoreThreads ct(3, record, &log);
  for (int phase = 0; phase < 200; ++phase) {
    std::mutex m;
    std::multiset<uint32_t> got;
    ct.run([&](uint32_t k) {
      std::lock_guard<std::mutex> lock(m);
      got.insert(k);
    });
    ASSERT_EQ(got, (std::multiset<uint32_t>{0, 1, 2})) << "phase " << phase;
  }
  EXPECT_THROW(ct.run([](uint32_t k) {
                 if (k == 2) throw std::runtime_error("worker 2 failed");
               }),
               std::runtime_error);
  // The pool still works after an exception.
  std::atomic<uint32_t> calls{0};
  ct.run([&](uint32_t) { calls.fetch_add(1); });
  EXPECT_EQ(calls.load(), 3u);
}

}  // namespace
}  // namespace neuromesh::chip
