// Flit-level, cycle-accurate model of a 2-D mesh network on chip: input-buffered routers with
// credit-based back-pressure, round-robin arbitration per output, wormhole switching, configurable
// pipeline depth and per-direction link latencies, XY / YX / west-first routing. Event-driven:
// a router is evaluated only at cycles where one of its flits can move.
//
// Timing (all in cycles, zero load): a flit sent by a terminal at cycle c enters its router's
// local input buffer at c + L_local and can be switched from c + L_local + P; a flit switched
// towards direction d at cycle s arrives at the next router at s + L_d (ready at + P) or, on a
// local output, at the terminal at s + L_local. A credit for a freed buffer slot reaches the
// sender after the latency of the link it came over. So a packet of F flits over h hops:
//   latency(head sent -> tail delivered) = 2 L_local + (h + 1) P + sum(L_d over the hops) + F - 1.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/noc/scheduler.h"

namespace neuromesh::models::noc {

enum Dir : uint8_t { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3 };
constexpr int kMeshPorts = 4;  // ports 0..3 are mesh directions, 4.. are local terminals

enum class Routing { xy, yx, west_first };
Routing routing_from_string(const std::string& name);  // "xy", "yx", "west_first"

struct NocParams {
  uint32_t width = 1, height = 1;
  uint32_t locals = 1;            // terminals (cores) per router
  bool host_port = false;         // one more terminal on router 0 for off-chip input
  uint32_t pipeline_stages = 1;   // P
  uint32_t buffer_flits = 4;      // depth of every input buffer and terminal ejection buffer
  std::array<uint32_t, 5> link_latency{{1, 1, 1, 1, 1}};  // E, W, N, S, local (>= 1 each)
  Routing routing = Routing::xy;
  // A system of chips: the mesh is a grid of chips of chip_width x chip_height routers each
  // (0: one chip, no gateways). A flit that crosses a chip edge leaves its router's mesh output as
  // usual (link_latency[d]) into that edge's gateway, which merges the edge's rows (east/west) or
  // columns (north/south) onto one off-chip link: one flit per gateway_cycles_per_flit, arriving
  // gateway_latency cycles later (+ P) at the router across the edge. Each lane (row or column)
  // has its own gateway_buffer_flits buffer; credits cross the off-chip link back.
  uint32_t chip_width = 0, chip_height = 0;
  uint32_t gateway_latency = 1;          // >= 1
  uint32_t gateway_cycles_per_flit = 1;  // >= 1
  uint32_t gateway_buffer_flits = 4;     // >= 1
};

struct Flit {
  uint32_t packet = 0;
  uint16_t index = 0;    // 0 = head
  uint16_t length = 1;
  uint64_t ready = 0;    // switchable from (routers) / arrived at (terminals)
  uint32_t dst_router = 0;
  uint32_t dst_port = 0;
};

struct Packet {
  uint32_t src = 0, dst = 0;      // terminal ids
  uint16_t flits = 1;
  uint64_t tag = 0;               // owner's data (e.g. destination axon)
  uint64_t created = 0;           // cycle it was handed to the injector
  uint64_t head_sent = kNever;    // cycle its head left the terminal
  uint64_t delivered = kNever;    // cycle its tail arrived at the destination terminal
  uint32_t hops = 0;              // router-to-router links crossed
};

class MeshNoc;
class Gateway;

// A NoC spread over processes (sim/dist): the routers of some chips are computed by another
// process. What crosses into such a chip leaves through this port instead of being handed over:
// a flit that a gateway sends to a router there, and a credit that a router here returns to a
// gateway there. The other process imports it (MeshNoc::import_flit, import_credit). Both are
// stamped at least the gateway latency after the cycle that sends them: that latency is the
// lookahead within which the processes need not hear from each other.
class RemotePort {
 public:
  virtual ~RemotePort() = default;
  // Flit `f` (ready at the router after the edge) of packet `p` leaves gateway `gateway`, lane `lane`.
  virtual void flit(uint32_t gateway, uint32_t lane, const Flit& f, const Packet& p) = 0;
  // A buffer slot of lane `lane` of gateway `gateway` is free again from `cycle` on.
  virtual void credit(uint32_t gateway, uint32_t lane, uint64_t cycle) = 0;
};

// Optional watcher of link activity (waveform tracing).
class NocObserver {
 public:
  virtual ~NocObserver() = default;
  // A flit left router `router` through output `port` at `cycle`.
  virtual void flit_sent(uint32_t router, int port, uint64_t cycle) = 0;
  // A flit left terminal `terminal` towards its router at `cycle`.
  virtual void flit_injected(uint32_t terminal, uint64_t cycle) = 0;
};

// An unbounded FIFO that allocates nothing until used (std::deque allocates a 512-byte block
// per instance: 4 KB per router on a mesh of idle terminals).
template <typename T>
class Fifo {
 public:
  bool empty() const { return head_ == buf_.size(); }
  size_t size() const { return buf_.size() - head_; }
  const T& front() const { return buf_[head_]; }
  void push_back(const T& x) { buf_.push_back(x); }
  void pop_front() {
    if (++head_ == buf_.size()) {
      buf_.clear();
      head_ = 0;
    } else if (head_ >= 64 && head_ * 2 >= buf_.size()) {
      buf_.erase(buf_.begin(), buf_.begin() + std::ptrdiff_t(head_));
      head_ = 0;
    }
  }

