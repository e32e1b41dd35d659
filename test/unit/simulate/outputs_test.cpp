#include "simulate/capacity.hpp"
#include "simulate/html_report.hpp"
#include "simulate/oracle_feed.hpp"
#include "simulate/summary_json.hpp"
#include "simulate/svg_plot.hpp"
#include "simulate/timeseries_csv.hpp"

#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>

namespace ihpa::simulate {
namespace {

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

/// A trace with a step: 10 until t=1800, then 50 (1-minute samples, one hour).
model::Series step_trace()
{
    model::Series s;
    s.start = 1'700'000'000;
    s.step_seconds = 60;
    s.values = Eigen::VectorXd::Constant(61, 10.0);
    s.values.tail(31).setConstant(50.0);
    return s;
}

struct Fixture {
    model::Series trace = step_trace();
    RunDescription run;
    Comparison comparison;
    Fixture()
    {
        run.trace_name = "step & <ramp>";
        run.trace_points = trace.size();
        run.trace_step_seconds = trace.step_seconds;
        run.capacity_source = "--per-pod-capacity";
        run.model = "oracle";
        run.rule = "windowMax";
        run.band = "yhat";
        run.simulation.per_pod_capacity = 5.0;
        OracleFeed predictive(trace, model::TimeShift{300, model::ShiftRule::Point, model::ShiftBand::Yhat, {}});
        OracleFeed oracle(trace, run.feed.shift);
        comparison = run_comparison(trace, run.simulation, predictive, oracle);
    }
};

TEST(RenderSvg, IsWellFormedSvgParsedByLibxml2)
{
    const Fixture f;
    const std::string svg = render_svg(f.comparison, f.run);
    const XmlDoc doc(xmlReadMemory(svg.data(), static_cast<int>(svg.size()), "plot.svg", nullptr,
                                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                     &xmlFreeDoc);
    ASSERT_NE(doc, nullptr) << "libxml2 rejected the SVG";
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    ASSERT_NE(root, nullptr);
    EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
    ASSERT_NE(root->ns, nullptr);
    EXPECT_STREQ(reinterpret_cast<const char*>(root->ns->href), "http://www.w3.org/2000/svg");
    int lines = 0;
    for (const xmlNode* n = root->children; n != nullptr; n = n->next) {
        lines += n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "path") ? 1 : 0;
    }
    EXPECT_EQ(lines, 8); // load, forecast, two capacities; two panels
    EXPECT_NE(svg.find("step &amp; &lt;ramp&gt;"), std::string::npos);
}

TEST(RenderHtml, IsOneSelfContainedPageWithTableAndPlot)
{
    const Fixture f;
    const std::string html = render_html(f.comparison, f.run);
    const XmlDoc doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "utf-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING),
                     &xmlFreeDoc);
    ASSERT_NE(doc, nullptr);
    EXPECT_NE(html.find("<svg xmlns"), std::string::npos);
    EXPECT_NE(html.find("<td>predictive</td>"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
}

TEST(SummaryJson, HasTheThreeSidesTheirMetricsAndTheSettings)
{
    const Fixture f;
    const nlohmann::json s = summary_json(f.comparison, f.run);
    for (const char* side : {"reactive", "predictive", "oracle"}) {
        SCOPED_TRACE(side);
        for (const char* key : {"under_provisioned_pod_minutes", "under_provisioned_minutes", "replica_hours",
                                "peak_replicas", "scale_events"}) {
            EXPECT_TRUE(s.at(side).contains(key)) << key;
        }
    }
    EXPECT_TRUE(s.at("oracle").at("vs_reactive").contains("under_provisioned_pod_minutes_pct"));
    EXPECT_EQ(s.at("settings").at("per_pod_capacity"), 5.0);
    EXPECT_EQ(s.at("settings").at("lead"), "5m");
    EXPECT_EQ(s.at("settings").at("rule"), "windowMax");
    EXPECT_EQ(s.at("settings").at("pod_startup"), "3m");
    // 10 → 2 pods, 50 → 10 pods; reactive peaks at 10.
    EXPECT_EQ(s.at("reactive").at("peak_replicas"), 10);
}

TEST(TimeseriesCsv, HasOneRowPerSyncWithAllSides)
{
    const Fixture f;
    const std::string csv = timeseries_csv(f.comparison);
    EXPECT_EQ(csv.rfind("timestamp,demand,observed,forecast,", 0), 0U);
    std::size_t rows = 0;
    for (const char ch : csv) {
        rows += ch == '\n' ? 1 : 0;
    }
    EXPECT_EQ(rows, 1 + f.comparison.reactive.ticks.size()); // header + 3600 s / 15 s
    EXPECT_EQ(f.comparison.reactive.ticks.size(), 240U);
    EXPECT_NE(csv.find("\n1700000000,10,10,"), std::string::npos);
}

TEST(CapacityForQuantile, MakesTheQuantileNeedTheGivenPods)
{
    model::Series s;
    s.values = Eigen::VectorXd::LinSpaced(101, 0.0, 100.0); // quantile q is 100 q
    EXPECT_DOUBLE_EQ(trace_quantile(s, 0.95), 95.0);
    EXPECT_DOUBLE_EQ(capacity_for_quantile(s, 0.95, 20).value(), 4.75);
    s.values.setZero();
    EXPECT_NE(capacity_for_quantile(s, 0.95, 20).error().message.find("95th percentile is not positive"),
              std::string::npos);
}

} // namespace
} // namespace ihpa::simulate
