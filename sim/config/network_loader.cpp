// The only reader of network YAML (and of input-spike CSV files). Format: docs/network-format.md.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "models/neuron_model_registry.h"
#include "models/rng.h"
#include "sim/config/csv_reader.h"
#include "sim/config/npy_reader.h"
#include "sim/config/network_config.h"
#include "sim/config/yaml_reader.h"
#include "sim/io/utf8.h"

namespace neuromesh::config {

using models::loihi::SignMode;
using yaml::Map;
using yaml::Value;

namespace {

constexpr uint32_t kMaxGroupSize = 1u << 24;
constexpr int64_t kMaxStep = (int64_t{1} << 32) - 1;
constexpr int32_t kMinPayload = -(1 << 23), kMaxPayload = (1 << 23) - 1;
const std::vector<std::string> kSignModes = {"excitatory", "inhibitory", "mixed"};

class NetworkLoader {
 public:
  NetworkLoader(models::Network& net, std::string base_dir, std::optional<uint64_t> seed_override)
      : n_(net), base_dir_(std::move(base_dir)), override_(seed_override) {}

  void load(const Value& root) {
    Map top = root.as_map({"network", "populations", "inputs", "projections", "probes"});
    Map meta = top.req("network", "a mapping with name and seed").as_map({"name", "seed"});
    n_.name = meta.req("name", "a string").as_string();
    n_.seed = meta.req("seed", "an integer seed").as_uint(0, UINT64_MAX);
    if (override_) n_.seed = *override_;
    for (const auto& p : top.req("populations", "a list of populations").as_list(1)) population(p);
    if (auto in = top.opt("inputs")) {
      for (const auto& i : in->as_list()) input(i);
    }
    if (auto pr = top.opt("projections")) {
      for (const auto& p : pr->as_list()) projection(p);
    }
    if (auto pr = top.opt("probes")) {
      for (const auto& p : pr->as_list()) probe(p);
    }
  }

 private:
  // ---- helpers ---------------------------------------------------------------------------
  uint64_t seed_for(const std::optional<Value>& own, const std::string& path) {
    if (override_) return models::derive_seed(*override_, path);
    if (own) return own->as_uint(0, UINT64_MAX);
    return models::derive_seed(n_.seed, path);
  }

  void new_name(const Value& v, const std::string& name) {
    for (char c : name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
      if (!ok) {
        v.fail("name '" + name + "' may only use letters, digits, '_', '-' and '.' (it is written "
               "into CSV files)");
      }
    }
    if (!names_.insert(name).second) {
      v.fail("name '" + name + "' is already used by another population or input");
    }
  }

  models::Shape shape(const Map& m, uint32_t size) {
    models::Shape s;
    if (auto v = m.opt("shape")) {
      const auto dims = v->as_list(3);
      if (dims.size() != 3) v->fail("expected [height, width, channels], got " +
                                    std::to_string(dims.size()) + " entries");
      s.height = uint32_t(dims[0].as_uint(1, kMaxGroupSize));
      s.width = uint32_t(dims[1].as_uint(1, kMaxGroupSize));
      s.channels = uint32_t(dims[2].as_uint(1, kMaxGroupSize));
      if (uint64_t(s.height) * s.width * s.channels != size) {
        v->fail("shape " + std::to_string(s.height) + " x " + std::to_string(s.width) + " x " +
                std::to_string(s.channels) + " does not match size " + std::to_string(size));
      }
    }
    return s;
  }

  std::optional<uint32_t> find_group(const std::string& name, bool* is_input) const {
    for (uint32_t i = 0; i < n_.populations.size(); ++i) {
      if (n_.populations[i].name == name) return *is_input = false, i;
    }
    for (uint32_t i = 0; i < n_.inputs.size(); ++i) {
      if (n_.inputs[i].name == name) return *is_input = true, i;
    }
    return std::nullopt;
  }

  std::vector<std::string> group_names(bool with_inputs) const {
    std::vector<std::string> out;
    for (const auto& p : n_.populations) out.push_back(p.name);
    if (with_inputs) {
      for (const auto& i : n_.inputs) out.push_back(i.name);
    }
    return out;
  }

