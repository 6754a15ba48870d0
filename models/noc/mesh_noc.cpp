#include "models/noc/mesh_noc.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace neuromesh::models::noc {

namespace {
constexpr int kOpposite[4] = {kWest, kEast, kSouth, kNorth};
const char* kDirName[4] = {"east", "west", "north", "south"};
}  // namespace

Routing routing_from_string(const std::string& name) {
  if (name == "xy") return Routing::xy;
  if (name == "yx") return Routing::yx;
  if (name == "west_first") return Routing::west_first;
  throw std::invalid_argument("unknown routing algorithm '" + name + "'");
}

MeshNoc::MeshNoc(const NocParams& p, Scheduler& scheduler) : p_(p), sched_(scheduler) {
  const uint32_t n = p.width * p.height;
  routers_.resize(n);
  terminals_.resize(size_t(n) * p.locals + (p.host_port ? 1 : 0));
  for (uint32_t r = 0; r < n; ++r) {
    Router& R = routers_[r];
    R.noc_ = this;
    R.id_ = r;
    R.x_ = r % p.width;
    R.y_ = r / p.width;
    R.ports_ = kMeshPorts + int(p.locals) + ((p.host_port && r == 0) ? 1 : 0);
    R.in_.resize(R.ports_);
    R.returns_.resize(R.ports_);
    for (auto& b : R.in_) b.reset(p.buffer_flits);
    for (auto& b : R.returns_) b.reset(p.buffer_flits);
    R.credits_.assign(R.ports_, 0);
    R.locked_.assign(R.ports_, -1);
    R.rr_.assign(R.ports_, R.ports_ - 1);
    R.out_of_input_.assign(R.ports_, -1);
    R.requests_.assign(R.ports_, 0);
    if (R.ports_ > 64) throw std::invalid_argument("a router has at most 64 ports");
    R.flits_out.assign(R.ports_, 0);
    R.in_latency_.assign(R.ports_, p.link_latency[4]);
    const bool has[4] = {R.x_ + 1 < p.width, R.x_ > 0, R.y_ + 1 < p.height, R.y_ > 0};
    for (int d = 0; d < kMeshPorts; ++d) {
      if (has[d]) R.credits_[d] = p.buffer_flits;
      // Input d is fed by the neighbour in direction d over its link towards us.
      R.in_latency_[d] = p.link_latency[kOpposite[d]];
    }
    for (int k = kMeshPorts; k < R.ports_; ++k) R.credits_[k] = p.buffer_flits;  // ejection
  }
  for (uint32_t t = 0; t < terminals_.size(); ++t) {
    Terminal& T = terminals_[t];
    T.noc_ = this;
    T.id_ = t;
    const bool host = p.host_port && t == host_terminal();
    T.router_ = host ? 0 : t / p.locals;
    T.port_ = kMeshPorts + int(host ? p.locals : t % p.locals);
    T.credits_ = p.buffer_flits;
    T.returns_.reset(p.buffer_flits);
    T.inbox_.reset(p.buffer_flits);
  }
}

uint32_t MeshNoc::send(uint32_t src, uint32_t dst, uint16_t flits, uint64_t ready, uint64_t tag) {
  if (flits == 0 || flits > p_.buffer_flits) {
    throw std::invalid_argument("a packet of " + std::to_string(flits) +
                                " flits does not fit the " + std::to_string(p_.buffer_flits) +
                                "-flit buffers");
  }
  Packet pk;
  pk.src = src;
  pk.dst = dst;
  pk.flits = flits;
  pk.tag = tag;
  pk.created = ready;
  const uint32_t id = uint32_t(packets_.size());
  packets_.push_back(pk);
  Terminal& T = terminals_[src];
  T.outbox_.push_back(id);
  in_flight_ += flits;
  sched_.wake(T, ready);
  return id;
}

void MeshNoc::clear_packets() {
  if (in_flight_ != 0) throw std::logic_error("clear_packets with flits in flight");
  packets_.clear();
}

// ---- router ----------------------------------------------------------------------------

int Router::route(const Flit& f, uint64_t) const {
  const MeshNoc& n = *noc_;
  if (f.dst_router == id_) return int(f.dst_port);
  const uint32_t dx = f.dst_router % n.p_.width, dy = f.dst_router / n.p_.width;
  switch (n.p_.routing) {
    case Routing::xy:
      if (dx != x_) return dx > x_ ? kEast : kWest;
      return dy > y_ ? kNorth : kSouth;
    case Routing::yx:
      if (dy != y_) return dy > y_ ? kNorth : kSouth;
      return dx > x_ ? kEast : kWest;
    case Routing::west_first: {
      if (dx < x_) return kWest;
      const int vertical = dy > y_ ? kNorth : kSouth;
      if (dx == x_) return vertical;
      if (dy == y_) return kEast;
      // Both east and a vertical direction make progress: take the one with more credits
      // (ties: east).
      return credits_[vertical] > credits_[kEast] ? vertical : kEast;
    }
  }
  return kEast;
}

