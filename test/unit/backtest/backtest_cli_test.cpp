// Runs the real `ihpa backtest` binary on small trace folders.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(IHPA_SOURCE_DIR) / "test/fixtures/backtest";

/// What a command printed (stdout and stderr together) and its exit status.
struct Outcome {
    int status = -1;
    std::string output;
};

Outcome run(const std::string& command)
{
    Outcome outcome;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return outcome;
    }
    std::array<char, 4096> buffer{};
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        outcome.output.append(buffer.data(), got);
    }
    const int status = ::pclose(pipe);
    outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
}

Outcome ihpa(const std::string& arguments)
{
    return run(std::string("'") + IHPA_BINARY + "' backtest " + arguments);
}

std::string read_file(const fs::path& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& path, const std::string& text)
{
    std::ofstream(path) << text;
}

/// A fresh scratch folder per test, removed afterwards.
class BacktestCli : public testing::Test {
protected:
    void SetUp() override
    {
        const auto* info = testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() /
               ("ihpa_backtest_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "traces");
        for (const auto* name : {"daily_wave.csv", "level_shift.csv"}) {
            fs::copy_file(kFixtures / "traces" / name, dir_ / "traces" / name);
        }
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// `dir_` as a quoted shell word, with `sub` appended.
    [[nodiscard]] std::string at(const std::string& sub) const
    {
        return "'" + (dir_ / sub).string() + "'";
    }

    fs::path dir_;
};

TEST_F(BacktestCli, WritesForecastsAndTimingsAndPrintsTheScoreTable)
{
    const auto outcome = ihpa("--traces " + at("traces") + " --out " + at("out") +
                              " --model naive --jobs 2");
    ASSERT_EQ(outcome.status, 0) << outcome.output;
    EXPECT_NE(outcome.output.find("BT1 backtest of model naive on 2 trace(s)"), std::string::npos);
    // The naive model is the baseline itself: relMAE 1 everywhere.
    EXPECT_NE(outcome.output.find("daily_wave                         13      1.000      1.000"),
              std::string::npos)
        << outcome.output;
    EXPECT_NE(outcome.output.find("GEOMEAN/MEAN"), std::string::npos);
    const auto forecasts = read_file(dir_ / "out/daily_wave.csv");
    EXPECT_EQ(forecasts.rfind("origin,horizon,yhat,lower,upper\n95,1,", 0), 0U) << forecasts;
    const auto timings = read_file(dir_ / "out/timings.csv");
    EXPECT_EQ(timings.rfind("trace,seconds,origins\ndaily_wave,", 0), 0U) << timings;
    EXPECT_NE(timings.find(",13\nlevel_shift,"), std::string::npos) << timings;
    const auto models = read_file(dir_ / "out/models.tsv");
    EXPECT_EQ(models.rfind("trace\torigin\tmodel\ndaily_wave\t95\tnaive\n", 0), 0U) << models;
    // A header, then a line per origin: 13 of daily_wave, 9 of level_shift.
    EXPECT_EQ(std::count(models.begin(), models.end(), '\n'), 1 + 13 + 9) << models;
}

TEST_F(BacktestCli, OutputDoesNotDependOnJobs)
{
    ASSERT_EQ(ihpa("--traces " + at("traces") + " --out " + at("one") + " --model naive --jobs 1")
                  .status,
              0);
    ASSERT_EQ(ihpa("--traces " + at("traces") + " --out " + at("three") + " --model naive --jobs 3")
                  .status,
              0);
    for (const auto* name : {"daily_wave.csv", "level_shift.csv"}) {
        EXPECT_EQ(read_file(dir_ / "one" / name), read_file(dir_ / "three" / name)) << name;
    }
}

TEST_F(BacktestCli, ScoresASingleTraceFile)
{
    const auto outcome =
        ihpa("--trace " + at("traces/level_shift.csv") + " --out " + at("out") + " --model naive");
    ASSERT_EQ(outcome.status, 0) << outcome.output;
    EXPECT_NE(outcome.output.find("on 1 trace(s)"), std::string::npos) << outcome.output;
    EXPECT_TRUE(fs::exists(dir_ / "out/level_shift.csv"));
    EXPECT_FALSE(fs::exists(dir_ / "out/daily_wave.csv"));
}

TEST_F(BacktestCli, ScoreOnlyReportsInvalidForecastFilesWithStatusTwo)
{
    fs::copy(kFixtures / "traces", dir_ / "traces",
             fs::copy_options::overwrite_existing | fs::copy_options::recursive);
    const auto outcome = ihpa("--score-only --traces " + at("traces") + " --forecasts '" +
                              (kFixtures / "forecasts").string() + "' --json " + at("s.json"));
    EXPECT_EQ(outcome.status, 2) << outcome.output;
    EXPECT_NE(outcome.output.find("INVALID " + (kFixtures / "forecasts/spoiled.csv").string() +
                                  ":4: lower > upper"),
              std::string::npos)
        << outcome.output;
    EXPECT_NE(outcome.output.find("1 invalid forecast file(s): spoiled"), std::string::npos);
    const auto json = nlohmann::json::parse(read_file(dir_ / "s.json"));
    EXPECT_EQ(json["summary"]["traces"], 3);
    EXPECT_NEAR(json["summary"]["relmae_all"].get<double>(), 0.5275962443961527, 1e-9);
}

TEST_F(BacktestCli, ListsTheRegisteredModels)
{
    const auto outcome = ihpa("--list-models");
    ASSERT_EQ(outcome.status, 0) << outcome.output;
    EXPECT_NE(outcome.output.find("naive\n"), std::string::npos) << outcome.output;
}

TEST_F(BacktestCli, RejectsBadInputWithAPreciseMessage)
{
    fs::create_directories(dir_ / "empty");
    fs::create_directories(dir_ / "bad");
    write_file(dir_ / "bad/spiky.csv",
               read_file(kFixtures / "traces/daily_wave.csv").replace(16, 0, "x"));
    struct Case {
        std::string name;
        std::string arguments;
        std::string message;
    };
    const Case cases[] = {
        {"missing file", "--trace " + at("nope.csv") + " --out " + at("out") + " --model naive",
         (dir_ / "nope.csv").string() + ": cannot open file (No such file or directory)"},
        {"empty dir", "--traces " + at("empty") + " --out " + at("out") + " --model naive",
         (dir_ / "empty").string() + ": no trace (*.csv) in directory"},
        {"bad line", "--traces " + at("bad") + " --out " + at("out") + " --model naive",
         (dir_ / "bad/spiky.csv").string() + ":2: timestamp \"x1700000000\" is not a whole"},
        {"unknown model", "--traces " + at("traces") + " --out " + at("out") + " --model prophet",
         "unknown model \"prophet\"; registered models: "},
        {"no out", "--traces " + at("traces") + " --model naive", "--out DIR is required"},
        {"out is the traces dir",
         "--traces " + at("traces") + " --out " + at("traces") + " --model naive",
         "is the directory of the traces"},
        {"score-only without forecasts", "--score-only --traces " + at("traces"),
         "--score-only needs --forecasts DIR"},
        {"bad seasonality",
         "--traces " + at("traces") + " --out " + at("out") + " --seasonality hourly",
         "--seasonality: expected auto, none, daily, weekly or a comma-separated list"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto outcome = ihpa(c.arguments);
        EXPECT_EQ(outcome.status, 1) << outcome.output;
        EXPECT_NE(outcome.output.find(c.message), std::string::npos) << outcome.output;
    }
}

TEST_F(BacktestCli, TheSeasonalitySettingChangesTheForecasts)
{
    const std::string traces = "--trace " + at("traces/daily_wave.csv") + " --model holtWinters";
    ASSERT_EQ(ihpa(traces + " --out " + at("auto")).status, 0);
    ASSERT_EQ(ihpa(traces + " --out " + at("none") + " --seasonality none").status, 0);
    const auto auto_forecasts = read_file(dir_ / "auto/daily_wave.csv");
    ASSERT_FALSE(auto_forecasts.empty());
    EXPECT_NE(auto_forecasts, read_file(dir_ / "none/daily_wave.csv"));
}

TEST_F(BacktestCli, NeverOverwritesATraceGivenByARelativePath)
{
    const auto outcome = run("cd " + at("traces") + " && '" + IHPA_BINARY +
                             "' backtest --trace daily_wave.csv --out . --model naive");
    EXPECT_EQ(outcome.status, 1) << outcome.output;
    EXPECT_NE(outcome.output.find(".: is the directory of the traces"), std::string::npos)
        << outcome.output;
    EXPECT_EQ(read_file(dir_ / "traces/daily_wave.csv"),
              read_file(kFixtures / "traces/daily_wave.csv"));
}

TEST_F(BacktestCli, MatchesTheReferenceScorerRunLive)
{
    const fs::path score_py = fs::path(IHPA_SOURCE_DIR) / "../shared/eval/score.py";
    if (!fs::exists(score_py)) {
        GTEST_SKIP() << "the reference scorer " << score_py << " is not beside the repository";
    }
    if (run("python3 --version").status != 0) {
        GTEST_SKIP() << "python3 is not installed";
    }
    fs::copy(kFixtures / "traces/flat_tail.csv", dir_ / "traces/flat_tail.csv");
    const auto ours = ihpa("--traces " + at("traces") + " --out " + at("out") +
                           " --model naive --json " + at("ours.json"));
    ASSERT_EQ(ours.status, 0) << ours.output;
    const auto reference = run("python3 '" + score_py.string() + "' --traces " + at("traces") +
                               " --forecasts " + at("out") + " --json " + at("reference.json"));
    ASSERT_EQ(reference.status, 0) << reference.output;
    const auto a = nlohmann::json::parse(read_file(dir_ / "ours.json"));
    const auto b = nlohmann::json::parse(read_file(dir_ / "reference.json"));
    ASSERT_EQ(a["traces"].size(), 3U);
    const auto flat_a = a.flatten();
    const auto flat_b = b.flatten();
    ASSERT_EQ(flat_a.size(), flat_b.size());
    for (const auto& [key, value] : flat_b.items()) {
        SCOPED_TRACE(key);
        ASSERT_TRUE(flat_a.contains(key));
        if (value.is_number()) {
            EXPECT_NEAR(flat_a[key].get<double>(), value.get<double>(), 1e-9);
        } else {
            EXPECT_EQ(flat_a[key], value);
        }
    }
}

} // namespace
