#include "model/traffic_model.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace ihpa::model {
namespace {

using Times = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

/// The complete rows of the inputs, per pod.
struct Rows {
    Eigen::VectorXd usage; ///< per pod
    Eigen::MatrixXd traffic; ///< per pod, one column per driver
    Times times;

    [[nodiscard]] Eigen::Index size() const { return usage.size(); }
    [[nodiscard]] Rows slice(Eigen::Index from, Eigen::Index count) const
    {
        return {usage.segment(from, count), traffic.middleRows(from, count), times.segment(from, count)};
    }
};

Rows complete_rows(const Series& usage, const Series& replicas, const std::vector<Series>& drivers)
{
    const Eigen::Index n = usage.size();
    const auto k = static_cast<Eigen::Index>(drivers.size());
    Rows rows{Eigen::VectorXd(n), Eigen::MatrixXd(n, k), Times(n)};
    Eigen::Index kept = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double pods = replicas.values[i];
        bool complete = std::isfinite(usage.values[i]) && std::isfinite(pods) && pods > 0.0;
        for (Eigen::Index j = 0; complete && j < k; ++j) {
            complete = std::isfinite(drivers[static_cast<std::size_t>(j)].values[i]);
        }
        if (!complete) {
            continue;
        }
        rows.usage[kept] = usage.values[i] / pods;
        for (Eigen::Index j = 0; j < k; ++j) {
            rows.traffic(kept, j) = drivers[static_cast<std::size_t>(j)].values[i] / pods;
        }
        rows.times[kept] = usage.time_at(i);
        ++kept;
    }
    return rows.slice(0, kept);
}

struct Parts {
    ElasticNetFit regression;
    TimeProfile profile;
};

/// Backfitting: the regression on usage less the clock's effect, then the effect on what the
/// regression leaves, `rounds` times.
std::expected<Parts, ModelError> fit_parts(const Rows& rows, const TrafficModelOptions& o)
{
    TimeProfile profile(o.profile_bucket_seconds, o.profile_shrinkage);
    std::expected<ElasticNetFit, ModelError> regression = std::unexpected(ModelError{});
    for (int round = 0; round < o.backfit_rounds; ++round) {
        Eigen::VectorXd target(rows.size());
        for (Eigen::Index i = 0; i < rows.size(); ++i) {
            target[i] = rows.usage[i] - profile.at(rows.times[i]);
        }
        regression = fit_elastic_net(rows.traffic, target, o.regression);
        if (!regression) {
            return std::unexpected(regression.error());
        }
        const Eigen::VectorXd explained = (rows.traffic * regression->coefficients).array() + regression->intercept;
        profile.fit(rows.usage - explained, rows.times);
    }
    return Parts{std::move(*regression), std::move(profile)};
}

/// The `q` quantile (0..1) of `v` by linear interpolation between order statistics; `v` non-empty.
double quantile(Eigen::VectorXd v, double q)
{
    std::sort(v.begin(), v.end());
    const double at = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<Eigen::Index>(std::floor(at));
    const Eigen::Index hi = std::min<Eigen::Index>(lo + 1, v.size() - 1);
    return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

TrafficFitQuality held_out_quality(const Parts& parts, const Rows& held)
{
    Eigen::VectorXd error(held.size());
    for (Eigen::Index i = 0; i < held.size(); ++i) {
        const double predicted = parts.regression.predict(held.traffic.row(i).transpose()) + parts.profile.at(held.times[i]);
        error[i] = held.usage[i] - predicted;
    }
    const double sst = (held.usage.array() - held.usage.mean()).square().sum();
    TrafficFitQuality q;
    q.rows = held.size();
    q.r2 = sst > 0.0 ? 1.0 - error.squaredNorm() / sst : 0.0;
    q.residual_mae = error.cwiseAbs().mean();
    q.residual_q10 = quantile(error, 0.1);
    q.residual_q90 = quantile(error, 0.9);
    return q;
}

/// The residual of each complete row (rows either side of a gap count as neighbours).
template <class Model>
Eigen::VectorXd in_sample_residuals(const Model& model, const Rows& rows)
{
    Eigen::VectorXd out(rows.size());
    for (Eigen::Index i = 0; i < rows.size(); ++i) {
        out[i] = model.residual(rows.usage[i], rows.traffic.row(i).transpose(), rows.times[i]);
    }
    return out;
}

/// The lag-one autocorrelation of `e`, clamped to [0, 0.99].
double lag_one_autocorrelation(const Eigen::VectorXd& e)
{
    if (e.size() < 3) {
        return 0.0;
    }
    const Eigen::VectorXd centred = e.array() - e.mean();
    const double variance = centred.squaredNorm();
    if (variance <= 0.0) {
        return 0.0;
    }
    const double lagged = centred.head(e.size() - 1).dot(centred.tail(e.size() - 1));
    return std::clamp(lagged / variance, 0.0, 0.99);
}

bool aligned(const Series& a, const Series& b)
{
    return a.start == b.start && a.step_seconds == b.step_seconds && a.size() == b.size();
}

} // namespace