  uint32_t population_ref(const Value& v) {
    const auto names = group_names(false);
    const std::string name = v.as_string();
    bool is_input = false;
    const auto idx = find_group(name, &is_input);
    if (!idx || is_input) {
      std::string msg = "unknown population '" + name + "'; expected one of: " + yaml::join(names);
      if (idx) msg = "'" + name + "' is an input source; expected a population";
      const std::string near = yaml::closest(name, names);
      if (!idx && !near.empty()) msg += " (did you mean '" + near + "'?)";
      v.fail(msg);
    }
    return *idx;
  }

  models::Endpoint source_ref(const Value& v) {
    const auto names = group_names(true);
    const std::string name = v.as_string();
    models::Endpoint e;
    const auto idx = find_group(name, &e.is_input);
    if (!idx) {
      std::string msg = "unknown population or input '" + name + "'; expected one of: " +
                        yaml::join(names);
      const std::string near = yaml::closest(name, names);
      if (!near.empty()) msg += " (did you mean '" + near + "'?)";
      v.fail(msg);
    }
    e.index = *idx;
    return e;
  }

  // ---- populations -----------------------------------------------------------------------
  void population(const Value& v) {
    Map m = v.as_map({"name", "size", "shape", "model", "params"});
    models::Population p;
    const Value name = m.req("name", "a population name");
    p.name = name.as_string();
    new_name(name, p.name);
    p.size = uint32_t(m.req("size", "an integer").as_uint(1, kMaxGroupSize));
    p.shape = shape(m, p.size);
    const auto& registry = models::NeuronModelRegistry::instance();
    const Value model = m.req("model", "a neuron model name");
    p.model = model.as_choice(registry.names());
    const auto& info = *registry.find(p.model);
    if (!info.simulated) {
      model.fail("neuron model " + p.model + " is registered for chip configs but has no "
                 "simulator yet; populations can use: " + yaml::join(registry.simulated_names()));
    }
    std::vector<std::string> keys;
    for (const auto& spec : info.params) keys.push_back(spec.name);
    Map params = m.req("params", "a mapping of " + yaml::join(keys)).as_map(keys);
    for (const auto& spec : info.params) {
      auto val = spec.required ? std::optional<Value>(params.req(spec.name, range_text(spec)))
                               : params.opt(spec.name);
      p.params.add(spec.name, val ? param_values(*val, p.size, spec)
                                  : std::vector<int64_t>{spec.fallback});
    }
    n_.populations.push_back(std::move(p));
  }

  static std::string range_text(const models::NeuronParamSpec& spec) {
    if (!spec.choices.empty()) return "one of " + yaml::join(spec.choices);
    if (spec.decimals > 0) {
      const double scale = std::pow(10.0, spec.decimals);
      return fmt::format("a number in {}..{} {} (at most {} decimals)", double(spec.min) / scale,
                         double(spec.max) / scale, spec.unit, spec.decimals);
    }
    return std::to_string(spec.min) + ".." + std::to_string(spec.max);
  }

  // A decimal parameter as an integer of 10^-decimals units; more decimals than that is an error
  // (the value would be rounded).
  static int64_t decimal(const Value& x, const models::NeuronParamSpec& spec) {
    const double scale = std::pow(10.0, spec.decimals);
    const double v = x.as_number(double(spec.min) / scale, double(spec.max) / scale);
    const double scaled = v * scale;
    const double rounded = std::round(scaled);
    if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, std::fabs(scaled))) {
      x.fail(fmt::format("{} has more than {} decimals; expected {}", x.as_string(), spec.decimals,
                         range_text(spec)));
    }
    return int64_t(rounded);
  }

  // One value for every neuron (stored once) or a list of exactly `n`; a name for a choice.
  std::vector<int64_t> param_values(const Value& v, uint32_t n, const models::NeuronParamSpec& spec) {
    auto one = [&](const Value& x) -> int64_t {
      if (spec.decimals > 0) return decimal(x, spec);
      if (spec.choices.empty()) return x.as_int(spec.min, spec.max);
      const std::string c = x.as_choice(spec.choices);
      return int64_t(std::find(spec.choices.begin(), spec.choices.end(), c) - spec.choices.begin());
    };
    if (!v.is_sequence()) return {one(v)};
    const auto items = v.as_list();
    if (items.size() != n) {
      v.fail("expected one scalar or a list of " + std::to_string(n) +
             " values (the population size), got a list of " + std::to_string(items.size()));
    }
    std::vector<int64_t> out(n);
    for (uint32_t i = 0; i < n; ++i) out[i] = one(items[i]);
    return out;
  }

