#include "sim/map/mapper.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "models/neuron_model_registry.h"
#include "models/synapse_rows.h"

namespace neuromesh::map {

using config::ChipConfig;
using config::CoreTypeConfig;
using models::SynapseFormatKind;

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = {"fill", "locality"};
  return names;
}

Strategy strategy_from_string(const std::string& name) {
  return name == "locality" ? Strategy::locality : Strategy::fill;
}

uint32_t Placement::cores_used() const {
  return static_cast<uint32_t>(
      std::count_if(cores.begin(), cores.end(), [](const CoreMap& c) { return c.used(); }));
}

namespace {

int ceil_log2(uint64_t n) {
  int b = 0;
  while ((uint64_t{1} << b) < n) ++b;
  return b;
}

std::string bytes(uint64_t b) { return fmt::format("{} bytes", b); }

}  // namespace

int synapse_bits(const CoreTypeConfig& type, const models::SynapseTable& table) {
  const auto& f = type.synapse_format;
  const int delay = table.max_delay > 0 ? f.delay_bits : 0;
  const int index = f.kind == SynapseFormatKind::loihi_sparse ? ceil_log2(type.neurons) : 0;
  return table.num_weight_bits + delay + index;
}

namespace {

// A run of consecutive neurons of one population that fits one core.
struct Chunk {
  uint32_t population = 0, first = 0, count = 0;
  uint32_t type = 0;
  std::vector<AxonList> axons;
  uint64_t synapses = 0, words = 0;
};

class Mapper {
 public:
  Mapper(const ChipConfig& chip, const models::Network& net, const models::ExpandedNetwork& ex)
      : chip_(chip), net_(net), ex_(ex) {}

  Placement run(Strategy strategy) {
    Placement pl;
    pl.strategy = strategy;
    pl.cores.resize(chip_.cores.size());
    for (size_t c = 0; c < chip_.cores.size(); ++c) {
      const auto& t = chip_.type_of(chip_.cores[c]);
      pl.cores[c].words_capacity = t.synaptic_memory.bytes * 8 / t.synaptic_memory.word_bits;
    }
    for (uint32_t p = 0; p < net_.populations.size(); ++p) slice_population(p);
    assign(strategy, pl);
    build_routes(pl);
    return pl;
  }

 private:
  uint32_t type_for(uint32_t p) const {
    const auto& pop = net_.populations[p];
    for (const auto& core : chip_.cores) {
      if (chip_.type_of(core).neuron_model.name == pop.model) return core.type;
    }
    throw MapError("population '" + pop.name + "' uses neuron model " + pop.model +
                   " but no core of chip '" + chip_.name + "' runs it");
  }

  void check_format(const CoreTypeConfig& t, uint32_t p) const {
    const auto& f = t.synapse_format;
    const models::SynapseLayout layout = models::layout_of(f);
    const auto& model = models::NeuronModelRegistry::instance().get(net_.populations[p].model);
    if (!layout.supported) {
      throw MapError(fmt::format(
          "population '{}': mapping onto {} synaptic memory is not supported yet; core type '{}' "
          "would need loihi_sparse, loihi_dense or truenorth_crossbar",
          net_.populations[p].name, models::to_string(f.kind), t.name));
    }
    const bool channeled = model.input == models::SynapseInput::channeled;
    if (layout.channeled != channeled ||
        (channeled && uint32_t(f.axon_types) != model.channels)) {
      throw MapError(fmt::format(
          "population '{}' uses {}, whose synapses {}; core type '{}' stores {} synapses",
          net_.populations[p].name, model.name,
          channeled ? fmt::format("select one of {} per-neuron weights by axon type", model.channels)
                    : "carry their own weights",
          t.name, models::to_string(f.kind)));
    }
    for (uint32_t k = 0; k < ex_.tables.size(); ++k) {
      if (ex_.tables[k].to == p) check_table(t, layout, k);
    }
    if (layout.channeled && p < ex_.channel_weights.size()) check_type_weights(t, p);
  }