std::expected<TrafficModel, ModelError>
fit_traffic_model(const Series& usage, const Series& replicas, const std::vector<Series>& drivers,
                  const TrafficModelOptions& options)
{
    if (drivers.empty()) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec, "traffic model: no traffic driver"});
    }
    if (options.backfit_rounds < 1 || !(options.validation_share > 0.0 && options.validation_share < 1.0)) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "traffic model: backfit rounds must be >= 1 and the validation share in (0, 1)"});
    }
    bool all_aligned = aligned(usage, replicas);
    for (const Series& d : drivers) {
        all_aligned = all_aligned && aligned(usage, d);
    }
    if (!all_aligned) {
        return std::unexpected(ModelError{ModelError::Kind::InvalidSpec,
                                          "traffic model: usage, replicas and drivers must share start, step and length"});
    }
    const Rows rows = complete_rows(usage, replicas, drivers);
    const auto held = static_cast<Eigen::Index>(std::floor(options.validation_share * static_cast<double>(rows.size())));
    if (held < 10) {
        return std::unexpected(ModelError{ModelError::Kind::NotEnoughData,
                                          "traffic model: " + std::to_string(rows.size()) +
                                              " complete rows of usage, replicas and traffic, too few to fit and check"});
    }
    auto head = fit_parts(rows.slice(0, rows.size() - held), options);
    if (!head) {
        return std::unexpected(head.error());
    }
    const TrafficFitQuality quality = held_out_quality(*head, rows.slice(rows.size() - held, held));
    auto all = fit_parts(rows, options);
    if (!all) {
        return std::unexpected(all.error());
    }
    TrafficModel model(std::move(all->regression), std::move(all->profile));
    model.quality_ = quality;
    model.persistence_ = lag_one_autocorrelation(in_sample_residuals(model, rows));
    return model;
}

double TrafficModel::usage_per_pod(const Eigen::Ref<const Eigen::VectorXd>& traffic_per_pod, std::int64_t t) const
{
    return regression_.predict(traffic_per_pod) + profile_.at(t);
}

double TrafficModel::residual(double usage_per_pod, const Eigen::Ref<const Eigen::VectorXd>& traffic_per_pod,
                              std::int64_t t) const
{
    return usage_per_pod - this->usage_per_pod(traffic_per_pod, t);
}

Forecast TrafficModel::forecast_usage(const TrafficOutlook& o) const
{
    Forecast out{Eigen::VectorXd(o.steps), Eigen::VectorXd(o.steps), Eigen::VectorXd(o.steps)};
    const double pods = std::max(o.replicas, 1e-9);
    double carried = std::isfinite(o.last_residual) ? o.last_residual : 0.0;
    for (Eigen::Index h = 0; h < o.steps; ++h) {
        const std::int64_t t = o.first_time + static_cast<std::int64_t>(h) * o.step_seconds;
        carried *= persistence_;
        double mean = pods * (regression_.intercept + profile_.at(t) + carried);
        double up = 0.0;
        double down = 0.0;
        for (std::size_t k = 0; k < o.drivers.size(); ++k) {
            const double beta = regression_.coefficients[static_cast<Eigen::Index>(k)];
            const Forecast& d = o.drivers[k];
            mean += beta * d.mean[h];
            // A driver's band moves usage by β times its distance from the mean, in the
            // direction β's sign gives.
            const double to_upper = beta * (d.upper[h] - d.mean[h]);
            const double to_lower = beta * (d.lower[h] - d.mean[h]);
            up += std::pow(std::max({to_upper, to_lower, 0.0}), 2);
            down += std::pow(std::min({to_upper, to_lower, 0.0}), 2);
        }
        const double residual_up = pods * std::max(quality_.residual_q90, 0.0);
        const double residual_down = pods * std::min(quality_.residual_q10, 0.0);
        out.mean[h] = mean;
        out.upper[h] = mean + std::sqrt(up + residual_up * residual_up);
        out.lower[h] = mean - std::sqrt(down + residual_down * residual_down);
    }
    return out;
}

std::string TrafficModel::description() const
{
    std::ostringstream out;
    out << std::setprecision(4) << "traffic(b0=" << regression_.intercept << ",b=[";
    for (Eigen::Index k = 0; k < regression_.coefficients.size(); ++k) {
        out << (k > 0 ? "," : "") << regression_.coefficients[k];
    }
    out << "],lambda=" << regression_.lambda << ",clock=" << profile_.amplitude() << ",ar=" << persistence_
        << ",r2=" << quality_.r2 << ")";
    return out.str();
}

} // namespace ihpa::model
