// Network loader: values, every bad-network error with file:line and key, seeds, CSV inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <tuple>

#include "sim/config/config_error.h"
#include "testbench/common/text_edit.h"
#include "models/connectivity.h"
#include "models/rng.h"
#include "sim/config/network_config.h"
#include "sim/config/npy_reader.h"

using neuromesh::config::ConfigError;
using neuromesh::config::parse_network;
using namespace neuromesh::models;

namespace {

using neuromesh::testkit::line_of;
using neuromesh::testkit::replace_once;

const std::string kNet = R"(network:
  name: small
  seed: 5
populations:
  - name: a
    size: 3
    model: loihi_cuba_lif
    params: {du: 10, dv: [1, 2, 3], vth: 100, bias_mant: -7, bias_exp: 2, refractory: 1}
  - name: b
    size: 2
    shape: [1, 2, 1]
    model: loihi_cuba_lif
    params: {du: 0, dv: 0, vth: 5}
inputs:
  - name: stim
    size: 4
    spikes: [[3, 1], [0, 2, -9], [3, 0]]
  - name: noise
    size: 2
    poisson: {rate: 0.5, seed: 11}
projections:
  - from: stim
    to: a
    dense:
      - [1, 0, 0, 4]
      - [0, -2, 0, 0]
      - [0, 0, 3, 0]
    delay: 2
  - name: ab
    from: a
    to: b
    sparse: [[0, 1, 7], [2, 0, -8, 63]]
    weight_exp: -2
    num_weight_bits: 6
  - from: noise
    to: b
    one_to_one: {weight: [1, 9], delay: [0, 5]}
    sign_mode: excitatory
  - from: b
    to: a
    random: {probability: 0.5, weight: -3}
probes:
  - population: a
    neurons: all
    variables: [u, v]
  - population: b
    neurons: [1]
    variables: [v]
)";


}  // namespace

TEST(NetworkConfig, BaseNetworkLoads) {
  const Network n = parse_network(kNet, "n.yaml", ".");
  EXPECT_EQ(n.name, "small");
  EXPECT_EQ(n.seed, 5u);
  ASSERT_EQ(n.populations.size(), 2u);
  EXPECT_EQ(n.populations[0].params.get("dv", 2), 3);
  EXPECT_EQ(n.populations[0].params.get("bias_mant", 0), -7);
  EXPECT_EQ(n.populations[0].params.get("refractory", 0), 1);
  EXPECT_EQ(n.populations[1].params.get("bias_mant", 1), 0);  // optional parameter default
  EXPECT_EQ(n.populations[1].shape.width, 2u);
  ASSERT_EQ(n.inputs.size(), 2u);
  // Explicit spikes are sorted by (step, index); payloads kept.
  ASSERT_EQ(n.inputs[0].spikes.size(), 3u);
  EXPECT_EQ(n.inputs[0].spikes[0].step, 0u);
  EXPECT_EQ(n.inputs[0].spikes[0].payload, -9);
  EXPECT_EQ(n.inputs[0].spikes[1].index, 0u);
  EXPECT_TRUE(n.inputs[1].poisson);
  EXPECT_EQ(n.inputs[1].seed, 11u);
  ASSERT_EQ(n.projections.size(), 4u);
  // Dense rows are post neurons, columns pre neurons; zeros are not synapses.
  const auto& d = n.projections[0];
  EXPECT_EQ(d.name, "stim->a");
  ASSERT_EQ(d.synapses.size(), 4u);
  EXPECT_EQ(d.synapses[1].pre, 3u);
  EXPECT_EQ(d.synapses[1].post, 0u);
  EXPECT_EQ(d.synapses[1].weight, 4);
  EXPECT_EQ(d.synapses[1].delay, 2u);
  const auto& s = n.projections[1];
  EXPECT_EQ(s.name, "ab");
  EXPECT_EQ(s.weight_exp, -2);
  EXPECT_EQ(s.num_weight_bits, 6);
  EXPECT_EQ(s.synapses[1].delay, 63u);
  EXPECT_EQ(n.projections[2].rule, ConnectivityRule::one_to_one);
  EXPECT_EQ(n.projections[2].delay.hi, 5);
  EXPECT_EQ(*n.projections[2].sign_mode, loihi::SignMode::excitatory);
  EXPECT_EQ(n.projections[3].rule, ConnectivityRule::random);
  EXPECT_DOUBLE_EQ(n.projections[3].probability, 0.5);
  ASSERT_EQ(n.probes.size(), 2u);
  EXPECT_EQ(n.probes[0].neurons.size(), 3u);
  EXPECT_EQ(n.probes[0].variables, (std::vector<uint32_t>{0, 1}));  // u and v
  EXPECT_EQ(n.probes[1].variables, (std::vector<uint32_t>{1}));  // v only
}