  void check_table(const CoreTypeConfig& t, const models::SynapseLayout& layout, uint32_t k) const {
    const auto& f = t.synapse_format;
    const auto& tab = ex_.tables[k];
    const auto& proj = net_.projections[k];
    if (!layout.fixed_array && tab.num_weight_bits > f.weight_bits) {
      throw MapError(fmt::format("projection '{}' uses {}-bit weights; core type '{}' stores at "
                                 "most {} bits (short by {})",
                                 proj.name, tab.num_weight_bits, t.name, f.weight_bits,
                                 tab.num_weight_bits - f.weight_bits));
    }
    if (tab.max_delay > layout.max_delay) {
      if (!layout.fixed_array) {
        throw MapError(fmt::format("projection '{}' uses a delay of {} steps; core type '{}' has "
                                   "{}-bit delays (at most {})",
                                   proj.name, tab.max_delay, t.name, f.delay_bits, layout.max_delay));
      }
      throw MapError(fmt::format("projection '{}' uses a delay of {} steps; core type '{}' holds "
                                 "delays of at most {}",
                                 proj.name, tab.max_delay, t.name, layout.max_delay));
    }
    if (layout.labelled_rows) {
      const int32_t top = (int32_t{1} << f.weight_bits) - 1;
      for (const auto& syn : tab.synapses) {
        if (syn.weight > top) {
          throw MapError(fmt::format("projection '{}' has a weight of magnitude {}; core type '{}' "
                                     "stores {}-bit weight magnitudes (0..{}), the sign set per row",
                                     proj.name, syn.weight, t.name, f.weight_bits, top));
        }
      }
    }
    const int bits = synapse_bits(t, tab);
    if (!layout.fixed_array && bits > int(t.synaptic_memory.word_bits)) {
      throw MapError(fmt::format("projection '{}' needs {} bits per synapse; a memory word of "
                                 "core type '{}' has {}",
                                 proj.name, bits, t.name, t.synaptic_memory.word_bits));
    }
  }

  // Crossbar formats store each neuron's per-type weights in weight_bits signed bits.
  void check_type_weights(const CoreTypeConfig& t, uint32_t p) const {
    const int bits = t.synapse_format.weight_bits;
    const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
    const auto& w = ex_.channel_weights[p];
    for (size_t k = 0; k < w.size(); ++k) {
      if (w[k] < lo || w[k] > hi) {
        throw MapError(fmt::format(
            "neuron {} of population '{}' needs a weight of {} on axon type {}; core type '{}' "
            "stores {}-bit signed weights ({}..{})",
            k / 4, net_.populations[p].name, w[k], k % 4, t.name, bits, lo, hi));
      }
    }
  }

  // Incoming synapses of each neuron of population p as (projection, pre), CSR by post.
  struct In {
    uint32_t projection, pre;
  };
  void incoming(uint32_t p, std::vector<uint32_t>& tables, std::vector<uint64_t>& row,
                std::vector<In>& in) const {
    const uint32_t size = net_.populations[p].size;
    for (uint32_t k = 0; k < ex_.tables.size(); ++k)
      if (ex_.tables[k].to == p) tables.push_back(k);
    row.assign(size_t(size) + 1, 0);
    for (uint32_t k : tables)
      for (const auto& s : ex_.tables[k].synapses) ++row[s.post + 1];
    for (uint32_t i = 0; i < size; ++i) row[i + 1] += row[i];
    in.resize(row[size]);
    std::vector<uint64_t> fill(row.begin(), row.end() - 1);
    for (uint32_t k : tables) {
      const auto& tab = ex_.tables[k];
      const uint32_t n_pre = net_.source_size(tab.from);
      for (uint32_t j = 0; j < n_pre; ++j)
        for (uint64_t s = tab.row[j]; s < tab.row[j + 1]; ++s)
          in[fill[tab.synapses[s].post]++] = In{k, j};
    }
  }

  // The growing chunk of one population: per projection synapses per word, and per presynaptic
  // neuron the chunk that last saw it and how many synapses it has there.
  struct Slicer {
    const CoreTypeConfig* type = nullptr;
    models::SynapseLayout layout;
    uint64_t word_cap = 0;
    uint32_t axon_cap = 0;
    std::map<uint32_t, uint32_t> per_word;
    std::map<uint32_t, std::vector<uint32_t>> last, count, axon_of;
    Chunk cur;
    uint32_t chunk_id = 0;
  };

