// Registry of the neuron models a chip config may name (`neuron_model.name`).
// A model registers its name, a one-line description and the fixed-point fields whose widths a
// chip config may set. The config loader looks names up here; it never switches on them.
#pragma once

#include <string>
#include <vector>

namespace neuromesh::models {

struct NeuronFieldWidth {
  std::string name;         // e.g. "u", "vth"
  int default_bits;         // width used when the config does not give one
  int min_bits;             // narrowest width the arithmetic supports
  int max_bits;             // widest width the arithmetic supports
  std::string meaning;      // one line for docs and `neuromesh describe`
};

struct NeuronModelInfo {
  std::string name;                       // key used in YAML
  std::string description;                // one line
  std::vector<NeuronFieldWidth> fields;   // fields whose widths are configurable
  bool simulated = false;                 // networks may use it (a simulator exists)
};

// Registry of neuron models. The built-in models register themselves on first use.
class NeuronModelRegistry {
 public:
  static NeuronModelRegistry& instance();

  // Adds a model; a second registration under the same name replaces the first.
  void add(NeuronModelInfo info);
  // Returns the model or nullptr when no model has that name.
  const NeuronModelInfo* find(const std::string& name) const;
  // All registered names, sorted.
  std::vector<std::string> names() const;

 private:
  NeuronModelRegistry();
  std::vector<NeuronModelInfo> models_;
};

}  // namespace neuromesh::models
