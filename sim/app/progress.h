// Progress of a long command on stderr. On a terminal: one line rewritten at most 4 times a
// second, "step 1200/5000 (24%), 3.1e+03 steps/s, ETA 1.2 s". Not on a terminal (a log file,
// CI): nothing, unless --progress asks for one plain line every 10 s. --quiet: nothing at all.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

#include <fmt/format.h>

namespace neuromesh::app {

enum class ProgressMode { automatic, always, never };

class Progress {
 public:
  Progress(std::string what, uint64_t total, ProgressMode mode)
      : what_(std::move(what)), total_(total), tty_(::isatty(STDERR_FILENO) != 0),
        on_(mode == ProgressMode::always || (mode == ProgressMode::automatic && tty_)),
        start_(std::chrono::steady_clock::now()), last_(start_) {}
  ~Progress() {
    if (on_ && tty_ && printed_) std::cerr << "\n";
  }
  void update(uint64_t done) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const auto every = tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(10000);
    if (now - last_ < every && done != total_) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    const double rate = s > 0 ? double(done) / s : 0;
    const double eta = rate > 0 ? double(total_ - done) / rate : 0;
    const std::string line = fmt::format("{} {}/{} ({:.0f}%), {:.3g} {}/s, ETA {:.1f} s", what_,
                                         done, total_, 100.0 * double(done) / double(total_),
                                         rate, what_ + "s", eta);
    if (tty_) std::cerr << "\r" << line << "\033[K" << std::flush;
    else std::cerr << "progress: " << line << "\n" << std::flush;
    printed_ = true;
  }

 private:
  std::string what_;
  uint64_t total_;
  bool tty_, on_, printed_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace neuromesh::app
