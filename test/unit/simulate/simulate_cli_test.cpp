// Runs the real `ihpa simulate` binary on a small trace.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct CliResult {
    int status;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class SimulateCli : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() /
               ("ihpa-simulate-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    CliResult run(const std::string& args) const
    {
        const std::string cmd = std::string(IHPA_BINARY) + " simulate " + args + " >" + (dir_ / "stdout").string() +
                                " 2>" + (dir_ / "stderr").string();
        const int raw = std::system(cmd.c_str());
        return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
    }

    static std::string fixture(const std::string& name)
    {
        return std::string(IHPA_SOURCE_DIR) + "/test/fixtures/simulate/" + name;
    }

    fs::path dir_;
};

TEST_F(SimulateCli, WritesSummaryCsvSvgAndHtmlAndPrintsTheSummary)
{
    const fs::path out = dir_ / "out";
    const CliResult r = run("--trace " + fixture("daily_ramp.csv") + " --model naive --lead 5m --pod-startup 3m --out " +
                      out.string() + " --html");
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* file : {"summary.json", "timeseries.csv", "plot.svg", "report.html"}) {
        EXPECT_TRUE(fs::exists(out / file)) << file;
    }
    const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
    EXPECT_EQ(summary, nlohmann::json::parse(r.out));
    EXPECT_EQ(summary.at("settings").at("capacity_source"), "the trace's 95th percentile needs 20 pods");
    EXPECT_EQ(summary.at("settings").at("model"), "naive");
    EXPECT_EQ(summary.at("settings").at("seasonality"), "auto");
    EXPECT_GT(summary.at("settings").at("fits").get<int>(), 0);
    EXPECT_LE(summary.at("oracle").at("under_provisioned_pod_minutes").get<double>(),
              summary.at("reactive").at("under_provisioned_pod_minutes").get<double>());
    const std::string check = "xmllint --noout " + (out / "plot.svg").string() + " 2>/dev/null";
    if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
        EXPECT_EQ(std::system(check.c_str()), 0) << "xmllint rejects plot.svg";
    }
}

TEST_F(SimulateCli, IsDeterministic)
{
    const std::string args = "--trace " + fixture("daily_ramp.csv") + " --model naive --per-pod-capacity 7.5 "
                             "--behavior " + fixture("behavior.yaml");
    const CliResult a = run(args);
    const CliResult b = run(args);
    ASSERT_EQ(a.status, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    const auto summary = nlohmann::json::parse(a.out);
    EXPECT_EQ(summary.at("settings").at("per_pod_capacity"), 7.5);
    EXPECT_EQ(summary.at("settings").at("behavior").at("scaleDown").at("stabilizationWindowSeconds"), 60);
}

TEST_F(SimulateCli, ScheduledFloorsRaiseEverySidesReplicasAndBadOnesAreRefused)
{
    const std::string args = "--trace " + fixture("daily_ramp.csv") + " --model naive --max-replicas 50";
    const CliResult plain = run(args);
    ASSERT_EQ(plain.status, 0) << plain.err;
    // A window that is always open (every minute, for an hour): 50 replicas all the time.
    const fs::path file = dir_ / "schedules.yaml";
    std::ofstream(file) << "spec:\n  schedules:\n  - name: always\n    schedule: \"* * * * *\"\n"
                           "    timeZone: Europe/Paris\n    duration: 1h\n    minReplicas: 50\n";
    const CliResult floored = run(args + " --schedules " + file.string());
    ASSERT_EQ(floored.status, 0) << floored.err;
    const auto before = nlohmann::json::parse(plain.out);
    const auto after = nlohmann::json::parse(floored.out);
    for (const char* side : {"reactive", "predictive", "oracle"}) {
        EXPECT_GT(after.at(side).at("replica_hours").get<double>(),
                  before.at(side).at("replica_hours").get<double>())
            << side;
        EXPECT_EQ(after.at(side).at("peak_replicas"), 50) << side;
    }
    EXPECT_EQ(after.at("settings").at("schedules"),
              nlohmann::json::parse(R"([{"schedule": "* * * * *", "timeZone": "Europe/Paris",
                                         "durationSeconds": 3600, "minReplicas": 50}])"));

    std::ofstream(file) << "- name: too-many\n  schedule: \"0 9 * * *\"\n  duration: 1h\n"
                           "  minReplicas: 51\n";
    const CliResult refused = run(args + " --schedules " + file.string());
    EXPECT_EQ(refused.status, 2);
    EXPECT_NE(refused.err.find("--schedules: " + file.string() +
                               ": spec.schedules[0].minReplicas: 51 exceeds the template's "
                               "maxReplicas (50)"),
              std::string::npos)
        << refused.err;
}

TEST_F(SimulateCli, RejectsBadFlagsNamingTheFlag)
{
    struct Case {
        std::string args;
        std::string expected;
    };
    const std::string trace = " --trace " + fixture("daily_ramp.csv");
    const Case cases[] = {
        {trace + " --lead 5x", "--lead: invalid duration \"5x\": unknown unit 'x'"},
        {trace + " --pod-startup 0s", "--pod-startup: invalid duration \"0s\": must be positive"},
        {trace + " --rule max", "--rule: unknown rule \"max\""},
        {trace + " --model nosuchmodel", "--model: unknown model \"nosuchmodel\""},
        {trace + " --seasonality 1d,hourly", "--seasonality: expected auto, none, daily"},
        {trace + " --html", "--html: needs --out DIR"},
        {trace + " --min-replicas 5 --max-replicas 2", "--min-replicas/--max-replicas"},
        {trace + " --target-utilization 80", "--target-utilization requires --request"},
        {trace + " --per-pod-capacity 2 --target-utilization 80 --request 1", "excludes"},
        {trace + " --per-pod-capacity -1", "--per-pod-capacity"},
        {" --model naive --trace " + fixture("README.md"), "--trace: "},
        {trace + " --schedules " + fixture("behavior.yaml"), "--schedules: " + fixture("behavior.yaml") +
                                                              ": no schedules"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args);
        const CliResult r = run(c.args);
        EXPECT_NE(r.status, 0);
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    }
}

} // namespace
