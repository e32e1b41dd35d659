#include "backtest/trace_set.hpp"

#include <algorithm>
#include <system_error>

namespace ihpa::backtest {

std::expected<std::vector<std::filesystem::path>, BacktestError> list_trace_files(
    const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return std::unexpected(BacktestError{dir.string() + ": not a directory"});
    }
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".csv" && !it->is_directory(ec)) {
            files.push_back(it->path());
        }
    }
    if (ec) {
        return std::unexpected(
            BacktestError{dir.string() + ": cannot list directory (" + ec.message() + ")"});
    }
    if (files.empty()) {
        return std::unexpected(BacktestError{dir.string() + ": no trace (*.csv) in directory"});
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
        return a.stem().string() < b.stem().string();
    });
    return files;
}

std::expected<std::vector<Trace>, BacktestError> read_traces(
    const std::vector<std::filesystem::path>& paths)
{
    std::vector<Trace> traces;
    std::string errors;
    for (const auto& path : paths) {
        auto trace = read_trace_csv(path);
        if (trace) {
            traces.push_back(std::move(*trace));
        } else {
            errors += (errors.empty() ? "" : "\n") + trace.error().message;
        }
    }
    if (!errors.empty()) {
        return std::unexpected(BacktestError{std::move(errors)});
    }
    return traces;
}

} // namespace ihpa::backtest
