#include "adapter/source/prometheus/prometheus_response.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace ihpa::adapter::prometheus {
namespace {

using nlohmann::json;

constexpr std::string_view kNotJson = "the answer is not a Prometheus API JSON object";

/// The `data` member of a successful envelope, with its warnings.
struct Envelope {
    json data;
    std::vector<std::string> warnings;
};

std::expected<Envelope, std::string> parse_envelope(std::string_view body)
{
    json document = json::parse(body, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return std::unexpected(std::string(kNotJson));
    }
    const auto status = document.find("status");
    if (status == document.end() || !status->is_string()) {
        return std::unexpected("the answer has no \"status\"");
    }
    if (*status == "error") {
        const auto type = document.find("errorType");
        const auto error = document.find("error");
        const std::string type_text = type != document.end() && type->is_string()
                                          ? type->get<std::string>()
                                          : std::string("error");
        const std::string error_text = error != document.end() && error->is_string()
                                           ? error->get<std::string>()
                                           : std::string("(no message)");
        return std::unexpected(type_text + ": " + error_text);
    }
    if (*status != "success") {
        return std::unexpected("unknown status \"" + status->get<std::string>() + "\"");
    }
    Envelope out;
    const auto warnings = document.find("warnings");
    if (warnings != document.end() && warnings->is_array()) {
        for (const json& warning : *warnings) {
            if (warning.is_string()) {
                out.warnings.push_back(warning.get<std::string>());
            }
        }
    }
    const auto data = document.find("data");
    if (data == document.end()) {
        return std::unexpected("the answer has no \"data\"");
    }
    out.data = std::move(*data);
    return out;
}

std::expected<Labels, std::string> parse_labels(const json& object, const char* what)
{
    if (!object.is_object()) {
        return std::unexpected(std::string(what) + " must be an object of labels");
    }
    Labels labels;
    for (const auto& [name, value] : object.items()) {
        if (!value.is_string()) {
            return std::unexpected("label \"" + name + "\" is not a string");
        }
        labels.emplace(name, value.get<std::string>());
    }
    return labels;
}

/// `[<unix seconds>, "<value>"]`.
std::expected<Sample, std::string> parse_pair(const json& pair)
{
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string()) {
        return std::unexpected("a sample must be [<unix time>, \"<value>\"]");
    }
    auto value = parse_sample_value(pair[1].get_ref<const std::string&>());
    if (!value) {
        return std::unexpected(value.error());
    }
    const auto time = time_from_unix_ms(pair[0].get<double>() * 1000.0);
    if (!time) {
        return std::unexpected("sample time " + pair[0].dump() + " is out of range");
    }
    return Sample{*time, *value};
}

/// The `result` array of a query answer whose `resultType` must be `expected`.
std::expected<const json*, std::string> result_of(const json& data, std::string_view expected)
{
    if (!data.is_object()) {
        return std::unexpected("\"data\" must be an object");
    }
    const auto type = data.find("resultType");
    const auto result = data.find("result");
    if (type == data.end() || !type->is_string() || result == data.end()) {
        return std::unexpected("\"data\" needs \"resultType\" and \"result\"");
    }
    if (*type != expected) {
        return std::unexpected("unexpected result type \"" + type->get<std::string>() +
                               "\" (expected \"" + std::string(expected) + "\")");
    }
    return &*result;
}

/// A series of a vector or matrix: `{"metric": {...}, <values_key>: ...}`.
std::expected<Labels, std::string> series_labels(const json& series)
{
    if (!series.is_object()) {
        return std::unexpected("a result entry must be an object");
    }
    if (series.contains("histogram") || series.contains("histograms")) {
        return std::unexpected("native histogram samples are not supported; query a float "
                               "series (e.g. histogram_quantile or a _count/_sum series)");
    }
    const auto metric = series.find("metric");
    if (metric == series.end()) {
        return std::unexpected("a result entry has no \"metric\"");
    }
    return parse_labels(*metric, "\"metric\"");
}

