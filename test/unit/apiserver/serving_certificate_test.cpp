#include "apiserver/serving_certificate.hpp"

#include "apiserver/serving_certificate_reloader.hpp"
#include "apiserver/tls_identity.hpp"
#include "common/file.hpp"
#include "test/support/child_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace ihpa::apiserver {
namespace {

namespace fs = std::filesystem;
using Check = ServingCertificate::Check;

PemIdentity make_identity(const std::string& host)
{
    auto identity = generate_self_signed_identity({host});
    EXPECT_TRUE(identity) << identity.error();
    return *identity;
}

void write(const fs::path& path, const std::string& text)
{
    auto ok = common::write_file(path, text);
    ASSERT_TRUE(ok) << ok.error();
}

std::string sample(const ServerMetrics& metrics, const std::string& name)
{
    const std::string text = metrics.render();
    const auto at = text.find('\n' + name + ' ');
    if (at == std::string::npos) {
        return "missing";
    }
    const auto start = at + name.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
}

class ServingCertificateTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        options.tls_cert_file = dir.path() + "/tls.crt";
        options.tls_private_key_file = dir.path() + "/tls.key";
        write_pair(a);
    }

    void write_pair(const PemIdentity& pair)
    {
        write(options.tls_cert_file, pair.certificate_chain);
        write(options.tls_private_key_file, pair.private_key);
    }

    std::unique_ptr<ServingCertificate> create()
    {
        auto serving = ServingCertificate::create(options, metrics);
        EXPECT_TRUE(serving) << serving.error();
        return serving ? std::move(*serving) : nullptr;
    }

    test::TempDir dir;
    ServerOptions options;
    ServerMetrics metrics;
    const PemIdentity a = make_identity("a.example");
    const PemIdentity b = make_identity("b.example");
};

