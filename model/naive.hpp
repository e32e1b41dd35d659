#pragma once

#include "model/component.hpp"

namespace ihpa::model {

/// The naive forecast (Hyndman & Athanasopoulos, FPP3 §5.2): every horizon repeats the value
/// at the origin. The reference every score is relative to, and the fallback of `auto`.
class Naive final : public Component {
public:
    /// Never fails on a non-empty prepared series.
    [[nodiscard]] std::expected<ComponentRun, ModelError>
    run(const ComponentInput& input) const override;
};

} // namespace ihpa::model
