#include "sim/report/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace neuromesh::report {

using Json = nlohmann::ordered_json;

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

// Perceptually ordered colour ramp (dark blue -> green -> yellow) for t in [0, 1].
std::string ramp(double t) {
  static const double stops[5][3] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  const int i = std::min(3, int(t));
  const double f = t - i;
  int rgb[3];
  for (int k = 0; k < 3; ++k) rgb[k] = int(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]) + 0.5);
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

std::string si(double v, const char* unit) {
  const char* prefixes[] = {"p", "n", "µ", "m", "", "k", "M", "G", "T"};
  // v is in the base unit; choose a prefix so the mantissa is in [1, 1000).
  if (v == 0) return fmt::format("0 {}", unit);
  int e = int(std::floor(std::log10(std::fabs(v)) / 3));
  e = std::clamp(e, -4, 4);
  return fmt::format("{:.3g} {}{}", v / std::pow(1000.0, e), prefixes[e + 4], unit);
}

std::string legend(const std::string& id, double max, const char* unit, int width) {
  std::string s = fmt::format(
      "<svg id=\"{}\" class=\"legend\" width=\"{}\" height=\"34\" role=\"img\">"
      "<defs><linearGradient id=\"{}-g\">", id, width, id);
  for (int k = 0; k <= 4; ++k) s += fmt::format("<stop offset=\"{}%\" stop-color=\"{}\"/>", k * 25, ramp(k / 4.0));
  s += fmt::format("</linearGradient></defs><rect x=\"0\" y=\"0\" width=\"{}\" height=\"12\" "
                   "fill=\"url(#{}-g)\"/><text x=\"0\" y=\"28\">0</text><text x=\"{}\" y=\"28\" "
                   "text-anchor=\"end\">{}</text></svg>",
                   width, id, width, esc(si(max, unit)));
  return s;
}

struct Series {
  std::string name, colour, css_class;
  std::vector<double> y;
};

// Lines over the timesteps on one shared y axis starting at 0, with a legend when there are
// several.
// With `zero_based` false the y axis spans the data (e.g. membrane potentials); `xlabel` replaces
// the timestep label.
std::string line_plot(const std::string& id, const std::vector<Series>& series,
                      const std::string& ylabel, bool zero_based = true,
                      const std::string& xlabel = "") {
  const int W = 760, H = 220, L = 70, B = 30, T = 10, R = 10;
  double lo = 0, hi = 0;
  size_t n = 0;
  bool first = true;
  for (const auto& sr : series) {
    for (double v : sr.y) {
      hi = first && !zero_based ? v : std::max(hi, v);
      lo = zero_based ? 0.0 : (first ? v : std::min(lo, v));
      first = false;
    }
    n = std::max(n, sr.y.size());
  }
  if (hi <= lo) hi = lo + 1;
  std::string s = fmt::format("<svg id=\"{}\" class=\"plot\" width=\"{}\" height=\"{}\" role=\"img\">", id, W, H);
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fafafa\" stroke=\"#ccc\"/>",
                   L, T, W - L - R, H - T - B);
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4;
    const double yy = T + (1 - double(k) / 4) * (H - T - B);
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e4e4e4\"/>"
                     "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>",
                     L, W - R, yy, yy, L - 4, yy + 4, esc(fmt::format("{:.4g}", v)));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", (L + W - R) / 2, H - 6,
                   esc(xlabel.empty() ? fmt::format("timestep (0 .. {})", n ? n - 1 : 0) : xlabel));
  s += fmt::format("<text x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\" text-anchor=\"middle\">{}</text>",
                   (T + H - B) / 2, (T + H - B) / 2, esc(ylabel));
  int legend_x = L + 8;
  for (const auto& sr : series) {
    std::string pts;
    for (size_t i = 0; i < sr.y.size(); ++i) {
      const double x = L + (n > 1 ? double(i) / double(n - 1) : 0.5) * (W - L - R);
      const double yy = T + (1 - (sr.y[i] - lo) / (hi - lo)) * (H - T - B);
      pts += fmt::format("{:.1f},{:.1f} ", x, yy);
    }
    s += fmt::format("<polyline class=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>",
                     sr.css_class, sr.colour, pts);
    if (series.size() > 1) {
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"3\" fill=\"{}\"/>"
                       "<text x=\"{}\" y=\"{}\">{}</text>",
                       legend_x, T + 8, sr.colour, legend_x + 14, T + 12, esc(sr.name));
      legend_x += 14 + 7 * int(sr.name.size()) + 16;
    }
  }
  return s + "</svg>";
}

}  // namespace

