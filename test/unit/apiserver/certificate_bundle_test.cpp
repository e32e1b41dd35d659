#include "apiserver/certificate_bundle.hpp"
#include "apiserver/tls_identity.hpp"
#include "test/support/child_process.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace ihpa::apiserver {
namespace {

std::string self_signed_pem(const std::string& host)
{
    auto identity = generate_self_signed_identity({host});
    EXPECT_TRUE(identity) << identity.error();
    return identity ? identity->certificate_chain : std::string();
}

TEST(CertificateBundleTest, HoldsEveryCertificateOfTheText)
{
    const std::string two = self_signed_pem("a") + "\n" + self_signed_pem("b");
    const auto bundle = CertificateBundle::parse(two, "--client-ca-file ca.crt");
    ASSERT_TRUE(bundle) << bundle.error();
    EXPECT_EQ((*bundle)->size(), 2U);
    EXPECT_EQ((*bundle)->origin(), "--client-ca-file ca.crt");

    // A CA listed twice (concatenated bundles) is accepted.
    const std::string once = self_signed_pem("c");
    const auto twice = CertificateBundle::parse(once + once, "twice");
    ASSERT_TRUE(twice) << twice.error();
}

TEST(CertificateBundleTest, BrokenTextIsAnErrorNamingItsOrigin)
{
    const auto empty = CertificateBundle::parse("not a certificate", "ConfigMap x client-ca-file");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error(), "ConfigMap x client-ca-file: no PEM certificate");

    const std::string broken =
        self_signed_pem("a") + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    const auto second = CertificateBundle::parse(broken, "--client-ca-file f");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), "--client-ca-file f: certificate 2 is not valid PEM");

    test::TempDir dir;
    const auto missing = CertificateBundle::load(dir.path() + "/none.crt", "--client-ca-file");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().rfind("--client-ca-file: " + dir.path() + "/none.crt: cannot open file", 0), 0U)
        << missing.error();
    std::ofstream(dir.path() + "/ca.crt") << self_signed_pem("d");
    const auto loaded = CertificateBundle::load(dir.path() + "/ca.crt", "--client-ca-file");
    ASSERT_TRUE(loaded) << loaded.error();
    EXPECT_EQ((*loaded)->origin(), "--client-ca-file " + dir.path() + "/ca.crt");
}

} // namespace
} // namespace ihpa::apiserver
