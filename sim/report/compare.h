// `neuromesh compare`: the key figures of several report.json files side by side, with ratios
// against the first.
#pragma once

#include <string>
#include <vector>

namespace neuromesh::report {

// Throws config::ConfigError (file named) for unreadable or foreign files.
std::string compare_reports(const std::vector<std::string>& files);

}  // namespace neuromesh::report
