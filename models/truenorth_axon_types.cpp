#include "models/truenorth_axon_types.h"

#include <string>
#include <vector>

#include "models/connectivity.h"
#include "models/network.h"
#include "models/neuron_model_registry.h"

namespace neuromesh::models {

namespace {

constexpr uint32_t kTypes = 4;
constexpr uint32_t kMaxDelay = 14;  // delivery 1..15 ticks ahead (4-bit delivery tick)

class AxonTyper {
 public:
  AxonTyper(const Network& net, uint32_t population, ExpandedNetwork& ex)
      : net_(net), pop_(population), ex_(ex), n_(net.populations[population].size),
        weight_(size_t(n_) * kTypes, 0), taken_(size_t(n_) * kTypes, 0), stamp_(n_, UINT64_MAX) {}

  void run() {
    for (uint32_t k = 0; k < ex_.tables.size(); ++k) {
      if (ex_.tables[k].to != pop_) continue;
      check_payloads(k);
      SynapseTable& t = ex_.tables[k];
      for (uint32_t j = 0; j + 1 < t.row.size(); ++j) {
        if (t.row[j] != t.row[j + 1]) axon(k, j);
      }
    }
    ex_.channel_weights[pop_] = std::move(weight_);
  }

 private:
  std::string what(uint32_t k) const { return "projection '" + net_.projections[k].name + "'"; }
  std::string pre_name(uint32_t k, uint32_t j) const {
    return "presynaptic neuron " + std::to_string(j) + " of '" +
           net_.source_name(ex_.tables[k].from) + "'";
  }
  std::string post_name(uint32_t i) const {
    return "neuron " + std::to_string(i) + " of '" + net_.populations[pop_].name + "'";
  }

  // Input spikes must be binary, and at most one per (step, neuron): the scheduler holds one bit
  // per axon and tick, so a second identical spike would be lost on the chip but counted by the
  // functional simulator.
  void check_payloads(uint32_t k) const {
    const Endpoint& from = ex_.tables[k].from;
    if (!from.is_input) return;
    const auto& spikes = net_.inputs[from.index].spikes;  // sorted by (step, index)
    for (size_t i = 1; i < spikes.size(); ++i) {
      if (spikes[i].step == spikes[i - 1].step && spikes[i].index == spikes[i - 1].index) {
        throw ExpansionError(what(k) + ": input '" + net_.inputs[from.index].name + "' spikes " +
                             "twice at step " + std::to_string(spikes[i].step) + " on neuron " +
                             std::to_string(spikes[i].index) + "; a TrueNorth axon receives at "
                             "most one spike per tick");
      }
    }
    const bool graded = NeuronModelRegistry::instance().get(net_.populations[pop_].model).graded_spikes;
    for (const auto& s : spikes) {
      if (s.payload != 1 && !graded) {
        throw ExpansionError(what(k) + ": input '" + net_.inputs[from.index].name +
                             "' has a graded spike (payload " + std::to_string(s.payload) +
                             " at step " + std::to_string(s.step) +
                             "); TrueNorth spikes are binary (payload 1)");
      }
    }
  }

  // Whether type g can carry the weights of presynaptic neuron j's synapses; if not, why.
  bool fits(const Synapse* b, const Synapse* e, uint32_t g, std::string* why) const {
    for (const Synapse* s = b; s != e; ++s) {
      const size_t at = size_t(s->post) * kTypes + g;
      if (taken_[at] && weight_[at] != s->weight) {
        if (why) {
          *why += "type " + std::to_string(g) + " carries " + std::to_string(weight_[at]) +
                  " at " + post_name(s->post) + " (wanted " + std::to_string(s->weight) + ")";
        }
        return false;
      }
    }
    return true;
  }

  void check_axon(uint32_t k, uint32_t j, const Synapse* b, const Synapse* e) {
    const uint64_t id = (uint64_t(k) << 32) | j;
    for (const Synapse* s = b; s != e; ++s) {
      if (s->delay != b->delay) {
        throw ExpansionError(what(k) + ": " + pre_name(k, j) + " reaches its targets with delays " +
                             std::to_string(b->delay) + " and " + std::to_string(s->delay) +
                             "; a TrueNorth neuron has one delivery tick per target axon");
      }
      if (s->delay > kMaxDelay) {
        throw ExpansionError(what(k) + ": " + pre_name(k, j) + " has a delay of " +
                             std::to_string(s->delay) + " steps; TrueNorth delivers 1..15 ticks "
                             "ahead, so delays are 0..14");
      }
      if (stamp_[s->post] == id) {
        throw ExpansionError(what(k) + ": " + pre_name(k, j) + " connects to " +
                             post_name(s->post) + " twice; a crossbar bit is binary");
      }
      stamp_[s->post] = id;
    }
  }

  void axon(uint32_t k, uint32_t j) {
    SynapseTable& t = ex_.tables[k];
    Synapse* b = t.synapses.data() + t.row[j];
    Synapse* e = t.synapses.data() + t.row[j + 1];
    check_axon(k, j, b, e);
    const int pinned = net_.projections[k].axon_type;
    uint32_t g = kTypes;
    std::string why;
    for (uint32_t c = pinned >= 0 ? uint32_t(pinned) : 0; c < kTypes; ++c) {
      if (fits(b, e, c, &why)) {
        g = c;
        break;
      }
      if (pinned >= 0) break;
      why += "; ";
    }
    if (g == kTypes) {
      throw ExpansionError(what(k) + ": no axon type can carry the weights of " + pre_name(k, j) +
                           (pinned >= 0 ? " with its pinned axon_type: " : ": ") + why +
                           ". A TrueNorth neuron holds one weight per axon type, four in all; "
                           "types are chosen first-fit in projection and neuron order, so a "
                           "network that needs a cleverer choice can pin one with axon_type");
    }
    for (Synapse* s = b; s != e; ++s) {
      const size_t at = size_t(s->post) * kTypes + g;
      weight_[at] = s->weight;
      taken_[at] = 1;
      s->channel = uint8_t(g);
      s->weight = 1;
    }
  }

  const Network& net_;
  uint32_t pop_;
  ExpandedNetwork& ex_;
  uint32_t n_;
  std::vector<int32_t> weight_;
  std::vector<uint8_t> taken_;
  std::vector<uint64_t> stamp_;
};

}  // namespace

void assign_axon_types(const Network& net, uint32_t population, ExpandedNetwork& ex) {
  AxonTyper(net, population, ex).run();
}

}  // namespace neuromesh::models