  // Adds neuron i to the chunk; returns false (with the chunk unchanged) when a limit breaks.
  bool try_add(Slicer& sl, const std::vector<uint64_t>& row, const std::vector<In>& in, uint32_t i) {
    Chunk& cur = sl.cur;
    const size_t axons_before = cur.axons.size();
    const uint64_t words_before = cur.words, syn_before = cur.synapses;
    struct Undo {
      uint32_t k, pre, last, count;
    };
    std::vector<Undo> undo;
    const bool lists = !sl.layout.dense_rows && !sl.layout.fixed_array;
    for (uint64_t s = row[i]; s < row[i + 1]; ++s) {
      const auto [k, pre] = in[s];
      uint32_t& l = sl.last[k][pre];
      uint32_t& c = sl.count[k][pre];
      undo.push_back({k, pre, l, c});
      if (l != sl.chunk_id) {
        l = sl.chunk_id;
        c = 1;
        sl.axon_of[k][pre] = uint32_t(cur.axons.size());
        cur.axons.push_back(AxonList{k, pre, 0, 0, 0});
        if (lists) ++cur.words;
      } else {
        ++c;
        if (lists && (c - 1) % sl.per_word[k] == 0) ++cur.words;
      }
      ++cur.axons[sl.axon_of[k][pre]].synapses;
      ++cur.synapses;
    }
    if (sl.layout.dense_rows) cur.words = dense_words(sl, cur.count + 1);
    if (cur.count + 1 <= sl.type->neurons && cur.words <= sl.word_cap && cur.axons.size() <= sl.axon_cap) {
      ++cur.count;
      return true;
    }
    if (cur.count == 0) fail_alone(sl, i);
    for (auto u = undo.rbegin(); u != undo.rend(); ++u) {
      sl.last[u->k][u->pre] = u->last;
      sl.count[u->k][u->pre] = u->count;
    }
    cur.axons.resize(axons_before);
    for (uint64_t s = row[i]; s < row[i + 1]; ++s) {
      const auto [k, pre] = in[s];
      if (sl.last[k][pre] == sl.chunk_id) --cur.axons[sl.axon_of[k][pre]].synapses;
    }
    cur.words = words_before;
    cur.synapses = syn_before;
    return false;
  }

  // Dense rows span the whole chunk: words = sum over axons of ceil(count / per_word).
  static uint64_t dense_words(const Slicer& sl, uint32_t n_neurons) {
    uint64_t w = 0;
    for (const auto& a : sl.cur.axons) {
      const uint32_t pw = sl.per_word.at(a.projection);
      w += (n_neurons + pw - 1) / pw;
    }
    return w;
  }

  [[noreturn]] void fail_alone(const Slicer& sl, uint32_t i) const {
    const CoreTypeConfig& t = *sl.type;
    const Chunk& cur = sl.cur;
    std::string what;
    if (cur.words > sl.word_cap) {
      what = fmt::format("{} of synaptic memory; a core of type '{}' has {} (short by {})",
                         bytes(cur.words * t.synaptic_memory.word_bits / 8), t.name,
                         bytes(t.synaptic_memory.bytes),
                         bytes((cur.words - sl.word_cap) * t.synaptic_memory.word_bits / 8));
    } else {
      const std::string cap = sl.layout.labelled_rows && sl.axon_cap == sl.layout.max_axons
                                  ? fmt::format("{} synapse drivers x {} source labels = {} sources",
                                                t.synapse_format.rows / 2, 1 << t.synapse_format.label_bits,
                                                sl.axon_cap)
                                  : fmt::format("a fan-in of {}", sl.axon_cap);
      what = fmt::format("{} input axons (distinct sources); a core of type '{}' has {} (short by {})",
                         cur.axons.size(), t.name, cap, cur.axons.size() - sl.axon_cap);
    }
    throw MapError(fmt::format("neuron {} of population '{}' alone needs {}", i,
                               net_.populations[cur.population].name, what));
  }

