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
  // A hint: a packet carrying `tag` is on its way to this component's terminal (its head flit was
  // switched onto the last link), so what processing it will read can be fetched into the cache.
  virtual void arriving(uint64_t tag) { (void)tag; }
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

// Pending evaluations by cycle, for both event kernels: a wheel of one-cycle buckets over the
// cycles [base, base + kSlots) with a bit per non-empty bucket, and a heap for later cycles, which
// enter the wheel as it turns. Most wakes are a few cycles ahead (a link, a pipeline stage, a
// credit), so a push and a pop are O(1) where a heap costs O(log n) compare-and-swap steps.
// Entries of one cycle come out in the order they were pushed.
class CycleQueue {
 public:
  static constexpr uint64_t kSlots = 4096;  // a power of two

  bool empty() const { return wheel_ == 0 && far_.empty(); }
  void push(uint64_t cycle, Component* c) {
    if (cycle < base_) rebase(cycle);
    if (cycle - base_ < kSlots) {
      const uint64_t i = cycle & (kSlots - 1);
      slot_[i].push_back(c);
      bits_[i >> 6] |= uint64_t{1} << (i & 63);
      ++wheel_;
    } else {
      far_.push({cycle, seq_++, c});
    }
  }
  // The earliest cycle with an entry (kNever: none).
  uint64_t earliest() {
    if (wheel_ == 0) {
      if (far_.empty()) return kNever;
      turn_to(far_.top().cycle);
    }
    const uint64_t b = base_ & (kSlots - 1);
    // The first set bit at or after b, wrapping round the wheel.
    uint64_t w = b >> 6;
    uint64_t m = bits_[w] & (~uint64_t{0} << (b & 63));
    for (uint64_t k = 0; k <= kWords; ++k) {
      if (m) {
        const uint64_t i = (w << 6) | uint64_t(__builtin_ctzll(m));
        return base_ + ((i - b) & (kSlots - 1));
      }
      w = (w + 1) % kWords;
      m = bits_[w];
    }
    return kNever;  // not reached: wheel_ > 0
  }
  // Moves the entries of cycle `cycle` (earliest()) into `out` (cleared first); the wheel turns
  // to `cycle`.
  void take(uint64_t cycle, std::vector<Component*>& out) {
    turn_to(cycle);
    const uint64_t i = cycle & (kSlots - 1);
    out.clear();
    out.swap(slot_[i]);
    bits_[i >> 6] &= ~(uint64_t{1} << (i & 63));
    wheel_ -= out.size();
  }

 private:
  static constexpr uint64_t kWords = kSlots / 64;
  struct Far {
    uint64_t cycle;
    uint64_t seq;   // push order, to keep one cycle's entries in order
    Component* component;
    bool operator<(const Far& o) const {  // min-heap
      return cycle != o.cycle ? cycle > o.cycle : seq > o.seq;
    }
  };
  // Moves the window's start forward to `cycle` (no entry is earlier), taking in the later
  // entries the window now covers.
  void turn_to(uint64_t cycle) {
    if (cycle <= base_) return;
    base_ = cycle;
    pull_far();
  }
  void pull_far() {
    while (!far_.empty() && far_.top().cycle - base_ < kSlots) {
      const Far f = far_.top();
      far_.pop();
      push(f.cycle, f.component);
    }
  }
  // A push before the window (a caller that went back in time, e.g. a process importing events
  // after the wheel turned to a later idle cycle): every wheel entry goes to the heap and the
  // window restarts at `cycle`.
  void rebase(uint64_t cycle) {
    for (uint64_t i = 0; i < kSlots; ++i) {
      const uint64_t at = base_ + ((i - base_) & (kSlots - 1));
      for (Component* c : slot_[i]) far_.push({at, seq_++, c});
      slot_[i].clear();
    }
    for (auto& w : bits_) w = 0;
    wheel_ = 0;
    base_ = cycle;
    pull_far();
  }
  std::vector<Component*> slot_[kSlots];
  uint64_t bits_[kWords] = {};
  uint64_t base_ = 0;
  size_t wheel_ = 0;
  uint64_t seq_ = 0;
  std::priority_queue<Far> far_;
};

// The plain C++ scheduler: evaluations by cycle in a CycleQueue. Stale entries (superseded by an
// earlier wake) are skipped; a component is evaluated at most once per cycle.
class CalendarScheduler : public Scheduler {
 public:
  void wake(Component& c, uint64_t cycle) override {
    if (cycle >= next_wake(c)) return;
    next_wake(c) = cycle;
    queue_.push(cycle, &c);
  }
  // Runs until nothing is scheduled; returns the number of evaluations.
  uint64_t run() { return run_until(kNever); }
  // Runs every evaluation at a cycle before `limit` (later ones stay scheduled).
  uint64_t run_until(uint64_t limit) {
    uint64_t evaluations = 0;
    for (;;) {
      const uint64_t cycle = queue_.earliest();
      if (cycle >= limit) break;
      queue_.take(cycle, batch_);
      now_ = cycle;
      for (Component* comp : batch_) {
        Component& c = *comp;
        if (next_wake(c) != cycle) continue;  // superseded
        next_wake(c) = kNever;
        if (last_eval(c) == cycle) continue;
        last_eval(c) = cycle;
        ++evaluations;
        const uint64_t next = c.evaluate(cycle);
        if (next != kNever) wake(c, next);
      }
    }
    return evaluations;
  }
  uint64_t now() const { return now_; }
  // The earliest scheduled cycle (kNever: nothing). Superseded entries drop out first, so this
  // is a cycle at which some component will be evaluated.
  uint64_t next() {
    for (;;) {
      const uint64_t cycle = queue_.earliest();
      if (cycle == kNever) return kNever;
      queue_.take(cycle, batch_);
      bool live = false;
      for (Component* c : batch_) live |= next_wake(*c) == cycle;
      if (!live) continue;
      for (Component* c : batch_) queue_.push(cycle, c);
      return cycle;
    }
  }

 private:
  CycleQueue queue_;
  std::vector<Component*> batch_;
  uint64_t now_ = 0;
};

}  // namespace neuromesh::models::noc
