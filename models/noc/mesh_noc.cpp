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
    R.route_now_.assign(R.ports_, -1);
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
  const Terminal& dst = n.terminals_[n.packets_[f.packet].dst];
  const uint32_t dx = dst.router_ % n.p_.width, dy = dst.router_ / n.p_.width;
  if (dst.router_ == id_) return dst.port_;
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
  if (buffered_ > 0) noc_->sched_.wake(*this, cycle);
}

uint64_t Router::evaluate(uint64_t c) {
  MeshNoc& n = *noc_;
  for (int o = 0; o < ports_; ++o) {
    while (!returns_[o].empty() && returns_[o].front() <= c) {
      returns_[o].pop();
      ++credits_[o];
    }
  }
  // Routes of the heads ready now, computed before any flit moves this cycle.
  for (int i = 0; i < ports_; ++i) {
    route_now_[i] = -1;
    if (in_[i].empty()) continue;
    const Flit& f = in_[i].front();
    if (f.ready <= c && f.index == 0) route_now_[i] = route(f, c);
  }
  for (int o = 0; o < ports_; ++o) {
    if (credits_[o] == 0) continue;
    int winner = -1;
    if (locked_[o] >= 0) {
      const int i = locked_[o];
      if (!in_[i].empty() && in_[i].front().ready <= c) winner = i;
    } else {
      for (int k = 1; k <= ports_; ++k) {
        const int i = (rr_[o] + k) % ports_;
        if (route_now_[i] == o) {
          winner = i;
          break;
        }
      }
    }
    if (winner < 0) continue;
    const int i = winner;
    route_now_[i] = -1;
    Flit f = in_[i].front();
    in_[i].pop();
    --buffered_;
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
    if (f.index == 0) {
      rr_[o] = i;
      if (f.length > 1) locked_[o] = i;
    }
    if (f.index + 1 == f.length) locked_[o] = -1;
    if (o < kMeshPorts) {
      const uint32_t nb = o == kEast ? id_ + 1 : o == kWest ? id_ - 1
                        : o == kNorth ? id_ + n.p_.width : id_ - n.p_.width;
      Router& R = n.routers_[nb];
      f.ready = c + n.p_.link_latency[o] + n.p_.pipeline_stages;
      R.in_[kOpposite[o]].push(f);
      ++R.buffered_;
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
  for (int i = 0; i < ports_; ++i) {
    if (in_[i].empty()) continue;
    const Flit& f = in_[i].front();
    if (f.ready > c) {
      next = std::min(next, f.ready);
      continue;
    }
    int outs[2] = {-1, -1};
    if (f.index > 0) {
      for (int o = 0; o < ports_; ++o)
        if (locked_[o] == i) outs[0] = o;
    } else {
      outs[0] = route(f, c);
      if (n.p_.routing == Routing::west_first) {
        // The other productive direction may free up first.
        const Terminal& dst = n.terminals_[n.packets_[f.packet].dst];
        const uint32_t dx = dst.router_ % n.p_.width, dy = dst.router_ / n.p_.width;
        if (dst.router_ != id_ && dx > x_ && dy != y_) {
          outs[0] = kEast;
          outs[1] = dy > y_ ? kNorth : kSouth;
        }
      }
    }
    for (int o : outs) {
      if (o < 0) continue;
      if (credits_[o] > 0) next = std::min(next, c + 1);
      else if (!returns_[o].empty()) next = std::min(next, returns_[o].front());
      // else: the credit return that frees it will wake this router.
    }
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
  if (outbox_.empty()) return kNever;
  Packet& pk = n.packets_[outbox_.front()];
  if (pk.created <= c && credits_ > 0) {
    Flit f;
    f.packet = outbox_.front();
    f.index = sent_flits_;
    f.length = pk.flits;
    f.ready = c + n.p_.link_latency[4] + n.p_.pipeline_stages;
    Router& R = n.routers_[router_];
    R.in_[port_].push(f);
    ++R.buffered_;
    n.sched_.wake(R, f.ready);
    --credits_;
    if (sent_flits_ == 0) pk.head_sent = c;
    if (++sent_flits_ == pk.flits) {
      outbox_.pop_front();
      sent_flits_ = 0;
    }
  }
  if (outbox_.empty()) return kNever;
  const Packet& next = n.packets_[outbox_.front()];
  if (next.created > c) return next.created;
  if (credits_ > 0) return c + 1;
  return returns_.empty() ? kNever : returns_.front();
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
