// The event-driven mesh NoC against (1) a deliberately naive per-cycle model written here from
// the timing rules in models/noc/mesh_noc.h, on random traffic with back-pressure, and (2) the
// closed-form zero-load latency for every source/destination pair.
#include "models/noc/mesh_noc.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "models/rng.h"

using namespace neuromesh::models;
using namespace neuromesh::models::noc;

namespace {

struct Traffic {
  uint32_t src, dst;
  uint16_t flits;
  uint64_t created;
};

struct Result {
  uint64_t head_sent, delivered, consumed;
  uint32_t hops;
  bool operator==(const Result& o) const {
    return head_sent == o.head_sent && delivered == o.delivered && consumed == o.consumed &&
           hops == o.hops;
  }
};

// ---- naive reference: every router and terminal looked at on every cycle ----------------
class NaiveNoc {
 public:
  NaiveNoc(const NocParams& p, const std::vector<Traffic>& traffic, std::vector<uint32_t> service)
      : p_(p), traffic_(traffic), service_(std::move(service)) {
    const uint32_t n = p.width * p.height;
    ports_.resize(n);
    r_.resize(n);
    for (uint32_t id = 0; id < n; ++id) {
      ports_[id] = 4 + p.locals + ((p.host_port && id == 0) ? 1 : 0);
      R& rt = r_[id];
      rt.in.resize(ports_[id]);
      rt.credit.assign(ports_[id], 0);
      rt.pending.resize(ports_[id]);
      rt.lock.assign(ports_[id], -1);
      rt.last.assign(ports_[id], ports_[id] - 1);
      const uint32_t x = id % p.width, y = id / p.width;
      if (x + 1 < p.width) rt.credit[0] = p.buffer_flits;
      if (x > 0) rt.credit[1] = p.buffer_flits;
      if (y + 1 < p.height) rt.credit[2] = p.buffer_flits;
      if (y > 0) rt.credit[3] = p.buffer_flits;
      for (int k = 4; k < ports_[id]; ++k) rt.credit[k] = p.buffer_flits;
    }
    // Gateways (systems of chips): one per (chip, direction) with a chip beyond that edge.
    if (p.chip_width > 0) {
      for (uint32_t id = 0; id < n; ++id)
        for (int d = 0; d < 4; ++d) {
          if (rt_has(id, d) && crosses(id, d)) {
            const auto key = std::make_pair(chip_of(id), d);
            if (!gw_index_.count(key)) {
              gw_index_[key] = gw_.size();
              G g;
              g.dir = d;
              const uint32_t lanes = d < 2 ? p.chip_height : p.chip_width;
              g.lane.resize(lanes);
              g.credit.assign(lanes, int(p.buffer_flits));
              g.pending.resize(lanes);
              g.up.resize(lanes);
              g.last = int(lanes) - 1;
              gw_.push_back(g);
            }
            G& g = gw_[gw_index_[key]];
            g.up[lane_of(id, d)] = id;
            r_[id].credit[d] = int(p.gateway_buffer_flits);
          }
        }
    }
    const uint32_t terms = n * p.locals + (p.host_port ? 1 : 0);
    t_.resize(terms);
    for (auto& t : t_) t.credit = p.buffer_flits;
    for (uint32_t k = 0; k < traffic.size(); ++k) t_[traffic[k].src].outbox.push_back(k);
    results_.assign(traffic.size(), Result{kNever, kNever, kNever, 0});
  }

  std::vector<Result> run() {
    for (uint64_t c = 0; c < 400000; ++c) {
      for (uint32_t id = 0; id < r_.size(); ++id) tick_router(id, c);
      for (auto& g : gw_) tick_gateway(g, c);
      for (uint32_t t = 0; t < t_.size(); ++t) tick_terminal(t, c);
      if (done()) return results_;
    }
    ADD_FAILURE() << "naive model did not finish";
    return results_;
  }

 private:
  struct F {
    uint32_t pkt;
    uint16_t idx, len;
    uint64_t ready;
  };
  struct R {
    std::vector<std::deque<F>> in;
    std::vector<int> credit;
    std::vector<std::vector<uint64_t>> pending;
    std::vector<int> lock, last;
  };
  struct T {
    std::deque<uint32_t> outbox;
    uint16_t sent = 0;
    int credit = 0;
    std::vector<uint64_t> pending;
    std::deque<std::pair<uint32_t, uint64_t>> arrived;  // complete packets
    uint64_t busy_until = 0;
  };

