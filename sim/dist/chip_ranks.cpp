#include "sim/dist/chip_ranks.h"

#include <stdexcept>

#include "sim/chip/chip_model.h"

namespace neuromesh::dist {

using models::noc::kNever;

namespace {
// Message words: a header (kind | lane << 8 | gateway << 32), then a flit (index | length << 16 |
// dst_port << 32, dst_router, ready) with, for a head flit, its packet (src | dst << 32, tag,
// created, head_sent, hops | flits << 32); or a credit's cycle.
enum Kind : uint64_t { kFlit = 1, kCredit = 2 };
constexpr size_t kFlitWords = 4, kPacketWords = 5, kCreditWords = 2;
}  // namespace

ChipRanks::ChipRanks(const config::ChipConfig& chip, const map::Placement& placement, Ranks& ranks)
    : ranks_(ranks), partition_(partition_chips(chip, placement, uint32_t(ranks.size()))) {
  const uint32_t chips = chip.system.present ? chip.system.chips() : 1;
  local_chip.assign(chips, 0);
  for (uint32_t c = 0; c < chips; ++c) local_chip[c] = partition_.rank_of_chip(c) == uint32_t(ranks.rank());
  lookahead_ = chip.system.present ? chip.system.link.latency_cycles : 1;
  out_.resize(size_t(ranks.size()));
  // The gateways as the NoC numbers them: its own list, built from the same parameters.
  models::noc::CalendarScheduler scratch;
  models::noc::MeshNoc noc(chip::noc_params(chip), scratch);
  for (const auto& g : noc.gateways()) {
    rank_of_gateway_target_.push_back(partition_.rank_of_chip(g.to_chip()));
    rank_of_gateway_source_.push_back(partition_.rank_of_chip(g.from_chip()));
  }
}

void ChipRanks::flit(uint32_t gateway, uint32_t lane, const models::noc::Flit& f, const models::noc::Packet& p) {
  auto& o = out_[rank_of_gateway_target_.at(gateway)];
  o.push_back(kFlit | uint64_t(lane) << 8 | uint64_t(gateway) << 32);
  o.push_back(uint64_t(f.index) | uint64_t(f.length) << 16 | uint64_t(f.dst_port) << 32);
  o.push_back(f.dst_router);
  o.push_back(f.ready);
  if (f.index == 0) {
    o.push_back(uint64_t(p.src) | uint64_t(p.dst) << 32);
    o.push_back(p.tag);
    o.push_back(p.created);
    o.push_back(p.head_sent);
    o.push_back(uint64_t(p.hops) | uint64_t(p.flits) << 32);
  }
  ++messages_;
}

void ChipRanks::credit(uint32_t gateway, uint32_t lane, uint64_t cycle) {
  auto& o = out_[rank_of_gateway_source_.at(gateway)];
  o.push_back(kCredit | uint64_t(lane) << 8 | uint64_t(gateway) << 32);
  o.push_back(cycle);
  ++messages_;
}

void ChipRanks::all_gather(const std::vector<uint64_t>& mine, std::vector<uint64_t>& all, std::vector<int>& counts) {
  ranks_.all_gather(mine, all, counts);
}

void ChipRanks::sum(std::vector<uint64_t>& v) { ranks_.sum(v); }

void ChipRanks::run_step(models::noc::CalendarScheduler& sched, models::noc::MeshNoc& noc) {
  for (;;) {
    // Nothing anywhere happens before `start`, and whatever is sent in [start, start + L) is
    // stamped start + L or later: each rank runs that window on its own.
    const uint64_t start = ranks_.min(sched.next());
    if (start == kNever) return;
    sched.run_until(start + lookahead_);
    ranks_.all_to_all(out_, in_, counts_);
    ++windows_;
    for (auto& o : out_) o.clear();
    size_t at = 0;
    while (at < in_.size()) {
      const uint64_t h = in_[at];
      const uint32_t lane = uint32_t(h >> 8 & 0xffffff), gateway = uint32_t(h >> 32);
      if ((h & 0xff) == kCredit) {
        noc.import_credit(gateway, lane, in_.at(at + 1));
        at += kCreditWords;
        continue;
      }
      if ((h & 0xff) != kFlit || at + kFlitWords > in_.size()) throw std::logic_error("NoC exchange: a malformed message");
      models::noc::Flit f;
      f.index = uint16_t(in_[at + 1]);
      f.length = uint16_t(in_[at + 1] >> 16);
      f.dst_port = uint32_t(in_[at + 1] >> 32);
      f.dst_router = uint32_t(in_[at + 2]);
      f.ready = in_[at + 3];
      at += kFlitWords;
      models::noc::Packet p;
      if (f.index == 0) {
        const uint64_t* w = &in_.at(at + kPacketWords - 1) - (kPacketWords - 1);
        p.src = uint32_t(w[0]);
        p.dst = uint32_t(w[0] >> 32);
        p.tag = w[1];
        p.created = w[2];
        p.head_sent = w[3];
        p.hops = uint32_t(w[4]);
        p.flits = uint16_t(w[4] >> 32);
        at += kPacketWords;
      }
      noc.import_flit(gateway, lane, f, p);
    }
  }
}

}  // namespace neuromesh::dist
