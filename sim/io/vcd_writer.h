// A VCD (value change dump) writer for waveforms viewable in GTKWave. Changes may be recorded in
// any time order; write() sorts them. Times are in chip cycles, written in femtoseconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neuromesh::io {

class VcdWriter {
 public:
  explicit VcdWriter(double cycle_ns) : cycle_fs_(uint64_t(cycle_ns * 1e6 + 0.5)) {}
  // Declares a signal in scope `scope` (dot-separated) of `width` bits; returns its id.
  uint32_t add(const std::string& scope, const std::string& name, uint32_t width);
  void change(uint64_t cycle, uint32_t id, uint64_t value) {
    changes_.push_back({cycle, id, value, seq_++});
  }
  // The whole file as text (initial values 0).
  std::string text() const;

 private:
  struct Signal {
    std::string scope, name, code;
    uint32_t width;
  };
  struct Change {
    uint64_t cycle;
    uint32_t id;
    uint64_t value;
    uint64_t seq;
  };
  uint64_t cycle_fs_;
  std::vector<Signal> signals_;
  std::vector<Change> changes_;
  uint64_t seq_ = 0;
};

}  // namespace neuromesh::io