  uint32_t router_of(uint32_t term) const {
    return (p_.host_port && term == p_.width * p_.height * p_.locals) ? 0 : term / p_.locals;
  }
  int port_of(uint32_t term) const {
    return (p_.host_port && term == p_.width * p_.height * p_.locals) ? 4 + int(p_.locals)
                                                                      : 4 + int(term % p_.locals);
  }
  uint32_t term_at(uint32_t id, int port) const {
    if (p_.host_port && id == 0 && port == 4 + int(p_.locals)) return p_.width * p_.height * p_.locals;
    return id * p_.locals + uint32_t(port - 4);
  }
  struct G {
    int dir = 0;
    std::vector<std::deque<F>> lane;
    std::vector<int> credit;
    std::vector<std::vector<uint64_t>> pending;
    std::vector<uint32_t> up;
    int lock = -1, last = 0;
    uint64_t busy_until = 0;
  };
  bool rt_has(uint32_t id, int d) const {
    const uint32_t x = id % p_.width, y = id / p_.width;
    return d == 0 ? x + 1 < p_.width : d == 1 ? x > 0 : d == 2 ? y + 1 < p_.height : y > 0;
  }
  uint32_t chip_of(uint32_t id) const {
    const uint32_t x = id % p_.width, y = id / p_.width;
    return (y / p_.chip_height) * (p_.width / p_.chip_width) + x / p_.chip_width;
  }
  bool crosses(uint32_t id, int d) const {
    return p_.chip_width > 0 && chip_of(id) != chip_of(neighbour(id, d));
  }
  uint32_t lane_of(uint32_t id, int d) const {
    return d < 2 ? (id / p_.width) % p_.chip_height : (id % p_.width) % p_.chip_width;
  }
  G& gateway_of(uint32_t id, int d) { return gw_[gw_index_.at({chip_of(id), d})]; }