 private:
  std::vector<T> buf_;
  size_t head_ = 0;
};

// Small fixed-capacity FIFO; its storage is allocated at the first push (most buffers of a big
// mesh never hold a flit).
template <typename T>
class Ring {
 public:
  void reset(size_t capacity) {
    buf_.clear();
    capacity_ = capacity;
    head_ = size_ = 0;
  }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& front() { return buf_[head_]; }
  const T& front() const { return buf_[head_]; }
  const T& at(size_t k) const { return buf_[wrap(head_ + k)]; }
  void push(const T& v) {
    if (buf_.empty()) buf_.assign(capacity_, T{});
    buf_[wrap(head_ + size_++)] = v;
  }
  void pop() {
    head_ = wrap(head_ + 1);
    --size_;
  }

 private:
  // i < 2 x capacity: a compare instead of a division.
  size_t wrap(size_t i) const { return i >= buf_.size() ? i - buf_.size() : i; }
  std::vector<T> buf_;
  size_t capacity_ = 0, head_ = 0, size_ = 0;
};

class Router final : public Component {
 public:
  uint64_t evaluate(uint64_t c) override;

  // Counters, per output port.
  std::vector<uint64_t> flits_out;
  uint64_t last_active = 0;

 private:
  friend class MeshNoc;
  friend class Terminal;
  friend class Gateway;
  int route(const Flit& f, uint64_t c) const;  // output port for a head flit
  void credit_return(int out, uint64_t cycle);

  MeshNoc* noc_ = nullptr;
  uint32_t id_ = 0, x_ = 0, y_ = 0;
  int ports_ = 0;
  std::vector<Ring<Flit>> in_;
  std::vector<uint32_t> credits_;
  std::vector<Ring<uint64_t>> returns_;   // pending credit returns per output, by cycle
  std::vector<int> locked_;               // input holding each output (wormhole), -1 if none
  std::vector<int> rr_;                   // last input granted each output
  std::vector<uint32_t> in_latency_;      // latency of the link feeding each input
  std::vector<int> out_of_input_;         // output a packet in progress holds, per input (-1)
  std::vector<uint64_t> requests_;        // scratch: inputs requesting each output
  int32_t gateway_out_[kMeshPorts] = {-1, -1, -1, -1};  // gateway behind each mesh output
  int32_t gateway_in_[kMeshPorts] = {-1, -1, -1, -1};   // gateway feeding each mesh input
  uint64_t buffered_ = 0;
  uint64_t occupied_ = 0;                 // inputs with flits (bit per port; ports <= 64)
  uint64_t returning_ = 0;                // outputs with pending credit returns
  void push(int port, const Flit& f) {
    in_[port].push(f);
    ++buffered_;
    occupied_ |= uint64_t{1} << port;
  }
};

// The off-chip link of one chip edge in one direction (systems of chips, NocParams above).
// Lanes are the edge's rows (east/west) or columns (north/south); a packet holds the link from
// its head to its tail (packets are not interleaved), round robin among lanes between packets.
class Gateway final : public Component {
 public:
  uint64_t evaluate(uint64_t c) override;

  uint32_t from_chip() const { return from_chip_; }
  uint32_t to_chip() const { return to_chip_; }
  Dir dir() const { return dir_; }
  uint32_t lanes() const { return uint32_t(lane_.size()); }
  // Counters.
  uint64_t flits = 0, packets = 0;
  uint64_t wait_cycles = 0;  // summed over flits: cycles from ready in a lane to sent

 private:
  friend class MeshNoc;
  friend class Router;
  void push(uint32_t lane, const Flit& f);
  void credit_return(uint32_t lane, uint64_t cycle);
  MeshNoc* noc_ = nullptr;
  uint32_t from_chip_ = 0, to_chip_ = 0;
  Dir dir_ = kEast;
  uint32_t id_ = 0;
  std::vector<uint32_t> up_, down_;     // per lane: router before and after the edge
  std::vector<Ring<Flit>> lane_;
  std::vector<uint32_t> credits_;       // per lane: free slots at the router after the edge
  std::vector<Ring<uint64_t>> returns_;
  uint64_t buffered_ = 0;
  int locked_ = -1, rr_ = -1;
  uint64_t next_free_ = 0;              // first cycle the link can take a flit
};

// A terminal: where a core (or the host) injects packets and receives them.
class Terminal final : public Component {
 public:
  uint64_t evaluate(uint64_t c) override;  // injection side

