// BrainScaleS-2-style synapse array packing: which synapse driver, label and rows carry each
// source that reaches a core. The array has `drivers` drivers, each feeding 2 rows of `columns`
// synapses (one per neuron); a row's sign (excitatory or inhibitory) is set by its driver, and
// each synapse stores a source label, so up to 2^label_bits sources share a driver as long as
// each row holds at most one synapse per column. A source's excitatory synapses go into one row
// of its driver and its inhibitory synapses into the other.
//
// First fit, sources in order: the mapper (checking that a slice fits) and the core's input
// stage (building its array) run the same function on the same sources, so they agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neuromesh::models {

struct RowSource {
  std::vector<uint32_t> exc, inh;   // local columns (neurons) the source reaches, per sign
};

struct RowSlot {
  uint32_t driver = 0, label = 0;
  int exc_row = -1, inh_row = -1;   // row within the driver (0 or 1), -1: none
};

// Packs `sources`; returns sources.size() when all fit, else the index of the first that does
// not (with `why` saying which limit).
inline size_t pack_rows(const std::vector<RowSource>& sources, uint32_t drivers,
                        uint32_t label_bits, uint32_t columns, std::vector<RowSlot>& out,
                        std::string* why) {
  const uint32_t labels = uint32_t{1} << label_bits;
  const uint32_t words = (columns + 63) / 64;
  const uint32_t rows = drivers * 2;
  std::vector<uint64_t> used(size_t(rows) * words, 0);
  std::vector<int8_t> sign(rows, -1);   // -1 unset, 0 excitatory, 1 inhibitory
  std::vector<uint32_t> nlabels(drivers, 0);
  auto free_for = [&](uint32_t row, const std::vector<uint32_t>& cols, int s) {
    if (sign[row] != -1 && sign[row] != s) return false;
    for (uint32_t c : cols)
      if (used[size_t(row) * words + c / 64] >> (c % 64) & 1) return false;
    return true;
  };
  auto take = [&](uint32_t row, const std::vector<uint32_t>& cols, int s) {
    sign[row] = int8_t(s);
    for (uint32_t c : cols) used[size_t(row) * words + c / 64] |= uint64_t{1} << (c % 64);
  };
  out.assign(sources.size(), RowSlot{});
  for (size_t i = 0; i < sources.size(); ++i) {
    const RowSource& src = sources[i];
    bool placed = false, labels_full = true;
    for (uint32_t d = 0; d < drivers && !placed; ++d) {
      if (nlabels[d] == labels) continue;
      labels_full = false;
      for (int e = 0; e < 2 && !placed; ++e) {
        const uint32_t re = d * 2 + uint32_t(e), ri = d * 2 + uint32_t(1 - e);
        const bool exc_ok = src.exc.empty() || free_for(re, src.exc, 0);
        const bool inh_ok = src.inh.empty() || free_for(ri, src.inh, 1);
        if (!exc_ok || !inh_ok) continue;
        if (!src.exc.empty()) take(re, src.exc, 0);
        if (!src.inh.empty()) take(ri, src.inh, 1);
        out[i] = RowSlot{d, nlabels[d]++, src.exc.empty() ? -1 : e, src.inh.empty() ? -1 : 1 - e};
        placed = true;
      }
    }
    if (!placed) {
      if (why) {
        *why = labels_full
                   ? "every one of the " + std::to_string(drivers) + " synapse drivers already serves " +
                         std::to_string(labels) + " sources (its " + std::to_string(label_bits) +
                         "-bit label space)"
                   : "no synapse driver has rows free for its synapses: each of the " +
                         std::to_string(rows) + " rows holds one synapse per column, and the sign is per row";
      }
      return i;
    }
  }
  return sources.size();
}

}  // namespace neuromesh::models
