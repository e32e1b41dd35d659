#include "adapter/source/datadog/datadog_source_kind.hpp"

#include "test/fakes/source_kind_harness.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ihpa::adapter {
namespace {

using Parsed = test::ParsedKind;

/// Parses the `datadog:` block of `yaml` the way the configuration loader does.
Parsed parse(const std::string& yaml)
{
    return test::parse_kind(datadog_source_kind(), yaml, "datadog", "source dd.datadog");
}

std::expected<std::shared_ptr<MetricSource>, std::string> build(const SourceFactory& factory)
{
    return test::build_source(factory, {{"dd-api.key", "0123456789abcdef\n"}, {"dd-app.key", "0123456789abcdef\n"}});
}

TEST(DatadogSourceKind, AcceptsKeysFromFilesOrEnvironment)
{
    const Parsed parsed = parse(R"(datadog:
  site: us5.datadoghq.com
  apiKeyFile: dd-api.key
  appKeyEnv: IHPA_TEST_DD_APP_KEY
  timeout: 5s
  lookback: 10m
)");
    EXPECT_EQ(parsed.problems, std::vector<std::string>{});
    ASSERT_TRUE(parsed.factory);
    ::setenv("IHPA_TEST_DD_APP_KEY", "fedcba9876543210", 1);
    const auto source = build(*parsed.factory);
    ASSERT_TRUE(source) << source.error();
    EXPECT_TRUE((*source)->keeps_history());
    EXPECT_EQ(datadog_source_kind().name, "datadog");
}

TEST(DatadogSourceKind, ReportsEveryProblemWithFileAndLine)
{
    const Parsed parsed = parse(R"(datadog:
  site: https://api.datadoghq.com
  apiKey: 0123456789abcdef
  appKeyFile: a.key
  appKeyEnv: DD_APP_KEY
  lookback: 30s
  region: eu
)");
    EXPECT_FALSE(parsed.factory);
    const std::vector<std::string> expected = {
        "c.yaml:7: unknown key \"region\" in source dd.datadog (known: site, apiKey, apiKeyFile, "
        "apiKeyEnv, appKey, appKeyFile, appKeyEnv, timeout, lookback)",
        "c.yaml:2: source dd.datadog.site must be a Datadog site such as datadoghq.com or "
        "us5.datadoghq.com, got \"https://api.datadoghq.com\"",
        "c.yaml:3: source dd.datadog.apiKey: secrets are not accepted inline; name a file with "
        "apiKeyFile or a variable with apiKeyEnv",
        "c.yaml:2: source dd.datadog needs apiKeyFile or apiKeyEnv",
        "c.yaml:5: source dd.datadog takes either appKeyFile or appKeyEnv, not both",
        "c.yaml:6: source dd.datadog.lookback must be between 1m and 24h, got \"30s\"",
    };
    EXPECT_EQ(parsed.problems, expected);
}

TEST(DatadogSourceKind, FactoryNamesTheKeyThatCannotBeRead)
{
    const Parsed file = parse("datadog: {apiKeyFile: missing.key, appKeyFile: dd-app.key}");
    ASSERT_TRUE(file.factory);
    EXPECT_EQ(build(*file.factory).error(), "datadog apiKeyFile: cannot read missing.key");
    ::unsetenv("IHPA_TEST_DD_UNSET");
    const Parsed env = parse("datadog: {apiKeyFile: dd-api.key, appKeyEnv: IHPA_TEST_DD_UNSET}");
    ASSERT_TRUE(env.factory);
    EXPECT_EQ(build(*env.factory).error(),
              "datadog appKeyEnv: environment variable IHPA_TEST_DD_UNSET is not set");
}

TEST(DatadogSourceKind, ChecksQueriesWithoutIo)
{
    EXPECT_TRUE(datadog_source_kind().check_query("avg:system.cpu.user{*} by {host}"));
    EXPECT_FALSE(datadog_source_kind().check_query("avg:a{*},avg:b{*}"));
}

} // namespace
} // namespace ihpa::adapter
