#include "sim/map/mapper.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "models/neuron_model_registry.h"
#include "models/rng.h"
#include "models/synapse_rows.h"
#include "sim/io/csv.h"
#include "sim/io/utf8.h"
#include "sim/map/neuron_grouping.h"

namespace neuromesh::map {

using config::ChipConfig;
using config::CoreTypeConfig;
using models::SynapseFormatKind;

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = {"fill", "locality", "connectivity"};
  return names;
}

Strategy strategy_from_string(const std::string& name) {
  const auto& n = strategy_names();
  return Strategy(std::find(n.begin(), n.end(), name) - n.begin());
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

// Neurons of one population that fit one core (ascending once closed).
struct Chunk {
  uint32_t population = 0;
  std::vector<uint32_t> neurons;
  uint32_t type = 0;
  std::vector<AxonList> axons;
  uint64_t synapses = 0, words = 0;
  uint32_t fan_out = 0;  // output routes of its neurons, as the targets are sliced
};

// "3..7" for a range, else the first few indices.
std::string neuron_list(const std::vector<uint32_t>& n) {
  if (n.empty()) return "(none)";
  if (n.back() - n.front() + 1 == n.size()) return fmt::format("{}..{}", n.front(), n.back());
  std::string s;
  for (size_t i = 0; i < n.size() && i < 4; ++i) s += fmt::format("{}{}", i ? ", " : "", n[i]);
  return n.size() > 4 ? fmt::format("{}, ... ({} neurons)", s, n.size()) : s;
}

// A limit that no slicing can meet (one neuron alone, or a group that must share a core): no
// other neuron order is tried.
class Unplaceable : public MapError {
 public:
  using MapError::MapError;
};

class Mapper {
 public:
  Mapper(const ChipConfig& chip, const models::Network& net, const models::ExpandedNetwork& ex)
      : chip_(chip), net_(net), ex_(ex) {}

  // The strategy's own slicing first. When it cannot be placed (a core count, fan-out or route
  // limit that its groups break), other neuron orders: the connectivity grouping, then index
  // order through seeded random permutations, as many as a work budget allows (hundreds for
  // small networks, a few for large ones). The first that fits wins; when none does, the
  // strategy's own error is reported.
  Placement run(Strategy strategy) {
    for (uint32_t p = 0; p < net_.populations.size(); ++p) check_format(chip_.core_types[type_for(p)], p);
    uint64_t work = 1;
    for (const auto& t : ex_.tables) work += t.synapses.size();
    for (const auto& p : net_.populations) work += p.size;
    const uint32_t attempts = 2 + uint32_t(std::min<uint64_t>(kMaxRetries, kRetryWork / work));
    std::string first_error;
    for (uint32_t a = 0; a < attempts; ++a) {
      const bool own_grouped = strategy == Strategy::connectivity;
      const Order order = a == 0 ? Order{own_grouped, 0}
                          : a == 1 ? Order{!own_grouped, 0}
                                   : Order{false, uint64_t(a - 1)};
      try {
        return attempt(strategy, order);
      } catch (const Unplaceable&) {
        throw;
      } catch (const MapError& e) {
        if (a == 0) first_error = e.what();
      }
    }
    throw MapError(first_error + fmt::format(" (none of {} other neuron orders fits either)",
                                             attempts - 1));
  }

  // A placement given neuron by neuron (a placement file): each core's chunk is built from the
  // neurons it is given, then checked against every limit; messages name the file line.
  Placement given(const config::UserPlacement& u) {
    const uint32_t n = uint32_t(net_.populations.size());
    const uint32_t n_cores = uint32_t(chip_.cores.size());
    std::vector<uint32_t> pop_of_core(n_cores, CoreMap::npos), id_of_core(n_cores, 0);
    std::vector<std::vector<std::vector<uint32_t>>> members(n);
    std::vector<std::vector<uint32_t>> cores_of_pop(n);
    for (uint32_t p = 0; p < n; ++p)
      for (uint32_t c : u.core_of[p]) pop_of_core[c] = p;
    for (uint32_t c = 0; c < n_cores; ++c) {
      const uint32_t p = pop_of_core[c];
      if (p == CoreMap::npos) continue;
      id_of_core[c] = uint32_t(cores_of_pop[p].size());
      cores_of_pop[p].push_back(c);
      members[p].emplace_back();
    }
    chunks_of_pop_.assign(n, {});
    chunk_of_.assign(n, {});
    local_of_.resize(n);
    for (uint32_t p = 0; p < n; ++p) {
      const auto& pop = net_.populations[p];
      local_of_[p].assign(pop.size, 0);
      chunk_of_[p].resize(pop.size);
      for (uint32_t i = 0; i < pop.size; ++i) {
        const uint32_t id = id_of_core[u.core_of[p][i]];
        chunk_of_[p][i] = id;
        members[p][id].push_back(i);
      }
      chunks_of_pop_[p].resize(cores_of_pop[p].size());  // route_counts() needs the counts
      if (!cores_of_pop[p].empty()) check_format(chip_.type_of(chip_.cores[cores_of_pop[p][0]]), p);
    }
    next_chunk_id_ = 0;
    for (uint32_t p = 0; p < n; ++p) {
      if (cores_of_pop[p].empty()) continue;
      const uint32_t type = chip_.cores[cores_of_pop[p][0]].type;
      Slicer sl = make_slicer(p, type);
      chunks_of_pop_[p].clear();
      for (uint32_t id = 0; id < cores_of_pop[p].size(); ++id) {
        sl.cur = Chunk{};
        sl.cur.population = p;
        sl.cur.type = type;
        sl.chunk_id = next_chunk_id_++;
        for (uint32_t i : members[p][id]) try_add(sl, i, true);
        check_given(sl, cores_of_pop[p][id], u);
        close(sl);
      }
    }
    flatten_chunks();
    std::vector<uint32_t> core_of_chunk;
    for (uint32_t p = 0; p < n; ++p)
      core_of_chunk.insert(core_of_chunk.end(), cores_of_pop[p].begin(), cores_of_pop[p].end());
    Placement pl = empty_placement(Strategy::fill);
    pl.file = u.file;
    install(core_of_chunk, pl);
    build_routes(pl);
    return pl;
  }

 private:
  // How a population's neurons are offered to the slicer: grouped by shared sources, or by
  // index through a permutation (seed 0: the identity).
  struct Order {
    bool grouped = false;
    uint64_t permutation = 0;
  };
  static constexpr uint64_t kMaxRetries = 254, kRetryWork = 4'000'000;

  Placement empty_placement(Strategy strategy) const {
    Placement pl;
    pl.strategy = strategy;
    pl.cores.resize(chip_.cores.size());
    for (size_t c = 0; c < chip_.cores.size(); ++c) {
      const auto& t = chip_.type_of(chip_.cores[c]);
      pl.cores[c].words_capacity = t.synaptic_memory.bytes * 8 / t.synaptic_memory.word_bits;
    }
    return pl;
  }

  Placement attempt(Strategy strategy, Order order) {
    Placement pl = empty_placement(strategy);
    slice_all(order);
    assign(strategy, pl);
    build_routes(pl);
    return pl;
  }

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
  using In = NeuronGrouping::Source;
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
  // neuron the chunk that last saw it and how many synapses it has there; the output routes of
  // each neuron (from the target populations' current slicing) and the core's limits.
  struct Slicer {
    const CoreTypeConfig* type = nullptr;
    models::SynapseLayout layout;
    uint64_t word_cap = 0;
    uint32_t axon_cap = 0, route_cap = 0;
    std::vector<uint32_t> routes;  // per neuron of the population
    std::map<uint32_t, uint32_t> per_word;
    std::map<uint32_t, std::vector<uint32_t>> last, count, axon_of;
    std::vector<uint64_t> row;     // incoming(), CSR by neuron
    std::vector<In> in;
    Chunk cur;
    uint32_t chunk_id = 0;
  };

  // What adding one neuron changed, to take it out again (a unit that does not fit whole).
  struct Added {
    struct Undo {
      uint32_t k, pre, last, count;
    };
    uint32_t neuron = 0, fan_out_before = 0;
    size_t axons_before = 0;
    uint64_t words_before = 0, syn_before = 0;
    std::vector<Undo> undo;
  };

  // Adds neuron i to the chunk; returns false (with the chunk unchanged) when a limit breaks.
  // `force`: adds it whatever the limits (a given placement, checked once it is complete).
  // `record`: receives what to pass to remove() to take the neuron out again.
  bool try_add(Slicer& sl, uint32_t i, bool force = false, Added* record = nullptr) {
    Chunk& cur = sl.cur;
    Added local;
    Added& a = record ? *record : local;
    a.neuron = i;
    a.fan_out_before = cur.fan_out;
    a.axons_before = cur.axons.size();
    a.words_before = cur.words;
    a.syn_before = cur.synapses;
    a.undo.clear();
    auto& undo = a.undo;
    const bool lists = !sl.layout.dense_rows && !sl.layout.fixed_array;
    for (uint64_t s = sl.row[i]; s < sl.row[i + 1]; ++s) {
      const auto [k, pre] = sl.in[s];
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
    const uint32_t n = uint32_t(cur.neurons.size()) + 1;
    if (sl.layout.dense_rows) cur.words = dense_words(sl, n);
    if (force || (n <= sl.type->neurons && cur.words <= sl.word_cap &&
                  cur.axons.size() <= sl.axon_cap &&
                  uint64_t(cur.fan_out) + sl.routes[i] <= sl.route_cap)) {
      cur.neurons.push_back(i);
      cur.fan_out += sl.routes[i];
      return true;
    }
    if (n == 1) fail_alone(sl, i);
    undo_synapses(sl, a);
    return false;
  }

  // Takes out the neuron last added (try_add with a record).
  void remove(Slicer& sl, const Added& a) {
    sl.cur.neurons.pop_back();
    sl.cur.fan_out = a.fan_out_before;
    undo_synapses(sl, a);
  }

  void undo_synapses(Slicer& sl, const Added& a) {
    Chunk& cur = sl.cur;
    for (auto u = a.undo.rbegin(); u != a.undo.rend(); ++u) {
      sl.last[u->k][u->pre] = u->last;
      sl.count[u->k][u->pre] = u->count;
    }
    cur.axons.resize(a.axons_before);
    for (uint64_t s = sl.row[a.neuron]; s < sl.row[a.neuron + 1]; ++s) {
      const auto [k, pre] = sl.in[s];
      if (sl.last[k][pre] == sl.chunk_id) --cur.axons[sl.axon_of[k][pre]].synapses;
    }
    cur.words = a.words_before;
    cur.synapses = a.syn_before;
  }

  // Neurons of population p that must share a core: all targets of a source neuron whose core
  // type lets a neuron drive one axon (TrueNorth), joined transitively. CSR by unit; `of`:
  // each neuron's unit. Empty when no such source feeds p (every neuron its own unit).
  struct Units {
    std::vector<uint32_t> of, row, members;
  };
  // A table whose source neurons can drive one axon each (TrueNorth-like source cores).
  bool drives_one_axon(const models::SynapseTable& tab) const {
    if (tab.from.is_input) return false;
    const auto& f = chip_.core_types[type_for(tab.from.index)].synapse_format;
    return models::layout_of(f).routes_per_neuron == 1;
  }

  Units units(uint32_t p) const {
    Units u;
    const uint32_t size = net_.populations[p].size;
    std::vector<uint32_t> parent;
    auto find = [&](uint32_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (const auto& tab : ex_.tables) {
      if (tab.to != p || !drives_one_axon(tab)) continue;
      if (parent.empty()) {
        parent.resize(size);
        for (uint32_t i = 0; i < size; ++i) parent[i] = i;
      }
      for (size_t j = 0; j + 1 < tab.row.size(); ++j) {
        if (tab.row[j + 1] - tab.row[j] < 2) continue;
        const uint32_t first = find(tab.synapses[tab.row[j]].post);
        for (uint64_t s = tab.row[j] + 1; s < tab.row[j + 1]; ++s) {
          const uint32_t r = find(tab.synapses[s].post);
          if (r != first) parent[r] = first;
        }
      }
    }
    if (parent.empty()) return u;
    u.of.assign(size, UINT32_MAX);
    std::vector<uint32_t> id_of_root(size, UINT32_MAX), count;
    for (uint32_t i = 0; i < size; ++i) {
      uint32_t& id = id_of_root[find(i)];
      if (id == UINT32_MAX) id = uint32_t(count.size()), count.push_back(0);
      u.of[i] = id;
      ++count[id];
    }
    u.row.assign(count.size() + 1, 0);
    for (size_t k = 0; k < count.size(); ++k) u.row[k + 1] = u.row[k] + count[k];
    u.members.resize(size);
    std::vector<uint32_t> fill(u.row.begin(), u.row.end() - 1);
    for (uint32_t i = 0; i < size; ++i) u.members[fill[u.of[i]]++] = i;  // ascending per unit
    return u;
  }

  // Adds neuron i with the rest of its unit, all or none.
  bool try_add_unit(Slicer& sl, const Units& u, uint32_t i) {
    if (u.of.empty()) return try_add(sl, i);
    const uint32_t id = u.of[i];
    std::vector<Added> done(u.row[id + 1] - u.row[id]);
    for (uint32_t m = u.row[id]; m < u.row[id + 1]; ++m) {
      if (try_add(sl, u.members[m], false, &done[m - u.row[id]])) continue;
      for (uint32_t back = m; back-- > u.row[id];) remove(sl, done[back - u.row[id]]);
      if (sl.cur.neurons.empty()) fail_unit(sl, u, id);
      return false;
    }
    return true;
  }

  [[noreturn]] void fail_unit(const Slicer& sl, const Units& u, uint32_t id) const {
    const uint32_t p = sl.cur.population;
    const std::vector<uint32_t> members(u.members.begin() + std::ptrdiff_t(u.row[id]),
                                        u.members.begin() + std::ptrdiff_t(u.row[id + 1]));
    // The one-axon source with the most targets in the unit names the problem.
    std::string source = "a source neuron";
    uint64_t most = 0;
    for (const auto& tab : ex_.tables) {
      if (tab.to != p || !drives_one_axon(tab)) continue;
      for (size_t j = 0; j + 1 < tab.row.size(); ++j) {
        const uint64_t n = tab.row[j + 1] - tab.row[j];
        if (n > most && u.of[tab.synapses[tab.row[j]].post] == id) {
          most = n;
          source = fmt::format("neuron {} of population '{}'", j, net_.populations[tab.from.index].name);
        }
      }
    }
    const uint64_t per_core = std::min<uint64_t>(sl.type->neurons, sl.axon_cap);
    const std::string message = fmt::format(
        "{} reaches {} target neurons; a neuron of its core type drives one axon, so its targets "
        "(with those of every source neuron sharing them: neurons {} of population '{}') must "
        "share one core, and a core of type '{}' holds at most {} neurons, {} input axons and "
        "{} output routes: it would need {} splitter neurons (not inserted automatically)",
        source, most, neuron_list(members), net_.populations[p].name, sl.type->name,
        sl.type->neurons, sl.axon_cap, sl.route_cap, std::max<uint64_t>(1, (most + per_core - 1) / per_core) - 1);
    // More neurons than a core holds: no order helps. Otherwise the group's routes, which
    // depend on how its targets are sliced, may fit under another order.
    if (members.size() > sl.type->neurons) throw Unplaceable(message);
    throw MapError(message);
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
    const std::string& pop = net_.populations[cur.population].name;
    std::string what, why = fmt::format("no slicing of '{}' can meet it, not even one neuron per core", pop);
    if (cur.words > sl.word_cap) {
      what = fmt::format("{} of synaptic memory; a core of type '{}' has {} (short by {})",
                         bytes(cur.words * t.synaptic_memory.word_bits / 8), t.name,
                         bytes(t.synaptic_memory.bytes),
                         bytes((cur.words - sl.word_cap) * t.synaptic_memory.word_bits / 8));
    } else if (cur.axons.size() > sl.axon_cap) {
      const std::string cap = sl.layout.labelled_rows && sl.axon_cap == sl.layout.max_axons
                                  ? fmt::format("{} synapse drivers x {} source labels = {} sources",
                                                t.synapse_format.rows / 2, 1 << t.synapse_format.label_bits,
                                                sl.axon_cap)
                                  : fmt::format("a fan-in of {}", sl.axon_cap);
      what = fmt::format("{} input axons (distinct sources); a core of type '{}' has {} (short by {})",
                         cur.axons.size(), t.name, cap, cur.axons.size() - sl.axon_cap);
    } else {
      what = fmt::format("{} output routes; a core of type '{}' has a fan-out of {} (short by {})",
                         sl.routes[i], t.name, sl.route_cap, sl.routes[i] - sl.route_cap);
      why = "its targets lie on that many cores, each holding as many of them as the cores' "
            "limits allow";
    }
    const std::string message =
        fmt::format("neuron {} of population '{}' alone needs {}: {}", i, pop, what, why);
    // Memory and fan-in of one neuron hold in no slicing; its routes depend on how its targets
    // are sliced, which another neuron order may change.
    if (cur.words > sl.word_cap || cur.axons.size() > sl.axon_cap) throw Unplaceable(message);
    throw MapError(message);
  }

  // A core of a given placement against its limits.
  void check_given(const Slicer& sl, uint32_t core, const config::UserPlacement& u) const {
    const Chunk& c = sl.cur;
    const CoreTypeConfig& t = *sl.type;
    std::string what;
    if (c.neurons.size() > t.neurons) {
      what = fmt::format("{} neurons; a core of type '{}' holds at most {} (short by {})",
                         c.neurons.size(), t.name, t.neurons, c.neurons.size() - t.neurons);
    } else if (c.words > sl.word_cap) {
      what = fmt::format("{} of synaptic memory; a core of type '{}' has {} (short by {})",
                         bytes(c.words * t.synaptic_memory.word_bits / 8), t.name,
                         bytes(t.synaptic_memory.bytes),
                         bytes((c.words - sl.word_cap) * t.synaptic_memory.word_bits / 8));
    } else if (c.axons.size() > sl.axon_cap) {
      what = fmt::format("{} input axons (distinct sources); a core of type '{}' has a fan-in of {} "
                         "(short by {})", c.axons.size(), t.name, sl.axon_cap,
                         c.axons.size() - sl.axon_cap);
    } else if (c.fan_out > sl.route_cap) {
      what = fmt::format("{} output routes (one per target core and projection of each neuron); a "
                         "core of type '{}' has a fan-out of {} (short by {})",
                         c.fan_out, t.name, sl.route_cap, c.fan_out - sl.route_cap);
    } else {
      return;
    }
    throw MapError(fmt::format("{}: core {} (population '{}' neurons {}) needs {}", u.origin[core],
                               chip_.cores[core].name, net_.populations[c.population].name,
                               neuron_list(c.neurons), what));
  }

  // The output routes of every neuron of population p: per outgoing projection, the number of
  // distinct chunks its targets lie in (one axon, hence one route, per chunk).
  std::vector<uint32_t> route_counts(uint32_t p) const {
    std::vector<uint32_t> routes(net_.populations[p].size, 0);
    std::vector<uint32_t> seen;
    uint32_t stamp = 0;
    for (const auto& tab : ex_.tables) {
      if (tab.from.is_input || tab.from.index != p) continue;
      const auto& chunk_of = chunk_of_[tab.to];
      if (chunk_of.empty()) continue;  // not sliced yet: counted in the next pass
      seen.assign(chunks_of_pop_[tab.to].size(), UINT32_MAX);
      for (uint32_t j = 0; j < routes.size(); ++j, ++stamp) {
        for (uint64_t s = tab.row[j]; s < tab.row[j + 1]; ++s) {
          uint32_t& mark = seen[chunk_of[tab.synapses[s].post]];
          if (mark != stamp) mark = stamp, ++routes[j];
        }
      }
    }
    return routes;
  }

  Slicer make_slicer(uint32_t p, uint32_t type) const {
    Slicer sl;
    sl.type = &chip_.core_types[type];
    const CoreTypeConfig& t = *sl.type;
    sl.layout = models::layout_of(t.synapse_format);
    sl.word_cap = sl.layout.fixed_array ? UINT64_MAX : t.synaptic_memory.bytes * 8 / t.synaptic_memory.word_bits;
    sl.axon_cap = sl.layout.max_axons ? std::min(t.fan_in, sl.layout.max_axons) : t.fan_in;
    sl.route_cap = t.fan_out;
    sl.routes = route_counts(p);
    std::vector<uint32_t> tables;
    incoming(p, tables, sl.row, sl.in);
    for (uint32_t k : tables) {
      const uint32_t n_pre = net_.source_size(ex_.tables[k].from);
      sl.per_word[k] = sl.layout.fixed_array ? 1
                       : t.synaptic_memory.word_bits / uint32_t(synapse_bits(t, ex_.tables[k]));
      sl.last[k].assign(n_pre, UINT32_MAX);
      sl.count[k].assign(n_pre, 0);
      sl.axon_of[k].assign(n_pre, 0);
    }
    return sl;
  }

  // Cuts population p into chunks, growing each chunk one neuron at a time while the core's
  // neuron, synaptic memory, fan-in and fan-out limits hold. The fill and locality strategies
  // take neurons in index order (chunks are index ranges); the connectivity strategy takes next
  // the neuron that shares most presynaptic sources with the chunk (sim/map/neuron_grouping.h).
  void slice_population(uint32_t p, Order order) {
    Slicer sl = make_slicer(p, type_for(p));
    const uint32_t size = net_.populations[p].size;
    chunks_of_pop_[p].clear();
    chunk_of_[p].assign(size, UINT32_MAX);
    auto start = [&] {
      sl.cur = Chunk{};
      sl.cur.population = p;
      sl.cur.type = type_for(p);
      sl.chunk_id = next_chunk_id_++;
    };
    start();
    const Units u = units(p);
    if (order.grouped) {
      NeuronGrouping grouping(ex_, p, size, sl.row, sl.in);
      for (uint32_t i = grouping.next(); i != UINT32_MAX; i = grouping.next()) {
        if (try_add_unit(sl, u, i)) {
          grouping.taken(i);
          if (!u.of.empty()) {
            for (uint32_t m = u.row[u.of[i]]; m < u.row[u.of[i] + 1]; ++m)
              if (u.members[m] != i) grouping.taken(u.members[m]);
          }
          continue;
        }
        close(sl);
        grouping.group_closed();
        start();
      }
    } else {
      const std::vector<uint32_t> perm = permutation(size, order.permutation, p);
      std::vector<uint8_t> placed(u.of.empty() ? 0 : size, 0);
      for (uint32_t k = 0; k < size; ++k) {
        const uint32_t i = perm[k];
        if (!placed.empty() && placed[i]) continue;
        if (try_add_unit(sl, u, i)) {
          if (!placed.empty())
            for (uint32_t m = u.row[u.of[i]]; m < u.row[u.of[i] + 1]; ++m) placed[u.members[m]] = 1;
          continue;
        }
        close(sl);
        start();
        --k;  // place this neuron again, into the new chunk
      }
    }
    if (!sl.cur.neurons.empty()) close(sl);
  }

  // Labelled-row arrays (BSS-2): every source of the chunk must find a synapse driver, a label
  // and rows (models/synapse_rows.h), as the core's input stage will place them.
  void check_rows(const Chunk& c, const Slicer& sl) const {
    const auto& f = sl.type->synapse_format;
    const auto& local = local_of_[c.population];
    const uint32_t me = uint32_t(chunks_of_pop_[c.population].size());
    std::vector<models::RowSource> src(c.axons.size());
    for (size_t a = 0; a < c.axons.size(); ++a) {
      const auto& tab = ex_.tables[c.axons[a].projection];
      const uint32_t pre = c.axons[a].pre;
      for (uint64_t s = tab.row[pre]; s < tab.row[pre + 1]; ++s) {
        const auto& syn = tab.synapses[s];
        if (chunk_of_[c.population][syn.post] != me) continue;
        (syn.channel == 0 ? src[a].exc : src[a].inh).push_back(local[syn.post]);
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
        "holding population '{}' neurons {}: {}",
        net_.projections[a.projection].name, a.pre, sl.type->name,
        net_.populations[c.population].name, neuron_list(c.neurons), why));
  }

  // Axons in order of first use by the chunk's neurons in ascending order, each neuron's sources
  // in (projection, presynaptic neuron) order: the order index-order slicing builds, and one that
  // depends only on which neurons the chunk holds (so a placement file reads back to the same
  // memory layout, whatever order the chunk was grown in).
  void canonical_axon_order(Slicer& sl) const {
    Chunk& c = sl.cur;
    std::vector<uint32_t> rank(c.axons.size(), UINT32_MAX);
    uint32_t next = 0;
    for (uint32_t i : c.neurons)
      for (uint64_t s = sl.row[i]; s < sl.row[i + 1]; ++s) {
        const auto [k, pre] = sl.in[s];
        uint32_t& r = rank[sl.axon_of[k][pre]];
        if (r == UINT32_MAX) r = next++;
      }
    std::vector<AxonList> sorted(c.axons.size());
    for (size_t a = 0; a < c.axons.size(); ++a) sorted[rank[a]] = c.axons[a];
    c.axons = std::move(sorted);
  }

  // Closes the growing chunk: neurons in ascending order (their local index on the core), then
  // the synaptic memory layout.
  void close(Slicer& sl) {
    Chunk& c = sl.cur;
    std::sort(c.neurons.begin(), c.neurons.end());
    const uint32_t id = uint32_t(chunks_of_pop_[c.population].size());
    for (uint32_t l = 0; l < c.neurons.size(); ++l) {
      chunk_of_[c.population][c.neurons[l]] = id;
      local_of_[c.population][c.neurons[l]] = l;
    }
    canonical_axon_order(sl);
    if (sl.layout.labelled_rows) check_rows(c, sl);
    uint64_t offset = 0;
    const uint32_t n = uint32_t(c.neurons.size());
    for (auto& a : c.axons) {
      const uint32_t pw = sl.per_word.at(a.projection);
      a.word_offset = offset;
      a.words = sl.layout.fixed_array ? 0
                : (sl.layout.dense_rows ? (n + pw - 1) / pw : (a.synapses + pw - 1) / pw);
      offset += a.words;
    }
    c.words = offset;
    if (sl.layout.fixed_array) {
      // The whole array is the core's memory use, whatever it holds.
      const auto& t = *sl.type;
      const uint64_t bits = models::fixed_array_bits(t.synapse_format, t.neurons);
      c.words = (bits + t.synaptic_memory.word_bits - 1) / t.synaptic_memory.word_bits;
    }
    chunks_of_pop_[c.population].push_back(std::move(c));
  }

  // Slices every population, targets before their sources so that a source's output routes are
  // known when it is cut; a cycle of projections needs further passes (each with the routes of
  // the previous one) until every chunk's fan-out holds.
  void slice_all(Order order) {
    const uint32_t n = uint32_t(net_.populations.size());
    chunks_of_pop_.assign(n, {});
    chunk_of_.assign(n, {});
    local_of_.resize(n);
    for (uint32_t p = 0; p < n; ++p) local_of_[p].assign(net_.populations[p].size, 0);
    const std::vector<uint32_t> sequence = targets_first();
    next_chunk_id_ = 0;
    for (int pass = 0; pass < kMaxPasses; ++pass) {
      for (uint32_t p : sequence) slice_population(p, order);
      if (fan_out_holds()) break;
    }
    flatten_chunks();
  }

  // Every population's chunks into chunks_, in population order (pop_offset_: each one's first).
  void flatten_chunks() {
    const uint32_t n = uint32_t(net_.populations.size());
    chunks_.clear();
    pop_offset_.assign(n, 0);
    for (uint32_t p = 0; p < n; ++p) {
      pop_offset_[p] = uint32_t(chunks_.size());
      for (auto& c : chunks_of_pop_[p]) chunks_.push_back(std::move(c));
    }
  }
  static constexpr int kMaxPasses = 16;

  bool fan_out_holds() const {
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      const std::vector<uint32_t> routes = route_counts(p);
      const uint32_t cap = chip_.core_types[type_for(p)].fan_out;
      for (const auto& c : chunks_of_pop_[p]) {
        uint64_t sum = 0;
        for (uint32_t i : c.neurons) sum += routes[i];
        if (sum > cap) return false;
      }
    }
    return true;
  }

  // 0 .. n-1 for seed 0, else a Fisher-Yates shuffle keyed by (seed, population).
  static std::vector<uint32_t> permutation(uint32_t n, uint64_t seed, uint32_t p) {
    std::vector<uint32_t> v(n);
    for (uint32_t i = 0; i < n; ++i) v[i] = i;
    if (seed == 0) return v;
    models::Rng r(seed * 0x9E3779B97F4A7C15ull + p);
    for (uint32_t i = n; i > 1; --i) std::swap(v[i - 1], v[r.next() % i]);
    return v;
  }

  // Populations in an order where each comes after the populations it projects to (a
  // depth-first post-order of the projection graph; a cycle is broken where it closes).
  std::vector<uint32_t> targets_first() const {
    const uint32_t n = uint32_t(net_.populations.size());
    std::vector<std::vector<uint32_t>> out(n);
    for (const auto& tab : ex_.tables)
      if (!tab.from.is_input) out[tab.from.index].push_back(tab.to);
    std::vector<uint8_t> state(n, 0);
    std::vector<uint32_t> order;
    std::vector<std::pair<uint32_t, size_t>> stack;
    for (uint32_t root = 0; root < n; ++root) {
      if (state[root]) continue;
      stack.push_back({root, 0});
      state[root] = 1;
      while (!stack.empty()) {
        auto& [p, next] = stack.back();
        if (next < out[p].size()) {
          const uint32_t q = out[p][next++];
          if (!state[q]) state[q] = 1, stack.push_back({q, 0});
          continue;
        }
        order.push_back(p);
        stack.pop_back();
      }
    }
    return order;
  }
  // The locality strategy's distance: mesh hops, plus, in a system of chips, each chip edge on
  // the way weighted as the on-chip hops its gateway costs in latency (so inter-chip traffic is
  // minimised first).
  uint64_t distance(uint32_t a, uint32_t b) const {
    return hops(a, b) + chip_edges(chip_.cores[a].router_x, chip_.cores[a].router_y, b) * chip_edge_weight();
  }
  uint64_t distance_from_host(uint32_t b) const {
    return hops_from_host(b) + chip_edges(0, 0, b) * chip_edge_weight();
  }
  uint64_t chip_edges(uint32_t x, uint32_t y, uint32_t b) const {
    const auto& sys = chip_.system;
    if (!sys.present) return 0;
    const auto& d = chip_.cores[b];
    return uint64_t(std::abs(int(x / sys.chip_mesh_width) - int(d.router_x / sys.chip_mesh_width)) +
                    std::abs(int(y / sys.chip_mesh_height) - int(d.router_y / sys.chip_mesh_height)));
  }
  uint64_t chip_edge_weight() const {
    const auto& sys = chip_.system;
    if (!sys.present) return 0;
    const uint64_t hop = chip_.router.pipeline_stages + std::max<uint64_t>(1, chip_.router.hop[0].latency_cycles);
    return 1 + (sys.link.latency_cycles + sys.link.cycles_per_flit) / hop;
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
      detail += fmt::format("{}{} cores of type '{}' needed, the {} has {} (short by {})",
                            detail.empty() ? "" : "; ", n, chip_.core_types[type].name,
                            chip_.system.present ? "system" : "chip", have,
                            n > have ? n - have : 0);
    }
    // How many of these chips the slices need (every chip has the same cores).
    const auto& sys = chip_.system;
    const size_t chips_have = sys.present ? sys.chips() : 1;
    size_t chips_need = 0;
    for (const auto& [type_index, n] : need) {
      const uint32_t type = type_index;
      const size_t per_chip = size_t(std::count_if(chip_.cores.begin(), chip_.cores.end(),
                                                   [&](const auto& core) { return core.type == type; })) /
                              chips_have;
      chips_need = std::max(chips_need, per_chip ? (n + per_chip - 1) / per_chip : SIZE_MAX);
    }
    if (chips_need != SIZE_MAX && chips_need > chips_have) {
      const std::string chip_name = sys.present ? sys.chip_name : chip_.name;
      detail += sys.present
          ? fmt::format("; that is at least {} chips of '{}', the system has {}", chips_need,
                        chip_name, chips_have)
          : fmt::format("; that is at least {} chips of '{}': run it on a system of chips "
                        "(--system, docs/systems.md)", chips_need, chip_name);
    }
    const auto& c = chunks_[placed];
    const auto& t = chip_.core_types[c.type];
    throw MapError(fmt::format(
        "the network does not fit: {}. First slice without a core: population '{}' neurons "
        "{}. Each core holds at most {} neurons, {} of synaptic memory, {} input axons and {} "
        "output routes.",
        detail, net_.populations[c.population].name, neuron_list(c.neurons), t.neurons,
        bytes(t.synaptic_memory.bytes), t.fan_in, t.fan_out));
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
      return pop_offset_[pop] + chunk_of_[pop][neuron];
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
        uint64_t cost = from_host[k] * distance_from_host(c);
        for (const auto& [other, n] : traffic[k]) {
          if (core_of_chunk[other] != UINT32_MAX) cost += n * distance(core_of_chunk[other], c);
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
      assign_fill(core_of_chunk);  // connectivity: grouped slices, placed by locality
    } else {
      assign_locality(core_of_chunk);
    }
    install(core_of_chunk, pl);
  }

  // The chunks onto their cores: neurons, memory layout, where each neuron lives.
  void install(const std::vector<uint32_t>& core_of_chunk, Placement& pl) {
    pl.core_of.resize(net_.populations.size());
    pl.local_of = std::move(local_of_);
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      pl.core_of[p].assign(net_.populations[p].size, UINT32_MAX);
    }
    for (size_t k = 0; k < chunks_.size(); ++k) {
      Chunk& ch = chunks_[k];
      CoreMap& cm = pl.cores[core_of_chunk[k]];
      cm.population = ch.population;
      cm.synapses = ch.synapses;
      cm.words_used = ch.words;
      cm.axons = std::move(ch.axons);
      for (uint32_t i : ch.neurons) pl.core_of[ch.population][i] = core_of_chunk[k];
      cm.neurons = std::move(ch.neurons);
    }
  }

  // Formats whose neurons drive a limited number of axons (TrueNorth: one) and whose packets
  // carry relative offsets of limited width (TrueNorth: 9-bit signed dx, dy).
  void check_route_limits(const Placement& pl) const {
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      const auto& pop = net_.populations[p];
      if (pop.size == 0) continue;
      const CoreTypeConfig& type = chip_.type_of(chip_.cores[pl.core_of[p][0]]);
      const models::SynapseLayout layout = models::layout_of(type.synapse_format);
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
              j, pop.name, targets, n, type.name,
              layout.routes_per_neuron, n - 1, type.neurons));
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
            "core {} (population '{}' neurons {}) needs {} output routes; its fan-out limit "
            "is {} (short by {})",
            chip_.cores[c].name, net_.populations[pl.cores[c].population].name,
            neuron_list(pl.cores[c].neurons), pl.cores[c].fan_out, t.fan_out,
            pl.cores[c].fan_out - t.fan_out));
      }
    }
  }

  const ChipConfig& chip_;
  const models::Network& net_;
  const models::ExpandedNetwork& ex_;
  std::vector<Chunk> chunks_;                          // every population's, in order
  std::vector<std::vector<Chunk>> chunks_of_pop_;      // while slicing
  std::vector<std::vector<uint32_t>> chunk_of_;        // [population][neuron] -> its chunk
  std::vector<std::vector<uint32_t>> local_of_;        // [population][neuron] -> index in it
  std::vector<uint32_t> pop_offset_;                   // first chunk of each population
  uint32_t next_chunk_id_ = 0;
};

}  // namespace