void Router::credit_return(int out, uint64_t cycle) {
  returns_[out].push(cycle);
  returning_ |= uint64_t{1} << out;
  if (buffered_ > 0) noc_->sched_.wake(*this, cycle);
}

namespace {
inline int lowest(uint64_t m) { return __builtin_ctzll(m); }
}  // namespace

uint64_t Router::evaluate(uint64_t c) {
  MeshNoc& n = *noc_;
  for (uint64_t m = returning_; m; m &= m - 1) {
    const int o = lowest(m);
    auto& r = returns_[o];
    while (!r.empty() && r.front() <= c) {
      r.pop();
      ++credits_[o];
    }
    if (r.empty()) returning_ &= ~(uint64_t{1} << o);
  }
  // Requests of the flits ready now, routed before any flit moves this cycle.
  uint64_t wanted = 0;  // outputs with at least one request
  for (uint64_t m = occupied_; m; m &= m - 1) {
    const int i = lowest(m);
    const Flit& f = in_[i].front();
    if (f.ready > c) continue;
    const int o = f.index == 0 ? route(f, c) : out_of_input_[i];
    if (!(wanted >> o & 1)) requests_[o] = 0;
    wanted |= uint64_t{1} << o;
    requests_[o] |= uint64_t{1} << i;
  }
  for (uint64_t m = wanted; m; m &= m - 1) {
    const int o = lowest(m);
    if (credits_[o] == 0) continue;
    int i;
    if (locked_[o] >= 0) {
      if (!(requests_[o] >> locked_[o] & 1)) continue;
      i = locked_[o];
    } else {
      // Round robin among head flits: the first requester after the last one granted.
      uint64_t heads = 0;
      for (uint64_t q = requests_[o]; q; q &= q - 1) {
        const int k = lowest(q);
        if (in_[k].front().index == 0) heads |= uint64_t{1} << k;
      }
      if (!heads) continue;
      const uint64_t after = rr_[o] >= 63 ? 0 : heads & ~((uint64_t{2} << rr_[o]) - 1);
      i = lowest(after ? after : heads);
    }
    Flit f = in_[i].front();
    in_[i].pop();
    --buffered_;
    if (in_[i].empty()) occupied_ &= ~(uint64_t{1} << i);
    // The freed slot's credit goes back over the link the flit came in on.
    const uint64_t back = c + in_latency_[i];
    if (i < kMeshPorts) {
      const uint32_t nb = i == kEast ? id_ + 1 : i == kWest ? id_ - 1
                        : i == kNorth ? id_ + n.p_.width : id_ - n.p_.width;
      n.routers_[nb].credit_return(kOpposite[i], back);
    } else {
      const uint32_t t = (n.p_.host_port && id_ == 0 && i == kMeshPorts + int(n.p_.locals))
                             ? n.host_terminal() : id_ * n.p_.locals + uint32_t(i - kMeshPorts);
      n.terminals_[t].credit_return(back);
    }
    --credits_[o];
    ++flits_out[o];
    last_active = c;
    if (n.observer) n.observer->flit_sent(id_, o, c);
    if (f.index == 0) {
      rr_[o] = i;
      if (f.length > 1) {
        locked_[o] = i;
        out_of_input_[i] = o;
      }
    }
    if (f.index + 1 == f.length) {
      locked_[o] = -1;
      out_of_input_[i] = -1;
    }
    if (o < kMeshPorts) {
      const uint32_t nb = o == kEast ? id_ + 1 : o == kWest ? id_ - 1
                        : o == kNorth ? id_ + n.p_.width : id_ - n.p_.width;
      Router& R = n.routers_[nb];
      f.ready = c + n.p_.link_latency[o] + n.p_.pipeline_stages;
      R.push(kOpposite[o], f);
      n.sched_.wake(R, f.ready);
      ++n.flit_hops_[o];
      if (f.index == 0) ++n.packets_[f.packet].hops;
    } else {
      const uint32_t t = (n.p_.host_port && id_ == 0 && o == kMeshPorts + int(n.p_.locals))
                             ? n.host_terminal() : id_ * n.p_.locals + uint32_t(o - kMeshPorts);
      f.ready = c + n.p_.link_latency[4];
      n.terminals_[t].receive(f);
    }
  }
  // Next cycle at which a buffered flit could move.
  uint64_t next = kNever;
  for (uint64_t m = occupied_; m; m &= m - 1) {
    const int i = lowest(m);
    const Flit& f = in_[i].front();
    if (f.ready > c) {
      next = std::min(next, f.ready);
      continue;
    }
    int outs[2] = {f.index > 0 ? out_of_input_[i] : route(f, c), -1};
    if (f.index == 0 && n.p_.routing == Routing::west_first) {
      // The other productive direction may free up first.
      const Terminal& dst = n.terminals_[n.packets_[f.packet].dst];
      const uint32_t dx = dst.router_ % n.p_.width, dy = dst.router_ / n.p_.width;
      if (dst.router_ != id_ && dx > x_ && dy != y_) {
        outs[0] = kEast;
        outs[1] = dy > y_ ? kNorth : kSouth;
      }
    }
    for (int o : outs) {
      if (o < 0) continue;
      if (credits_[o] > 0) next = std::min(next, c + 1);
      else if (!returns_[o].empty()) next = std::min(next, returns_[o].front());
      // else: the credit return that frees it will wake this router.
    }
    if (next == c + 1) break;
  }
  return next;
}

