#include "models/connectivity.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "models/neuron_model_registry.h"
#include "models/rng.h"

namespace neuromesh::models {

namespace {

int32_t draw(Rng& rng, const IntRange& r) {
  return r.lo == r.hi ? r.lo : static_cast<int32_t>(rng.range(r.lo, r.hi));
}

// Upper bound of the synapses a rule makes, to refuse runaway networks before allocating.
uint64_t bound(const Network& net, const Projection& p) {
  const uint64_t n_pre = net.source_size(p.from), n_post = net.populations[p.to].size;
  switch (p.rule) {
    case ConnectivityRule::explicit_list: return p.synapses.size();
    case ConnectivityRule::one_to_one: return n_pre;
    case ConnectivityRule::all_to_all: return n_pre * n_post;
    case ConnectivityRule::random: return uint64_t(double(n_pre) * double(n_post) * p.probability);
    case ConnectivityRule::local:
      return n_pre * p.kernel * p.kernel * net.populations[p.to].shape.channels;
    case ConnectivityRule::conv: {
      const Shape& a = net.source_shape(p.from);
      return n_post * a.channels * uint64_t(p.conv.kernel_h) * p.conv.kernel_w;
    }
  }
  return 0;
}

// Calls emit(pre, post, raw_weight, delay) for every synapse of the projection, in
// nondecreasing `pre` order (explicit lists are visited through a stable sort by pre). The same
// projection gives the same sequence every time: random draws come from the projection's seed.
template <typename Emit>
void for_each_synapse(const Network& net, const Projection& p, Emit&& emit) {
  const uint32_t n_pre = net.source_size(p.from);
  const uint32_t n_post = net.populations[p.to].size;
  Rng rng(p.seed);
  switch (p.rule) {
    case ConnectivityRule::explicit_list: {
      std::vector<uint32_t> order(p.synapses.size());
      std::iota(order.begin(), order.end(), 0u);
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return p.synapses[a].pre < p.synapses[b].pre;
      });
      for (uint32_t k : order) {
        const auto& s = p.synapses[k];
        emit(s.pre, s.post, s.weight, s.delay);
      }
      break;
    }
    case ConnectivityRule::one_to_one:
      for (uint32_t j = 0; j < n_pre; ++j) emit(j, j, draw(rng, p.weight), draw(rng, p.delay));
      break;
    case ConnectivityRule::all_to_all:
      for (uint32_t j = 0; j < n_pre; ++j)
        for (uint32_t i = 0; i < n_post; ++i) emit(j, i, draw(rng, p.weight), draw(rng, p.delay));
      break;
    case ConnectivityRule::random:
      for (uint32_t j = 0; j < n_pre; ++j) {
        if (p.probability >= 1.0) {
          for (uint32_t i = 0; i < n_post; ++i) emit(j, i, draw(rng, p.weight), draw(rng, p.delay));
          continue;
        }
        // Geometric gaps between successive targets: one draw per synapse, not per pair.
        uint64_t i = rng.geometric(p.probability);
        while (i < n_post) {
          emit(j, uint32_t(i), draw(rng, p.weight), draw(rng, p.delay));
          const uint64_t gap = rng.geometric(p.probability);
          i = gap >= n_post ? n_post : i + 1 + gap;
        }
      }
      break;
    case ConnectivityRule::local: {
      const Shape& a = net.source_shape(p.from);
      const Shape& b = net.populations[p.to].shape;
      const int64_t k = p.kernel, r = k / 2;
      for (uint32_t y = 0; y < a.height; ++y)
        for (uint32_t x = 0; x < a.width; ++x)
          for (uint32_t ci = 0; ci < a.channels; ++ci) {
            const uint32_t j = (y * a.width + x) * a.channels + ci;
            for (int64_t dy = -r; dy <= r; ++dy)
              for (int64_t dx = -r; dx <= r; ++dx) {
                // The post neuron at (y - dy, x - dx) sees this pre neuron at offset (dy, dx);
                // the grid wraps (toroidal), so every post neuron has k*k*channels inputs.
                const uint32_t py = uint32_t((int64_t(y) - dy + int64_t(b.height) * k) % b.height);
                const uint32_t px = uint32_t((int64_t(x) - dx + int64_t(b.width) * k) % b.width);
                for (uint32_t co = 0; co < b.channels; ++co) {
                  emit(j, (py * b.width + px) * b.channels + co, draw(rng, p.weight),
                       draw(rng, p.delay));
                }
              }
          }
      break;
    }
    case ConnectivityRule::conv: {
      const Shape& a = net.source_shape(p.from);
      const Shape& b = net.populations[p.to].shape;
      const ConvSpec& c = p.conv;
      const uint64_t n_w = uint64_t(b.channels) * a.channels * c.kernel_h * c.kernel_w;
      // One weight and delay per kernel element, shared by every position: given, or drawn in
      // [co][ci][ky][kx] order.
      std::vector<int32_t> w = c.weights, d(n_w, 0);
      if (w.empty()) {
        w.resize(n_w);
        for (uint64_t e = 0; e < n_w; ++e) w[e] = draw(rng, p.weight), d[e] = draw(rng, p.delay);
      } else {
        for (uint64_t e = 0; e < n_w; ++e) d[e] = draw(rng, p.delay);
      }
      // Per pre neuron, its posts in ascending index: rows (y) and columns (x) whose window
      // covers it, then every output channel.
      auto range = [](uint32_t in, uint32_t pad, uint32_t k, uint32_t stride, uint32_t out,
                      uint32_t& lo, uint32_t& hi) {
        // Outputs o with 0 <= in + pad - o * stride < k.
        const int64_t top = int64_t(in) + pad;
        const int64_t first = top - int64_t(k) + 1 <= 0 ? 0 : (top - int64_t(k) + 1 + stride - 1) / stride;
        const int64_t last = std::min<int64_t>(top / stride, int64_t(out) - 1);
        lo = uint32_t(first);
        hi = last < first ? lo : uint32_t(last + 1);
      };
      for (uint32_t yi = 0; yi < a.height; ++yi) {
        uint32_t y0, y1;
        range(yi, c.pad_y, c.kernel_h, c.stride_y, b.height, y0, y1);
        for (uint32_t xi = 0; xi < a.width; ++xi) {
          uint32_t x0, x1;
          range(xi, c.pad_x, c.kernel_w, c.stride_x, b.width, x0, x1);
          for (uint32_t ci = 0; ci < a.channels; ++ci) {
            const uint32_t j = (yi * a.width + xi) * a.channels + ci;
            for (uint32_t y = y0; y < y1; ++y) {
              const uint32_t ky = yi + c.pad_y - y * c.stride_y;
              for (uint32_t x = x0; x < x1; ++x) {
                const uint32_t kx = xi + c.pad_x - x * c.stride_x;
                for (uint32_t co = 0; co < b.channels; ++co) {
                  const uint64_t e = ((uint64_t(co) * a.channels + ci) * c.kernel_h + ky) * c.kernel_w + kx;
                  emit(j, (y * b.width + x) * b.channels + co, w[e], uint32_t(d[e]));
                }
              }
            }
          }
        }
      }
      break;
    }
  }
}

}  // namespace

