// Event-driven cycle scheduling for the chip's timing models. A component is evaluated only at
// cycles where something can happen; evaluate(c) returns the next cycle it needs (or kNever).
//
// Discipline that makes any evaluation order within one cycle give the same result: a
// component's decision at cycle c depends only on state stamped <= c, and everything it hands to
// another component is stamped > c (every link, credit and memory latency is >= 1 cycle).
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace neuromesh::models::noc {

constexpr uint64_t kNever = UINT64_MAX;

class Scheduler;

class Component {
 public:
  virtual ~Component() = default;
  // Does the work of cycle `c`; returns the next cycle at which it must be evaluated.
  virtual uint64_t evaluate(uint64_t c) = 0;
  // For a scheduler's own bookkeeping (the SystemC scheduler keeps the component's process here).
  void* kernel_handle = nullptr;

 private:
  friend class Scheduler;
  friend class CalendarScheduler;
  uint64_t next_wake_ = kNever;   // earliest pending wake
  uint64_t last_eval_ = kNever;   // cycle of the last evaluation
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Asks for `c` to be evaluated at `cycle` (or earlier, if it already asked for earlier).
  virtual void wake(Component& c, uint64_t cycle) = 0;

 protected:
  static uint64_t& next_wake(Component& c) { return c.next_wake_; }
  static uint64_t& last_eval(Component& c) { return c.last_eval_; }
};

// The plain C++ scheduler: a binary heap of (cycle, component). Stale entries (superseded by an
// earlier wake) are skipped; a component is evaluated at most once per cycle.
class CalendarScheduler : public Scheduler {
 public:
  void wake(Component& c, uint64_t cycle) override {
    if (cycle >= next_wake(c)) return;
    next_wake(c) = cycle;
    heap_.push({cycle, &c});
  }
  // Runs until nothing is scheduled; returns the number of evaluations.
  uint64_t run() { return run_until(kNever); }
  // Runs every evaluation at a cycle before `limit` (later ones stay scheduled).
  uint64_t run_until(uint64_t limit) {
    uint64_t evaluations = 0;
    while (!heap_.empty() && heap_.top().cycle < limit) {
      const Entry e = heap_.top();
      heap_.pop();
      Component& c = *e.component;
      if (next_wake(c) != e.cycle) continue;  // superseded
      next_wake(c) = kNever;
      if (last_eval(c) == e.cycle) continue;
      last_eval(c) = e.cycle;
      now_ = e.cycle;
      ++evaluations;
      const uint64_t next = c.evaluate(e.cycle);
      if (next != kNever) wake(c, next);
    }
    return evaluations;
  }
  uint64_t now() const { return now_; }
  // The earliest scheduled cycle (kNever: nothing). Superseded entries drop out first, so this
  // is a cycle at which some component will be evaluated.
  uint64_t next() {
    while (!heap_.empty() && next_wake(*heap_.top().component) != heap_.top().cycle) heap_.pop();
    return heap_.empty() ? kNever : heap_.top().cycle;
  }

 private:
  struct Entry {
    uint64_t cycle;
    Component* component;
    bool operator<(const Entry& o) const { return cycle > o.cycle; }  // min-heap
  };
  std::priority_queue<Entry> heap_;
  uint64_t now_ = 0;
};

}  // namespace neuromesh::models::noc