std::expected<std::vector<LabelledSample>, std::string> parse_vector(const json& result)
{
    if (!result.is_array()) {
        return std::unexpected("a vector result must be an array");
    }
    std::vector<LabelledSample> samples;
    samples.reserve(result.size());
    for (const json& series : result) {
        auto labels = series_labels(series);
        if (!labels) {
            return std::unexpected(labels.error());
        }
        const auto value = series.find("value");
        if (value == series.end()) {
            return std::unexpected("a vector entry has no \"value\"");
        }
        auto sample = parse_pair(*value);
        if (!sample) {
            return std::unexpected(sample.error());
        }
        samples.push_back({std::move(*labels), *sample});
    }
    return samples;
}

} // namespace

std::expected<double, std::string> parse_sample_value(std::string_view text)
{
    if (text == "+Inf") {
        return std::numeric_limits<double>::infinity();
    }
    double value = 0.0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        return std::unexpected("invalid sample value \"" + std::string(text) + "\"");
    }
    return value;
}

std::optional<std::string> error_message(std::string_view body)
{
    auto envelope = parse_envelope(body);
    if (envelope || envelope.error().starts_with(kNotJson)) {
        return std::nullopt;
    }
    return envelope.error();
}

std::expected<InstantResult, std::string> parse_instant_response(std::string_view body)
{
    auto envelope = parse_envelope(body);
    if (!envelope) {
        return std::unexpected(envelope.error());
    }
    const json& data = envelope->data;
    const auto type = data.is_object() ? data.find("resultType") : data.end();
    if (type != data.end() && *type == "matrix") {
        return std::unexpected("the query returns a range vector (matrix); an instant query needs "
                               "an instant vector or a scalar (drop the [range] selector or "
                               "wrap it in a function such as rate())");
    }
    InstantResult out{{}, std::move(envelope->warnings)};
    if (type != data.end() && *type == "scalar") {
        auto result = result_of(data, "scalar");
        if (!result) {
            return std::unexpected(result.error());
        }
        auto sample = parse_pair(**result);
        if (!sample) {
            return std::unexpected(sample.error());
        }
        out.samples.push_back({Labels{}, *sample});
        return out;
    }
    auto result = result_of(data, "vector");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto samples = parse_vector(**result);
    if (!samples) {
        return std::unexpected(samples.error());
    }
    out.samples = std::move(*samples);
    return out;
}

std::expected<RangeResult, std::string> parse_range_response(std::string_view body)
{
    auto envelope = parse_envelope(body);
    if (!envelope) {
        return std::unexpected(envelope.error());
    }
    auto result = result_of(envelope->data, "matrix");
    if (!result) {
        return std::unexpected(result.error());
    }
    if (!(*result)->is_array()) {
        return std::unexpected("a matrix result must be an array");
    }
    RangeResult out{{}, std::move(envelope->warnings)};
    for (const json& series : **result) {
        auto labels = series_labels(series);
        if (!labels) {
            return std::unexpected(labels.error());
        }
        const auto values = series.find("values");
        if (values == series.end() || !values->is_array()) {
            return std::unexpected("a matrix entry needs a \"values\" array");
        }
        LabelledRange range{std::move(*labels), {}};
        range.samples.reserve(values->size());
        for (const json& pair : *values) {
            auto sample = parse_pair(pair);
            if (!sample) {
                return std::unexpected(sample.error());
            }
            range.samples.push_back(*sample);
        }
        out.ranges.push_back(std::move(range));
    }
    return out;
}

std::expected<SeriesResult, std::string> parse_series_response(std::string_view body)
{
    auto envelope = parse_envelope(body);
    if (!envelope) {
        return std::unexpected(envelope.error());
    }
    if (!envelope->data.is_array()) {
        return std::unexpected("\"data\" of a series answer must be an array");
    }
    SeriesResult out{{}, std::move(envelope->warnings)};
    for (const json& set : envelope->data) {
        auto labels = parse_labels(set, "a series");
        if (!labels) {
            return std::unexpected(labels.error());
        }
        out.series.push_back(std::move(*labels));
    }
    return out;
}

} // namespace ihpa::adapter::prometheus