  // Cuts population p into chunks, growing each chunk one neuron at a time while the core's
  // neuron, synaptic memory and fan-in limits hold.
  void slice_population(uint32_t p) {
    const auto& pop = net_.populations[p];
    Slicer sl;
    const uint32_t tindex = type_for(p);
    sl.type = &chip_.core_types[tindex];
    const CoreTypeConfig& t = *sl.type;
    check_format(t, p);
    sl.layout = models::layout_of(t.synapse_format);
    sl.word_cap = sl.layout.fixed_array ? UINT64_MAX : t.synaptic_memory.bytes * 8 / t.synaptic_memory.word_bits;
    sl.axon_cap = sl.layout.max_axons ? std::min(t.fan_in, sl.layout.max_axons) : t.fan_in;
    std::vector<uint32_t> tables;
    std::vector<uint64_t> row;
    std::vector<In> in;
    incoming(p, tables, row, in);
    for (uint32_t k : tables) {
      const uint32_t n_pre = net_.source_size(ex_.tables[k].from);
      sl.per_word[k] = sl.layout.fixed_array ? 1
                       : t.synaptic_memory.word_bits / uint32_t(synapse_bits(t, ex_.tables[k]));
      sl.last[k].assign(n_pre, UINT32_MAX);
      sl.count[k].assign(n_pre, 0);
      sl.axon_of[k].assign(n_pre, 0);
    }
    auto start = [&](uint32_t first) {
      sl.cur = Chunk{};
      sl.cur.population = p;
      sl.cur.first = first;
      sl.cur.type = tindex;
    };
    sl.chunk_id = uint32_t(chunks_.size());
    start(0);
    for (uint32_t i = 0; i < pop.size; ++i) {
      if (try_add(sl, row, in, i)) continue;
      close(sl.cur, sl);
      ++sl.chunk_id;
      start(i);
      --i;  // place neuron i again, into the new chunk
    }
    if (sl.cur.count > 0) close(sl.cur, sl);
  }

  // Labelled-row arrays (BSS-2): every source of the chunk must find a synapse driver, a label
  // and rows (models/synapse_rows.h), as the core's input stage will place them.
  void check_rows(const Chunk& c, const Slicer& sl) const {
    const auto& f = sl.type->synapse_format;
    std::vector<models::RowSource> src(c.axons.size());
    for (size_t a = 0; a < c.axons.size(); ++a) {
      const auto& tab = ex_.tables[c.axons[a].projection];
      const uint32_t pre = c.axons[a].pre;
      for (uint64_t s = tab.row[pre]; s < tab.row[pre + 1]; ++s) {
        const auto& syn = tab.synapses[s];
        if (syn.post < c.first || syn.post >= c.first + c.count) continue;
        (syn.channel == 0 ? src[a].exc : src[a].inh).push_back(syn.post - c.first);
      }
    }
    std::vector<models::RowSlot> slots;
    std::string why;
    const size_t bad = models::pack_rows(src, uint32_t(f.rows / 2), uint32_t(f.label_bits),
                                         sl.type->neurons, slots, &why);
    if (bad == src.size()) return;
    const auto& a = c.axons[bad];
    throw MapError(fmt::format(
        "projection '{}': source neuron {} does not fit the synapse array of a core of type '{}' "
        "holding population '{}' neurons {}..{}: {}",
        net_.projections[a.projection].name, a.pre, sl.type->name,
        net_.populations[c.population].name, c.first, c.first + c.count - 1, why));
  }

  void close(Chunk& c, const Slicer& sl) {
    if (sl.layout.labelled_rows) check_rows(c, sl);
    uint64_t offset = 0;
    for (auto& a : c.axons) {
      const uint32_t pw = sl.per_word.at(a.projection);
      a.word_offset = offset;
      a.words = sl.layout.fixed_array ? 0
                : (sl.layout.dense_rows ? (c.count + pw - 1) / pw : (a.synapses + pw - 1) / pw);
      offset += a.words;
    }
    c.words = offset;
    if (sl.layout.fixed_array) {
      // The whole array is the core's memory use, whatever it holds.
      const auto& t = *sl.type;
      const uint64_t bits = models::fixed_array_bits(t.synapse_format, t.neurons);
      c.words = (bits + t.synaptic_memory.word_bits - 1) / t.synaptic_memory.word_bits;
    }
    chunks_.push_back(std::move(c));
  }

  uint32_t hops(uint32_t a, uint32_t b) const {
    const auto& x = chip_.cores[a];
    const auto& y = chip_.cores[b];
    return uint32_t(std::abs(int(x.router_x) - int(y.router_x)) +
                    std::abs(int(x.router_y) - int(y.router_y)));
  }
  uint32_t hops_from_host(uint32_t b) const {
    return chip_.cores[b].router_x + chip_.cores[b].router_y;
  }

