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
  build_gateways();
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

uint32_t MeshNoc::chip_of_router(uint32_t r) const {
  if (p_.chip_width == 0) return 0;
  const uint32_t x = r % p_.width, y = r / p_.width;
  return (y / p_.chip_height) * (p_.width / p_.chip_width) + x / p_.chip_width;
}

// One gateway per chip edge and direction that has a chip beyond it.
void MeshNoc::build_gateways() {
  const NocParams& p = p_;
  if (p.chip_width == 0) return;
  if (p.chip_height == 0 || p.width % p.chip_width || p.height % p.chip_height) {
    throw std::invalid_argument("the mesh is not a whole grid of chips");
  }
  if (p.gateway_latency == 0 || p.gateway_cycles_per_flit == 0 || p.gateway_buffer_flits == 0) {
    throw std::invalid_argument("gateway latency, cycles per flit and buffer must be >= 1");
  }
  const uint32_t gw = p.width / p.chip_width, gh = p.height / p.chip_height;
  for (uint32_t cy = 0; cy < gh; ++cy) {
    for (uint32_t cx = 0; cx < gw; ++cx) {
      for (int d = 0; d < kMeshPorts; ++d) {
        const bool has = d == kEast ? cx + 1 < gw : d == kWest ? cx > 0 : d == kNorth ? cy + 1 < gh : cy > 0;
        if (!has) continue;
        Gateway G;
        G.noc_ = this;
        G.dir_ = Dir(d);
        G.from_chip_ = cy * gw + cx;
        const uint32_t ncx = d == kEast ? cx + 1 : d == kWest ? cx - 1 : cx;
        const uint32_t ncy = d == kNorth ? cy + 1 : d == kSouth ? cy - 1 : cy;
        G.to_chip_ = ncy * gw + ncx;
        const bool horizontal = d == kEast || d == kWest;
        const uint32_t lanes = horizontal ? p.chip_height : p.chip_width;
        const uint32_t gid = uint32_t(gateways_.size());
        G.id_ = gid;
        for (uint32_t k = 0; k < lanes; ++k) {
          uint32_t x, y;
          if (horizontal) {
            x = d == kEast ? cx * p.chip_width + p.chip_width - 1 : cx * p.chip_width;
            y = cy * p.chip_height + k;
          } else {
            x = cx * p.chip_width + k;
            y = d == kNorth ? cy * p.chip_height + p.chip_height - 1 : cy * p.chip_height;
          }
          const uint32_t up = y * p.width + x;
          const uint32_t down = d == kEast ? up + 1 : d == kWest ? up - 1
                              : d == kNorth ? up + p.width : up - p.width;
          G.up_.push_back(up);
          G.down_.push_back(down);
          Router& U = routers_[up];
          U.gateway_out_[d] = int32_t(gid);
          U.credits_[d] = p.gateway_buffer_flits;
          U.returns_[d].reset(std::max(p.buffer_flits, p.gateway_buffer_flits));
          Router& D = routers_[down];
          D.gateway_in_[kOpposite[d]] = int32_t(gid);
          D.in_latency_[kOpposite[d]] = p.gateway_latency;
        }
        G.lane_.resize(lanes);
        G.returns_.resize(lanes);
        for (auto& b : G.lane_) b.reset(p.gateway_buffer_flits);
        for (auto& b : G.returns_) b.reset(p.buffer_flits);
        G.credits_.assign(lanes, p.buffer_flits);
        gateways_.push_back(std::move(G));
      }
    }
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
  imported_ = 0;
}

void MeshNoc::set_remote(std::vector<uint8_t> local, RemotePort* port) {
  local_ = std::move(local);
  remote_ = port;
  importing_.assign(gateways_.size(), 0);
}

void MeshNoc::import_flit(uint32_t gateway, uint32_t lane, Flit f, const Packet& p) {
  const Gateway& G = gateways_.at(gateway);
  if (f.index == 0) {
    importing_[gateway] = uint32_t(packets_.size());
    packets_.push_back(p);
    ++imported_;
  }
  f.packet = importing_[gateway];
  Router& D = routers_[G.down_.at(lane)];
  D.push(kOpposite[G.dir_], f);
  ++in_flight_;
  sched_.wake(D, f.ready);
}

std::vector<uint64_t*> MeshNoc::counters() {
  std::vector<uint64_t*> c;
  for (auto& R : routers_) {
    for (auto& f : R.flits_out) c.push_back(&f);
    c.push_back(&R.last_active);
  }
  for (auto& G : gateways_) {
    c.push_back(&G.flits);
    c.push_back(&G.packets);
    c.push_back(&G.wait_cycles);
  }
  for (auto& h : flit_hops_) c.push_back(&h);
  c.push_back(&gateway_flits_);
  return c;
}

void MeshNoc::import_credit(uint32_t gateway, uint32_t lane, uint64_t cycle) {
  gateways_.at(gateway).credit_return(lane, cycle);
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
  // Inputs whose front flit's output is in want_out[] (and still valid below if it does not move;
  // west-first routes look at credits, which the grants change, so they are routed again).
  uint64_t routed = 0;
  int8_t want_out[64];
  for (uint64_t m = occupied_; m; m &= m - 1) {
    const int i = lowest(m);
    const Flit& f = in_[i].front();
    if (f.ready > c) continue;
    const int o = f.index == 0 ? route(f, c) : out_of_input_[i];
    want_out[i] = int8_t(o);
    routed |= uint64_t{1} << i;
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
    routed &= ~(uint64_t{1} << i);
    --buffered_;
    if (in_[i].empty()) occupied_ &= ~(uint64_t{1} << i);
    // The freed slot's credit goes back over the link the flit came in on.
    const uint64_t back = c + in_latency_[i];
    if (i < kMeshPorts && gateway_in_[i] >= 0) {
      // Lane of this router on the gateway that feeds input i.
      const bool horizontal = i == kEast || i == kWest;
      const uint32_t lane = horizontal ? y_ % n.p_.chip_height : x_ % n.p_.chip_width;
      Gateway& G = n.gateways_[size_t(gateway_in_[i])];
      if (n.local_chip(G.from_chip_)) G.credit_return(lane, back);
      else n.remote_->credit(G.id_, lane, back);
    } else if (i < kMeshPorts) {
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
    if (o < kMeshPorts && gateway_out_[o] >= 0) {
      Gateway& G = n.gateways_[size_t(gateway_out_[o])];
      const bool horizontal = o == kEast || o == kWest;
      f.ready = c + n.p_.link_latency[o];
      G.push(horizontal ? y_ % n.p_.chip_height : x_ % n.p_.chip_width, f);
      n.sched_.wake(G, f.ready);
      ++n.flit_hops_[o];
      if (f.index == 0) ++n.packets_[f.packet].hops;
    } else if (o < kMeshPorts) {
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
    const bool known = (routed >> i & 1) && n.p_.routing != Routing::west_first;
    int outs[2] = {f.index > 0 ? out_of_input_[i] : known ? int(want_out[i]) : route(f, c), -1};
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

// ---- gateway ---------------------------------------------------------------------------

void Gateway::push(uint32_t lane, const Flit& f) {
  lane_[lane].push(f);
  ++buffered_;
}

void Gateway::credit_return(uint32_t lane, uint64_t cycle) {
  returns_[lane].push(cycle);
  if (buffered_ > 0) noc_->sched_.wake(*this, cycle);
}

uint64_t Gateway::evaluate(uint64_t c) {
  MeshNoc& n = *noc_;
  const uint32_t L = lanes();
  for (uint32_t k = 0; k < L; ++k) {
    auto& r = returns_[k];
    while (!r.empty() && r.front() <= c) {
      r.pop();
      ++credits_[k];
    }
  }
  auto can_send = [&](uint32_t k) {
    return !lane_[k].empty() && lane_[k].front().ready <= c && credits_[k] > 0;
  };
  if (buffered_ > 0 && next_free_ <= c) {
    int pick = -1;
    if (locked_ >= 0) {
      if (can_send(uint32_t(locked_))) pick = locked_;
    } else {
      // Round robin among lanes whose front is a head flit: the first after the last granted.
      for (uint32_t s = 1; s <= L && pick < 0; ++s) {
        const uint32_t k = uint32_t((rr_ + int(s) + int(L)) % int(L));
        if (can_send(k) && lane_[k].front().index == 0) pick = int(k);
      }
    }
    if (pick >= 0) {
      const uint32_t k = uint32_t(pick);
      Flit f = lane_[k].front();
      lane_[k].pop();
      --buffered_;
      // The freed lane slot's credit goes back over the on-chip link it came on.
      n.routers_[up_[k]].credit_return(dir_, c + n.p_.link_latency[dir_]);
      --credits_[k];
      ++flits;
      ++n.gateway_flits_;
      if (f.index == 0) {
        ++packets;
        rr_ = pick;
        if (f.length > 1) locked_ = pick;
      }
      if (f.index + 1 == f.length) locked_ = -1;
      wait_cycles += c - f.ready;
      f.ready = c + n.p_.gateway_latency + n.p_.pipeline_stages;
      if (n.local_chip(to_chip_)) {
        Router& D = n.routers_[down_[k]];
        D.push(kOpposite[dir_], f);
        n.sched_.wake(D, f.ready);
      } else {
        n.remote_->flit(id_, k, f, n.packets_[f.packet]);
        --n.in_flight_;
      }
      next_free_ = c + n.p_.gateway_cycles_per_flit;
    }
  }
  if (buffered_ == 0) return kNever;
  // Next cycle at which a flit could go: the link free, a front flit ready, a credit back.
  uint64_t next = kNever;
  for (uint32_t k = 0; k < L; ++k) {
    if (locked_ >= 0 && int(k) != locked_) continue;
    if (lane_[k].empty()) continue;
    uint64_t t = std::max(lane_[k].front().ready, c + 1);
    if (credits_[k] == 0) {
      if (returns_[k].empty()) continue;  // the credit return wakes this gateway
      t = std::max(t, returns_[k].front());
    }
    next = std::min(next, t);
  }
  return next == kNever ? kNever : std::max(next, next_free_);
}

// ---- terminal --------------------------------------------------------------------------

void Terminal::credit_return(uint64_t cycle) {
  returns_.push(cycle);
  if (!outbox_.empty()) noc_->sched_.wake(*this, cycle);
}

void Terminal::receive(const Flit& f) {
  inbox_.push(f);
  if (f.index == 0 && owner) owner->arriving(noc_->packets_[f.packet].tag);
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
  for (const auto& G : gateways_) {
    if (G.buffered_ > 0 && shown < 30) {
      os << "gateway chip " << G.from_chip_ << " -> chip " << G.to_chip_ << " ("
         << kDirName[G.dir_] << "): " << G.buffered_ << " flit(s)\n";
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
