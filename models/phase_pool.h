// A fixed set of threads that run one phase of a step together: run(f) calls f(k) for every
// k in [0, threads), k = 0 on the calling thread, and returns when all have finished (a
// barrier). Phases are short (a timestep is often well under a millisecond), so a waiting
// thread spins briefly before it sleeps. Plain C++17 threads; used by the functional
// simulator's --threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace neuromesh::models {

class PhasePool {
 public:
  explicit PhasePool(uint32_t threads) : threads_(threads < 1 ? 1 : threads) {
    for (uint32_t k = 1; k < threads_; ++k) workers_.emplace_back([this, k] { work(k); });
  }
  ~PhasePool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    go_.notify_all();
    for (auto& w : workers_) w.join();
  }
  PhasePool(const PhasePool&) = delete;
  PhasePool& operator=(const PhasePool&) = delete;

  uint32_t threads() const { return threads_; }

  void run(const std::function<void(uint32_t)>& f) {
    if (threads_ == 1) {
      f(0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      job_ = &f;
      error_ = nullptr;
      pending_.store(threads_ - 1);
      generation_.fetch_add(1);
    }
    go_.notify_all();
    std::exception_ptr mine;
    try {
      f(0);
    } catch (...) {
      mine = std::current_exception();
    }
    for (int spin = 0; spin < kSpins && pending_.load() != 0; ++spin) std::this_thread::yield();
    if (pending_.load() != 0) {
      std::unique_lock<std::mutex> lock(m_);
      done_.wait(lock, [this] { return pending_.load() == 0; });
    }
    std::lock_guard<std::mutex> lock(m_);
    job_ = nullptr;
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr int kSpins = 2000;

  void work(uint32_t k) {
    uint64_t seen = 0;
    for (;;) {
      for (int spin = 0; spin < kSpins && generation_.load() == seen; ++spin) std::this_thread::yield();
      const std::function<void(uint32_t)>* job;
      {
        std::unique_lock<std::mutex> lock(m_);
        go_.wait(lock, [&] { return generation_.load() != seen; });
        seen = generation_.load();
        if (stop_) return;
        job = job_;
      }
      std::exception_ptr e;
      try {
        (*job)(k);
      } catch (...) {
        e = std::current_exception();
      }
      if (e) {
        std::lock_guard<std::mutex> lock(m_);
        if (!error_) error_ = e;
      }
      if (pending_.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(m_);
        done_.notify_one();
      }
    }
  }

  uint32_t threads_;
  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable go_, done_;
  const std::function<void(uint32_t)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint32_t> pending_{0};
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace neuromesh::models
