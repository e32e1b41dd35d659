#pragma once

#include "adapter/adapter.hpp"

#include <expected>
#include <functional>
#include <string>

namespace ihpa::adapter {

/// Hot reload of the configuration file: `run_once` re-reads it and, when its text changed,
/// validates the whole document and applies it to the adapter. An invalid or unreadable file
/// changes nothing: every problem is logged with file:line and the last good configuration
/// keeps running, so a typo never takes the metrics down.
class ConfigWatcher {
public:
    /// What a round did.
    enum class Outcome { Unchanged, Applied, Rejected };

    using Reader = std::function<std::expected<std::string, std::string>()>;

    /// `applied_text` is the text the adapter runs now; `adapter` must outlive the watcher.
    ConfigWatcher(Adapter& adapter, std::string origin, Reader read, FileResolver resolve,
                  std::string applied_text);

    /// Reads the file once and applies it when it changed.
    Outcome run_once();

private:
    Adapter& adapter_;
    std::string origin_;
    Reader read_;
    FileResolver resolve_;
    std::string applied_text_;
    std::string rejected_text_; ///< the last text that failed, so it is reported once
};

} // namespace ihpa::adapter
