#include "simulate/html_report.hpp"

#include "common/number_text.hpp"
#include "common/svg_chart.hpp"
#include "simulate/summary_json.hpp"
#include "simulate/svg_plot.hpp"

#include <cmath>

namespace ihpa::simulate {

using common::fixed_text;
using common::xml_escape;
namespace {

std::string cell(const nlohmann::json& value)
{
    if (value.is_number_float()) {
        return "<td>" + fixed_text(value.get<double>(), 2) + "</td>";
    }
    if (value.is_null()) {
        return "<td>n/a</td>";
    }
    return "<td>" + xml_escape(value.is_string() ? value.get<std::string>() : value.dump()) + "</td>";
}

} // namespace

std::string render_html(const Comparison& comparison, const RunDescription& run)
{
    const nlohmann::json summary = summary_json(comparison, run);
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ihpa simulate: " +
                      xml_escape(run.trace_name) + "</title>\n";
    out += "<style>body{font-family:sans-serif;margin:2em;color:#222}"
           "table{border-collapse:collapse;margin:1em 0}"
           "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}"
           "th:first-child,td:first-child{text-align:left}</style>\n</head>\n<body>\n";
    out += "<h1>ihpa simulate: " + xml_escape(run.trace_name) + "</h1>\n";
    out += "<table>\n<tr><th>side</th><th>under-provisioned pod-minutes</th><th>under-provisioned minutes</th>"
           "<th>replica-hours</th><th>peak replicas</th><th>scale events</th>"
           "<th>pod-minutes vs reactive (%)</th><th>replica-hours vs reactive (%)</th></tr>\n";
    for (const char* side : {"reactive", "predictive", "oracle"}) {
        const nlohmann::json& s = summary.at(side);
        out += std::string("<tr><td>") + side + "</td>" + cell(s.at("under_provisioned_pod_minutes")) +
               cell(s.at("under_provisioned_minutes")) + cell(s.at("replica_hours")) + cell(s.at("peak_replicas")) +
               cell(s.at("scale_events"));
        if (s.contains("vs_reactive")) {
            out += cell(s.at("vs_reactive").at("under_provisioned_pod_minutes_pct")) +
                   cell(s.at("vs_reactive").at("replica_hours_pct"));
        } else {
            out += "<td></td><td></td>";
        }
        out += "</tr>\n";
    }
    out += "</table>\n<h2>Settings</h2>\n<table>\n";
    for (const auto& [key, value] : summary.at("settings").items()) {
        out += "<tr><td>" + xml_escape(key) + "</td>" + cell(value) + "</tr>\n";
    }
    out += "</table>\n" + render_svg(comparison, run) + "</body>\n</html>\n";
    return out;
}

} // namespace ihpa::simulate
