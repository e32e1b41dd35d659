// The extension-apiserver-authentication ConfigMap: strict parsing and the watcher.
#include "auth/authentication_config_watcher.hpp"

#include "apiserver/certificate_bundle.hpp"

#include "test/unit/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ihpa::auth {
namespace {

using nlohmann::json;

const std::string kConfigMaps = "/api/v1/configmaps";

std::string read(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string ca(const std::string& name) { return read(test::Certificates::get().file(name)); }

/// The ConfigMap as kube-apiserver writes it.
json cluster_config_map()
{
    return kube::config_map("kube-system", "extension-apiserver-authentication",
                            {{"client-ca-file", ca("serving-ca.crt")},
                             {"requestheader-client-ca-file", ca("front-proxy-ca.crt")},
                             {"requestheader-allowed-names", R"(["front-proxy-client"])"},
                             {"requestheader-username-headers", R"(["X-Remote-User"])"},
                             {"requestheader-group-headers", R"(["X-Remote-Group"])"},
                             {"requestheader-extra-headers-prefix", R"(["X-Remote-Extra-"])"}});
}

TEST(ParseAuthenticationConfig, ReadsEveryKeyOfTheClustersConfigMap)
{
    const auto config = parse_authentication_config(cluster_config_map());
    ASSERT_TRUE(config) << config.error();
    EXPECT_EQ(config->client_ca_pem, ca("serving-ca.crt"));
    EXPECT_EQ(config->requestheader_client_ca_pem, ca("front-proxy-ca.crt"));
    EXPECT_EQ(config->requestheader_allowed_names, std::vector<std::string>{"front-proxy-client"});
    EXPECT_EQ(config->requestheader_username_headers, std::vector<std::string>{"X-Remote-User"});
    EXPECT_EQ(config->requestheader_group_headers, std::vector<std::string>{"X-Remote-Group"});
    EXPECT_EQ(config->requestheader_extra_headers_prefix, std::vector<std::string>{"X-Remote-Extra-"});
    EXPECT_TRUE(config->requestheader_uid_headers.empty());
}

TEST(CompleteFromCluster, TheConfigMapFillsWhatTheFlagsLeaveOut)
{
    auto config = parse_authentication_config(cluster_config_map());
    ASSERT_TRUE(config) << config.error();
    config->requestheader_group_headers.clear(); // absent in the ConfigMap: the default stays

    const auto none = complete_from_cluster({}, *config);
    ASSERT_TRUE(none) << none.error();
    EXPECT_TRUE(none->request_header.enabled);
    ASSERT_TRUE(none->request_header_ca);
    EXPECT_EQ(none->request_header_ca->origin(),
              "ConfigMap kube-system/extension-apiserver-authentication requestheader-client-ca-file");
    EXPECT_EQ(none->request_header.allowed_names, std::vector<std::string>{"front-proxy-client"});
    EXPECT_EQ(none->request_header.group_headers, std::vector<std::string>{"X-Remote-Group"});
    EXPECT_TRUE(none->client_certificates);
    ASSERT_TRUE(none->client_ca);

    // A request-header CA from the flags keeps the flags' names and headers; the client CA
    // still comes from the cluster.
    apiserver::AuthenticationSettings flags;
    flags.request_header = apiserver::request_header_config({"my-proxy"}, {"X-User"}, {}, {});
    const auto partial = complete_from_cluster(flags, *config);
    ASSERT_TRUE(partial) << partial.error();
    EXPECT_EQ(partial->request_header.allowed_names, std::vector<std::string>{"my-proxy"});
    EXPECT_EQ(partial->request_header.username_headers, std::vector<std::string>{"X-User"});
    EXPECT_EQ(partial->request_header_ca, nullptr);
    EXPECT_TRUE(partial->client_certificates);

    config->client_ca_pem = "garbage";
    const auto broken = complete_from_cluster({}, *config);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error(), "ConfigMap kube-system/extension-apiserver-authentication client-ca-file: no PEM certificate");
}

TEST(ParseAuthenticationConfig, AcceptsAClientCaAloneAndAnEmptyAllowedNamesList)
{
    json only_client = kube::config_map("kube-system", "x", {{"client-ca-file", ca("serving-ca.crt")}});
    EXPECT_TRUE(parse_authentication_config(only_client));
    json any_name = cluster_config_map();
    any_name["data"]["requestheader-allowed-names"] = "[]";
    any_name["data"]["requestheader-uid-headers"] = R"(["X-Remote-Uid"])";
    const auto config = parse_authentication_config(any_name);
    ASSERT_TRUE(config) << config.error();
    EXPECT_TRUE(config->requestheader_allowed_names.empty());
    EXPECT_EQ(config->requestheader_uid_headers, std::vector<std::string>{"X-Remote-Uid"});
}

TEST(ParseAuthenticationConfig, NamesTheKeyThatIsWrong)
{
    struct Case {
        const char* name;
        std::string key;
        json value; ///< null: the key is removed
        std::string error;
    };
    const std::vector<Case> cases = {
        {"bad JSON", "requestheader-group-headers", "[\"X-Remote-Group\"",
         "requestheader-group-headers: not a JSON array of strings: [\"X-Remote-Group\""},
        {"not strings", "requestheader-allowed-names", "[1]",
         "requestheader-allowed-names: not a JSON array of strings: [1]"},
        {"an object", "requestheader-username-headers", R"({"a":"b"})",
         "requestheader-username-headers: not a JSON array of strings: {\"a\":\"b\"}"},
        {"not a string", "requestheader-extra-headers-prefix", json::array(),
         "requestheader-extra-headers-prefix: not a string"},
        {"no certificate", "client-ca-file", "not a pem", "client-ca-file: no PEM certificate in it"},
        {"missing user headers", "requestheader-username-headers", nullptr,
         "requestheader-username-headers: required with requestheader-client-ca-file"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        json config_map = cluster_config_map();
        if (c.value.is_null()) {
            config_map["data"].erase(c.key);
        } else {
            config_map["data"][c.key] = c.value;
        }
        const auto parsed = parse_authentication_config(config_map);
        ASSERT_FALSE(parsed);
        EXPECT_EQ(parsed.error(), c.error);
    }
    EXPECT_EQ(parse_authentication_config(kube::config_map("kube-system", "x", {{"other", "y"}})).error(),
              "client-ca-file, requestheader-client-ca-file: neither is present");
    EXPECT_EQ(parse_authentication_config(json::object()).error(), "data: missing or not an object");
}

TEST(AuthenticationConfigWatcher, ReportsTheConfigAndEachValidChange)
{
    kube::FakeCluster cluster({.end_watches_when_caught_up = true});
    cluster.server.put(kConfigMaps, kube::config_map("kube-system", "other", {{"client-ca-file", "x"}}));
    cluster.server.put(kConfigMaps, cluster_config_map());
    std::vector<DelegatedAuthenticationConfig> seen;
    std::vector<std::string> problems;
    AuthenticationConfigWatcher watcher(
        *cluster.client,
        {.on_config = [&](const DelegatedAuthenticationConfig& c) { seen.push_back(c); },
         .on_problem = [&](const std::string& p) { problems.push_back(p); }},
        [] { return 0.0; }, [](std::chrono::milliseconds) {});
    ASSERT_TRUE(watcher.run_once()); // list
    ASSERT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen[0].requestheader_allowed_names, std::vector<std::string>{"front-proxy-client"});
    const std::string selector = cluster.server.requests().back().query.at("fieldSelector");
    EXPECT_EQ(selector, "metadata.name=extension-apiserver-authentication");
    EXPECT_EQ(cluster.server.requests().back().path, "/api/v1/namespaces/kube-system/configmaps");

    json broken = cluster_config_map();
    broken["data"]["requestheader-allowed-names"] = "front-proxy-client";
    cluster.server.put(kConfigMaps, broken);
    json rotated = cluster_config_map();
    rotated["data"]["requestheader-allowed-names"] = R"(["front-proxy-client","aggregator"])";
    cluster.server.put(kConfigMaps, rotated);
    cluster.server.put(kConfigMaps, rotated); // unchanged: not reported again
    ASSERT_TRUE(watcher.run_once());          // watch
    EXPECT_EQ(problems, std::vector<std::string>{"kube-system/extension-apiserver-authentication: "
                                                 "requestheader-allowed-names: not a JSON array of strings: "
                                                 "front-proxy-client"});
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[1].requestheader_allowed_names, (std::vector<std::string>{"front-proxy-client", "aggregator"}));
    EXPECT_EQ(watcher.current(), seen[1]);
}

} // namespace
} // namespace ihpa::auth
