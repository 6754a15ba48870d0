// `neuromesh compare`: the key figures of several report.json files side by side, with ratios
// against the first.
#pragma once

#include <string>
#include <vector>

namespace neuromesh::report {

// Throws config::ConfigError (file named) for unreadable or foreign files.
std::string compare_reports(const std::vector<std::string>& files);
// The checks compare makes of one report's text; throws config::ConfigError naming `file`.
void check_report(const std::string& text, const std::string& file);

}  // namespace neuromesh::report
