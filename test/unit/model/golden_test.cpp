#include "holt_winters_reference.hpp"
#include "model/holt_winters.hpp"

#include <gtest/gtest.h>

#include <cmath>
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
            holt_winters_reference(y, weight, static_cast<Eigen::Index>(row[0]), params, 0.0, 1)
                .sse;
        EXPECT_NEAR(sse, row[5], 1e-9 * row[5]) << "alpha " << row[1];
    }
}

TEST(HoltWintersGolden, SseAndForecastMatchR)
{
    // R's HoltWinters has no damping (φ = 1) and Winters' seasonal update, whose γ_R is
    // γ / (1 − α) in ours; same initial states (see the fixture's README). Agreement to 1e-9
    // relative leaves room for the order of floating-point operations only.
    const Golden golden =
        read_golden(std::string(IHPA_SOURCE_DIR) + "/test/fixtures/model/holt_winters_r.csv");
    ASSERT_EQ(golden.rows.size(), 3U);
    ASSERT_EQ(golden.y.size(), 120U);
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(golden.y.data(), 120);
    const Eigen::VectorXd weight = Eigen::VectorXd::Ones(120);
    for (const auto& row : golden.rows) {
        ASSERT_EQ(row.size(), 16U);
        const double alpha = row[0];
        const SmoothingParams params{alpha, row[1], row[2] * (1.0 - alpha), 1.0};
        const SmoothingReference ours = holt_winters_reference(y, weight, 12, params, 0.0, 12);
        EXPECT_NEAR(ours.sse, row[3], 1e-9 * row[3]) << "alpha " << alpha;
        for (Eigen::Index h = 1; h <= 12; ++h) {
            const double r = row[3 + static_cast<std::size_t>(h)];
            EXPECT_NEAR(ours.forecast[h - 1], r, 1e-9 * std::abs(r)) << "alpha " << alpha
                                                                     << ", h " << h;
        }
    }
}

} // namespace
} // namespace ihpa::model
