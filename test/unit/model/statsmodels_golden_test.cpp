#include "model/holt_winters.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ihpa::model {
namespace {

struct Golden {
    std::vector<std::vector<double>> rows; ///< period, alpha, beta, gamma, phi, sse
    std::vector<double> y;
};

Golden read_golden(const std::string& path)
{
    std::ifstream in(path);
    Golden golden;
    std::string line;
    bool in_y = false;
    while (std::getline(in, line)) {
        if (line.rfind("# y", 0) == 0) {
            in_y = true;
            continue;
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        if (in_y) {
            golden.y.push_back(std::stod(line));
            continue;
        }
        std::vector<double> row;
        std::stringstream fields(line);
        for (std::string field; std::getline(fields, field, ',');) {
            row.push_back(std::stod(field));
        }
        golden.rows.push_back(row);
    }
    return golden;
}

TEST(HoltWintersGolden, SseMatchesStatsmodels)
{
    const Golden golden =
        read_golden(std::string(IHPA_SOURCE_DIR) + "/test/fixtures/model/holt_winters_statsmodels.csv");
    ASSERT_EQ(golden.rows.size(), 3U);
    ASSERT_EQ(golden.y.size(), 48U);
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(golden.y.data(), 48);
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(48);
    for (const auto& row : golden.rows) {
        ASSERT_EQ(row.size(), 6U);
        const SmoothingParams params{row[1], row[2], row[3], row[4]};
        const double sse =
            holt_winters_sse(y, weight, static_cast<Eigen::Index>(row[0]), params, 0.0);
        EXPECT_NEAR(sse, row[5], 1e-9 * row[5]) << "alpha " << row[1];
    }
}

} // namespace
} // namespace ihpa::model