  void fail_no_core(size_t placed) const {
    std::map<uint32_t, size_t> need;
    for (const auto& c : chunks_) ++need[c.type];
    std::string detail;
    for (const auto& [type_index, n] : need) {
      const uint32_t type = type_index;  // a copy: lambdas cannot capture structured bindings (C++17)
      const size_t have = size_t(std::count_if(chip_.cores.begin(), chip_.cores.end(),
                                               [&](const auto& core) { return core.type == type; }));
      detail += fmt::format("{}{} cores of type '{}' needed, the chip has {} (short by {})",
                            detail.empty() ? "" : "; ", n, chip_.core_types[type].name, have,
                            n > have ? n - have : 0);
    }
    const auto& c = chunks_[placed];
    throw MapError(fmt::format(
        "the network does not fit: {}. First slice without a core: population '{}' neurons "
        "{}..{}. Each core holds at most {} neurons, {} of synaptic memory and {} input axons.",
        detail, net_.populations[c.population].name, c.first, c.first + c.count - 1,
        chip_.core_types[c.type].neurons, bytes(chip_.core_types[c.type].synaptic_memory.bytes),
        chip_.core_types[c.type].fan_in));
  }

  // Chunks onto cores in chip order, each on the next core of its type.
  void assign_fill(std::vector<uint32_t>& core_of_chunk) const {
    size_t next = 0;
    for (size_t k = 0; k < chunks_.size(); ++k) {
      while (next < chip_.cores.size() && chip_.cores[next].type != chunks_[k].type) ++next;
      if (next >= chip_.cores.size()) fail_no_core(k);
      core_of_chunk[k] = uint32_t(next++);
    }
  }

  // Traffic between chunks: routes (packets per spike of every source neuron) from a to b, and
  // from the host.
  void chunk_traffic(std::vector<std::vector<std::pair<uint32_t, uint64_t>>>& traffic,
                     std::vector<uint64_t>& from_host) const {
    const auto chunk_of = [&](uint32_t pop, uint32_t neuron) {
      auto it = std::upper_bound(chunks_.begin(), chunks_.end(), std::make_pair(pop, neuron),
                                 [](const std::pair<uint32_t, uint32_t>& v, const Chunk& c) {
                                   return v.first < c.population ||
                                          (v.first == c.population && v.second < c.first);
                                 });
      return uint32_t(it - chunks_.begin() - 1);
    };
    for (uint32_t b = 0; b < chunks_.size(); ++b) {
      std::map<uint32_t, uint64_t> t;
      for (const auto& a : chunks_[b].axons) {
        const auto& from = ex_.tables[a.projection].from;
        if (from.is_input) ++from_host[b];
        else ++t[chunk_of(from.index, a.pre)];
      }
      for (const auto& [a, n] : t) {
        traffic[b].push_back({a, n});
        traffic[a].push_back({b, n});
      }
    }
  }

  // Place the most connected chunk first, then repeatedly the unplaced chunk with the most
  // traffic to chunks already placed (ties: declaration order), each on the free core that
  // minimises traffic x hops. Chunks with no traffic at all come last.
  void assign_locality(std::vector<uint32_t>& core_of_chunk) const {
    std::vector<std::vector<std::pair<uint32_t, uint64_t>>> traffic(chunks_.size());
    std::vector<uint64_t> from_host(chunks_.size(), 0);
    chunk_traffic(traffic, from_host);
    std::vector<uint64_t> attached(chunks_.size(), 0), total(chunks_.size(), 0);
    for (size_t k = 0; k < chunks_.size(); ++k) {
      total[k] = from_host[k];
      for (const auto& e : traffic[k]) total[k] += e.second;
      attached[k] = from_host[k];
    }
    std::vector<bool> placed(chunks_.size(), false), taken(chip_.cores.size(), false);
    for (size_t round = 0; round < chunks_.size(); ++round) {
      size_t k = SIZE_MAX;
      for (size_t q = 0; q < chunks_.size(); ++q) {
        if (placed[q]) continue;
        if (k == SIZE_MAX || attached[q] > attached[k] ||
            (attached[q] == attached[k] && attached[q] == 0 && total[q] > total[k])) {
          k = q;
        }
      }
      uint64_t best_cost = UINT64_MAX;
      uint32_t best = UINT32_MAX;
      for (uint32_t c = 0; c < chip_.cores.size(); ++c) {
        if (taken[c] || chip_.cores[c].type != chunks_[k].type) continue;
        uint64_t cost = from_host[k] * hops_from_host(c);
        for (const auto& [other, n] : traffic[k]) {
          if (core_of_chunk[other] != UINT32_MAX) cost += n * hops(core_of_chunk[other], c);
        }
        if (cost < best_cost) best_cost = cost, best = c;
      }
      if (best == UINT32_MAX) fail_no_core(k);
      core_of_chunk[k] = best;
      taken[best] = true;
      placed[k] = true;
      for (const auto& [other, n] : traffic[k]) attached[other] += n;
    }
  }

