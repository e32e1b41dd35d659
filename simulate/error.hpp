#pragma once

#include <string>

namespace ihpa::simulate {

/// Why a simulation input (trace, behavior, settings) was rejected. Returned as a value, never
/// thrown; `message` names the offending file, line, field or flag.
struct SimulateError {
    std::string message;
};

} // namespace ihpa::simulate
