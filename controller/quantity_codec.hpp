#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ihpa::controller {

/// The Kubernetes Quantity text functions the controller needs, injected: they live in
/// apiserver/quantity.hpp (`format_quantity`, `parse_quantity`), which controller/ may not
/// depend on. The composition root passes those two.
struct QuantityCodec {
    /// The canonical text of a value (milli precision, rounded up in magnitude).
    std::function<std::string(double)> format;
    /// The value of a Quantity text; nullopt when it is not one.
    std::function<std::optional<double>(std::string_view)> parse;
};

} // namespace ihpa::controller