  // Packets fully arrived (tail delivered) and not yet consumed, oldest first.
  bool has_packet(uint64_t c) const;
  uint32_t front_packet() const;
  uint64_t front_arrival() const;          // tail arrival cycle of the front packet (or kNever)
  // Consumes the front packet at cycle c: frees its buffer slots (credits reach the router after
  // the local link latency).
  void pop(uint64_t c);

  uint32_t router() const { return router_; }
  int port() const { return port_; }

  // Called by the NoC when a flit arrives; the owner is woken at the tail's arrival.
  Component* owner = nullptr;

 private:
  friend class MeshNoc;
  friend class Router;
  void credit_return(uint64_t cycle);
  void receive(const Flit& f);

  MeshNoc* noc_ = nullptr;
  uint32_t id_ = 0, router_ = 0;
  int port_ = 0;
  Fifo<uint32_t> outbox_;            // packets waiting to be injected, in order
  uint16_t sent_flits_ = 0;                // flits of outbox_.front() already sent
  uint64_t next_free_ = 0;                 // first cycle the injection link is free
  uint32_t credits_ = 0;
  Ring<uint64_t> returns_;
  Ring<Flit> inbox_;                       // ejection buffer
  Fifo<std::pair<uint32_t, uint64_t>> complete_;  // (packet, tail arrival)
};

class MeshNoc {
 public:
  MeshNoc(const NocParams& p, Scheduler& scheduler);

  const NocParams& params() const { return p_; }
  uint32_t terminals() const { return uint32_t(terminals_.size()); }
  // Terminal of local port `k` of router (x, y); the host terminal is host_terminal().
  uint32_t terminal(uint32_t x, uint32_t y, uint32_t k) const {
    return (y * p_.width + x) * p_.locals + k;
  }
  uint32_t host_terminal() const { return p_.width * p_.height * p_.locals; }
  Terminal& term(uint32_t t) { return terminals_[t]; }
  Router& router(uint32_t r) { return routers_[r]; }
  uint32_t routers() const { return uint32_t(routers_.size()); }

  // Queues a packet of `flits` flits (at most buffer_flits: a terminal consumes whole packets,
  // so its ejection buffer must hold one) at terminal `src` for terminal `dst`, injectable from
  // cycle `ready`. Returns its id. Packets of one terminal leave in the order they were sent.
  uint32_t send(uint32_t src, uint32_t dst, uint16_t flits, uint64_t ready, uint64_t tag = 0);
  const Packet& packet(uint32_t id) const { return packets_[id]; }
  size_t packet_count() const { return packets_.size(); }
  void clear_packets();  // forget delivered packets (between timesteps); ids restart at 0

  // Flits still inside routers, links or ejection buffers, and packets not yet injected.
  uint64_t in_flight() const { return in_flight_; }
  // A description of where flits are stuck (for the watchdog).
  std::string describe_stuck() const;

  uint64_t flit_hops(int dir) const { return flit_hops_[dir]; }
  // Systems of chips: the gateways, and the chip of a router (row-major over the chip grid).
  const std::vector<Gateway>& gateways() const { return gateways_; }
  Gateway& gateway(size_t g) { return gateways_[g]; }
  uint32_t chip_of_router(uint32_t r) const;
  uint64_t gateway_flits() const { return gateway_flits_; }
  NocObserver* observer = nullptr;

  // Spread over processes: this process computes the routers of the chips marked in `local`
  // (per chip); flits and credits bound for the others leave through `port`.
  void set_remote(std::vector<uint8_t> local, RemotePort* port);
  bool local_chip(uint32_t chip) const { return remote_ == nullptr || local_[chip]; }
  // What another process's port sent (in the order it sent them): a flit enters the router after
  // the gateway's edge (a head flit brings a copy of its packet: hops so far, source, tag), a
  // credit reaches the gateway.
  void import_flit(uint32_t gateway, uint32_t lane, Flit f, const Packet& p);
  void import_credit(uint32_t gateway, uint32_t lane, uint64_t cycle);
  // Every event counter of the NoC (routers' flits per output and last active cycle, gateways'
  // flits, packets and waits, flit hops by direction, inter-chip flits), in a fixed order: for
  // adding up what the processes of a spread run counted (each counter is counted by one).
  std::vector<uint64_t*> counters();
  // Packets this process sent (packet_count() less the imported copies).
  size_t packets_sent() const { return packets_.size() - imported_; }

 private:
  friend class Router;
  friend class Terminal;
  friend class Gateway;
  NocParams p_;
  Scheduler& sched_;
  std::vector<Router> routers_;
  std::vector<Terminal> terminals_;
  std::vector<Gateway> gateways_;
  std::vector<Packet> packets_;
  uint64_t gateway_flits_ = 0;
  RemotePort* remote_ = nullptr;
  std::vector<uint8_t> local_;           // per chip (spread over processes)
  std::vector<uint32_t> importing_;      // per gateway: local id of the packet whose flits arrive
  size_t imported_ = 0;                  // packets_ that are copies of other processes' packets
  void build_gateways();
  uint64_t in_flight_ = 0;
  std::array<uint64_t, 4> flit_hops_{};
};

}  // namespace neuromesh::models::noc
