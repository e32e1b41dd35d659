#pragma once

#include <sstream>
#include <string_view>

namespace ihpa::log {

/// Severity of a log line. `Error`, `Warn` and `Info` lines are always written; verbose lines
/// (`IHPA_VLOG(n, ...)`) only when `n <= verbosity()`, following the Kubernetes `--v` convention
/// (2 = access log, 4 = debug, 6+ = very verbose).
enum class Level { Error, Warn, Info, Verbose };

/// Sets the `--v` verbosity (default 0). Thread-safe.
void set_verbosity(int v);
/// Current `--v` verbosity.
[[nodiscard]] int verbosity();

/// One log event: collects the message through `stream()` and writes exactly one line to stderr
/// when destroyed, as `<RFC 3339 UTC time> <level> <component>: <message>`; newlines in the
/// message are escaped so that one event stays one line. Lines from several threads never mix.
class Line {
public:
    Line(Level level, std::string_view component);
    ~Line();
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;
    /// The stream the message is written to.
    std::ostream& stream() { return message_; }

private:
    Level level_;
    std::string_view component_;
    std::ostringstream message_;
};

} // namespace ihpa::log

/// `IHPA_LOG(warn, "server") << "text";` writes one line at level error|warn|info.
#define IHPA_LOG(level, component) ::ihpa::log::Line(::ihpa::log::Level::IHPA_LOG_LEVEL_##level, component).stream()
/// `IHPA_VLOG(2, "access") << "text";` writes only when `--v` >= 2; the message is not built otherwise.
#define IHPA_VLOG(v, component)                                                                    \
    if (::ihpa::log::verbosity() < (v)) {                                                          \
    } else                                                                                         \
        ::ihpa::log::Line(::ihpa::log::Level::Verbose, component).stream()

#define IHPA_LOG_LEVEL_error Error
#define IHPA_LOG_LEVEL_warn Warn
#define IHPA_LOG_LEVEL_info Info