  // ---- inputs ----------------------------------------------------------------------------
  void add_spike(models::InputSource& src, const Value& at, int64_t step, int64_t index,
                 int64_t payload) {
    if (index >= int64_t(src.size)) {
      at.fail("input index " + std::to_string(index) + " is out of range: '" + src.name +
              "' has " + std::to_string(src.size) + " neurons (0.." +
              std::to_string(src.size - 1) + ")");
    }
    src.spikes.push_back({uint32_t(step), uint32_t(index), int32_t(payload)});
  }

  void input(const Value& v) {
    Map m = v.as_map({"name", "size", "shape", "spikes", "spike_times", "background", "poisson", "csv"});
    models::InputSource src;
    const Value name = m.req("name", "an input name");
    src.name = name.as_string();
    new_name(name, src.name);
    src.size = uint32_t(m.req("size", "an integer").as_uint(1, kMaxGroupSize));
    src.shape = shape(m, src.size);
    const std::string kind = m.one_of({"spikes", "spike_times", "background", "poisson", "csv"});
    const Value body = m.req(kind, "");
    if (kind == "background") {
      Map bm = body.as_map({"rate_hz", "mode", "seed"});
      src.timed = true;
      src.background_hz = bm.req("rate_hz", "a rate in Hz of biological time").as_number(1e-3, 1e9);
      if (auto mode = bm.opt("mode")) src.background_regular = mode->as_choice({"poisson", "regular"}) == "regular";
      src.seed = seed_for(bm.opt("seed"), "inputs." + src.name);
    } else if (kind == "spike_times") {
      src.timed = true;
      for (const auto& e : body.as_list()) {
        const auto f = e.as_list(2);
        if (f.size() != 2) e.fail("expected [time_ms, index]");
        const double ms = f[0].as_number(0.0, 1e9);
        const int64_t index = f[1].as_int(0, kMaxGroupSize);
        add_spike(src, e, 0, index, 1);
        src.spikes.back().time_ns = uint64_t(std::llround(ms * 1e6));
      }
    } else if (kind == "spikes" && body.is_scalar()) {
      read_spike_npy(src, body);
    } else if (kind == "spikes") {
      for (const auto& e : body.as_list()) {
        const auto f = e.as_list(2);
        if (f.size() > 3) e.fail("expected [step, index] or [step, index, payload]");
        const int64_t step = f[0].as_int(0, kMaxStep);
        const int64_t index = f[1].as_int(0, kMaxGroupSize);
        int64_t payload = 1;
        if (f.size() == 3) {
          payload = f[2].as_int(kMinPayload, kMaxPayload);
          if (payload == 0) f[2].fail("a graded spike payload of 0 is no spike; expected non-zero");
        }
        add_spike(src, e, step, index, payload);
      }
    } else if (kind == "poisson") {
      Map pm = body.as_map({"rate", "seed"});
      src.poisson = true;
      src.rate = pm.req("rate", "a spike probability per neuron per step in 0..1")
                     .as_number(0.0, 1.0);
      src.seed = seed_for(pm.opt("seed"), "inputs." + src.name);
    } else {
      read_csv(src, body);
    }
    std::stable_sort(src.spikes.begin(), src.spikes.end());
    n_.inputs.push_back(std::move(src));
  }

