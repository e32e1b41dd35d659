#pragma once

#include "kube/client.hpp"
#include "test/fakes/fake_kube_apiserver.hpp"
#include "test/integration/serve_fixture.hpp"

#include <gtest/gtest.h>

namespace ihpa::kube {

/// A fake kube-apiserver over TLS and a client that trusts it, authenticating with a token.
struct FakeCluster {
    explicit FakeCluster(test::FakeKubeApiServer::Options options = {}, std::chrono::milliseconds timeout =
                                                                            std::chrono::seconds(10))
        : server(with_tls(std::move(options)))
    {
        ClusterConfig config;
        config.server = "https://localhost:" + std::to_string(server.port());
        config.tls.ca.file = test::Certificates::get().file("serving-ca.crt");
        config.token = "test-token";
        config.origin = "fake";
        auto made = make_kube_client(config, timeout);
        EXPECT_TRUE(made) << made.error();
        client = std::move(*made);
    }

    static test::FakeKubeApiServer::Options with_tls(test::FakeKubeApiServer::Options options)
    {
        const auto& certs = test::Certificates::get();
        options.tls = {certs.file("serving.crt"), certs.file("serving.key"), ""};
        return options;
    }

    test::FakeKubeApiServer server;
    std::unique_ptr<KubeClient> client;
};

/// A ConfigMap named `name` in `ns` with `data`.
inline Json config_map(const std::string& ns, const std::string& name, Json data = Json::object(),
                       Json labels = Json::object())
{
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
            {"data", data}};
}

} // namespace ihpa::kube