// Analog chips: the experiment's hardware time and the probed neurons' membrane traces.
std::string analog_section(const Json& r) {
  if (!r.contains("analog")) return "";
  const auto& a = r["analog"];
  const auto& e = a["experiment"];
  std::string h = "<h2>Experiment time on the hardware</h2><table id=\"hardware-time\">";
  auto row = [&](const char* what, double us, const std::string& src) {
    h += fmt::format("<tr><td>{}</td><td class=\"n\">{:.6g} us</td><td class=\"note\">{}</td></tr>", what, us,
                     esc(src));
  };
  row("biological time", e["biological_ms"].get<double>() * 1e3, "the run's windows");
  row("emulated (biological / acceleration)", e["emulated_us"].get<double>(),
      fmt::format("acceleration {}", a["acceleration"].get<double>()));
  row("configuration", e["configuration_us"].get<double>(), e["source"].get<std::string>());
  row("spike readout", e["readout_us"].get<double>(), e["source"].get<std::string>());
  row("total", e["total_us"].get<double>(), "");
  h += fmt::format("</table><p class=\"note\">{} events were held back by busy synapse drivers "
                   "(at most one event per {} ns each).</p>",
                   a["driver_delayed_events"].get<uint64_t>(), a["driver_interval_ns"].get<double>());
  if (!r.contains("traces") || r["traces"].empty()) return h;
  h += "<h2>Membrane traces</h2><p class=\"note\">Probed membrane potentials at the end of each "
       "window (biological time).</p>";
  int k = 0;
  for (const auto& t : r["traces"]) {
    Series s{fmt::format("{}[{}]", t["population"].get<std::string>(), t["neuron"].get<uint32_t>()),
             "#1f77b4", "trace", t["values"].get<std::vector<double>>()};
    const double end = t["time_ms"].empty() ? 0.0 : t["time_ms"].back().get<double>();
    h += fmt::format("<p>{} {}</p>", esc(s.name), esc(t["variable"].get<std::string>())) +
         line_plot(fmt::format("trace-{}", k++), {s}, t["variable"].get<std::string>() + " (" +
                                                       t["unit"].get<std::string>() + ")",
                   false, fmt::format("biological time, 0 .. {:.6g} ms", end));
  }
  return h;
}

