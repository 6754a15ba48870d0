#include "sim/chip/core_threads.h"

#include <pthread.h>

#include <string>

namespace neuromesh::chip {

CoreThreads::CoreThreads(uint32_t threads, Integrate integrate, void* ctx)
    : integrate_(integrate), ctx_(ctx) {
  const uint32_t n = threads < 2 ? 1 : threads - 1;
  for (uint32_t k = 0; k < n; ++k) workers_.push_back(std::make_unique<Worker>());
  for (uint32_t k = 0; k < n; ++k) {
    workers_[k]->thread = std::thread([this, k] { work(k); });
    // Named for profilers and debuggers (perf report --comms nm-core-1).
    pthread_setname_np(workers_[k]->thread.native_handle(), ("nm-core-" + std::to_string(k + 1)).c_str());
  }
}

CoreThreads::~CoreThreads() {
  stop_.store(true);
  generation_.fetch_add(1);
  for (auto& w : workers_) wake(*w);
  for (auto& w : workers_) w->thread.join();
}

void CoreThreads::wake(Worker& w) {
  if (w.sleeping.load()) {
    std::lock_guard<std::mutex> lock(w.m);
    w.cv.notify_one();
  }
}

void CoreThreads::publish(Worker& w) {
  w.tail.store(w.local_tail);   // sequentially consistent: pairs with the worker's sleeping flag
  wake(w);
  if (w.local_tail - w.head.load(std::memory_order_acquire) >= kRing) std::this_thread::yield();
}

void CoreThreads::drain() {
  for (auto& w : workers_) {
    if (w->tail.load(std::memory_order_relaxed) != w->local_tail) publish(*w);
  }
  for (auto& w : workers_) {
    while (w->head.load(std::memory_order_acquire) != w->local_tail) std::this_thread::yield();
  }
}

void CoreThreads::run(const std::function<void(uint32_t)>& f) {
  drain();
  error_ = nullptr;
  job_ = &f;
  pending_.store(uint32_t(workers_.size()));
  generation_.fetch_add(1);
  for (auto& w : workers_) wake(*w);
  std::exception_ptr mine;
  try {
    f(0);
  } catch (...) {
    mine = std::current_exception();
  }
  while (pending_.load() != 0) std::this_thread::yield();
  job_ = nullptr;
  if (mine) std::rethrow_exception(mine);
  if (error_) std::rethrow_exception(error_);
}

void CoreThreads::work(uint32_t k) {
  Worker& w = *workers_[k];
  uint64_t seen = 0;
  int spins = 0;
  for (;;) {
    uint64_t head = w.head.load(std::memory_order_relaxed);
    const uint64_t tail = w.tail.load(std::memory_order_acquire);
    if (head != tail) {
      for (; head != tail; ++head) {
        const Packet* near = head + kNear < tail ? &w.ring[(head + kNear) & (kRing - 1)] : nullptr;
        const Packet* far = head + kFar < tail ? &w.ring[(head + kFar) & (kRing - 1)] : nullptr;
        integrate_(ctx_, w.ring[head & (kRing - 1)], near, far);
      }
      w.head.store(head, std::memory_order_release);
      spins = 0;
      continue;
    }
    const uint64_t g = generation_.load();
    if (g != seen) {
      seen = g;
      if (stop_.load()) return;
      try {
        (*job_)(k + 1);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_m_);
        if (!error_) error_ = std::current_exception();
      }
      pending_.fetch_sub(1);
      spins = 0;
      continue;
    }
    if (++spins < kSpins) {
      std::this_thread::yield();
      continue;
    }
    std::unique_lock<std::mutex> lock(w.m);
    w.sleeping.store(true);
    w.cv.wait(lock, [&] { return w.tail.load() != w.head.load() || generation_.load() != seen; });
    w.sleeping.store(false);
    spins = 0;
  }
}

}  // namespace neuromesh::chip
