// Threads for the cores' arithmetic in the cycle-accurate mode (--threads N): the calling thread
// runs the event kernel (routers, terminals, the cores' timing), and N - 1 workers integrate the
// spike packets the cores received (each worker owns a fixed set of cores and takes their packets
// in the order the kernel delivered them, through a single-producer single-consumer ring), so a
// step's synaptic arithmetic overlaps its NoC simulation. run() spreads one phase (the neuron
// updates at the start of a step) over every thread, the caller included.
//
// Exactness: a packet's timing (cycles, words read) depends only on its axon's list, never on
// the integrated values, so the kernel never waits for a worker within a step; the workers must
// only finish before the next step reads the sums (drain()). Each core's packets are integrated
// in delivery order, by one thread, into integer sums: outputs are the same bytes for any N.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace neuromesh::chip {

class CoreThreads {
 public:
  struct Packet {
    uint32_t core;     // the core's slot in the chip model
    uint32_t axon;
    int64_t payload;
  };
  // Integrates `p`; `far` and `near` (null at the end of what is published) are packets a few
  // places behind it in the same queue, to prefetch for.
  using Integrate = void (*)(void* ctx, const Packet& p, const Packet* near, const Packet* far);

  // `threads` counts the caller: threads - 1 workers (at least one).
  CoreThreads(uint32_t threads, Integrate integrate, void* ctx);
  ~CoreThreads();
  CoreThreads(const CoreThreads&) = delete;
  CoreThreads& operator=(const CoreThreads&) = delete;

  uint32_t threads() const { return uint32_t(workers_.size()) + 1; }
  // The worker (0-based) that integrates core slot `core`'s packets.
  uint32_t worker_of(uint32_t core) const { return core % uint32_t(workers_.size()); }
  // Queues a packet for worker `worker` (worker_of(p.core)), published in batches. The worker's
  // position is read only when the ring looks full from the last reading (it lives on the
  // worker's cache line).
  void push(uint32_t worker, const Packet& p) {
    Worker& w = *workers_[worker];
    if (w.local_tail - w.seen_head >= kRing) {
      for (;;) {
        w.seen_head = w.head.load(std::memory_order_acquire);
        if (w.local_tail - w.seen_head < kRing) break;
        publish(w);   // full: let the worker catch up
      }
    }
    w.ring[w.local_tail & (kRing - 1)] = p;
    if ((++w.local_tail & (kBatch - 1)) == 0) publish(w);
  }
  // Returns once every queued packet is integrated.
  void drain();
  // Drains, then calls f(k) for every thread k in [0, threads()), k = 0 on the caller, and
  // returns when all have finished (rethrowing the first exception).
  void run(const std::function<void(uint32_t)>& f);

 private:
  static constexpr uint64_t kRing = 1u << 16;   // packets per worker ring (a power of two)
  static constexpr uint64_t kBatch = 64;        // packets per publication
  static constexpr int kSpins = 4000;           // polls before a worker sleeps
  static constexpr uint64_t kNear = 4, kFar = 12;   // prefetch distances (packets)
  struct alignas(64) Worker {
    std::vector<Packet> ring = std::vector<Packet>(kRing);
    alignas(64) std::atomic<uint64_t> head{0};     // next packet to integrate (worker writes)
    alignas(64) std::atomic<uint64_t> tail{0};     // packets published (caller writes)
    uint64_t local_tail = 0;                       // packets queued (caller only)
    uint64_t seen_head = 0;                        // head as the caller last read it
    std::atomic<bool> sleeping{false};
    std::mutex m;
    std::condition_variable cv;
    std::thread thread;
  };
  void publish(Worker& w);
  void wake(Worker& w);
  void work(uint32_t k);

  Integrate integrate_;
  void* ctx_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // The phase run() spreads (generation counts phases; stop ends the workers).
  std::atomic<uint64_t> generation_{0};
  const std::function<void(uint32_t)>* job_ = nullptr;
  std::atomic<uint32_t> pending_{0};
  std::atomic<bool> stop_{false};
  std::mutex error_m_;
  std::exception_ptr error_;
};

}  // namespace neuromesh::chip
