#include "net/url.hpp"

#include <gtest/gtest.h>

namespace ihpa::net {
namespace {

/// "https host port target" or the error.
std::string render(std::string_view text)
{
    const auto url = parse_http_url(text);
    if (!url) {
        return url.error();
    }
    return std::string(url->tls ? "https" : "http") + " " + url->host + " " + url->port + " " + url->target;
}

TEST(HttpUrl, SplitsSchemeHostPortAndTarget)
{
    EXPECT_EQ(render("http://prom:9090"), "http prom 9090 /");
    EXPECT_EQ(render("HTTPS://prom.example"), "https prom.example 443 /");
    EXPECT_EQ(render("http://127.0.0.1/api/v1/query?query=up"), "http 127.0.0.1 80 /api/v1/query?query=up");
    EXPECT_EQ(render("http://[::1]:9090/x"), "http ::1 9090 /x");
    EXPECT_EQ(render("https://[fe80::1]"), "https fe80::1 443 /");
    EXPECT_EQ(render("http://h?q=1#frag"), "http h 80 /?q=1");
}

TEST(HttpUrl, RejectsWhatItCannotConnectTo)
{
    // libcurl's words, ours for the scheme and for credentials.
    const std::string bad_port = "Port number was not a decimal number between 0 and 65535";
    EXPECT_EQ(render("prom:9090"), "invalid URL \"prom:9090\": Unsupported number of slashes following scheme");
    EXPECT_EQ(render("ftp://prom"), "invalid URL \"ftp://prom\": unsupported scheme \"ftp\" (expected http or https)");
    EXPECT_EQ(render("http://"), "invalid URL \"http://\": No host part in the URL");
    EXPECT_EQ(render("http://h:65536"), "invalid URL \"http://h:65536\": " + bad_port);
    EXPECT_EQ(render("http://h:9x"), "invalid URL \"http://h:9x\": " + bad_port);
    EXPECT_EQ(render("http://user:pw@h"), "invalid URL \"http://user:pw@h\": credentials in the URL are not supported");
    EXPECT_EQ(render("http://[::1"), "invalid URL \"http://[::1\": Bad IPv6 address");
    EXPECT_EQ(render("noscheme"), "invalid URL \"noscheme\": Bad scheme");
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
