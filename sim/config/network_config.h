// Reads a network YAML file (docs/network-format.md) into models::Network. Errors are
// ConfigError naming file, line, column and key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/network.h"

namespace neuromesh::config {

// `seed_override`, when set, replaces every random seed of the network (each rule and source
// derives its own from it and its key path).
models::Network load_network(const std::string& path,
                             std::optional<uint64_t> seed_override = std::nullopt);
// Same from text; `name` stands for the file in messages, `base_dir` resolves relative CSV paths.
models::Network parse_network(const std::string& text, const std::string& name,
                              const std::string& base_dir,
                              std::optional<uint64_t> seed_override = std::nullopt);

// Input spikes from the text of a spike CSV file (header step,index[,payload]) for an input of
// `size` neurons; `name` stands for the file in messages. Throws ConfigError naming the line.
std::vector<models::InputSpike> parse_spike_csv(const std::string& text, const std::string& name,
                                                uint32_t size);

}  // namespace neuromesh::config
