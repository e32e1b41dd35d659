#include "test/support/control_plane_test.hpp"

namespace ihpa::test {

void ControlPlaneTest::SetUp()
{
    if (!plane().unavailable().empty()) {
        GTEST_SKIP() << plane().unavailable();
    }
    ASSERT_TRUE(plane().failure().empty()) << plane().failure();
}

void ControlPlaneTest::require_local(const std::string& what)
{
    if (!plane().local()) {
        GTEST_SKIP() << what << " needs the control plane of k8s-up.sh, not the cluster of "
                     << "IHPA_E2E_KUBECONFIG (unset it, and set IHPA_K8S_DIR if need be)";
    }
}

} // namespace ihpa::test