  // A sidecar file named by a scalar, relative to the network file; recorded as an input file.
  std::string sidecar(const Value& v, const char* what) {
    const std::string name = v.as_string();
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".npy") != 0) {
      v.fail(std::string("expected a list or the name of a .npy file of ") + what + ", got '" +
             io::printable(name) + "'");
    }
    const std::string path = resolve(name);
    n_.input_files.push_back(path);
    return path;
  }

  // A file name from the network, relative to the network file's folder unless absolute.
  std::string resolve(const std::string& name) const {
    std::filesystem::path path(name);
    if (path.is_relative()) path = std::filesystem::path(base_dir_) / path;
    return path.string();
  }

  // spikes: FILE.npy, rows [step, index] or [step, index, payload].
  void read_spike_npy(models::InputSource& src, const Value& v) {
    const std::string path = sidecar(v, "spikes [step, index(, payload)]");
    const NpyMatrix a = load_npy(path, "spikes [step, index(, payload)]", 2, 3);
    src.spikes.reserve(a.rows);
    for (uint64_t r = 0; r < a.rows; ++r) {
      const int64_t step = a.at(r, 0), index = a.at(r, 1), payload = a.cols == 3 ? a.at(r, 2) : 1;
      auto bad = [&](const std::string& msg) {
        throw ConfigError(path, 0, 0, "", fmt::format("row {}: {}", r, msg));
      };
      if (step < 0 || step > kMaxStep) bad(fmt::format("step {} is out of range 0..{}", step, kMaxStep));
      if (index < 0 || index >= int64_t(src.size)) {
        bad(fmt::format("input index {} is out of range: '{}' has {} neurons (0..{})", index,
                        src.name, src.size, src.size - 1));
      }
      if (payload < kMinPayload || payload > kMaxPayload || payload == 0) {
        bad(fmt::format("payload {} is out of range {}..{} or 0 (a payload of 0 is no spike)",
                        payload, kMinPayload, kMaxPayload));
      }
      src.spikes.push_back({uint32_t(step), uint32_t(index), int32_t(payload)});
    }
  }

  void read_csv(models::InputSource& src, const Value& v) {
    const std::string path = resolve(v.as_string());
    std::string text;
    try {
      text = yaml::read_text_file(path, "a spike CSV file");
      n_.input_files.push_back(path);
    } catch (const ConfigError& e) {
      v.fail("cannot read spike file " + path + ": " + e.message());
    }
    src.spikes = parse_spike_csv(text, path, src.size);
  }

  // ---- projections -----------------------------------------------------------------------
  models::IntRange int_range(const Value& v, int64_t min, int64_t max) {
    models::IntRange r;
    if (v.is_sequence()) {
      const auto b = v.as_list(2);
      if (b.size() != 2) v.fail("expected a number or a range [low, high]");
      r.lo = int32_t(b[0].as_int(min, max));
      r.hi = int32_t(b[1].as_int(min, max));
      if (r.lo > r.hi) v.fail("empty range: expected low <= high");
    } else {
      r.lo = r.hi = int32_t(v.as_int(min, max));
    }
    return r;
  }

  // Where a projection goes and how its synapses are stored, from its target's neuron model.
  struct Target {
    const models::NeuronModelInfo* model = nullptr;
    int64_t wmin = 0, wmax = 0, max_delay = 0;
    uint32_t n_pre = 0, n_post = 0;
  };

  void projection(const Value& v) {
    Map m = v.as_map({"name", "from", "to", "dense", "sparse", "one_to_one", "all_to_all",
                      "random", "local", "conv", "delay", "weight_exp", "num_weight_bits",
                      "sign_mode", "axon_type"});
    models::Projection p;
    p.from = source_ref(m.req("from", "a population or input name"));
    p.to = population_ref(m.req("to", "a population name"));
    p.name = m.has("name") ? m.req("name", "").as_string()
                           : n_.source_name(p.from) + "->" + n_.populations[p.to].name;
    for (const auto& other : n_.projections) {
      if (other.name == p.name) {
        (m.has("name") ? m.req("name", "") : v).fail(
            "projection name '" + p.name + "' is already used; give each projection between the "
            "same groups its own name:");
      }
    }
    const Target target = synapse_options(m, p);
    if (p.from.is_input) {
      const auto& src = n_.inputs[p.from.index];
      const bool cont = target.model->continuous;
      if (cont && !src.timed) {
        m.req("from", "").fail("input '" + src.name + "' gives spikes by step, but '" +
                               n_.populations[p.to].name + "' (" + target.model->name +
                               ") runs in continuous time: give the input spike_times");
      }
      if (!cont && src.timed) {
        m.req("from", "").fail("input '" + src.name + "' gives spike_times (continuous time), but '" +
                               n_.populations[p.to].name + "' (" + target.model->name +
                               ") runs in steps: give the input spikes by step");
      }
    }
    const std::string kind =
        m.one_of({"dense", "sparse", "one_to_one", "all_to_all", "random", "local", "conv"});
    const Value body = m.req(kind, "");
    if ((kind == "dense" || kind == "sparse") == false && m.has("delay")) {
      m.req("delay", "").fail("applies to dense and sparse projections; generative rules take "
                              "their own delay key");
    }
    const uint32_t delay =
        m.has("delay") ? uint32_t(m.req("delay", "").as_int(0, target.max_delay)) : 0;
    if (kind == "dense") {
      dense(body, target, delay, p);
    } else if (kind == "sparse") {
      sparse(body, target, delay, p);
    } else if (kind == "conv") {
      conv(body, target, v.path(), p);
    } else {
      rule(body, kind, target, v.path(), p);  // projections[i]: seeds differ per projection
    }
    if (!p.sign_mode && target.model->weight_quantisation) {
      // Lava would infer "inhibitory" and clip -256 to -255 silently: refuse instead.
      int32_t lo = p.weight.lo, hi = p.weight.hi;
      for (const auto& s : p.synapses) lo = std::min(lo, s.weight), hi = std::max(hi, s.weight);
      for (int32_t w : p.conv.weights) lo = std::min(lo, w), hi = std::max(hi, w);
      if (p.rule == models::ConnectivityRule::explicit_list && p.synapses.empty()) lo = hi = 0;
      if (lo == -256 && hi <= 0) {
        body.fail("weight -256 exists only in sign_mode mixed, but every weight here is <= 0 so "
                  "the mode would be inferred as inhibitory (-255..0); set sign_mode: mixed or "
                  "use -255");
      }
    }
    n_.projections.push_back(std::move(p));
  }

  // The keys that depend on the target's neuron model: weight quantisation (Loihi) or a pinned
  // axon type (TrueNorth); and the weight and delay ranges they leave.
  Target synapse_options(const Map& m, models::Projection& p) {
    Target t;
    t.model = &models::NeuronModelRegistry::instance().get(n_.populations[p.to].model);
    const auto& target = *t.model;
    for (const char* key : {"weight_exp", "num_weight_bits", "sign_mode"}) {
      if (m.has(key) && !target.weight_quantisation) {
        m.req(key, "").fail(std::string("'") + key + "' does not apply: '" +
            n_.populations[p.to].name + "' uses " + target.name + ", whose synaptic weights are "
            "stored as given (" + std::to_string(target.min_weight) + ".." +
            std::to_string(target.max_weight) + ")");
      }
    }
    if (auto at = m.opt("axon_type")) {
      if (target.input != models::SynapseInput::channeled) {
        at->fail("'axon_type' applies to models whose synapses select a weight by type "
                 "(truenorth_lif); '" + n_.populations[p.to].name + "' uses " + target.name);
      }
      p.axon_type = int(at->as_int(0, int64_t(target.channels) - 1));
    }
    if (auto we = m.opt("weight_exp")) p.weight_exp = int(we->as_int(-8, 7));
    if (auto nb = m.opt("num_weight_bits")) p.num_weight_bits = int(nb->as_int(1, 8));
    if (auto sm = m.opt("sign_mode")) {
      const std::string s = sm->as_choice(kSignModes);
      p.sign_mode = s == "excitatory" ? SignMode::excitatory
                                      : (s == "inhibitory" ? SignMode::inhibitory : SignMode::mixed);
    }
    // Raw weights must fit the 8-bit range of the sign mode (Lava would clip them silently).
    t.wmin = target.min_weight, t.wmax = target.max_weight;
    if (p.sign_mode == SignMode::excitatory) t.wmin = 0;
    if (p.sign_mode == SignMode::inhibitory) t.wmin = -255, t.wmax = 0;
    t.max_delay = target.max_delay;
    t.n_pre = n_.source_size(p.from);
    t.n_post = n_.populations[p.to].size;
    return t;
  }

  void dense(const Value& body, const Target& t, uint32_t delay, models::Projection& p) {
    p.rule = models::ConnectivityRule::explicit_list;
    const auto rows = body.as_list();
    if (rows.size() != t.n_post) {
      body.fail_at_key(body.path(), "dense matrix has " + std::to_string(rows.size()) + " rows; expected " +
                std::to_string(t.n_post) + " (one per neuron of '" + n_.populations[p.to].name +
                "')");
    }
    for (uint32_t i = 0; i < t.n_post; ++i) {
      const auto cols = rows[i].as_list();
      if (cols.size() != t.n_pre) {
        rows[i].fail("row has " + std::to_string(cols.size()) + " columns; expected " +
                     std::to_string(t.n_pre) + " (one per neuron of '" + n_.source_name(p.from) +
                     "')");
      }
      for (uint32_t j = 0; j < t.n_pre; ++j) {
        const int32_t w = int32_t(cols[j].as_int(t.wmin, t.wmax));
        if (w != 0) p.synapses.push_back({j, i, w, delay});
      }
    }
  }

  void sparse(const Value& body, const Target& t, uint32_t delay, models::Projection& p) {
    p.rule = models::ConnectivityRule::explicit_list;
    if (body.is_scalar()) {
      sparse_npy(body, t, delay, p);
      return;
    }
    for (const auto& e : body.as_list()) {
      const auto f = e.as_list(3);
      if (f.size() > 4) e.fail("expected [pre, post, weight] or [pre, post, weight, delay]");
      models::SynapseSpec s;
      s.pre = uint32_t(f[0].as_int(0, int64_t(t.n_pre) - 1));
      s.post = uint32_t(f[1].as_int(0, int64_t(t.n_post) - 1));
      s.weight = int32_t(f[2].as_int(t.wmin, t.wmax));
      s.delay = f.size() == 4 ? uint32_t(f[3].as_int(0, t.max_delay)) : delay;
      p.synapses.push_back(s);
    }
  }

  // sparse: FILE.npy, rows [pre, post, weight] or [pre, post, weight, delay].
  void sparse_npy(const Value& body, const Target& t, uint32_t delay, models::Projection& p) {
    const char* what = "synapses [pre, post, weight(, delay)]";
    const std::string path = sidecar(body, what);
    const NpyMatrix a = load_npy(path, what, 3, 4);
    p.synapses.reserve(a.rows);
    for (uint64_t r = 0; r < a.rows; ++r) {
      auto field = [&](uint64_t c, int64_t lo, int64_t hi, const char* name) {
        const int64_t v = a.at(r, c);
        if (v < lo || v > hi) {
          throw ConfigError(path, 0, 0, "",
                            fmt::format("row {}: {} {} is out of range {}..{} (projection '{}')", r,
                                        name, v, lo, hi, p.name));
        }
        return v;
      };
      models::SynapseSpec s;
      s.pre = uint32_t(field(0, 0, int64_t(t.n_pre) - 1, "pre"));
      s.post = uint32_t(field(1, 0, int64_t(t.n_post) - 1, "post"));
      s.weight = int32_t(field(2, t.wmin, t.wmax, "weight"));
      s.delay = a.cols == 4 ? uint32_t(field(3, 0, t.max_delay, "delay")) : delay;
      p.synapses.push_back(s);
    }
  }

  // Generative rules: one_to_one, all_to_all, random, local.
  void rule(const Value& body, const std::string& kind, const Target& t, const std::string& path,
            models::Projection& p) {
    std::vector<std::string> keys = {"weight", "delay", "seed"};
    if (kind == "random") keys.push_back("probability");
    if (kind == "local") keys.push_back("kernel");
    Map r = body.as_map(keys);
    p.weight = int_range(r.req("weight", "a weight or a range [low, high]"), t.wmin, t.wmax);
    p.delay = r.has("delay") ? int_range(r.req("delay", ""), 0, t.max_delay) : models::IntRange{};
    p.seed = seed_for(r.opt("seed"), path);
    if (kind == "one_to_one") {
      p.rule = models::ConnectivityRule::one_to_one;
      if (t.n_pre != t.n_post) {
        body.fail("one_to_one needs equal sizes, got " + std::to_string(t.n_pre) + " -> " +
                  std::to_string(t.n_post));
      }
    } else if (kind == "all_to_all") {
      p.rule = models::ConnectivityRule::all_to_all;
    } else if (kind == "random") {
      p.rule = models::ConnectivityRule::random;
      p.probability = r.req("probability", "a connection probability in 0..1").as_number(0.0, 1.0);
    } else {
      p.rule = models::ConnectivityRule::local;
      local(body, r.req("kernel", "an odd kernel size"), p);
    }
  }

  // conv: {kernel, stride, padding, weights | weight, delay, seed}; kernel, stride and padding
  // each a number or [y, x]; weights c_out * c_in * kh * kw values in [co][ci][ky][kx] order.
  void conv(const Value& body, const Target& t, const std::string& path, models::Projection& p) {
    Map r = body.as_map({"kernel", "stride", "padding", "weights", "weight", "delay", "seed"});
    p.rule = models::ConnectivityRule::conv;
    auto pair = [&](const Value& v, uint64_t lo, uint64_t hi, uint32_t& y, uint32_t& x) {
      if (v.is_sequence()) {
        const auto b = v.as_list(2);
        if (b.size() != 2) v.fail("expected a number or [y, x]");
        y = uint32_t(b[0].as_uint(lo, hi));
        x = uint32_t(b[1].as_uint(lo, hi));
      } else {
        y = x = uint32_t(v.as_uint(lo, hi));
      }
    };
    auto& c = p.conv;
    pair(r.req("kernel", "a kernel size or [height, width]"), 1, 255, c.kernel_h, c.kernel_w);
    if (r.has("stride")) pair(r.req("stride", ""), 1, 255, c.stride_y, c.stride_x);
    if (r.has("padding")) pair(r.req("padding", ""), 0, 255, c.pad_y, c.pad_x);
    const auto& a = n_.source_shape(p.from);
    const auto& b = n_.populations[p.to].shape;
    if (!a.present() || !b.present()) {
      body.fail("conv needs a shape [height, width, channels] on both '" + n_.source_name(p.from) +
                "' and '" + n_.populations[p.to].name + "'");
    }
    const auto out = [](uint32_t in, uint32_t pad, uint32_t k, uint32_t stride) -> int64_t {
      const int64_t span = int64_t(in) + 2 * int64_t(pad) - int64_t(k);
      return span < 0 ? 0 : span / stride + 1;
    };
    const int64_t oh = out(a.height, c.pad_y, c.kernel_h, c.stride_y);
    const int64_t ow = out(a.width, c.pad_x, c.kernel_w, c.stride_x);
    if (oh != int64_t(b.height) || ow != int64_t(b.width)) {
      body.fail(fmt::format("a {}x{} kernel, stride {}x{} and padding {}x{} take the {}x{} grid of "
                            "'{}' to {}x{}, but '{}' has a {}x{} grid",
                            c.kernel_h, c.kernel_w, c.stride_y, c.stride_x, c.pad_y, c.pad_x,
                            a.height, a.width, n_.source_name(p.from), oh, ow,
                            n_.populations[p.to].name, b.height, b.width));
    }
    const uint64_t n_w = uint64_t(b.channels) * a.channels * c.kernel_h * c.kernel_w;
    if (r.has("weights") == r.has("weight")) {
      body.fail(fmt::format("expected exactly one of 'weights' (the {} = {} x {} x {} x {} kernel "
                            "values, [out channel][in channel][y][x]) or 'weight' (a value or range "
                            "[low, high] drawn per kernel value)",
                            n_w, b.channels, a.channels, c.kernel_h, c.kernel_w));
    }
    if (r.has("weights")) {
      const Value wv = r.req("weights", "");
      const auto list = wv.as_list(1);
      if (list.size() != n_w) {
        wv.fail(fmt::format("expected {} = {} x {} x {} x {} weights ([out channel][in channel][y]"
                            "[x]), got {}",
                            n_w, b.channels, a.channels, c.kernel_h, c.kernel_w, list.size()));
      }
      c.weights.reserve(n_w);
      for (const auto& w : list) c.weights.push_back(int32_t(w.as_int(t.wmin, t.wmax)));
    } else {
      p.weight = int_range(r.req("weight", ""), t.wmin, t.wmax);
    }
    p.delay = r.has("delay") ? int_range(r.req("delay", ""), 0, t.max_delay) : models::IntRange{};
    p.seed = seed_for(r.opt("seed"), path);
  }

  void local(const Value& body, const Value& k, models::Projection& p) {
    p.kernel = uint32_t(k.as_uint(1, 63));
    if (p.kernel % 2 == 0) k.fail("expected an odd kernel size, got " + std::to_string(p.kernel));
    const auto& a = n_.source_shape(p.from);
    const auto& b = n_.populations[p.to].shape;
    if (!a.present() || !b.present()) {
      body.fail("local connectivity needs a shape on both '" + n_.source_name(p.from) +
                "' and '" + n_.populations[p.to].name + "'");
    }
    if (a.height != b.height || a.width != b.width) {
      body.fail("local connectivity needs equal grids, got " + std::to_string(a.height) + "x" +
                std::to_string(a.width) + " -> " + std::to_string(b.height) + "x" +
                std::to_string(b.width));
    }
    if (p.kernel > a.height || p.kernel > a.width) {
      k.fail("kernel " + std::to_string(p.kernel) + " is larger than the " +
             std::to_string(a.height) + "x" + std::to_string(a.width) + " grid");
    }
  }

  // ---- probes ----------------------------------------------------------------------------
  void probe(const Value& v) {
    Map m = v.as_map({"population", "neurons", "variables"});
    models::Probe pr;
    pr.population = population_ref(m.req("population", "a population name"));
    const uint32_t size = n_.populations[pr.population].size;
    const Value nv = m.req("neurons", "'all' or a list of neuron indices");
    if (nv.is_scalar()) {
      nv.as_choice({"all"});
      for (uint32_t i = 0; i < size; ++i) pr.neurons.push_back(i);
    } else {
      for (const auto& i : nv.as_list(1)) pr.neurons.push_back(uint32_t(i.as_int(0, int64_t(size) - 1)));
    }
    const auto& info = models::NeuronModelRegistry::instance().get(n_.populations[pr.population].model);
    for (const auto& var : m.req("variables", "a list of " + yaml::join(info.probes)).as_list(1)) {
      const uint32_t k = uint32_t(info.probe_index(var.as_choice(info.probes)));
      if (std::find(pr.variables.begin(), pr.variables.end(), k) == pr.variables.end()) {
        pr.variables.push_back(k);
      }
    }
    std::sort(pr.variables.begin(), pr.variables.end());
    n_.probes.push_back(std::move(pr));
  }

  models::Network& n_;
  std::string base_dir_;
  std::optional<uint64_t> override_;
  std::set<std::string> names_;
};

}  // namespace

