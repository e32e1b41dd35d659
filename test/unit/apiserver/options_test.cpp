#include "apiserver/options.hpp"

#include <gtest/gtest.h>

namespace ihpa::apiserver {
namespace {

TEST(ServerOptionsTest, DefaultsAreValid) { EXPECT_TRUE(ServerOptions{}.validate().empty()); }

TEST(ServerOptionsTest, EveryProblemIsReportedWithItsFlag)
{
    ServerOptions options;
    options.bind_address = "localhost";
    options.secure_port = 70000;
    options.tls_cert_file = "cert.pem";
    options.requestheader_allowed_names = {"front-proxy-client"};
    options.threads = -1;
    options.max_connections = 0;
    options.max_requests_inflight = 0;
    const auto errors = options.validate();
    ASSERT_EQ(errors.size(), 7U);
    for (const char* flag : {"--bind-address", "--secure-port", "--tls-cert-file", "--requestheader-allowed-names",
                             "--threads", "--max-connections", "--max-requests-inflight"}) {
        bool found = false;
        for (const auto& e : errors) {
            found = found || e.find(flag) != std::string::npos;
        }
        EXPECT_TRUE(found) << flag;
    }
}

} // namespace
} // namespace ihpa::apiserver
