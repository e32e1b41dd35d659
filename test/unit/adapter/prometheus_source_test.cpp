#include "adapter/source/prometheus/prometheus_source.hpp"
#include "adapter/source/prometheus/prometheus_source_kind.hpp"
#include "test/fakes/send_only_http_client.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>

namespace ihpa::adapter {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using std::chrono::seconds;
using std::chrono::system_clock;

/// Answers requests from a queue of canned replies and records every request.
class FakeHttpClient final : public test::SendOnlyHttpClient {
public:
    struct Log {
        std::vector<HttpRequest> requests;
        std::deque<std::expected<HttpResponse, std::string>> replies;
    };
    explicit FakeHttpClient(Log& log) : log_(log) {}

    std::expected<HttpResponse, std::string> send(const HttpRequest& request) override
    {
        log_.requests.push_back(request);
        if (log_.replies.empty()) {
            return std::unexpected("no reply queued");
        }
        auto reply = std::move(log_.replies.front());
        log_.replies.pop_front();
        return reply;
    }

private:
    Log& log_;
};

HttpResponse ok(std::string body)
{
    return HttpResponse{200, {}, std::move(body)};
}

constexpr const char* kEmptyMatrix = R"({"status":"success","data":{"resultType":"matrix","result":[]}})";

std::string matrix(long long first_second, int points)
{
    std::string values;
    for (int i = 0; i < points; ++i) {
        values += (i == 0 ? "" : ",") + std::string("[") + std::to_string(first_second + i * 60) +
                  ",\"" + std::to_string(i) + "\"]";
    }
    return R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[)" +
           values + "]}]}}";
}

system_clock::time_point at(long long unix_seconds)
{
    return system_clock::time_point(seconds(unix_seconds));
}

PrometheusSourceOptions options_for(std::string url)
{
    PrometheusSourceOptions options;
    options.url = std::move(url);
    return options;
}

struct Harness {
    FakeHttpClient::Log log;
    PrometheusSource source;
    explicit Harness(PrometheusSourceOptions options = options_for("http://prom:9090/"))
        : source(std::move(options), std::make_unique<FakeHttpClient>(log))
    {
    }
};

std::string header(const HttpRequest& request, const std::string& name)
{
    return HttpResponse{0, request.headers, ""}.header(name);
}

TEST(PrometheusSource, InstantQueryUrlIsEncodedAndCarriesTheTime)
{
    Harness h;
    h.log.replies.push_back(ok(R"({"status":"success","data":{"resultType":"vector","result":[]}})"));
    const auto result = h.source.query("sum(rate(x{a=\"b c\"}[5m]))", at(1700000000) + std::chrono::milliseconds(250));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(h.log.requests.size(), 1U);
    EXPECT_EQ(h.log.requests[0].method, "GET");
    EXPECT_EQ(h.log.requests[0].url,
              "http://prom:9090/api/v1/query?query=sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29"
              "&time=1700000000.250");
    EXPECT_EQ(header(h.log.requests[0], "accept"), "application/json");
    EXPECT_EQ(header(h.log.requests[0], "authorization"), "");
}

TEST(PrometheusSource, KeepsAPathPrefixAndSendsConfiguredHeaders)
{
    PrometheusSourceOptions options = options_for("https://gw.example/prometheus");
    options.headers = {{"X-Scope-OrgID", "team-a"}};
    Harness h(options);
    h.log.replies.push_back(ok(R"({"status":"success","data":[]})"));
    ASSERT_TRUE(h.source.series("{__name__=~\"a.*\"}", at(100), at(200)));
    EXPECT_EQ(h.log.requests[0].url, "https://gw.example/prometheus/api/v1/series?match%5B%5D="
                                     "%7B__name__%3D~%22a.%2A%22%7D&start=100.000&end=200.000");
    EXPECT_EQ(header(h.log.requests[0], "x-scope-orgid"), "team-a");
}

TEST(PrometheusSource, RangeQueriesAreSplitAt11000Points)
{
    Harness h;
    const long long from = 1'700'000'000;
    const long long to = from + 25'000 * 60; // 25,001 points at 60 s: 11,000 + 11,000 + 3,001
    h.log.replies.push_back(ok(matrix(from, 2)));
    h.log.replies.push_back(ok(kEmptyMatrix));
    h.log.replies.push_back(ok(matrix(from + 22'000 * 60, 1)));
    const auto result = h.source.query_range("up", at(from), at(to), seconds(60));
    ASSERT_TRUE(result) << result.error();
    ASSERT_EQ(h.log.requests.size(), 3U);
    const auto expect_window = [&](std::size_t i, long long start, long long end) {
        EXPECT_NE(h.log.requests[i].url.find("&start=" + std::to_string(start) + ".000&end=" +
                                             std::to_string(end) + ".000&step=60"),
                  std::string::npos)
            << h.log.requests[i].url;
    };
    expect_window(0, from, from + 10'999 * 60);
    expect_window(1, from + 11'000 * 60, from + 21'999 * 60);
    expect_window(2, from + 22'000 * 60, to);
    ASSERT_EQ(result->size(), 1U); // chunks joined per label set
    ASSERT_EQ((*result)[0].samples.size(), 3U);
    EXPECT_EQ((*result)[0].samples[2].time, at(from + 22'000 * 60));
}

TEST(PrometheusSource, ARangeOfExactly11000PointsIsOneRequest)
{
    Harness h;
    h.log.replies.push_back(ok(kEmptyMatrix));
    ASSERT_TRUE(h.source.query_range("up", at(0), at(10'999 * 15), seconds(15)));
    EXPECT_EQ(h.log.requests.size(), 1U);
    EXPECT_FALSE(h.source.query_range("up", at(0), at(60), seconds(0)));
}

TEST(PrometheusSource, ErrorsNameTheServerTheStatusAndPrometheusMessage)
{
    Harness h;
    h.log.replies.push_back(HttpResponse{
        400, {}, R"({"status":"error","errorType":"bad_data","error":"parse error: unexpected end of input"})"});
    h.log.replies.push_back(HttpResponse{502, {}, "<html>Bad Gateway</html>"});
    h.log.replies.push_back(std::unexpected("prom:9090: connect failed: Connection refused"));
    h.log.replies.push_back(ok(R"({"status":"success","data":{"resultType":"matrix","result":[]}})"));
    EXPECT_EQ(h.source.query("sum(", at(0)).error(),
              "prometheus http://prom:9090: query sum(: HTTP 400: bad_data: parse error: "
              "unexpected end of input");
    EXPECT_EQ(h.source.query("up", at(0)).error(),
              "prometheus http://prom:9090: query up: HTTP 502: <html>Bad Gateway</html>");
    EXPECT_EQ(h.source.query("up", at(0)).error(),
              "prometheus http://prom:9090: prom:9090: connect failed: Connection refused");
    EXPECT_NE(h.source.query("up[5m]", at(0)).error().find("range vector"), std::string::npos);
    EXPECT_TRUE(h.source.keeps_history());
}

class TokenFile : public ::testing::Test {
protected:
    void SetUp() override
    {
        path_ = std::filesystem::temp_directory_path() /
                ("ihpa-token-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                 "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    }
    void TearDown() override { std::filesystem::remove(path_); }
    void write(const std::string& text, std::filesystem::file_time_type stamp)
    {
        std::ofstream(path_) << text;
        std::filesystem::last_write_time(path_, stamp);
    }
    std::filesystem::path path_;
};

TEST_F(TokenFile, BearerTokenIsSentAndReReadWhenTheFileChanges)
{
    const auto t0 = std::filesystem::file_time_type::clock::now();
    write("first-token\n", t0);
    PrometheusSourceOptions options = options_for("http://prom:9090");
    options.bearer_token_file = path_.string();
    Harness h(options);
    const std::string empty = R"({"status":"success","data":{"resultType":"vector","result":[]}})";
    for (int i = 0; i < 3; ++i) {
        h.log.replies.push_back(ok(empty));
    }
    ASSERT_TRUE(h.source.query("up", at(0)));
    write("second-token", t0 + std::chrono::seconds(10)); // Kubernetes rotated the token
    ASSERT_TRUE(h.source.query("up", at(0)));
    std::filesystem::remove(path_);
    EXPECT_EQ(h.source.query("up", at(0)).error(),
              "prometheus http://prom:9090: bearer token: cannot read token file " + path_.string());
    ASSERT_EQ(h.log.requests.size(), 2U); // no request without a token
    EXPECT_EQ(header(h.log.requests[0], "Authorization"), "Bearer first-token");
    EXPECT_EQ(header(h.log.requests[1], "Authorization"), "Bearer second-token");
}

TEST(PromqlSyntax, AcceptsBalancedQueries)
{
    for (const char* query : {"up", "sum(rate(x{a=\"(\", b='}'}[5m])) by (job)",
                              "x{a=`raw \\`} # comment with ( and \"\ny", "x{a=\"q\\\"(\"}"}) {
        SCOPED_TRACE(query);
        EXPECT_TRUE(check_promql_syntax(query));
    }
}

TEST(PromqlSyntax, NamesTheProblemAndWhere)
{
    struct Case {
        const char* query;
        const char* error;
    };
    const std::vector<Case> cases{
        {"", "the query is empty"},
        {"  \n", "the query is empty"},
        {"sum(x", "unclosed '(' at offset 3"},
        {"x{a=\"b\"]", "unexpected ']' at offset 7"},
        {"x)", "unexpected ')' at offset 1"},
        {"x{a=\"b}", "unterminated string starting at offset 4"},
        {"x{a='b\\'}", "unterminated string starting at offset 4"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.query);
        const auto checked = check_promql_syntax(c.query);
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error(), c.error);
    }
}

/// Parses `yaml` as a prometheus options block; the problems, or empty.
std::vector<std::string> parse_problems(const std::string& yaml)
{
    const std::string origin = "config.yaml";
    config_parse::Problems problems(origin);
    const auto factory = prometheus_source_kind().parse(YAML::Load(yaml), "sources[0].prometheus", problems);
    EXPECT_EQ(factory.has_value(), problems.empty());
    return problems.take();
}

TEST(PrometheusSourceKind, AcceptsEveryOption)
{
    EXPECT_EQ(prometheus_source_kind().name, "prometheus");
    EXPECT_TRUE(parse_problems("url: https://prom:9090\ntimeout: 30s\nbearerTokenFile: /t\n"
                               "caFile: /ca.pem\ninsecureSkipVerify: false\n"
                               "clientCertFile: /c.pem\nclientKeyFile: /k.pem\n"
                               "headers: {X-Scope-OrgID: a}\n")
                    .empty());
}

TEST(PrometheusSourceKind, ReportsEveryProblemWithItsLine)
{
    const auto problems = parse_problems("url: prom:9090\n"
                                         "timeout: 1h\n"
                                         "clientCertFile: /c.pem\n"
                                         "headers: {\"Bad Name\": x}\n"
                                         "insecure: true\n");
    const std::vector<std::string> expected{
        "config.yaml:5: unknown key \"insecure\" in sources[0].prometheus (known: url, timeout, "
        "bearerTokenFile, caFile, insecureSkipVerify, clientCertFile, clientKeyFile, headers)",
        "config.yaml:1: sources[0].prometheus.url: invalid URL \"prom:9090\": Unsupported number "
        "of slashes following scheme",
        "config.yaml:2: sources[0].prometheus.timeout must be between 100ms and 5m, got \"1h\"",
        "config.yaml:1: sources[0].prometheus needs both clientCertFile and clientKeyFile, or "
        "neither",
        "config.yaml:4: sources[0].prometheus.headers: invalid header name \"Bad Name\"",
    };
    EXPECT_EQ(problems, expected);
    EXPECT_EQ(parse_problems("timeout: 5s\n"),
              std::vector<std::string>{"config.yaml:1: sources[0].prometheus needs \"url\""});
}

TEST(PrometheusSourceKind, ChecksQueriesWithoutIO)
{
    EXPECT_TRUE(prometheus_source_kind().check_query("up"));
    EXPECT_FALSE(prometheus_source_kind().check_query("sum(up"));
}

} // namespace
} // namespace ihpa::adapter
