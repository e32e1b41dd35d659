#include "kube/config.hpp"

#include "kube/base64.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace ihpa::kube {
namespace {

const std::string kFixtures = std::string(IHPA_SOURCE_DIR) + "/test/unit/kube/fixtures/";

TEST(KubeconfigFiles, FlagThenEnvironmentListThenHome)
{
    EXPECT_EQ(kubeconfig_files("/f", "/a:/b", "/home/u"), std::vector<std::string>{"/f"});
    EXPECT_EQ(kubeconfig_files("", "/a::/b:", "/home/u"), (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(kubeconfig_files("", "", "/home/u"), std::vector<std::string>{"/home/u/.kube/config"});
}

TEST(Kubeconfig, LoadsTheCurrentContextWithPathsRelativeToTheFile)
{
    const auto config = load_kubeconfig({kFixtures + "admin.kubeconfig"});
    ASSERT_TRUE(config) << config.error();
    EXPECT_EQ(config->server, "https://127.0.0.1:6443");
    EXPECT_EQ(config->tls.ca.file, kFixtures + "certs/ca.crt");
    EXPECT_EQ(config->tls.client_cert.file, kFixtures + "certs/admin.crt");
    EXPECT_EQ(config->tls.client_key.file, "/abs/admin.key");
    EXPECT_FALSE(config->tls.insecure_skip_verify);
    EXPECT_EQ(config->origin, "kubeconfig " + kFixtures + "admin.kubeconfig context admin@dev");
}

TEST(Kubeconfig, MergesFilesWithTheFirstDefinitionWinning)
{
    // admin.kubeconfig's current-context and cluster "dev" win over second.kubeconfig's.
    const std::vector<std::string> files{kFixtures + "admin.kubeconfig", kFixtures + "missing.kubeconfig",
                                         kFixtures + "second.kubeconfig"};
    const auto current = load_kubeconfig(files);
    ASSERT_TRUE(current) << current.error();
    EXPECT_EQ(current->server, "https://127.0.0.1:6443");

    // A context of the first file using a cluster and user that only the second one defines.
    const auto prod = load_kubeconfig(files, "robot@prod");
    ASSERT_TRUE(prod) << prod.error();
    EXPECT_EQ(prod->server, "https://prod.example");
    EXPECT_EQ(prod->tls.ca.data, "hello ca");
    EXPECT_TRUE(prod->tls.insecure_skip_verify);
    EXPECT_EQ(prod->tls.client_cert.data, "cert");
    EXPECT_EQ(prod->tls.client_key.data, "key");
    EXPECT_EQ(prod->token_file, kFixtures + "robot.token");
}

TEST(Kubeconfig, ErrorsNameTheFileTheLineAndTheKey)
{
    struct Case {
        std::vector<std::string> files;
        std::string context;
        std::string error;
    };
    const std::string broken = kFixtures + "broken.kubeconfig";
    const std::string bad_data = kFixtures + "bad-data.kubeconfig";
    const std::vector<Case> cases{
        {{broken}, "", broken + ":7: clusters[nowhere].cluster.server is missing"},
        {{broken}, "no-user", broken + ":7: clusters[nowhere].cluster.server is missing"},
        {{broken}, "other", broken + ": context \"other\" is not defined"},
        {{bad_data}, "", bad_data + ":6: clusters[k].cluster.certificate-authority-data: not base64: length 10 is "
                                    "not a multiple of 4"},
        {{kFixtures + "invalid.yaml"}, "", kFixtures + "invalid.yaml:2: invalid YAML: end of sequence flow not found"},
        {{kFixtures + "missing.kubeconfig"}, "", "cannot read kubeconfig " + kFixtures + "missing.kubeconfig"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.error);
        const auto config = load_kubeconfig(c.files, c.context);
        ASSERT_FALSE(config);
        EXPECT_EQ(config.error(), c.error);
    }
}

TEST(Kubeconfig, RefusesUserAuthenticationItCannotPerform)
{
    const std::string file = testing::TempDir() + "exec.kubeconfig";
    std::ofstream(file) << "current-context: c\nclusters: [{name: k, cluster: {server: https://k}}]\n"
                           "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
                           "users:\n- name: u\n  user:\n    exec: {command: aws}\n";
    const auto config = load_kubeconfig({file});
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error(), file + ":7: users[u].user.exec is not supported (use a client certificate, token "
                                     "or tokenFile)");
}

TEST(InClusterConfig, UsesTheServiceEnvironmentAndTheAccountFiles)
{
    const std::string dir = testing::TempDir() + "account";
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/token") << "t0\n";
    std::ofstream(dir + "/ca.crt") << "ca";
    std::map<std::string, std::string> vars{{"KUBERNETES_SERVICE_HOST", "fd00::1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"}};
    const EnvLookup env = [&vars](const std::string& name) -> std::optional<std::string> {
        const auto found = vars.find(name);
        return found == vars.end() ? std::nullopt : std::optional(found->second);
    };
    const auto config = in_cluster_config(env, dir);
    ASSERT_TRUE(config) << config.error();
    EXPECT_EQ(config->server, "https://[fd00::1]:443");
    EXPECT_EQ(config->token_file, dir + "/token");
    EXPECT_EQ(config->tls.ca.file, dir + "/ca.crt");
    vars.erase("KUBERNETES_SERVICE_PORT");
    EXPECT_EQ(in_cluster_config(env, dir).error(),
              "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT");
    EXPECT_EQ(in_cluster_config([](const std::string&) { return std::optional<std::string>("x"); },
                                dir + "/none")
                  .error(),
              "in-cluster configuration: cannot read " + dir + "/none/token");
}

TEST(Base64, DecodesPaddedTextAndRejectsTheRest)
{
    EXPECT_EQ(decode_base64("aGVsbG8gY2E=").value(), "hello ca");
    EXPECT_EQ(decode_base64("a2V5\n").value(), "key");
    EXPECT_EQ(decode_base64("YQ==").value(), "a");
    EXPECT_EQ(decode_base64("").value(), "");
    EXPECT_EQ(decode_base64("a!==").error(), "not base64: invalid character");
}

} // namespace
} // namespace ihpa::kube