std::vector<models::InputSpike> parse_spike_csv(const std::string& text, const std::string& name,
                                                uint32_t size) {
  std::vector<models::InputSpike> spikes;
  CsvReader csv(text, name, false);
  std::vector<std::string> cells;
  bool header = false;
  size_t columns = 0;
  while (csv.next(cells)) {
    const std::string& line = csv.line();
    if (!header) {
      if (line != "step,index" && line != "step,index,payload") {
        csv.fail("expected the header 'step,index' or 'step,index,payload', got '" +
                 io::printable(line) + "'");
      }
      header = true;
      columns = line == "step,index" ? 2 : 3;
      continue;
    }
    if (cells.size() != columns) {
      csv.fail("expected " + std::to_string(columns) +
               " comma-separated values as the header says, got " + std::to_string(cells.size()));
    }
    const int64_t step = csv.integer(cells[0], 0, kMaxStep, "step");
    const int64_t index = csv.integer(cells[1], 0, int64_t(size) - 1, "index");
    int64_t payload = 1;
    if (cells.size() == 3) {
      payload = csv.integer(cells[2], kMinPayload, kMaxPayload, "payload");
      if (payload == 0) csv.fail("a graded spike payload of 0 is no spike; expected non-zero");
    }
    spikes.push_back({uint32_t(step), uint32_t(index), int32_t(payload)});
  }
  if (!header) csv.fail("empty spike file: expected the header 'step,index'");
  return spikes;
}

models::Network parse_network(const std::string& text, const std::string& name,
                              const std::string& base_dir, std::optional<uint64_t> seed_override) {
  models::Network net;
  net.file = name;
  const Value root = Value::parse(text, name, "a network (a mapping with keys network, "
                                              "populations, inputs, projections, probes)");
  NetworkLoader(net, base_dir, seed_override).load(root);
  return net;
}

models::Network load_network(const std::string& path, std::optional<uint64_t> seed_override) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return parse_network(yaml::read_text_file(path), path, dir.empty() ? "." : dir, seed_override);
}

}  // namespace neuromesh::config