  void assign(Strategy strategy, Placement& pl) {
    std::vector<uint32_t> core_of_chunk(chunks_.size(), UINT32_MAX);
    if (strategy == Strategy::fill) {
      assign_fill(core_of_chunk);
    } else {
      assign_locality(core_of_chunk);
    }
    pl.core_of.resize(net_.populations.size());
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      pl.core_of[p].assign(net_.populations[p].size, UINT32_MAX);
    }
    for (size_t k = 0; k < chunks_.size(); ++k) {
      Chunk& ch = chunks_[k];
      CoreMap& cm = pl.cores[core_of_chunk[k]];
      cm.population = ch.population;
      cm.first = ch.first;
      cm.count = ch.count;
      cm.synapses = ch.synapses;
      cm.words_used = ch.words;
      cm.axons = std::move(ch.axons);
      for (uint32_t i = 0; i < ch.count; ++i) pl.core_of[ch.population][ch.first + i] = core_of_chunk[k];
    }
  }

  // Formats whose neurons drive a limited number of axons (TrueNorth: one) and whose packets
  // carry relative offsets of limited width (TrueNorth: 9-bit signed dx, dy).
  void check_route_limits(const Placement& pl) const {
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      const auto& pop = net_.populations[p];
      const models::SynapseLayout layout =
          models::layout_of(chip_.core_types[type_for(p)].synapse_format);
      const RoutingTable& rt = pl.population_routes[p];
      const int64_t reach = layout.dxdy_bits ? (int64_t{1} << (layout.dxdy_bits - 1)) - 1 : 0;
      for (uint32_t j = 0; j < pop.size; ++j) {
        const uint64_t n = rt.row[j + 1] - rt.row[j];
        if (layout.routes_per_neuron && n > layout.routes_per_neuron) {
          uint64_t targets = 0;
          for (uint64_t r = rt.row[j]; r < rt.row[j + 1]; ++r)
            targets += pl.cores[rt.routes[r].core].axons[rt.routes[r].axon].synapses;
          throw MapError(fmt::format(
              "neuron {} of population '{}' reaches {} target neurons through {} axons on "
              "different cores or projections; a core of type '{}' lets a neuron drive {} "
              "axon, so it would need {} splitter neurons (not inserted automatically): place "
              "its targets on one core (at most {} neurons) or add the splitters to the network",
              j, pop.name, targets, n, chip_.core_types[type_for(p)].name,
              layout.routes_per_neuron, n - 1, chip_.core_types[type_for(p)].neurons));
        }
        for (uint64_t r = rt.row[j]; reach && r < rt.row[j + 1]; ++r) {
          const auto& a = chip_.cores[pl.core_of[p][j]];
          const auto& b = chip_.cores[rt.routes[r].core];
          const int64_t dx = int64_t(b.router_x) - a.router_x, dy = int64_t(b.router_y) - a.router_y;
          if (std::abs(dx) > reach || std::abs(dy) > reach) {
            throw MapError(fmt::format(
                "neuron {} of population '{}' on core {} targets core {} at dx {}, dy {}; "
                "packets carry {}-bit signed offsets (at most {} routers away)",
                j, pop.name, a.name, b.name, dx, dy, layout.dxdy_bits, reach));
          }
        }
      }
    }
  }

  void build_routes(Placement& pl) {
    pl.population_routes.resize(net_.populations.size());
    pl.input_routes.resize(net_.inputs.size());
    auto table = [&](const models::Endpoint& e) -> RoutingTable& {
      return e.is_input ? pl.input_routes[e.index] : pl.population_routes[e.index];
    };
    for (uint32_t p = 0; p < net_.populations.size(); ++p)
      pl.population_routes[p].row.assign(size_t(net_.populations[p].size) + 1, 0);
    for (uint32_t k = 0; k < net_.inputs.size(); ++k)
      pl.input_routes[k].row.assign(size_t(net_.inputs[k].size) + 1, 0);
    for (const auto& cm : pl.cores)
      for (const auto& a : cm.axons) ++table(ex_.tables[a.projection].from).row[a.pre + 1];
    auto prefix = [](RoutingTable& r) {
      for (size_t i = 1; i < r.row.size(); ++i) r.row[i] += r.row[i - 1];
      r.routes.resize(r.row.back());
    };
    for (auto& r : pl.population_routes) prefix(r);
    for (auto& r : pl.input_routes) prefix(r);
    std::vector<std::vector<uint64_t>> pop_fill, in_fill;
    for (auto& r : pl.population_routes) pop_fill.emplace_back(r.row.begin(), r.row.end() - 1);
    for (auto& r : pl.input_routes) in_fill.emplace_back(r.row.begin(), r.row.end() - 1);
    for (uint32_t c = 0; c < pl.cores.size(); ++c) {
      const auto& cm = pl.cores[c];
      for (uint32_t a = 0; a < cm.axons.size(); ++a) {
        const auto& from = ex_.tables[cm.axons[a].projection].from;
        const uint32_t pre = cm.axons[a].pre;
        auto& fill = from.is_input ? in_fill[from.index] : pop_fill[from.index];
        table(from).routes[fill[pre]++] = Route{c, a};
        const uint32_t src_hops =
            from.is_input ? hops_from_host(c) : hops(pl.core_of[from.index][pre], c);
        pl.route_hops += src_hops;
        ++pl.routes;
        if (!from.is_input) ++pl.cores[pl.core_of[from.index][pre]].fan_out;
      }
    }
    check_route_limits(pl);
    for (uint32_t c = 0; c < pl.cores.size(); ++c) {
      const auto& t = chip_.type_of(chip_.cores[c]);
      if (pl.cores[c].fan_out > t.fan_out) {
        throw MapError(fmt::format(
            "core {} (population '{}' neurons {}..{}) needs {} output routes; its fan-out limit "
            "is {} (short by {})",
            chip_.cores[c].name, net_.populations[pl.cores[c].population].name, pl.cores[c].first,
            pl.cores[c].first + pl.cores[c].count - 1, pl.cores[c].fan_out, t.fan_out,
            pl.cores[c].fan_out - t.fan_out));
      }
    }
  }

  const ChipConfig& chip_;
  const models::Network& net_;
  const models::ExpandedNetwork& ex_;
  std::vector<Chunk> chunks_;
};

}  // namespace

