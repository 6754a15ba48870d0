// libFuzzer target: the network loader and expansion (the models' prepare hooks included).
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/connectivity.h"
#include "sim/config/config_error.h"
#include "sim/config/network_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto net = neuromesh::config::parse_network(text, "fuzz-net.yaml", "/nonexistent");
    neuromesh::models::expand(net, uint64_t{1} << 20);  // a bound keeps each input fast
  } catch (const neuromesh::config::ConfigError&) {
  } catch (const neuromesh::models::NetworkTooLarge&) {
  } catch (const neuromesh::models::ExpansionError&) {
  }
  return 0;
}
