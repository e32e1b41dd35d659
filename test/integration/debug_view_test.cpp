// The debug view of the real `ihpa serve` binary (its embedded demo) over real TLS: as JSON, as
// SVG, through kubectl, and rendered by a real browser (headless Chromium) into a screenshot.
#include "test/integration/serve_fixture.hpp"

#include <nlohmann/json.hpp>
#include <png.h>

#include <array>
#include <cmath>

namespace ihpa::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kForecastDebug =
    "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests_forecast/debug";

class DebugViewTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(Certificates::get().ok()) << "certs/make-certs.sh failed";
        serve_ = start_serve(anonymous_serve_flags());
        ASSERT_NE(serve_.port, 0) << serve_.process->output();
        // The replay source backfills its past: the first fit comes within seconds.
        ASSERT_TRUE(eventually(serve_.port, "ihpa_forecast_state",
                               "forecast=\"demo_requests_forecast\",metric=\"demo_requests_forecast\",state=\"forecast\"",
                               [](double v) { return v == 1.0; }))
            << serve_.process->output();
    }

    [[nodiscard]] std::optional<HttpResponse> get(const std::string& target,
                                                  const std::vector<std::string>& headers = {}) const
    {
        return https_get(serve_.port, target, headers, Certificates::get().client());
    }

    ServeInstance serve_;
};

TEST_F(DebugViewTest, TheDemoForecastIsExplainedAsJsonWithItsHistoryFitAndForecast)
{
    const auto response = get(std::string(kForecastDebug) + "?labelSelector=app%3Ddemo&horizon=1h");
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(response->headers.at("content-type"), "application/json");
    const json doc = json::parse(response->body);
    EXPECT_EQ(doc["kind"], "ExternalMetricDebugView");
    ASSERT_EQ(doc["items"].size(), 1U);
    const json& item = doc["items"][0];
    EXPECT_EQ(item["serving"]["state"], "forecast");
    EXPECT_GT(item["serving"]["value"].get<double>(), 0.0);
    EXPECT_EQ(item["settings"]["rule"], "windowMax");
    EXPECT_EQ(item["settings"]["history"], "6h");
    ASSERT_TRUE(item["fit"].is_object()) << item.dump();
    EXPECT_FALSE(item["fit"]["description"].get<std::string>().empty());
    // The history window is 6 h at 10 s steps (the 24 h asked for by default is clamped to it).
    EXPECT_EQ(item["history"]["stepSeconds"], 10);
    EXPECT_EQ(item["history"]["values"].size(), 2160U);
    // An hour ahead from the fit's origin, a few steps behind now.
    const std::size_t steps = item["forecast"]["path"]["mean"].size();
    EXPECT_GE(steps, 360U);
    EXPECT_LE(steps, 380U);

    // The same read through kubectl get --raw.
    if (have_program("kubectl")) {
        TempDir dir;
        ChildProcess kubectl({"kubectl", "--kubeconfig", write_kubeconfig(dir.path(), serve_.port), "get", "--raw",
                              std::string(kForecastDebug) + "?history=1h"});
        ASSERT_EQ(kubectl.wait_exit(60s), 0) << kubectl.output();
        EXPECT_EQ(json::parse(kubectl.output())["items"][0]["history"]["values"].size(), 360U);
    }

    // The pass-through metric has a view too; a metric that does not exist is a 404 Status.
    const auto through =
        get("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests/debug?history=10m");
    ASSERT_TRUE(through);
    ASSERT_EQ(through->status, 200) << through->body;
    EXPECT_EQ(json::parse(through->body)["items"][0]["kind"], "passthrough");
    const auto missing = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/nope/debug");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(json::parse(missing->body)["kind"], "Status");
}

TEST_F(DebugViewTest, TheChartIsServedAsSvgWhenAskedFor)
{
    const auto by_accept = get(kForecastDebug, {"Accept: image/svg+xml"});
    ASSERT_TRUE(by_accept);
    ASSERT_EQ(by_accept->status, 200) << by_accept->body;
    EXPECT_EQ(by_accept->headers.at("content-type"), "image/svg+xml");
    EXPECT_TRUE(by_accept->body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_TRUE(by_accept->body.ends_with("</svg>\n"));
    const auto by_query = get(std::string(kForecastDebug) + "?format=svg", {"Accept: text/html"});
    ASSERT_TRUE(by_query);
    EXPECT_EQ(by_query->headers.at("content-type"), "image/svg+xml");
    const auto refused = get(kForecastDebug, {"Accept: text/html"});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 406);
}

/// An RGBA image read from a PNG file; empty when the file is not a readable PNG.
struct Image {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint8_t> rgba;
};

Image read_png(const std::string& path)
{
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    Image image;
    if (png_image_begin_read_from_file(&png, path.c_str()) == 0) {
        return image;
    }
    png.format = PNG_FORMAT_RGBA;
    image.rgba.resize(PNG_IMAGE_SIZE(png));
    if (png_image_finish_read(&png, nullptr, image.rgba.data(), 0, nullptr) == 0) {
        return {};
    }
    image.width = png.width;
    image.height = png.height;
    return image;
}

/// Pixels within `tolerance` (per channel) of the colour `rgb`.
std::size_t count_colour(const Image& image, std::array<int, 3> rgb, int tolerance = 12)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
        bool close = true;
        for (std::size_t c = 0; c < 3; ++c) {
            close = close && std::abs(image.rgba[i + c] - rgb[c]) <= tolerance;
        }
        n += close ? 1 : 0;
    }
    return n;
}

TEST_F(DebugViewTest, AHeadlessBrowserRendersTheChart)
{
    if (!have_program("chromium")) {
        GTEST_SKIP() << "chromium is not installed";
    }
    TempDir dir;
    const std::string screenshot = dir.path() + "/chart.png";
    // The browser goes to ihpa itself, over TLS (the test CA is not in its store, hence the
    // flag), and asks for the chart the way a person would: by URL, with a browser's Accept.
    ChildProcess chromium({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--ignore-certificate-errors", "--hide-scrollbars", "--user-data-dir=" + dir.path() + "/profile",
                           "--window-size=1200,400", "--screenshot=" + screenshot,
                           "https://127.0.0.1:" + std::to_string(serve_.port) + kForecastDebug + "?format=svg&horizon=2h"});
    ASSERT_EQ(chromium.wait_exit(120s), 0) << chromium.output();
    const Image image = read_png(screenshot);
    ASSERT_EQ(image.width, 1200U) << chromium.output();
    ASSERT_EQ(image.height, 400U);
    // Each element of the chart is on screen in its colour (docs/troubleshooting.md, the debug view): the
    // observed history, the value served over the lead, the published fit, the forecast and
    // its band (the forecast green at 18 % over white). A page that failed to parse as SVG
    // shows none of them.
    EXPECT_GT(count_colour(image, {0x22, 0x22, 0x22}), 800U) << "observed history";
    EXPECT_GT(count_colour(image, {0xff, 0x7f, 0x0e}), 20U) << "served value";
    EXPECT_GT(count_colour(image, {0x1f, 0x77, 0xb4}), 20U) << "published fit";
    EXPECT_GT(count_colour(image, {0x2c, 0xa0, 0x2c}), 200U) << "forecast";
    EXPECT_GT(count_colour(image, {217, 238, 217}, 6), 1000U) << "forecast band";
}

} // namespace
} // namespace ihpa::test
