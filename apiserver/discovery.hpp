#pragma once

#include "apiserver/provider.hpp"

#include <string>
#include <vector>

namespace ihpa::apiserver {

/// The API group this server serves.
inline constexpr std::string_view kGroup = "external.metrics.k8s.io";
/// Its only version.
inline constexpr std::string_view kVersion = "v1beta1";
/// `kGroup + "/" + kVersion`.
inline constexpr std::string_view kGroupVersion = "external.metrics.k8s.io/v1beta1";

/// `GET /apis`: an `APIGroupList` with our group (legacy discovery; the aggregator falls back to
/// it, kubernetes-contracts §2.2).
[[nodiscard]] std::string render_api_group_list();
/// `GET /apis/external.metrics.k8s.io`: the `APIGroup`.
[[nodiscard]] std::string render_api_group();
/// `GET /apis/external.metrics.k8s.io/v1beta1`: an `APIResourceList` with the single placeholder
/// resource `externalmetrics` (verbs `[get]`), never empty and never one entry per metric.
[[nodiscard]] std::string render_api_resource_list();
/// `GET /`: the `RootPaths` document listing the paths this server answers.
[[nodiscard]] std::string render_root_paths();
/// An `ExternalMetricValueList` holding `items` (values as canonical Quantities, timestamps as
/// RFC 3339 UTC seconds, `metricLabels` always an object).
[[nodiscard]] std::string render_metric_value_list(const std::vector<ExternalMetricValue>& items);

} // namespace ihpa::apiserver
