#include "common/svg_chart.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

namespace ihpa::common {
namespace {

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The children of the root element named `name`, after checking the document is SVG.
std::vector<const xmlNode*> elements(const XmlDoc& doc, const char* name)
{
    std::vector<const xmlNode*> out;
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    for (const xmlNode* n = root->children; n != nullptr; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name)) {
            out.push_back(n);
        }
    }
    return out;
}

std::string attribute(const xmlNode* node, const char* name)
{
    xmlChar* value = xmlGetProp(node, BAD_CAST name);
    std::string out = value != nullptr ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
}

XmlDoc parse(const std::string& svg)
{
    return {xmlReadMemory(svg.data(), static_cast<int>(svg.size()), "chart.svg", nullptr,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
            &xmlFreeDoc};
}

Chart two_panels()
{
    Chart chart;
    chart.heading = "load & <capacity>";
    chart.legend = {{"#222222", "observed"}, {"#2ca02c", "forecast"}};
    ChartPanel p;
    p.title = "app=\"web\"";
    for (int i = 0; i < 10; ++i) {
        p.times.push_back(1'800'000'000 + 60 * i);
    }
    // A gap at 4..5: the line is drawn in two pieces, and so is the band.
    p.lines.push_back({"#222222", 1.0, {1, 2, 3, 4, kNaN, kNaN, 7, 8, 9, 10}, ColumnReduce::Max});
    p.bands.push_back({"#2ca02c", {0, 1, 2, kNaN, 4, 5, 6, 7, 8, 9}, {2, 3, 4, kNaN, 6, 7, 8, 9, 10, 11}});
    p.marker = 1'800'000'000 + 60 * 5;
    p.marker_label = "now";
    chart.panels.push_back(p);
    chart.panels.push_back(ChartPanel{"empty", {}, {}, {}, std::nullopt, ""});
    return chart;
}

TEST(SvgChart, IsWellFormedSvgWithEveryTextEscaped)
{
    const std::string svg = render_svg_chart(two_panels());
    const XmlDoc doc = parse(svg);
    ASSERT_NE(doc, nullptr) << "libxml2 rejected the SVG";
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
    ASSERT_NE(root->ns, nullptr);
    EXPECT_STREQ(reinterpret_cast<const char*>(root->ns->href), "http://www.w3.org/2000/svg");
    EXPECT_NE(svg.find("load &amp; &lt;capacity&gt;"), std::string::npos);
    EXPECT_NE(svg.find("app=&quot;web&quot;"), std::string::npos);
    EXPECT_EQ(attribute(root, "height"), "676"); // heading and legend, two panels of 300
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find("href"), std::string::npos);
}

TEST(SvgChart, GapsBreakLinesAndBandsAndTheMarkerIsDrawnAtItsTime)
{
    const XmlDoc doc = parse(render_svg_chart(two_panels()));
    ASSERT_NE(doc, nullptr);
    const auto paths = elements(doc, "path");
    ASSERT_EQ(paths.size(), 1U);
    const std::string d = attribute(paths[0], "d");
    EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 2) << d; // two pieces
    EXPECT_EQ(std::count(d.begin(), d.end(), 'L'), 6) << d; // 4 + 4 points
    EXPECT_EQ(elements(doc, "polygon").size(), 2U);          // the band, both sides of its gap
    int dashed = 0;
    bool no_data = false;
    bool now = false;
    for (const xmlNode* n : elements(doc, "line")) {
        dashed += attribute(n, "stroke-dasharray").empty() ? 0 : 1;
    }
    for (const xmlNode* n : elements(doc, "text")) {
        xmlChar* content = xmlNodeGetContent(n);
        const std::string text = reinterpret_cast<const char*>(content);
        xmlFree(content);
        no_data = no_data || text == "no data";
        now = now || text == "now";
    }
    EXPECT_EQ(dashed, 1);
    EXPECT_TRUE(now);
    EXPECT_TRUE(no_data); // the panel without times
}

TEST(SvgChart, MorePointsThanPixelsKeepEachColumnsExtremes)
{
    Chart chart;
    ChartPanel p;
    for (int i = 0; i < 20'000; ++i) {
        p.times.push_back(i * 60);
    }
    std::vector<double> load(20'000, 1.0);
    load[12'345] = 100.0; // one sample peak: the max per column keeps it
    std::vector<double> capacity(20'000, 50.0);
    capacity[777] = 0.0; // one sample dip: the min per column keeps it
    p.lines.push_back({"#000", 1.0, load, ColumnReduce::Max});
    p.lines.push_back({"#111", 1.0, capacity, ColumnReduce::Min});
    chart.panels.push_back(p);
    const XmlDoc doc = parse(render_svg_chart(chart));
    ASSERT_NE(doc, nullptr);
    const auto paths = elements(doc, "path");
    ASSERT_EQ(paths.size(), 2U);
    // 1110 columns; the peak reaches the top of the value axis (105 = 100 × 1.05 at y 80 + 240),
    // the dip its bottom (y = 80 + 240 = 320).
    const std::string peak = attribute(paths[0], "d");
    const std::string dip = attribute(paths[1], "d");
    EXPECT_EQ(std::count(peak.begin(), peak.end(), 'L'), 1109);
    EXPECT_NE(peak.find(",91.4"), std::string::npos) << "no point at 100 / 105 of the height";
    EXPECT_NE(dip.find(",320.0"), std::string::npos) << "no point at 0";
}

} // namespace
} // namespace ihpa::common
