// Ranged names replicate a block: "nc[0..3]" names nc[0], nc[1], nc[2], nc[3].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neuromesh::config {

// Expands `name`. A name without a range, or with a single index such as nc[3], is one name.
// A range `base[lo..hi]` (lo <= hi, decimal) gives hi-lo+1 names `base[i]`. Returns false with
// `*error` set when the range is malformed or names more than `limit` blocks.
bool expand_ranged_name(const std::string& name, uint64_t limit, std::vector<std::string>* out,
                        std::string* error);

// `base` with `count` copies: base[0] .. base[count-1].
std::vector<std::string> expand_count(const std::string& base, uint64_t count);

}  // namespace neuromesh::config
