// The main of the end-to-end test binaries. Each binary is one CTest test (its tests share one
// control plane), so a binary whose every test was skipped (no control plane here) exits with
// kSkippedExitCode, which CTest reports as "Skipped" rather than "Passed"; a binary with a failed
// test exits 1 as usual, whatever else was skipped.
#include <gtest/gtest.h>

namespace {

constexpr int kSkippedExitCode = 77;

} // namespace

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    const int result = RUN_ALL_TESTS();
    const ::testing::UnitTest& tests = *::testing::UnitTest::GetInstance();
    if (result == 0 && tests.test_to_run_count() > 0 &&
        tests.skipped_test_count() == tests.test_to_run_count()) {
        return kSkippedExitCode;
    }
    return result;
}
