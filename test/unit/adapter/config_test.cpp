#include "adapter/config.hpp"

#include <gtest/gtest.h>

namespace ihpa::adapter {
namespace {

TEST(ConfigTest, ParsesSourcesAndMetrics)
{
    const auto config = parse_config(R"(
sources:
  - name: trace
    replay: {file: t.csv, speedup: 60}
metrics:
  - name: demo_requests
    source: trace
    labels: {app: demo}
)",
                                     "c.yaml");
    ASSERT_TRUE(config) << config.error().front();
    ASSERT_EQ(config->sources.size(), 1U);
    EXPECT_EQ(config->sources[0].replay->file, "t.csv");
    EXPECT_DOUBLE_EQ(config->sources[0].replay->speedup, 60.0);
    EXPECT_EQ(config->sources[0].line, 3);
    ASSERT_EQ(config->metrics.size(), 1U);
    EXPECT_EQ(config->metrics[0].labels.at("app"), "demo");
}

TEST(ConfigTest, ReportsEveryProblemWithFileAndLine)
{
    const auto config = parse_config(R"(sources:
  - name: trace
    replay: {file: t.csv, spedup: 60}
  - name: trace
    replay: {speedup: -1}
  - name: nothing
metrics:
  - name: Demo
    source: missing
  - source: trace
    colour: blue
)",
                                     "bad.yaml");
    ASSERT_FALSE(config);
    const std::vector<std::string> expected = {
        "bad.yaml:3: unknown key \"spedup\" in source trace.replay (known: file, speedup)",
        "bad.yaml:4: duplicate source name \"trace\"",
        "bad.yaml:5: source trace.replay needs \"file\"",
        "bad.yaml:5: source trace.replay.speedup must be a number > 0, got \"-1\"",
        "bad.yaml:6: source nothing needs a kind (one of: replay)",
        "bad.yaml:8: metric name \"Demo\" must be lowercase letters, digits, '_', '-', '.' or ':' "
        "(clients lowercase names on the wire)",
        "bad.yaml:9: metric Demo refers to unknown source \"missing\"",
        "bad.yaml:11: unknown key \"colour\" in metric (known: name, source, labels)",
        "bad.yaml:10: metric needs \"name\"",
    };
    EXPECT_EQ(config.error(), expected);
}

TEST(ConfigTest, SyntaxErrorsAndEmptyDocuments)
{
    const auto broken = parse_config("sources: [\n", "x.yaml");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().front().rfind("x.yaml:", 0), 0U);
    EXPECT_NE(broken.error().front().find("invalid YAML"), std::string::npos);
    const auto empty = parse_config("", "e.yaml");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().front(), "e.yaml:1: the configuration is empty");
    const auto scalar = parse_config("42", "s.yaml");
    ASSERT_FALSE(scalar);
    EXPECT_EQ(scalar.error().front(), "s.yaml:1: the configuration must be a mapping");
}

} // namespace
} // namespace ihpa::adapter