loihi::SignMode infer_sign_mode(const std::vector<int32_t>& w) {
  const bool all_nonneg = std::all_of(w.begin(), w.end(), [](int32_t x) { return x >= 0; });
  if (all_nonneg) return loihi::SignMode::excitatory;
  const bool all_nonpos = std::all_of(w.begin(), w.end(), [](int32_t x) { return x <= 0; });
  return all_nonpos ? loihi::SignMode::inhibitory : loihi::SignMode::mixed;
}

ExpandedNetwork expand(const Network& net, uint64_t max_synapses) {
  ExpandedNetwork out;
  const auto& registry = NeuronModelRegistry::instance();
  out.tables.reserve(net.projections.size());
  for (const auto& p : net.projections) {
    if (out.total_synapses + bound(net, p) > max_synapses) {
      throw NetworkTooLarge("projection '" + p.name + "' would bring the network to more than " +
                            std::to_string(max_synapses) + " synapses");
    }
    SynapseTable t;
    t.from = p.from;
    t.to = p.to;
    t.weight_exp = p.weight_exp;
    t.num_weight_bits = p.num_weight_bits;
    if (p.sign_mode) {
      t.sign_mode = *p.sign_mode;
    } else {
      // Lava infers the mode from all raw weights: a first pass over the (deterministic) stream.
      bool neg = false, pos = false;
      for_each_synapse(net, p, [&](uint32_t, uint32_t, int32_t w, uint32_t) {
        neg |= w < 0;
        pos |= w > 0;
      });
      t.sign_mode = !neg ? loihi::SignMode::excitatory
                         : (!pos ? loihi::SignMode::inhibitory : loihi::SignMode::mixed);
    }
    const uint32_t n_pre = net.source_size(p.from);
    t.row.assign(size_t(n_pre) + 1, 0);
    t.synapses.reserve(std::min<uint64_t>(bound(net, p), max_synapses));
    uint32_t filled_rows = 0;  // rows [0, filled_rows) have their start set
    const bool quantise = registry.get(net.populations[p.to].model).weight_quantisation;
    for_each_synapse(net, p, [&](uint32_t j, uint32_t i, int32_t w, uint32_t d) {
      const int32_t q = quantise ? loihi::quantize_weight(w, t.sign_mode, t.num_weight_bits) : w;
      // A zero weight contributes nothing and is not stored where synapses carry their weights;
      // in a crossbar (channeled models) it is still a connection whose events count.
      if (q == 0 && quantise) return;
      while (filled_rows <= j) t.row[filled_rows++] = t.synapses.size();
      t.synapses.push_back(Synapse{i, static_cast<int16_t>(q), static_cast<uint8_t>(d), 0});
      t.max_delay = std::max(t.max_delay, d);
    });
    while (filled_rows <= n_pre) t.row[filled_rows++] = t.synapses.size();
    // Give back a reservation that was much too big (quantisation dropped many weights); a small
    // excess is cheaper to keep than to copy.
    if (t.synapses.size() < t.synapses.capacity() / 16 * 15) t.synapses.shrink_to_fit();
    out.total_synapses += t.synapses.size();
    out.tables.push_back(std::move(t));
  }
  out.channel_weights.resize(net.populations.size());
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& m = registry.get(net.populations[p].model);
    if (m.prepare) m.prepare(net, p, out);
  }
  return out;
}

}  // namespace neuromesh::models