Placement map_network(const ChipConfig& chip, const models::Network& net,
                      const models::ExpandedNetwork& ex, Strategy strategy) {
  return Mapper(chip, net, ex).run(strategy);
}

std::string describe_placement(const ChipConfig& chip, const models::Network& net,
                               const Placement& pl) {
  std::string o;
  o += fmt::format("placement of network '{}' on chip '{}' (strategy {})\n", net.name, chip.name,
                   strategy_names()[size_t(pl.strategy)]);
  o += fmt::format("{:<14} {:>7} {:<20} {:>8} {:>10} {:>22} {:>7} {:>7}\n", "core", "router",
                   "population", "neurons", "synapses", "memory bytes used/cap", "fan-in",
                   "fan-out");
  uint64_t neurons = 0, synapses = 0, mem = 0;
  for (uint32_t c = 0; c < pl.cores.size(); ++c) {
    const auto& cm = pl.cores[c];
    if (!cm.used()) continue;
    const auto& core = chip.cores[c];
    const auto& t = chip.type_of(core);
    const uint64_t used = cm.words_used * t.synaptic_memory.word_bits / 8;
    neurons += cm.count;
    synapses += cm.synapses;
    mem += used;
    o += fmt::format("{:<14} {:>7} {:<20} {:>8} {:>10} {:>22} {:>7} {:>7}\n", core.name,
                     fmt::format("{},{}", core.router_x, core.router_y),
                     fmt::format("{}[{}..{}]", net.populations[cm.population].name, cm.first,
                                 cm.first + cm.count - 1),
                     cm.count, cm.synapses,
                     fmt::format("{}/{}", used, t.synaptic_memory.bytes), cm.axons.size(),
                     cm.fan_out);
  }
  o += fmt::format("cores used {} of {}; {} neurons, {} synapses, {} bytes of synaptic memory\n",
                   pl.cores_used(), chip.cores.size(), neurons, synapses, mem);
  o += fmt::format("packets if every source neuron spiked once: {}; estimated hops per packet "
                   "{:.3f} (inputs enter at router 0,0)\n",
                   pl.routes, pl.hops_per_packet());
  return o;
}

}  // namespace neuromesh::map
