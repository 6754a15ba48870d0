// report.html: one self-contained page (inline SVG, no scripts, no network access).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace neuromesh::report {

// Renders the page from the report's JSON (so the page shows exactly what report.json says).
std::string render_html(const nlohmann::ordered_json& report, const std::string& chip_summary);

}  // namespace neuromesh::report
