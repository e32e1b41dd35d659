// Streaming answers (a Kubernetes watch): lines delivered as they arrive, stop, cancel, idle.
#include "net/http_client.hpp"

#include "test/fakes/gate.hpp"
#include "test/fakes/test_http_server.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace ihpa::net {
namespace {

using test::Responder;
using test::ServerRequest;
using test::TestHttpServer;

std::unique_ptr<HttpClient> client()
{
    auto made = make_http_client({});
    EXPECT_TRUE(made) << made.error();
    return std::move(*made);
}

TEST(HttpStream, DeliversEachLineBeforeTheNextOneIsSent)
{
    test::Gate first_seen;
    TestHttpServer server([&first_seen](const ServerRequest&, Responder& responder) {
        responder.start_stream(200);
        responder.write("{\"n\":1}\n{\"n\":");
        // The second line is only sent once the client has handled the first one.
        first_seen.wait();
        responder.write("2}\r\n\n{\"n\":3}");
    });
    std::vector<std::string> lines;
    const auto result = client()->stream({"GET", server.url() + "/watch", {}, ""}, {},
                                         [&](std::string_view line) {
                                             lines.emplace_back(line);
                                             if (lines.size() == 1) {
                                                 first_seen.open();
                                             }
                                             return true;
                                         });
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->end, StreamEnd::Closed);
    EXPECT_EQ(result->response.status, 200);
    EXPECT_EQ(lines, (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"}));
}

TEST(HttpStream, StopsWhenTheHandlerReturnsFalse)
{
    TestHttpServer server([](const ServerRequest&, Responder& responder) {
        responder.start_stream(200);
        for (int i = 0; i < 1000 && responder.write("line\n"); ++i) {
        }
    });
    int seen = 0;
    const auto result = client()->stream({"GET", server.url() + "/", {}, ""}, {},
                                         [&](std::string_view) { return ++seen < 2; });
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->end, StreamEnd::Stopped);
    EXPECT_EQ(seen, 2);
}

TEST(HttpStream, ReturnsTheBodyOfAnErrorStatusWithoutDeliveringLines)
{
    TestHttpServer server([](const ServerRequest&, Responder& responder) {
        responder.respond(410, "{\"kind\":\"Status\",\"code\":410}\n");
    });
    bool delivered = false;
    const auto result = client()->stream({"GET", server.url() + "/", {}, ""}, {},
                                         [&](std::string_view) { return delivered = true; });
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->response.status, 410);
    EXPECT_EQ(result->response.body, "{\"kind\":\"Status\",\"code\":410}\n");
    EXPECT_FALSE(delivered);
}

TEST(HttpStream, IsCancelledFromAnotherThread)
{
    TestHttpServer server([&](const ServerRequest&, Responder& responder) {
        responder.start_stream(200);
        responder.write("first\n");
        // Keep the stream open until the server stops.
        while (!server.stopping() && responder.write("")) {
            std::this_thread::yield();
        }
    });
    auto token = std::make_shared<CancelToken>();
    std::thread canceller;
    StreamOptions options;
    options.cancel = token;
    const auto result = client()->stream({"GET", server.url() + "/", {}, ""}, options,
                                         [&](std::string_view) {
                                             canceller = std::thread([token] { token->cancel(); });
                                             return true;
                                         });
    canceller.join();
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->end, StreamEnd::Cancelled);
}

TEST(HttpStream, FailsWhenNoByteArrivesWithinTheIdleTimeout)
{
    test::Gate release;
    TestHttpServer server([&release](const ServerRequest&, Responder& responder) {
        responder.start_stream(200);
        responder.write("first\n");
        release.wait();
    });
    StreamOptions options;
    options.idle_timeout = std::chrono::milliseconds(200);
    int seen = 0;
    const auto result = client()->stream({"GET", server.url() + "/", {}, ""}, options,
                                         [&](std::string_view) { return ++seen > 0; });
    release.open();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), "127.0.0.1:" + std::to_string(server.port()) +
                                  ": read failed: no data for 200 ms");
    EXPECT_EQ(seen, 1);
}

TEST(HttpStream, FailsWhenTheConnectionDropsMidStream)
{
    test::Gate dropped;
    TestHttpServer server([&dropped](const ServerRequest&, Responder& responder) {
        responder.start_stream(200);
        responder.write("first\n");
        dropped.wait();
    });
    const auto result = client()->stream({"GET", server.url() + "/", {}, ""}, {},
                                         [&](std::string_view) {
                                             server.drop_connections();
                                             return true;
                                         });
    dropped.open();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find("read failed"), std::string::npos) << result.error();
}

TEST(CancelToken, WaitReturnsAtCancelOrTimeout)
{
    CancelToken token;
    EXPECT_FALSE(token.wait_for(std::chrono::milliseconds(1)));
    std::thread canceller([&token] { token.cancel(); });
    EXPECT_TRUE(token.wait_for(std::chrono::minutes(1)));
    canceller.join();
    EXPECT_TRUE(token.cancelled());
}

} // namespace
} // namespace ihpa::net
