// The cycle-accurate chip spread over MPI ranks (docs/systems.md, "Cycle mode across ranks").
// Each rank computes the cores and routers of its chips (sim/dist/partition.h); a flit or credit
// that crosses a chip edge into another rank's chip travels as a message. Conservative lookahead:
// every crossing is stamped at least the inter-chip link latency L after the cycle that sends it,
// so the ranks advance together in windows of L cycles, starting at the earliest cycle any rank
// has work at, and exchange what crossed at the end of each window; a step ends when no rank has
// work and nothing is in transit. The results are those of one process, byte for byte.
#pragma once

#include <cstdint>
#include <vector>

#include "models/noc/mesh_noc.h"
#include "models/noc/scheduler.h"
#include "sim/chip/chip_model.h"
#include "sim/config/chip_config.h"
#include "sim/dist/partition.h"
#include "sim/dist/ranks.h"
#include "sim/map/mapper.h"

namespace neuromesh::dist {

class ChipRanks final : public chip::ChipShare {
 public:
  ChipRanks(const config::ChipConfig& chip, const map::Placement& placement, Ranks& ranks);

  // RemotePort: what leaves for another rank's chip, buffered until the window's end.
  void flit(uint32_t gateway, uint32_t lane, const models::noc::Flit& f, const models::noc::Packet& p) override;
  void credit(uint32_t gateway, uint32_t lane, uint64_t cycle) override;
  // ChipShare's collectives.
  void all_gather(const std::vector<uint64_t>& mine, std::vector<uint64_t>& all, std::vector<int>& counts) override;
  void sum(std::vector<uint64_t>& v) override;

  // Runs a step's network to its end, window by window (after ChipModel::begin_step).
  void run_step(models::noc::CalendarScheduler& sched, models::noc::MeshNoc& noc);
  const Partition& partition() const { return partition_; }
  uint64_t windows() const { return windows_; }        // exchanges so far
  uint64_t messages() const { return messages_; }      // flits and credits sent to other ranks

 private:
  Ranks& ranks_;
  Partition partition_;
  std::vector<uint32_t> rank_of_gateway_target_;   // per gateway: rank of the chip it sends to
  std::vector<uint32_t> rank_of_gateway_source_;   // per gateway: rank of the chip it is on
  uint64_t lookahead_ = 1;
  std::vector<std::vector<uint64_t>> out_;         // per destination rank
  std::vector<uint64_t> in_;
  std::vector<int> counts_;
  uint64_t windows_ = 0, messages_ = 0;
};

}  // namespace neuromesh::dist