  void tick_gateway(G& g, uint64_t c) {
    const int L = int(g.lane.size());
    for (int k = 0; k < L; ++k) {
      auto& pend = g.pending[size_t(k)];
      for (auto it = pend.begin(); it != pend.end();) {
        if (*it <= c) {
          ++g.credit[size_t(k)];
          it = pend.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (g.busy_until > c) return;
    auto ok = [&](int k) {
      return !g.lane[size_t(k)].empty() && g.lane[size_t(k)].front().ready <= c && g.credit[size_t(k)] > 0;
    };
    int w = -1;
    if (g.lock >= 0) {
      if (ok(g.lock)) w = g.lock;
    } else {
      for (int k = 1; k <= L && w < 0; ++k) {
        const int q = (g.last + k) % L;
        if (ok(q) && g.lane[size_t(q)].front().idx == 0) w = q;
      }
    }
    if (w < 0) return;
    F f = g.lane[size_t(w)].front();
    g.lane[size_t(w)].pop_front();
    const uint32_t up = g.up[size_t(w)];
    r_[up].pending[g.dir].push_back(c + p_.link_latency[g.dir]);
    --g.credit[size_t(w)];
    if (f.idx == 0) {
      g.last = w;
      if (f.len > 1) g.lock = w;
    }
    if (f.idx + 1 == f.len) g.lock = -1;
    f.ready = c + p_.gateway_latency + p_.pipeline_stages;
    r_[neighbour(up, g.dir)].in[opposite(g.dir)].push_back(f);
    g.busy_until = c + p_.gateway_cycles_per_flit;
  }

  static int opposite(int d) { return d ^ 1; }  // E<->W, N<->S
  uint32_t neighbour(uint32_t id, int d) const {
    return d == 0 ? id + 1 : d == 1 ? id - 1 : d == 2 ? id + p_.width : id - p_.width;
  }
  uint32_t latency_into(int input) const {
    return input < 4 ? p_.link_latency[opposite(input)] : p_.link_latency[4];
  }

  int route(uint32_t id, const F& f, const std::vector<int>& credit) const {
    const uint32_t dr = router_of(traffic_[f.pkt].dst);
    if (dr == id) return port_of(traffic_[f.pkt].dst);
    const int x = int(id % p_.width), y = int(id / p_.width);
    const int dx = int(dr % p_.width), dy = int(dr / p_.width);
    const int horiz = dx > x ? 0 : 1, vert = dy > y ? 2 : 3;
    if (p_.routing == Routing::xy) return dx != x ? horiz : vert;
    if (p_.routing == Routing::yx) return dy != y ? vert : horiz;
    if (dx < x) return 1;          // west first
    if (dx == x) return vert;
    if (dy == y) return 0;
    return credit[vert] > credit[0] ? vert : 0;
  }

  void tick_router(uint32_t id, uint64_t c) {
    R& rt = r_[id];
    const int np = ports_[id];
    for (int o = 0; o < np; ++o) {
      auto& pend = rt.pending[o];
      for (auto it = pend.begin(); it != pend.end();) {
        if (*it <= c) {
          ++rt.credit[o];
          it = pend.erase(it);
        } else {
          ++it;
        }
      }
    }
    const std::vector<int> credit_at_start = rt.credit;
    std::vector<int> want(np, -1);
    for (int i = 0; i < np; ++i)
      if (!rt.in[i].empty() && rt.in[i].front().ready <= c && rt.in[i].front().idx == 0)
        want[i] = route(id, rt.in[i].front(), credit_at_start);
    for (int o = 0; o < np; ++o) {
      if (rt.credit[o] <= 0) continue;
      int w = -1;
      if (rt.lock[o] >= 0) {
        if (!rt.in[rt.lock[o]].empty() && rt.in[rt.lock[o]].front().ready <= c) w = rt.lock[o];
      } else {
        for (int k = 1; k <= np && w < 0; ++k)
          if (want[(rt.last[o] + k) % np] == o) w = (rt.last[o] + k) % np;
      }
      if (w < 0) continue;
      want[w] = -1;
      F f = rt.in[w].front();
      rt.in[w].pop_front();
      if (w < 4 && crosses(id, w)) {
        // Fed by the gateway of the chip across input w's edge: the credit crosses it back.
        const uint32_t from = neighbour(id, w);
        gateway_of(from, opposite(w)).pending[lane_of(from, opposite(w))].push_back(c + p_.gateway_latency);
      } else {
        const uint64_t back = c + latency_into(w);
        if (w < 4) r_[neighbour(id, w)].pending[opposite(w)].push_back(back);
        else t_[term_at(id, w)].pending.push_back(back);
      }
      --rt.credit[o];
      if (f.idx == 0) {
        rt.last[o] = w;
        if (f.len > 1) rt.lock[o] = w;
      }
      if (f.idx + 1 == f.len) rt.lock[o] = -1;
      if (o < 4 && crosses(id, o)) {
        if (f.idx == 0) ++results_[f.pkt].hops;
        f.ready = c + p_.link_latency[o];
        gateway_of(id, o).lane[lane_of(id, o)].push_back(f);
      } else if (o < 4) {
        if (f.idx == 0) ++results_[f.pkt].hops;
        f.ready = c + p_.link_latency[o] + p_.pipeline_stages;
        r_[neighbour(id, o)].in[opposite(o)].push_back(f);
      } else {
        T& dst = t_[term_at(id, o)];
        if (f.idx + 1 == f.len) {
          dst.arrived.push_back({f.pkt, c + p_.link_latency[4]});
          results_[f.pkt].delivered = c + p_.link_latency[4];
        }
      }
    }
  }

  void tick_terminal(uint32_t t, uint64_t c) {
    T& tm = t_[t];
    for (auto it = tm.pending.begin(); it != tm.pending.end();) {
      if (*it <= c) {
        ++tm.credit;
        it = tm.pending.erase(it);
      } else {
        ++it;
      }
    }
    // Injection.
    if (!tm.outbox.empty() && traffic_[tm.outbox.front()].created <= c && tm.credit > 0) {
      const uint32_t k = tm.outbox.front();
      F f{k, tm.sent, traffic_[k].flits, c + p_.link_latency[4] + p_.pipeline_stages};
      r_[router_of(t)].in[port_of(t)].push_back(f);
      --tm.credit;
      if (tm.sent == 0) results_[k].head_sent = c;
      if (++tm.sent == traffic_[k].flits) {
        tm.outbox.pop_front();
        tm.sent = 0;
      }
    }
    // Consumption: one packet per cycle at most, then `service` cycles busy.
    if (!tm.arrived.empty() && tm.arrived.front().second <= c && tm.busy_until <= c) {
      const uint32_t k = tm.arrived.front().first;
      tm.arrived.pop_front();
      results_[k].consumed = c;
      tm.busy_until = c + std::max<uint32_t>(1, service_[t]);
      for (uint16_t q = 0; q < traffic_[k].flits; ++q)
        r_[router_of(t)].pending[port_of(t)].push_back(c + p_.link_latency[4]);
    }
  }

  bool done() const {
    for (const auto& r : results_)
      if (r.consumed == kNever) return false;
    return true;
  }

  NocParams p_;
  const std::vector<Traffic>& traffic_;
  std::vector<uint32_t> service_;
  std::vector<int> ports_;
  std::vector<R> r_;
  std::vector<T> t_;
  std::vector<G> gw_;
  std::map<std::pair<uint32_t, int>, size_t> gw_index_;
  std::vector<Result> results_;
};

// ---- the model under test, with sinks that follow the same consumption rule -------------
class Sink : public Component {
 public:
  Sink(MeshNoc& noc, Scheduler& s, uint32_t t, uint32_t service, std::vector<uint64_t>& consumed)
      : noc_(noc), sched_(s), t_(t), service_(service), consumed_(consumed) {}
  uint64_t evaluate(uint64_t c) override {
    Terminal& T = noc_.term(t_);
    if (busy_until_ <= c && T.has_packet(c)) {
      consumed_[T.front_packet()] = c;
      T.pop(c);
      busy_until_ = c + std::max<uint32_t>(1, service_);
    }
    const uint64_t a = T.front_arrival();
    return a == kNever ? kNever : std::max(a, busy_until_);
  }

 private:
  MeshNoc& noc_;
  Scheduler& sched_;
  uint32_t t_, service_;
  uint64_t busy_until_ = 0;
  std::vector<uint64_t>& consumed_;
};

std::vector<Result> run_model(const NocParams& p, const std::vector<Traffic>& traffic,
                              const std::vector<uint32_t>& service) {
  CalendarScheduler sched;
  MeshNoc noc(p, sched);
  std::vector<uint64_t> consumed(traffic.size(), kNever);
  std::vector<std::unique_ptr<Sink>> sinks;
  for (uint32_t t = 0; t < noc.terminals(); ++t) {
    sinks.push_back(std::make_unique<Sink>(noc, sched, t, service[t], consumed));
    noc.term(t).owner = sinks.back().get();
  }
  for (const auto& tr : traffic) noc.send(tr.src, tr.dst, tr.flits, tr.created);
  sched.run();
  EXPECT_EQ(noc.in_flight(), 0u) << noc.describe_stuck();
  std::vector<Result> out;
  for (uint32_t k = 0; k < traffic.size(); ++k) {
    const Packet& pk = noc.packet(k);
    out.push_back(Result{pk.head_sent, pk.delivered, consumed[k], pk.hops});
  }
  return out;
}

}  // namespace

TEST(MeshNoc, AgreesWithNaivePerCycleModelOnRandomTraffic) {
  uint64_t packets = 0, contended = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    Rng r(seed);
    NocParams p;
    p.width = uint32_t(r.range(1, 5));
    p.height = uint32_t(r.range(1, 4));
    p.locals = uint32_t(r.range(1, 3));
    p.host_port = r.range(0, 1) == 1;
    p.pipeline_stages = uint32_t(r.range(1, 3));
    p.buffer_flits = uint32_t(r.range(1, 4));
    for (auto& l : p.link_latency) l = uint32_t(r.range(1, 4));
    p.routing = Routing(r.range(0, 2));
    const uint32_t terms = p.width * p.height * p.locals + (p.host_port ? 1 : 0);
    std::vector<Traffic> traffic;
    const int n = int(r.range(1, 300));
    for (int k = 0; k < n; ++k) {
      traffic.push_back({uint32_t(r.range(0, terms - 1)), uint32_t(r.range(0, terms - 1)),
                         // A packet must fit the ejection buffer (the NoC's stated rule).
                         uint16_t(r.range(1, std::min<int64_t>(3, p.buffer_flits))),
                         uint64_t(r.range(0, 150))});
    }
    // Packets of one terminal leave in the order sent; keep each terminal's list by creation.
    std::stable_sort(traffic.begin(), traffic.end(),
                     [](const Traffic& a, const Traffic& b) { return a.created < b.created; });
    std::vector<uint32_t> service(terms);
    for (auto& s : service) s = uint32_t(r.range(0, 4));
    const auto naive = NaiveNoc(p, traffic, service).run();
    const auto model = run_model(p, traffic, service);
    ASSERT_EQ(naive.size(), model.size());
    for (size_t k = 0; k < naive.size(); ++k) {
      ASSERT_TRUE(naive[k] == model[k])
          << "seed " << seed << " packet " << k << ": naive head " << naive[k].head_sent
          << " delivered " << naive[k].delivered << " consumed " << naive[k].consumed << " hops "
          << naive[k].hops << " vs model " << model[k].head_sent << " " << model[k].delivered
          << " " << model[k].consumed << " " << model[k].hops;
      const uint32_t zero_load = model[k].delivered - model[k].head_sent;
      contended += zero_load > 2 * p.link_latency[4] + (model[k].hops + 1) * p.pipeline_stages +
                                   4 * model[k].hops + traffic[k].flits;
    }
    packets += naive.size();
  }
  EXPECT_GT(packets, 5000u);
  EXPECT_GT(contended, 100u);  // the traffic really did queue
}

TEST(MeshNoc, ZeroLoadLatencyIsTheClosedFormForEveryPair) {
  for (Routing routing : {Routing::xy, Routing::yx, Routing::west_first}) {
    NocParams p;
    p.width = 4;
    p.height = 3;
    p.locals = 2;
    p.pipeline_stages = 2;
    p.buffer_flits = 3;
    p.link_latency = {3, 4, 6, 7, 2};  // E, W, N, S, local
    p.routing = routing;
    const uint32_t terms = p.width * p.height * p.locals;
    for (uint32_t s = 0; s < terms; ++s)
      for (uint32_t d = 0; d < terms; ++d)
        for (uint16_t flits : {1, 3}) {
          CalendarScheduler sched;
          MeshNoc noc(p, sched);
          const uint32_t id = noc.send(s, d, flits, 10);
          sched.run();
          const Packet& pk = noc.packet(id);
          const int sx = int((s / p.locals) % p.width), sy = int((s / p.locals) / p.width);
          const int dx = int((d / p.locals) % p.width), dy = int((d / p.locals) / p.width);
          const uint32_t h = uint32_t(std::abs(dx - sx) + std::abs(dy - sy));
          const uint32_t links = uint32_t(std::max(0, dx - sx)) * 3 + uint32_t(std::max(0, sx - dx)) * 4 +
                                 uint32_t(std::max(0, dy - sy)) * 6 + uint32_t(std::max(0, sy - dy)) * 7;
          const uint64_t expected = 2 * 2 + (h + 1) * 2 + links + (flits - 1);
          ASSERT_EQ(pk.head_sent, 10u);
          ASSERT_EQ(pk.delivered - pk.head_sent, expected)
              << "routing " << int(routing) << " " << s << " -> " << d << " flits " << flits;
          ASSERT_EQ(pk.hops, h);
        }
  }
}

TEST(MeshNoc, WatchdogNamesWhereFlitsAreStuck) {
  // Terminal 3 never consumes: its ejection buffer fills, back-pressure reaches the sender, and
  // the run goes idle with flits inside. The NoC must say where they are.
  NocParams p;
  p.width = 2;
  p.height = 2;
  p.buffer_flits = 2;
  CalendarScheduler sched;
  MeshNoc noc(p, sched);
  for (int k = 0; k < 12; ++k) noc.send(0, 3, 1, 0);
  sched.run();
  EXPECT_GT(noc.in_flight(), 0u);
  const std::string stuck = noc.describe_stuck();
  EXPECT_NE(stuck.find("router ("), std::string::npos) << stuck;
  EXPECT_NE(stuck.find("to terminal 3"), std::string::npos) << stuck;
  EXPECT_NE(stuck.find("not consumed"), std::string::npos) << stuck;
}

// Systems of chips: the mesh split into chips whose edges are joined by gateways (one off-chip
// link per chip edge and direction, NocParams). The naive model above has its own gateways,
// written from the same stated rules; random chip grids, link speeds and buffers must agree.
TEST(MeshNoc, GatewaysAgreeWithNaivePerCycleModelOnRandomSystems) {
  uint64_t packets = 0, crossings = 0, waited = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    Rng r(seed * 7919);
    NocParams p;
    p.chip_width = uint32_t(r.range(1, 3));
    p.chip_height = uint32_t(r.range(1, 3));
    p.width = p.chip_width * uint32_t(r.range(1, 3));
    p.height = p.chip_height * uint32_t(r.range(1, 3));
    p.locals = uint32_t(r.range(1, 2));
    p.host_port = r.range(0, 1) == 1;
    p.pipeline_stages = uint32_t(r.range(1, 2));
    p.buffer_flits = uint32_t(r.range(1, 4));
    for (auto& l : p.link_latency) l = uint32_t(r.range(1, 3));
    p.routing = Routing(r.range(0, 2));
    p.gateway_latency = uint32_t(r.range(1, 12));
    p.gateway_cycles_per_flit = uint32_t(r.range(1, 6));
    p.gateway_buffer_flits = uint32_t(r.range(1, 6));
    const uint32_t terms = p.width * p.height * p.locals + (p.host_port ? 1 : 0);
    std::vector<Traffic> traffic;
    const int n = int(r.range(1, 250));
    for (int k = 0; k < n; ++k) {
      traffic.push_back({uint32_t(r.range(0, terms - 1)), uint32_t(r.range(0, terms - 1)),
                         uint16_t(r.range(1, std::min<int64_t>(3, p.buffer_flits))),
                         uint64_t(r.range(0, 150))});
    }
    std::stable_sort(traffic.begin(), traffic.end(),
                     [](const Traffic& a, const Traffic& b) { return a.created < b.created; });
    std::vector<uint32_t> service(terms);
    for (auto& s : service) s = uint32_t(r.range(0, 3));
    const auto naive = NaiveNoc(p, traffic, service).run();
    const auto model = run_model(p, traffic, service);
    ASSERT_EQ(naive.size(), model.size());
    for (size_t k = 0; k < naive.size(); ++k) {
      ASSERT_TRUE(naive[k] == model[k])
          << "seed " << seed << " packet " << k << ": naive head " << naive[k].head_sent
          << " delivered " << naive[k].delivered << " consumed " << naive[k].consumed << " hops "
          << naive[k].hops << " vs model " << model[k].head_sent << " " << model[k].delivered
          << " " << model[k].consumed << " " << model[k].hops;
    }
    // How much of the traffic crossed chips and queued at a gateway (the test must exercise both).
    {
      CalendarScheduler s2;
      MeshNoc n2(p, s2);
      std::vector<uint64_t> consumed(traffic.size(), kNever);
      std::vector<std::unique_ptr<Sink>> sinks;
      for (uint32_t t = 0; t < n2.terminals(); ++t) {
        sinks.push_back(std::make_unique<Sink>(n2, s2, t, service[t], consumed));
        n2.term(t).owner = sinks.back().get();
      }
      for (const auto& tr : traffic) n2.send(tr.src, tr.dst, tr.flits, tr.created);
      s2.run();
      uint64_t flits = 0;
      for (const auto& g : n2.gateways()) {
        crossings += g.flits;
        waited += g.wait_cycles;
        flits += g.flits;
      }
      EXPECT_EQ(flits, n2.gateway_flits());
    }
    packets += naive.size();
  }
  EXPECT_GT(packets, 5000u);
  EXPECT_GT(crossings, 2000u);
  EXPECT_GT(waited, 1000u);  // gateways really were contended
}

// Zero load across chip edges, closed form: every on-chip hop costs L_d + P as before; a hop
// across a chip edge costs L_d (router to gateway) + the gateway latency + P.
TEST(MeshNoc, GatewayZeroLoadLatencyIsTheClosedForm) {
  NocParams p;
  p.width = 6;
  p.height = 4;
  p.chip_width = 3;
  p.chip_height = 2;
  p.locals = 1;
  p.pipeline_stages = 2;
  p.buffer_flits = 3;
  p.link_latency = {3, 4, 6, 7, 2};
  p.gateway_latency = 50;
  p.gateway_cycles_per_flit = 5;
  const uint32_t terms = p.width * p.height;
  for (uint32_t s = 0; s < terms; ++s)
    for (uint32_t d = 0; d < terms; ++d)
      for (uint16_t flits : {1, 3}) {
        CalendarScheduler sched;
        MeshNoc noc(p, sched);
        const uint32_t id = noc.send(s, d, flits, 10);
        sched.run();
        const Packet& pk = noc.packet(id);
        const int sx = int(s % p.width), sy = int(s / p.width), dx = int(d % p.width), dy = int(d / p.width);
        const uint32_t h = uint32_t(std::abs(dx - sx) + std::abs(dy - sy));
        const uint32_t links = uint32_t(std::max(0, dx - sx)) * 3 + uint32_t(std::max(0, sx - dx)) * 4 +
                               uint32_t(std::max(0, dy - sy)) * 6 + uint32_t(std::max(0, sy - dy)) * 7;
        // Chip edges crossed: chip columns and rows apart.
        const uint32_t edges = uint32_t(std::abs(dx / 3 - sx / 3) + std::abs(dy / 2 - sy / 2));
        // A multi-flit packet's tail follows its head by one gateway slot per flit.
        const uint64_t tail = edges ? uint64_t(flits - 1) * 5 : uint64_t(flits - 1);
        const uint64_t expected = 2 * 2 + (h + 1) * 2 + links + edges * 50 + tail;
        ASSERT_EQ(pk.delivered - pk.head_sent, expected) << s << " -> " << d << " flits " << flits;
        ASSERT_EQ(pk.hops, h);
        uint64_t gflits = 0;
        for (const auto& g : noc.gateways()) gflits += g.flits;
        ASSERT_EQ(gflits, uint64_t(edges) * flits);
      }
}

// Throughput: a stream of single-flit packets across one edge leaves the gateway one flit per
// gateway_cycles_per_flit when the buffers cover the credit round trip (here 2 + 1 + 2 cycles
// over 8 slots); with 4 slots and one cycle per flit the round trip limits it to 4 flits per 5.
TEST(MeshNoc, GatewaySerialisesOneFlitPerSlot) {
  for (uint32_t cpf : {1u, 3u, 8u}) {
    NocParams p;
    p.width = 2;
    p.height = 1;
    p.chip_width = 1;
    p.chip_height = 1;
    p.buffer_flits = 8;
    p.gateway_latency = 2;
    p.gateway_cycles_per_flit = cpf;
    p.gateway_buffer_flits = 4;
    CalendarScheduler sched;
    MeshNoc noc(p, sched);
    std::vector<uint64_t> consumed(40, kNever);
    Sink sink(noc, sched, 1, 0, consumed);
    noc.term(1).owner = &sink;
    for (int k = 0; k < 40; ++k) noc.send(0, 1, 1, 0);
    sched.run();
    ASSERT_EQ(noc.in_flight(), 0u);
    for (uint32_t k = 1; k < 40; ++k)
      ASSERT_EQ(noc.packet(k).delivered - noc.packet(k - 1).delivered, uint64_t(std::max(cpf, 1u)))
          << "cycles per flit " << cpf << " packet " << k;
    EXPECT_EQ(noc.gateways().size(), 2u);  // one each way
    EXPECT_EQ(noc.gateways()[0].flits, 40u);
  }
  // Credit-limited: 4 downstream slots, a 5-cycle round trip: 4 flits every 5 cycles.
  NocParams p;
  p.width = 2;
  p.height = 1;
  p.chip_width = 1;
  p.chip_height = 1;
  p.buffer_flits = 4;
  p.gateway_latency = 2;
  p.gateway_buffer_flits = 8;
  CalendarScheduler sched;
  MeshNoc noc(p, sched);
  std::vector<uint64_t> consumed(41, kNever);
  Sink sink(noc, sched, 1, 0, consumed);
  noc.term(1).owner = &sink;
  for (int k = 0; k < 41; ++k) noc.send(0, 1, 1, 0);
  sched.run();
  EXPECT_EQ(noc.packet(40).delivered - noc.packet(0).delivered, 50u);
}
