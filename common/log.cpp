#include "common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace ihpa::log {
namespace {

std::atomic<int> g_verbosity{0};
std::mutex g_write_mutex;

const char* level_name(Level level)
{
    switch (level) {
    case Level::Error:
        return "error";
    case Level::Warn:
        return "warn";
    case Level::Info:
        return "info";
    case Level::Verbose:
        return "debug";
    }
    return "info";
}

std::string utc_now()
{
    const auto now = std::chrono::system_clock::now();
    const auto secs = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    return buf;
}

} // namespace

void set_verbosity(int v) { g_verbosity.store(v, std::memory_order_relaxed); }

int verbosity() { return g_verbosity.load(std::memory_order_relaxed); }

Line::Line(Level level, std::string_view component) : level_(level), component_(component) {}

Line::~Line()
{
    std::string line = utc_now();
    line += ' ';
    line += level_name(level_);
    line += ' ';
    line += component_;
    line += ": ";
    for (const char c : message_.str()) {
        if (c == '\n') {
            line += "\\n";
        } else {
            line += c;
        }
    }
    line += '\n';
    const std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace ihpa::log
