// Per-neuron parameters of one population as named integer columns, in the order of the neuron
// model's parameter schema (models/neuron_model_registry.h). A column holds one value shared by
// every neuron or one value per neuron, so a population of a million identical neurons stores
// each parameter once.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuromesh::models {

class ParamTable {
 public:
  static constexpr size_t npos = SIZE_MAX;

  // Appends a column; `values` has one entry (shared) or one per neuron.
  void add(std::string name, std::vector<int64_t> values) {
    names_.push_back(std::move(name));
    columns_.push_back(std::move(values));
  }
  size_t size() const { return names_.size(); }
  const std::string& name(size_t column) const { return names_[column]; }
  size_t find(const std::string& name) const {
    for (size_t c = 0; c < names_.size(); ++c)
      if (names_[c] == name) return c;
    return npos;
  }
  int64_t get(size_t column, uint32_t neuron) const {
    const auto& c = columns_[column];
    return c.size() == 1 ? c[0] : c[neuron];
  }
  // The value of a named parameter; throws std::logic_error for a name the table lacks.
  int64_t get(const std::string& name, uint32_t neuron) const {
    const size_t c = find(name);
    if (c == npos) throw std::logic_error("parameter '" + name + "' is not in the table");
    return get(c, neuron);
  }
  // Sets one neuron's value (a shared column becomes per-neuron, `neurons` long).
  void set(const std::string& name, uint32_t neuron, int64_t value, uint32_t neurons) {
    const size_t c = find(name);
    if (c == npos) throw std::logic_error("parameter '" + name + "' is not in the table");
    auto& col = columns_[c];
    if (col.size() == 1) {
      const int64_t shared = col[0];
      col.assign(neurons, shared);
    }
    col[neuron] = value;
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<int64_t>> columns_;
};

}  // namespace neuromesh::models