TEST_F(ServingCertificateTest, AChangedValidPairIsTakenIntoUse)
{
    auto serving = create();
    ASSERT_TRUE(serving);
    EXPECT_TRUE(serving->reloadable());
    EXPECT_EQ(serving->certificate_chain(), a.certificate_chain);
    EXPECT_EQ(serving->check_once(), Check::unchanged);
    const std::string expiry_a = sample(metrics, "ihpa_serving_certificate_expiry_timestamp_seconds");
    EXPECT_GT(std::stoll(expiry_a), 1'700'000'000);

    write_pair(b);
    EXPECT_EQ(serving->check_once(), Check::reloaded);
    EXPECT_EQ(serving->certificate_chain(), b.certificate_chain);
    EXPECT_EQ(serving->check_once(), Check::unchanged);
    EXPECT_EQ(sample(metrics, "ihpa_serving_certificate_reloads_total"), "1");
    EXPECT_EQ(sample(metrics, "ihpa_serving_certificate_reload_failures_total"), "0");
    EXPECT_NE(sample(metrics, "ihpa_serving_certificate_expiry_timestamp_seconds"), "0");
}

TEST_F(ServingCertificateTest, UnparsableNewFilesKeepTheOldPairAndAreCountedOnce)
{
    auto serving = create();
    ASSERT_TRUE(serving);
    write(options.tls_cert_file, "not a certificate\n");
    EXPECT_EQ(serving->check_once(), Check::rejected);
    EXPECT_EQ(serving->check_once(), Check::rejected);
    EXPECT_EQ(serving->certificate_chain(), a.certificate_chain);
    EXPECT_EQ(sample(metrics, "ihpa_serving_certificate_reload_failures_total"), "1");
    EXPECT_EQ(sample(metrics, "ihpa_serving_certificate_reloads_total"), "0");

    write_pair(b); // fixed on the next rotation
    EXPECT_EQ(serving->check_once(), Check::reloaded);
    EXPECT_EQ(serving->certificate_chain(), b.certificate_chain);
}

TEST_F(ServingCertificateTest, AKeyThatDoesNotMatchTheCertificateIsRejected)
{
    auto serving = create();
    ASSERT_TRUE(serving);
    write(options.tls_cert_file, b.certificate_chain); // the key is still a's
    EXPECT_EQ(serving->check_once(), Check::rejected);
    EXPECT_EQ(serving->certificate_chain(), a.certificate_chain);

    write(options.tls_private_key_file, b.private_key); // the rotation completes
    EXPECT_EQ(serving->check_once(), Check::reloaded);
    EXPECT_EQ(serving->certificate_chain(), b.certificate_chain);
    EXPECT_EQ(sample(metrics, "ihpa_serving_certificate_reload_failures_total"), "1");
}

TEST_F(ServingCertificateTest, AHalfWrittenOrMissingFileIsRejected)
{
    auto serving = create();
    ASSERT_TRUE(serving);
    write(options.tls_cert_file, b.certificate_chain.substr(0, b.certificate_chain.size() / 2));
    EXPECT_EQ(serving->check_once(), Check::rejected);
    fs::remove(options.tls_private_key_file);
    EXPECT_EQ(serving->check_once(), Check::rejected);
    EXPECT_EQ(serving->certificate_chain(), a.certificate_chain);
    EXPECT_EQ(sample(metrics, "ihpa_serving_certificate_reload_failures_total"), "2");

    write_pair(a); // back to the content in use: nothing to do
    EXPECT_EQ(serving->check_once(), Check::unchanged);
}

TEST_F(ServingCertificateTest, ASecretVolumeSymlinkSwapIsTakenIntoUse)
{
    // The kubelet's layout: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>, and an update
    // renames a new ..data symlink over the old one.
    const fs::path volume = fs::path(dir.path()) / "secret";
    const auto publish = [&](const std::string& version, const PemIdentity& pair) {
        fs::create_directories(volume / version);
        write(volume / version / "tls.crt", pair.certificate_chain);
        write(volume / version / "tls.key", pair.private_key);
        fs::create_directory_symlink(version, volume / "..data_tmp");
        fs::rename(volume / "..data_tmp", volume / "..data");
    };
    publish("..v1", a);
    fs::create_symlink("..data/tls.crt", volume / "tls.crt");
    fs::create_symlink("..data/tls.key", volume / "tls.key");
    options.tls_cert_file = (volume / "tls.crt").string();
    options.tls_private_key_file = (volume / "tls.key").string();
    auto serving = create();
    ASSERT_TRUE(serving);
    EXPECT_EQ(serving->certificate_chain(), a.certificate_chain);

    publish("..v2", b);
    fs::remove_all(volume / "..v1");
    EXPECT_EQ(serving->check_once(), Check::reloaded);
    EXPECT_EQ(serving->certificate_chain(), b.certificate_chain);
}

TEST_F(ServingCertificateTest, ASelfSignedCertificateIsNotReloaded)
{
    options.tls_cert_file.clear();
    options.tls_private_key_file.clear();
    auto serving = create();
    ASSERT_TRUE(serving);
    EXPECT_FALSE(serving->reloadable());
    EXPECT_NE(serving->certificate_chain().find("BEGIN CERTIFICATE"), std::string::npos);
    EXPECT_EQ(serving->check_once(), Check::unchanged);
}

TEST_F(ServingCertificateTest, AnInvalidPairAtStartUpIsAnErrorNamingTheFile)
{
    write(options.tls_private_key_file, b.private_key);
    auto serving = ServingCertificate::create(options, metrics);
    ASSERT_FALSE(serving);
    EXPECT_NE(serving.error().find(options.tls_private_key_file), std::string::npos) << serving.error();
    EXPECT_NE(serving.error().find("does not match"), std::string::npos) << serving.error();
}

TEST_F(ServingCertificateTest, TheReloaderStopsWithoutWaitingForItsInterval)
{
    auto serving = create();
    ASSERT_TRUE(serving);
    ServingCertificateReloader reloader(*serving, std::chrono::hours(1));
    reloader.stop(); // would hang the test (CTest timeout) if stop() waited for the interval
    reloader.stop();
    EXPECT_EQ(serving->certificate_chain(), a.certificate_chain);
}

} // namespace
} // namespace ihpa::apiserver
