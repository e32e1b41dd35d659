#pragma once

#include "model/component.hpp"

namespace ihpa::model {

/// The same value at every horizon (the final path of the naive forecast and the local level).
class ConstantPath final : public MeanPath {
public:
    explicit ConstantPath(double value) : value_(value) {}
    /// `steps` copies of the value.
    Eigen::VectorXd mean(Eigen::Index steps) const override
    {
        return Eigen::VectorXd::Constant(steps, value_);
    }

private:
    double value_;
};

} // namespace ihpa::model