TEST(NetworkConfig, SeedOverrideReplacesEverySeed) {
  const Network a = parse_network(kNet, "n.yaml", ".");
  const Network b = parse_network(kNet, "n.yaml", ".", 99);
  const Network c = parse_network(kNet, "n.yaml", ".", 99);
  EXPECT_EQ(b.seed, 99u);
  EXPECT_NE(a.inputs[1].seed, b.inputs[1].seed);  // even a rule's own seed
  EXPECT_NE(a.projections[3].seed, b.projections[3].seed);
  EXPECT_EQ(b.inputs[1].seed, c.inputs[1].seed);  // deterministic
  EXPECT_EQ(b.projections[3].seed, c.projections[3].seed);
  EXPECT_NE(b.inputs[1].seed, b.projections[3].seed);  // independent streams
}

struct Bad {
  const char* name;
  const char* from;
  const char* to;
  const char* at;
  const char* key;
  const char* message;
};
void PrintTo(const Bad& b, std::ostream* os) { *os << b.name; }

class BadNetworks : public ::testing::TestWithParam<Bad> {};

TEST_P(BadNetworks, NameFileLineKey) {
  const auto& p = GetParam();
  const std::string text = replace_once(kNet, p.from, p.to);
  try {
    parse_network(text, "n.yaml", ".");
    FAIL() << "accepted:\n" << text;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "n.yaml");
    EXPECT_EQ(e.line(), line_of(text, p.at)) << e.what();
    EXPECT_EQ(e.key(), p.key) << e.what();
    EXPECT_NE(e.message().find(p.message), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadNetworks,
    ::testing::Values(
        Bad{"unknown_population", "    to: b\n    sparse", "    to: bb\n    sparse", "to: bb", "projections[1].to", "unknown population 'bb'"},
        Bad{"unknown_source", "  - from: noise", "  - from: nosie", "nosie", "projections[2].from", "did you mean 'noise'"},
        Bad{"target_is_input", "    to: a\n    dense", "    to: stim\n    dense", "to: stim", "projections[0].to", "is an input source"},
        Bad{"weight_range_mixed", "[0, 1, 7]", "[0, 1, 300]", "300", "projections[1].sparse[0][2]", "out of range"},
        Bad{"weight_range_excitatory", "one_to_one: {weight: [1, 9]", "one_to_one: {weight: [-1, 9]", "weight: [-1", "projections[2].one_to_one.weight[0]", "in 0..255"},
        Bad{"delay_too_big", "[2, 0, -8, 63]", "[2, 0, -8, 64]", "64]", "projections[1].sparse[1][3]", "out of range"},
        Bad{"dense_delay_too_big", "    delay: 2\n", "    delay: 64\n", "delay: 64", "projections[0].delay", "out of range"},
        Bad{"dense_rows", "      - [0, 0, 3, 0]\n", "", "    dense:", "projections[0].dense", "has 2 rows; expected 3"},
        Bad{"dense_columns", "      - [0, -2, 0, 0]", "      - [0, -2, 0]", "[0, -2, 0]", "projections[0].dense[1]", "3 columns; expected 4"},
        Bad{"input_index", "[[3, 1], [0, 2, -9], [3, 0]]", "[[3, 1], [0, 4, -9], [3, 0]]", "[0, 4, -9]", "inputs[0].spikes[1]", "out of range"},
        Bad{"payload_zero", "[0, 2, -9]", "[0, 2, 0]", "[0, 2, 0]", "inputs[0].spikes[1][2]", "payload of 0"},
        Bad{"sparse_pre_range", "[0, 1, 7]", "[3, 1, 7]", "[3, 1, 7]", "projections[1].sparse[0][0]", "out of range"},
        Bad{"per_neuron_length", "dv: [1, 2, 3]", "dv: [1, 2]", "[1, 2]", "populations[0].params.dv", "list of 3"},
        Bad{"du_range", "params: {du: 10,", "params: {du: 4096,", "{du: 4096", "populations[0].params.du", "out of range"},
        Bad{"vth_missing", "params: {du: 0, dv: 0, vth: 5}", "params: {du: 0, dv: 0}", "params: {du: 0, dv: 0}", "populations[1].params.vth", "missing required key"},
        Bad{"model_unknown", "    model: loihi_cuba_lif\n    params: {du: 0", "    model: izhikevich\n    params: {du: 0", "izhikevich", "populations[1].model", "loihi_cuba_lif"},
        Bad{"shape_mismatch", "shape: [1, 2, 1]", "shape: [1, 3, 1]", "[1, 3, 1]", "populations[1].shape", "does not match size 2"},
        Bad{"duplicate_name", "  - name: b\n", "  - name: a\n", "name: a\n    size: 2", "populations[1].name", "already used"},
        Bad{"two_rules", "    random: {probability: 0.5, weight: -3}", "    random: {probability: 0.5, weight: -3}\n    all_to_all: {weight: 1}", "  - from: b", "projections[3]", "exactly one of"},
        Bad{"probability_range", "probability: 0.5,", "probability: 1.5,", "1.5", "projections[3].random.probability", "out of range"},
        Bad{"one_to_one_sizes", "  - from: noise\n    to: b", "  - from: noise\n    to: a", "one_to_one: {", "projections[2].one_to_one", "equal sizes"},
        Bad{"weight_exp_range", "weight_exp: -2", "weight_exp: 9", "weight_exp: 9", "projections[1].weight_exp", "out of range"},
        Bad{"weight_bits_range", "num_weight_bits: 6", "num_weight_bits: 9", "num_weight_bits: 9", "projections[1].num_weight_bits", "out of range"},
        Bad{"sign_mode", "sign_mode: excitatory", "sign_mode: positive", "positive", "projections[2].sign_mode", "one of"},
        Bad{"probe_neuron", "neurons: [1]", "neurons: [2]", "neurons: [2]", "probes[1].neurons[0]", "out of range"},
        Bad{"probe_variable", "variables: [v]\n", "variables: [w]\n", "variables: [w]", "probes[1].variables[0]", "one of"},
        Bad{"unknown_key", "  seed: 5\n", "  seed: 5\n  sead: 6\n", "sead", "network.sead", "unknown key"},
        Bad{"name_with_comma", "  - name: a\n    size: 3", "  - name: \"a,x\"\n    size: 3", "\"a,x\"", "populations[0].name", "may only use"},
        Bad{"duplicate_projection", "  - from: b\n    to: a\n", "  - from: stim\n    to: a\n", "  - from: stim\n    to: a\n    random", "projections[3]", "already used"},
        Bad{"minus_256_inferred", "weight: -3}", "weight: -256}", "{probability: 0.5", "projections[3].random", "only in sign_mode mixed"},
        Bad{"rate_range", "rate: 0.5", "rate: 2", "rate: 2", "inputs[1].poisson.rate", "out of range"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(NetworkConfig, CsvInputsAndTheirErrors) {
  const std::string dir = ::testing::TempDir();
  const std::string csv = dir + "/nm_spikes.csv";
  auto write = [&](const std::string& body) {
    std::ofstream(csv) << body;
  };
  const std::string net = R"(network: {name: c, seed: 1}
populations:
  - {name: a, size: 2, model: loihi_cuba_lif, params: {du: 0, dv: 0, vth: 1}}
inputs:
  - name: file
    size: 3
    csv: nm_spikes.csv
)";
  write("step,index,payload\n4,2,7\n1,0,1\n");
  const Network n = parse_network(net, dir + "/n.yaml", dir);
  ASSERT_EQ(n.inputs[0].spikes.size(), 2u);
  EXPECT_EQ(n.inputs[0].spikes[0].step, 1u);
  EXPECT_EQ(n.inputs[0].spikes[1].payload, 7);

  write("step,index\n1,0\n2,3\n");
  try {
    parse_network(net, dir + "/n.yaml", dir);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(e.file().find("nm_spikes.csv"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(e.message().find("index 3 is out of range"), std::string::npos) << e.what();
  }
  write("step,index\n1,0,5\n");
  try {
    parse_network(net, dir + "/n.yaml", dir);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(e.message().find("expected 2 comma-separated values"), std::string::npos) << e.what();
  }
  write("time,neuron\n");
  try {
    parse_network(net, dir + "/n.yaml", dir);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_NE(e.message().find("header"), std::string::npos);
  }
  std::remove(csv.c_str());
  try {
    parse_network(net, dir + "/n.yaml", dir);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "inputs[0].csv");
    EXPECT_NE(e.message().find("cannot read spike file"), std::string::npos);
  }
}

TEST(NetworkConfig, ShippedNetworksLoad) {
  for (const char* name : {"feedforward", "ei_recurrent", "synfire", "bench_layered", "bench_random"}) {
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(neuromesh::config::load_network(std::string(NEUROMESH_SOURCE_DIR) +
                                                    "/configs/networks/" + name + ".yaml"));
  }
}

// Random byte-level mutations of a valid network: accepted, or rejected with a ConfigError that
// names the file; never a crash or another exception.
TEST(NetworkConfig, RandomMutationsNeverCrash) {
  neuromesh::models::Rng rng(7);
  const std::string alphabet = ":[]{}-,#&*!|>'\"%@` \n\t0123456789.e-xyzab";
  int rejected = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    std::string text = kNet;
    const int edits = 1 + int(rng.range(0, 3));
    for (int k = 0; k < edits; ++k) {
      const size_t pos = size_t(rng.range(0, int64_t(text.size()) - 1));
      switch (rng.range(0, 2)) {
        case 0: text[pos] = alphabet[size_t(rng.range(0, int64_t(alphabet.size()) - 1))]; break;
        case 1: text.erase(pos, size_t(rng.range(1, 8))); break;
        default: text.insert(pos, 1, alphabet[size_t(rng.range(0, int64_t(alphabet.size()) - 1))]);
      }
    }
    try {
      const auto n = parse_network(text, "m.yaml", ".");
      neuromesh::models::expand(n, uint64_t{1} << 22);  // accepted networks also expand
    } catch (const ConfigError& e) {
      ++rejected;
      EXPECT_EQ(std::string(e.what()).rfind("m.yaml", 0), 0u) << e.what();
    } catch (const neuromesh::models::NetworkTooLarge&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 500);
}

namespace {

// A conv network: input [h, w, ci] -> population [oh, ow, co], the given conv body.
std::string conv_net(uint32_t h, uint32_t w, uint32_t ci, uint32_t oh, uint32_t ow, uint32_t co,
                     const std::string& body) {
  return "network: {name: c, seed: 3}\npopulations:\n  - {name: b, size: " +
         std::to_string(oh * ow * co) + ", shape: [" + std::to_string(oh) + ", " +
         std::to_string(ow) + ", " + std::to_string(co) +
         "], model: loihi_cuba_lif, params: {du: 0, dv: 0, vth: 5}}\ninputs:\n  - {name: in, size: " +
         std::to_string(h * w * ci) + ", shape: [" + std::to_string(h) + ", " + std::to_string(w) +
         ", " + std::to_string(ci) + "], poisson: {rate: 0.5}}\nprojections:\n  - from: in\n    to: b\n    conv: " +
         body + "\n";
}

}  // namespace

TEST(NetworkConfig, ConvProjectionsMatchTheirDefinition) {
  // A 5x4 grid of 2 channels through a 3x2 kernel, stride [2, 1], padding [1, 0] -> 3x3 of 3
  // channels; weights 1..36 in [co][ci][ky][kx] order. The reference: every post neuron reads
  // pre (y*sy - py + ky, x*sx - px + kx, ci) with weight w[co][ci][ky][kx], where in the grid.
  const uint32_t H = 5, W = 4, CI = 2, KH = 3, KW = 2, SY = 2, SX = 1, PY = 1, PX = 0, OH = 3, OW = 3, CO = 3;
  std::string weights;
  for (int e = 1; e <= int(CO * CI * KH * KW); ++e) weights += (e > 1 ? ", " : "") + std::to_string(e);
  const auto net = parse_network(
      conv_net(H, W, CI, OH, OW, CO,
               "{kernel: [3, 2], stride: [2, 1], padding: [1, 0], weights: [" + weights + "]}"),
      "c.yaml", ".");
  Network ref = net;
  ref.projections[0].rule = ConnectivityRule::explicit_list;
  ref.projections[0].conv = {};
  for (uint32_t co = 0; co < CO; ++co)
    for (uint32_t y = 0; y < OH; ++y)
      for (uint32_t x = 0; x < OW; ++x)
        for (uint32_t ci = 0; ci < CI; ++ci)
          for (uint32_t ky = 0; ky < KH; ++ky)
            for (uint32_t kx = 0; kx < KW; ++kx) {
              const int yi = int(y * SY + ky) - int(PY), xi = int(x * SX + kx) - int(PX);
              if (yi < 0 || xi < 0 || yi >= int(H) || xi >= int(W)) continue;
              const int32_t wgt = int32_t(((co * CI + ci) * KH + ky) * KW + kx) + 1;
              ref.projections[0].synapses.push_back(
                  {(uint32_t(yi) * W + uint32_t(xi)) * CI + ci, (y * OW + x) * CO + co, wgt, 0});
            }
  // The explicit list sorted by (pre, post), as the conv rule emits each pre's posts ascending.
  auto& s = ref.projections[0].synapses;
  std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) {
    return std::tie(a.pre, a.post) < std::tie(b.pre, b.post);
  });
  const auto got = expand(net), want = expand(ref);
  ASSERT_EQ(got.tables.size(), 1u);
  EXPECT_EQ(got.tables[0].row, want.tables[0].row);
  ASSERT_EQ(got.tables[0].synapses.size(), want.tables[0].synapses.size());
  EXPECT_GT(got.tables[0].synapses.size(), 100u);
  for (size_t k = 0; k < got.tables[0].synapses.size(); ++k) {
    EXPECT_EQ(got.tables[0].synapses[k].post, want.tables[0].synapses[k].post) << k;
    EXPECT_EQ(got.tables[0].synapses[k].weight, want.tables[0].synapses[k].weight) << k;
  }
}

TEST(NetworkConfig, ConvDrawnWeightsAreSharedAndErrorsNameTheKey) {
  // weight: [lo, hi] draws one value per kernel element, shared by every position: with a 1x1
  // kernel and one input channel, every synapse into output channel co has the same weight.
  const auto net = parse_network(conv_net(4, 4, 1, 4, 4, 3, "{kernel: 1, weight: [1, 200], seed: 9}"),
                                 "c.yaml", ".");
  const auto ex = expand(net);
  const auto& t = ex.tables[0];
  ASSERT_EQ(t.synapses.size(), 48u);
  for (size_t k = 0; k < t.synapses.size(); ++k)
    EXPECT_EQ(t.synapses[k].weight, t.synapses[t.synapses[k].post % 3].weight) << k;
  auto error = [](const std::string& text) {
    try {
      parse_network(text, "c.yaml", ".");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error(conv_net(4, 4, 1, 3, 3, 1, "{kernel: 3, weight: 1}"))
                .find("a 3x3 kernel, stride 1x1 and padding 0x0 take the 4x4 grid of 'in' to 2x2, "
                      "but 'b' has a 3x3 grid"),
            std::string::npos);
  EXPECT_NE(error(conv_net(4, 4, 2, 4, 4, 1, "{kernel: 3, padding: 1, weights: [1, 2]}"))
                .find("expected 18 = 1 x 2 x 3 x 3 weights"),
            std::string::npos);
  EXPECT_NE(error(conv_net(4, 4, 1, 4, 4, 1, "{kernel: 1}")).find("exactly one of 'weights'"),
            std::string::npos);
  EXPECT_NE(error(conv_net(4, 4, 1, 4, 4, 1, "{kernel: 1, weight: 1, stride: 0}")).find("c.yaml:"),
            std::string::npos);
  std::string no_shape = conv_net(4, 4, 1, 4, 4, 1, "{kernel: 1, weight: 1}");
  no_shape = no_shape.replace(no_shape.find(", shape: [4, 4, 1], model"), 18, "");
  EXPECT_NE(error(no_shape).find("conv needs a shape"), std::string::npos) << error(no_shape);
}

namespace {

// A .npy file: magic, version, header dict padded to a multiple of 64 bytes, then `data`.
std::string npy(int major, const std::string& dict, const std::string& data) {
  const size_t pre = major == 1 ? 10 : 12;
  std::string h = dict;
  while ((pre + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::string b = "\x93NUMPY";
  b += char(major);
  b += char(0);
  b += char(h.size() & 255);
  b += char((h.size() >> 8) & 255);
  if (major != 1) b += std::string(2, '\0');
  return b + h + data;
}

}  // namespace

TEST(NetworkConfig, NpyMatricesOfEveryIntegerLayout) {
  using neuromesh::config::parse_npy;
  // int16 little-endian (2, 3): 1, -2, 3 / -32768, 5, 32767.
  const std::string le("\x01\x00\xfe\xff\x03\x00\x00\x80\x05\x00\xff\x7f", 12);
  auto m = parse_npy(npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }", le),
                     "a.npy", "x", 3, 4);
  ASSERT_EQ(m.rows, 2u);
  ASSERT_EQ(m.cols, 3u);
  EXPECT_EQ(m.values, (std::vector<int64_t>{1, -2, 3, -32768, 5, 32767}));
  // The same values big-endian in Fortran order (columns one after another), format 2.
  const std::string be("\x00\x01\x80\x00\xff\xfe\x00\x05\x00\x03\x7f\xff", 12);
  m = parse_npy(npy(2, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", be), "b.npy",
                "x", 3, 4);
  EXPECT_EQ(m.values, (std::vector<int64_t>{1, -2, 3, -32768, 5, 32767}));
  // Unsigned bytes stay positive; an empty array is fine.
  m = parse_npy(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }", "\xff\x07"),
                "c.npy", "x", 2, 3);
  EXPECT_EQ(m.values, (std::vector<int64_t>{255, 7}));
  EXPECT_EQ(parse_npy(npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (0, 3), }", ""),
                      "d.npy", "x", 3, 4).rows, 0u);
  auto error = [](const std::string& bytes) {
    try {
      parse_npy(bytes, "e.npy", "synapses", 3, 4);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string d24(24, '\0');
  EXPECT_NE(error("PK\x03\x04 zip").find("not a NumPy .npy file"), std::string::npos);
  EXPECT_NE(error(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }", d24))
                .find("not an integer type"), std::string::npos);
  EXPECT_NE(error(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", d24))
                .find("1 dimensions; expected 2"), std::string::npos);
  EXPECT_NE(error(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", d24.substr(0, 16)))
                .find("2 columns; expected 3..4"), std::string::npos);
  EXPECT_NE(error(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 4), }", d24))
                .find("needs 32 data bytes; the file has 24"), std::string::npos);
  EXPECT_NE(error(npy(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1, 3), }",
                      std::string(8, '\xff') + std::string(16, '\0')))
                .find("too large"), std::string::npos);
  EXPECT_NE(error(std::string("\x93NUMPY\x01\x00\xff\x00", 10)).find("truncated header"),
            std::string::npos);
  EXPECT_NE(error("").find("e.npy: error:"), std::string::npos);
}