Placement map_network(const ChipConfig& chip, const models::Network& net,
                      const models::ExpandedNetwork& ex, Strategy strategy) {
  return Mapper(chip, net, ex).run(strategy);
}

Placement place_network(const ChipConfig& chip, const models::Network& net,
                        const models::ExpandedNetwork& ex, const config::UserPlacement& given) {
  return Mapper(chip, net, ex).given(given);
}

std::string placement_source(const Placement& pl) {
  return pl.file.empty() ? "strategy " + strategy_names()[size_t(pl.strategy)]
                         : "placement file " + pl.file;
}

std::string placement_csv(const ChipConfig& chip, const models::Network& net, const Placement& pl) {
  std::string o = fmt::format("# neuromesh placement of network '{}' on chip '{}' ({})\n",
                              io::printable(net.name), io::printable(chip.name),
                              io::printable(placement_source(pl)));
  o += "core,population,first,last\n";
  for (uint32_t c = 0; c < pl.cores.size(); ++c) {
    const auto& cm = pl.cores[c];
    const std::string core = io::csv_field(chip.cores[c].name);
    for (size_t a = 0; a < cm.neurons.size();) {
      size_t b = a;
      while (b + 1 < cm.neurons.size() && cm.neurons[b + 1] == cm.neurons[b] + 1) ++b;
      o += fmt::format("{},{},{},{}\n", core, io::csv_field(net.populations[cm.population].name),
                       cm.neurons[a], cm.neurons[b]);
      a = b + 1;
    }
  }
  return o;
}

std::string describe_placement(const ChipConfig& chip, const models::Network& net,
                               const Placement& pl) {
  std::string o;
  o += fmt::format("placement of network '{}' on chip '{}' ({})\n", net.name, chip.name,
                   placement_source(pl));
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
    neurons += cm.count();
    synapses += cm.synapses;
    mem += used;
    o += fmt::format("{:<14} {:>7} {:<20} {:>8} {:>10} {:>22} {:>7} {:>7}\n", core.name,
                     fmt::format("{},{}", core.router_x, core.router_y),
                     fmt::format("{}[{}]", net.populations[cm.population].name,
                                 neuron_list(cm.neurons)),
                     cm.count(), cm.synapses,
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
