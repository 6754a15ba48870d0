// CycleQueue (models/noc/scheduler.h) against a second implementation: a std::multimap from
// cycle to (push order, component), which gives the order the wheel must give: cycles ascending,
// one cycle's entries in push order. Random pushes near and far ahead, pushes at the current
// cycle while it is taken, and pushes behind the window (after it turned to a later idle cycle).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "models/noc/scheduler.h"

namespace neuromesh::models::noc {
namespace {

struct Dummy final : Component {
  uint64_t evaluate(uint64_t) override { return kNever; }
};

TEST(CycleQueue, GivesCyclesInOrderAndEachCyclesEntriesInPushOrder) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<Dummy> comps(64);
    CycleQueue q;
    std::multimap<uint64_t, Component*> ref;  // insertion order kept among equal keys
    uint64_t now = 0;
    auto push = [&](uint64_t cycle) {
      Component* c = &comps[rng() % comps.size()];
      q.push(cycle, c);
      ref.emplace(cycle, c);
    };
    std::vector<Component*> got;
    for (int round = 0; round < 3000; ++round) {
      const int pushes = int(rng() % 4);
      for (int k = 0; k < pushes; ++k) {
        const uint64_t r = rng() % 100;
        // Mostly a few cycles ahead, some beyond the wheel, some far beyond it.
        const uint64_t ahead = r < 70 ? rng() % 8 : r < 90 ? rng() % (3 * CycleQueue::kSlots) : rng() % 1000000;
        push(now + ahead);
      }
      if (rng() % 50 == 0 && now > 10) push(now - 1 - rng() % 10);  // behind the window
      ASSERT_EQ(q.empty(), ref.empty());
      if (ref.empty()) continue;
      const uint64_t cycle = q.earliest();
      ASSERT_EQ(cycle, ref.begin()->first) << "seed " << seed << " round " << round;
      q.take(cycle, got);
      std::vector<Component*> want;
      for (auto it = ref.begin(); it != ref.end() && it->first == cycle;) {
        want.push_back(it->second);
        it = ref.erase(it);
      }
      ASSERT_EQ(got, want) << "seed " << seed << " round " << round;
      now = cycle;
      if (rng() % 3 == 0) push(now);  // a wake at the cycle being run
    }
    while (!ref.empty()) {
      const uint64_t cycle = q.earliest();
      ASSERT_EQ(cycle, ref.begin()->first);
      q.take(cycle, got);
      size_t n = 0;
      for (auto it = ref.begin(); it != ref.end() && it->first == cycle; it = ref.erase(it)) ++n;
      ASSERT_EQ(got.size(), n);
    }
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.earliest(), kNever);
  }
}

}  // namespace
}  // namespace neuromesh::models::noc