// ---- terminal --------------------------------------------------------------------------

void Terminal::credit_return(uint64_t cycle) {
  returns_.push(cycle);
  if (!outbox_.empty()) noc_->sched_.wake(*this, cycle);
}

void Terminal::receive(const Flit& f) {
  inbox_.push(f);
  if (f.index + 1 == f.length) {
    complete_.push_back({f.packet, f.ready});
    noc_->packets_[f.packet].delivered = f.ready;
    if (owner) noc_->sched_.wake(*owner, f.ready);
  }
}

bool Terminal::has_packet(uint64_t c) const {
  return !complete_.empty() && complete_.front().second <= c;
}
uint32_t Terminal::front_packet() const { return complete_.front().first; }
uint64_t Terminal::front_arrival() const {
  return complete_.empty() ? kNever : complete_.front().second;
}

void Terminal::pop(uint64_t c) {
  MeshNoc& n = *noc_;
  const uint32_t id = complete_.front().first;
  complete_.pop_front();
  const uint16_t flits = n.packets_[id].flits;
  Router& R = n.routers_[router_];
  for (uint16_t k = 0; k < flits; ++k) {
    inbox_.pop();
    R.credit_return(port_, c + n.p_.link_latency[4]);
  }
  n.in_flight_ -= flits;
}

uint64_t Terminal::evaluate(uint64_t c) {
  MeshNoc& n = *noc_;
  while (!returns_.empty() && returns_.front() <= c) {
    returns_.pop();
    ++credits_;
  }
  // Every credit in hand is a flit that will go out, one per cycle, whatever the credits that
  // come back meanwhile: send them all now, each stamped with the cycle it leaves (exactly what a
  // per-cycle injector would do), and sleep until more credits or packets are needed.
  uint64_t t = std::max(c, next_free_);
  while (!outbox_.empty() && credits_ > 0) {
    Packet& pk = n.packets_[outbox_.front()];
    t = std::max(t, pk.created);
    Flit f;
    f.packet = outbox_.front();
    f.index = sent_flits_;
    f.length = pk.flits;
    f.ready = t + n.p_.link_latency[4] + n.p_.pipeline_stages;
    const Terminal& dst = n.terminals_[pk.dst];
    f.dst_router = dst.router_;
    f.dst_port = uint32_t(dst.port_);
    Router& R = n.routers_[router_];
    R.push(port_, f);
    n.sched_.wake(R, f.ready);
    --credits_;
    if (n.observer) n.observer->flit_injected(id_, t);
    if (sent_flits_ == 0) pk.head_sent = t;
    if (++sent_flits_ == pk.flits) {
      outbox_.pop_front();
      sent_flits_ = 0;
    }
    next_free_ = ++t;
  }
  if (outbox_.empty()) return kNever;
  const uint64_t earliest = std::max(next_free_, n.packets_[outbox_.front()].created);
  if (credits_ > 0) return earliest;  // not reached: the loop spends every credit
  return returns_.empty() ? kNever : std::max(earliest, returns_.front());
}

std::string MeshNoc::describe_stuck() const {
  std::ostringstream os;
  int shown = 0;
  for (const auto& R : routers_) {
    for (int i = 0; i < R.ports_ && shown < 20; ++i) {
      if (R.in_[i].empty()) continue;
      const Flit& f = R.in_[i].front();
      const Packet& pk = packets_[f.packet];
      os << "router (" << R.x_ << "," << R.y_ << ") input "
         << (i < kMeshPorts ? kDirName[i] : "local") << ": " << R.in_[i].size()
         << " flit(s), head of packet " << f.packet << " from terminal " << pk.src
         << " to terminal " << pk.dst << "\n";
      ++shown;
    }
  }
  for (const auto& T : terminals_) {
    if (!T.outbox_.empty() && shown < 40) {
      os << "terminal " << T.id_ << ": " << T.outbox_.size() << " packet(s) not injected, "
         << T.credits_ << " credit(s)\n";
      ++shown;
    }
    if (!T.complete_.empty() && shown < 40) {
      os << "terminal " << T.id_ << ": " << T.complete_.size() << " packet(s) delivered but "
         << "not consumed\n";
      ++shown;
    }
  }
  return os.str();
}

}  // namespace neuromesh::models::noc