std::string render_html(const Json& r, const std::string& chip_summary) {
  const auto& chip = r["chip"];
  const auto& tot = r["totals"];
  const uint32_t mw = chip["mesh"]["width"], mh = chip["mesh"]["height"],
                 cpr = chip["mesh"]["cores_per_router"];
  std::string h;
  h += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>neuromesh report: ";
  h += esc(r["network"]["name"].get<std::string>()) + " on " + esc(chip["name"].get<std::string>());
  h += "</title><style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}"
       "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}"
       "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;"
       "text-align:left;font-size:13px}td.n{text-align:right;font-variant-numeric:tabular-nums}"
       "svg text{font-size:11px;fill:#333}pre{background:#f6f6f6;padding:10px;font-size:12px;"
       "overflow-x:auto}.note{color:#666;font-size:12px}</style></head><body>";
  h += fmt::format("<h1>{} on {}</h1>", esc(r["network"]["name"].get<std::string>()),
                   esc(chip["name"].get<std::string>()));
  h += fmt::format("<p class=\"note\">{} steps, {} mode ({} kernel), {} placement on {} of {} "
                   "cores; chip config {}; network {}.</p>",
                   r["run"]["steps"].get<uint64_t>(), esc(r["run"]["mode"].get<std::string>()),
                   esc(r["run"]["kernel"].get<std::string>()),
                   esc(r["run"]["strategy"].get<std::string>()), r["run"]["cores_used"].get<uint32_t>(),
                   chip["cores"].get<uint32_t>(), esc(chip["file"].get<std::string>()),
                   esc(r["network"]["file"].get<std::string>()));
  if (r.contains("placement")) {
    const auto& q = r["placement"];
    const auto& b = q["lower_bound_cores"];
    std::string link = "none", core = "none";
    if (!q["most_loaded_link"].is_null()) {
      const auto& l = q["most_loaded_link"];
      link = fmt::format("router {},{} {} ({} packets)", l["router"][0].get<uint32_t>(),
                         l["router"][1].get<uint32_t>(), l["port"].get<std::string>(),
                         l["packets"].get<uint64_t>());
    }
    if (!q["most_loaded_core"].is_null()) {
      const auto& c = q["most_loaded_core"];
      core = fmt::format("{} ({} synapses)", c["name"].get<std::string>(), c["synapses"].get<uint64_t>());
    }
    h += fmt::format(
        "<p class=\"note\" id=\"placement\">Placement: {} cores used, lower bound {} (by neurons {}, "
        "synaptic memory {}, fan-in {}); if every source neuron spiked once: {} packets, {:.3f} "
        "hops per packet, most loaded link {}, most loaded core {}.</p>",
        q["cores_used"].get<uint32_t>(), b["total"].get<uint64_t>(), b["by_neurons"].get<uint64_t>(),
        b["by_memory"].get<uint64_t>(), b["by_fan_in"].get<uint64_t>(),
        q["packets_per_all_spike_step"].get<uint64_t>(), q["hops_per_packet"].get<double>(),
        esc(link), esc(core));
  }

  // Key figures.
  const auto& lat = tot["latency"];
  const auto& en = tot["energy"];
  const auto& pw = tot["power"];
  h += "<h2>Key figures</h2><table id=\"key-figures\">";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + esc(k) + "</th><td class=\"n\">" + esc(v) + "</td></tr>";
  };
  row("time to solution (chip time)", si(tot["ns"].get<double>() * 1e-9, "s"));
  row("hardware timesteps per second", fmt::format("{:.4g}", lat["timesteps_per_second"].get<double>()));
  row("step latency min / median / p99 / max",
      si(lat["step_ns"]["min"].get<double>() * 1e-9, "s") + " / " +
          si(lat["step_ns"]["median"].get<double>() * 1e-9, "s") + " / " +
          si(lat["step_ns"]["p99"].get<double>() * 1e-9, "s") + " / " +
          si(lat["step_ns"]["max"].get<double>() * 1e-9, "s"));
  if (lat.contains("tick")) {
    row("fixed tick / overruns / smallest slack",
        si(lat["tick"]["tick_ns"].get<double>() * 1e-9, "s") + " / " +
            std::to_string(lat["tick"]["overruns"].get<uint64_t>()) + " / " +
            si(lat["tick"]["min_slack_ns"].get<double>() * 1e-9, "s"));
  }
  row("energy total (dynamic + static)",
      si(en["total_pj"].get<double>() * 1e-12, "J") + " (" + si(en["dynamic_pj"].get<double>() * 1e-12, "J") +
          " + " + si(en["static_pj"].get<double>() * 1e-12, "J") + ")");
  row("energy per synaptic operation (all in)", si(en["pj_per_synaptic_op"].get<double>() * 1e-12, "J"));
  row("average power", si(pw["average_mw"].get<double>() * 1e-3, "W"));
  row(fmt::format("peak power ({} steps from step {})", pw["peak_window_steps"].get<uint32_t>(),
                  pw["peak_first_step"].get<uint64_t>()),
      si(pw["peak_mw"].get<double>() * 1e-3, "W"));
  row("synaptic ops / spikes / packets",
      fmt::format("{} / {} / {}", tot["synaptic_ops"].get<uint64_t>(), tot["spikes"].get<uint64_t>(),
                  tot["packets"].get<uint64_t>()));
  h += "</table>";

  // Energy breakdown.
  h += "<h2>Energy by category</h2>";
  std::vector<const Json*> cats;
  for (const auto& c : en["by_category"]) cats.push_back(&c);
  std::stable_sort(cats.begin(), cats.end(), [](const Json* a, const Json* b) {
    return (*a)["energy_pj"].get<double>() > (*b)["energy_pj"].get<double>();
  });
  double cmax = 0;
  for (auto* c : cats) cmax = std::max(cmax, (*c)["energy_pj"].get<double>());
  const int bw = 460, rh = 20;
  h += fmt::format("<svg id=\"energy-breakdown\" class=\"plot\" width=\"900\" height=\"{}\" role=\"img\">",
                   int(cats.size()) * rh + 10);
  for (size_t i = 0; i < cats.size(); ++i) {
    const auto& c = *cats[i];
    const double e = c["energy_pj"].get<double>();
    const double w = cmax > 0 ? e / cmax * bw : 0;
    const int y = int(i) * rh + 4;
    h += fmt::format("<text x=\"170\" y=\"{}\" text-anchor=\"end\">{}</text>"
                     "<rect class=\"bar\" x=\"176\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#2c6fbb\"/>"
                     "<text x=\"{:.1f}\" y=\"{}\">{} ({:.1f} %)</text>",
                     y + 13, esc(c["name"].get<std::string>()), y, std::max(w, 0.5), rh - 5,
                     180 + w, y + 13, esc(si(e * 1e-12, "J")), 100 * c["share"].get<double>());
  }
  h += "</svg><table><tr><th>category</th><th>events</th><th>energy</th><th>source of the figure</th></tr>";
  for (auto* c : cats) {
    h += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                     esc((*c)["name"].get<std::string>()), (*c)["events"].get<uint64_t>(),
                     esc(si((*c)["energy_pj"].get<double>() * 1e-12, "J")),
                     esc((*c)["source"].get<std::string>()));
  }
  h += "</table>";

  // Per-core energy on the mesh.
  const int cell = std::clamp(560 / int(std::max(mw, mh)), 18, 80);
  const int sub = int(std::ceil(std::sqrt(double(cpr))));
  std::map<std::pair<uint32_t, uint32_t>, std::vector<std::pair<uint32_t, double>>> at;
  double emax = 0;
  for (const auto& c : r["cores"]) {
    at[{c["router"][0], c["router"][1]}].push_back({c["port"].get<uint32_t>(), c["dynamic_pj"].get<double>()});
    emax = std::max(emax, c["dynamic_pj"].get<double>());
  }
  h += "<h2>Dynamic energy per core, laid out on the mesh</h2>";
  h += fmt::format("<p class=\"note\">One square per router ({} x {}, y grows upwards, router (0, 0) "
                   "bottom left, where input spikes enter); each holds its {} core slot(s). Grey: "
                   "unused.</p>", mw, mh, cpr);
  h += fmt::format("<svg id=\"core-heatmap\" class=\"plot\" width=\"{}\" height=\"{}\" role=\"img\">",
                   int(mw) * cell + 2, int(mh) * cell + 2);
  for (uint32_t y = 0; y < mh; ++y)
    for (uint32_t x = 0; x < mw; ++x) {
      const int px = int(x) * cell + 1, py = int(mh - 1 - y) * cell + 1;
      h += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" stroke=\"#999\"/>",
                       px, py, cell, cell);
      const int sc = (cell - 4) / sub;
      for (uint32_t p = 0; p < cpr; ++p) {
        double e = -1;
        for (const auto& [port, pj] : at[{x, y}])
          if (port == p) e = pj;
        const std::string fill = e < 0 ? "#ddd" : ramp(emax > 0 ? e / emax : 0);
        h += fmt::format("<rect class=\"core\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\">"
                         "<title>router ({}, {}) core {}: {}</title></rect>",
                         px + 2 + int(p % uint32_t(sub)) * sc, py + 2 + int(p / uint32_t(sub)) * sc,
                         sc - 1, sc - 1, fill, x, y, p, e < 0 ? std::string("unused") : esc(si(e * 1e-12, "J")));
      }
    }
  h += "</svg>" + legend("core-legend", emax * 1e-12, "J", 240);

  // Link utilisation.
  std::map<std::tuple<uint32_t, uint32_t, std::string>, double> util;
  double umax = 0;
  for (const auto& l : r["links"]) {
    const double u = l["utilization"].get<double>();
    util[{l["router"][0], l["router"][1], l["port"].get<std::string>()}] = u;
    if (l["port"].get<std::string>().rfind("local", 0) != 0) umax = std::max(umax, u);
  }
  h += "<h2>Link utilisation</h2><p class=\"note\">Flits per cycle on each router-to-router link, "
       "one line per direction (east and north links drawn above and right of the centre line).</p>";
  const int lc = std::clamp(560 / int(std::max(mw, mh)), 24, 90);
  h += fmt::format("<svg id=\"link-heatmap\" class=\"plot\" width=\"{}\" height=\"{}\" role=\"img\">",
                   int(mw) * lc + 2, int(mh) * lc + 2);
  auto centre = [&](uint32_t x, uint32_t y) {
    return std::make_pair(int(x) * lc + lc / 2 + 1, int(mh - 1 - y) * lc + lc / 2 + 1);
  };
  const char* dirs[4] = {"east", "west", "north", "south"};
  for (uint32_t y = 0; y < mh; ++y)
    for (uint32_t x = 0; x < mw; ++x) {
      const auto [cx, cy] = centre(x, y);
      for (int d = 0; d < 4; ++d) {
        const int nx = int(x) + (d == 0) - (d == 1), ny = int(y) + (d == 2) - (d == 3);
        if (nx < 0 || ny < 0 || nx >= int(mw) || ny >= int(mh)) continue;
        const auto [tx, ty] = centre(uint32_t(nx), uint32_t(ny));
        const int off = (d == 0 || d == 2) ? -3 : 3;
        const bool horizontal = d < 2;
        const auto it = util.find({x, y, dirs[d]});
        const double u = it == util.end() ? 0.0 : it->second;
        h += fmt::format("<line class=\"link\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
                         "stroke-width=\"4\"><title>router ({}, {}) {}: {:.4f} flits/cycle</title></line>",
                         cx + (horizontal ? 0 : -off), cy + (horizontal ? off : 0),
                         (cx + tx) / 2 + (horizontal ? 0 : -off), (cy + ty) / 2 + (horizontal ? off : 0),
                         umax > 0 ? ramp(u / umax) : ramp(0), x, y, dirs[d], u);
      }
      h += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#555\"/>", cx, cy);
    }
  h += "</svg>" + legend("link-legend", umax, "flit/cycle", 240);

  // Per-step plots.
  std::vector<double> step_ns, power;
  for (const auto& s : r["steps"]) {
    step_ns.push_back(s["ns"].get<double>());
    power.push_back(s["power_mw"].get<double>());
  }
  h += "<h2>Latency per timestep</h2>" +
       line_plot("latency-plot", {{"step", "#2c6fbb", "series", step_ns}}, "step latency (ns)");
  // Where each step's time went, from the step start: the neuron update phase, the last flit's
  // delivery, the last synaptic integration (the step then waits for the barrier).
  std::vector<double> nu, noc, syn;
  const double cycle_ns = chip["cycle_ns"].get<double>();
  for (const auto& st : r["steps"]) {
    const auto& b = st["breakdown_cycles"];
    nu.push_back(b["neuron_update"].get<double>() * cycle_ns);
    noc.push_back(b["noc_end"].get<double>() * cycle_ns);
    syn.push_back(b["synaptic_input_end"].get<double>() * cycle_ns);
  }
  h += "<h2>Where each step's time goes</h2><p class=\"note\">From the start of each step: when the "
       "neuron updates end, when the last flit reaches its core, when the last synaptic "
       "integration ends. The step then closes with the barrier.</p>" +
       line_plot("breakdown-plot",
                 {{"neuron update end", "#7b3294", "breakdown", nu},
                  {"last flit delivered", "#e66101", "breakdown", noc},
                  {"synaptic integration end", "#1a9641", "breakdown", syn}},
                 "ns from step start");
  h += "<h2>Power per timestep</h2>" +
       line_plot("power-plot", {{"power", "#2c6fbb", "series", power}}, "power (mW)");
  h += analog_section(r);
  h += "<h2>Chip configuration and the sources of its figures</h2><pre id=\"config-summary\">" +
       esc(chip_summary) + "</pre>";
  h += "<p class=\"note\">Written by neuromesh. The same figures are in report.json (schema in "
       "docs/report-schema.md) and in steps.csv, cores.csv and links.csv.</p></body></html>\n";
  return h;
}

}  // namespace neuromesh::report
