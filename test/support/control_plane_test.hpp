#pragma once

#include "test/support/control_plane.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ihpa::test {

/// Base of the tests that run against `ControlPlane::shared()`: `SetUp` skips the test with the
/// control plane's message when there is none and fails it when the control plane did not start.
/// A derived `SetUp` calls this one first and returns when `IsSkipped() || HasFatalFailure()`.
class ControlPlaneTest : public ::testing::Test {
protected:
    void SetUp() override;

    /// Skips the test unless the control plane was started here (`ControlPlane::local()`): for
    /// tests that need its PKI or scripts; `what` says what for.
    void require_local(const std::string& what);

    [[nodiscard]] static ControlPlane& plane() { return ControlPlane::shared(); }
};

} // namespace ihpa::test
