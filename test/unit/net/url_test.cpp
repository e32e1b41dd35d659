#include "net/url.hpp"

#include <gtest/gtest.h>

namespace ihpa::net {
namespace {

TEST(HttpUrl, ParsesSchemesHostsPortsAndTargets)
{
    struct Case {
        const char* url;
        bool tls;
        const char* host;
        const char* port;
        const char* target;
    };
    const std::vector<Case> cases{
        {"http://prom:9090", false, "prom", "9090", "/"},
        {"HTTPS://prom.example", true, "prom.example", "443", "/"},
        {"http://127.0.0.1/api/v1/query?query=up", false, "127.0.0.1", "80", "/api/v1/query?query=up"},
        {"http://[::1]:9090/x", false, "::1", "9090", "/x"},
        {"https://[fe80::1]", true, "fe80::1", "443", "/"},
        {"http://h?q=1#frag", false, "h", "80", "/?q=1"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.url);
        const auto url = parse_http_url(c.url);
        ASSERT_TRUE(url) << url.error();
        EXPECT_EQ(url->tls, c.tls);
        EXPECT_EQ(url->host, c.host);
        EXPECT_EQ(url->port, c.port);
        EXPECT_EQ(url->target, c.target);
    }
}

TEST(HttpUrl, RejectsWhatItCannotConnectTo)
{
    struct Case {
        const char* url;
        const char* why; ///< libcurl's words, or ours for scheme and credentials
    };
    const std::vector<Case> cases{
        {"prom:9090", "Unsupported number of slashes following scheme"},
        {"ftp://prom", "unsupported scheme \"ftp\" (expected http or https)"},
        {"http://", "No host part in the URL"},
        {"http://h:65536", "Port number was not a decimal number between 0 and 65535"},
        {"http://h:9x", "Port number was not a decimal number between 0 and 65535"},
        {"http://user:pw@h", "credentials in the URL are not supported"},
        {"http://[::1", "Bad IPv6 address"},
        {"noscheme", "Bad scheme"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.url);
        const auto url = parse_http_url(c.url);
        ASSERT_FALSE(url);
        EXPECT_EQ(url.error(), "invalid URL \"" + std::string(c.url) + "\": " + c.why);
    }
}

TEST(HttpUrl, AuthorityOmitsTheDefaultPortAndBracketsIpv6)
{
    EXPECT_EQ(authority(*parse_http_url("https://k8s:443/x")), "k8s");
    EXPECT_EQ(authority(*parse_http_url("https://k8s:6443/x")), "k8s:6443");
    EXPECT_EQ(authority(*parse_http_url("http://[::1]:8080")), "[::1]:8080");
}

TEST(JoinUrl, AppendsThePathAndEncodesQueryValues)
{
    const auto url = join_url("https://k8s:6443/prefix/", "/api/v1/namespaces/a/pods",
                              {{"labelSelector", "app=web,tier in (a, b)"}, {"limit", "5"}});
    ASSERT_TRUE(url) << url.error();
    EXPECT_EQ(*url, "https://k8s:6443/prefix/api/v1/namespaces/a/pods"
                    "?labelSelector=app%3dweb%2ctier+in+%28a%2c+b%29&limit=5");
    EXPECT_FALSE(join_url("k8s:6443", "/api", {}));
}

} // namespace
} // namespace ihpa::net
