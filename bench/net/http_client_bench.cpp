// Sequential GETs with one client (keep-alive) or a new client per request (new TCP + TLS each
// time), timing each request with net/'s libcurl client.
// Usage: http_client_bench curl URL CA_FILE REQUESTS [fresh]
// Prints: client mode requests seconds req/s p50_us p99_us
#include "net/http_client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Send = std::function<bool()>;

/// A function that sends one GET with a client it keeps (or makes anew when `fresh`).
Send make_sender(const std::string& url, const std::string& ca, bool fresh)
{
    ihpa::net::HttpClientOptions options;
    options.tls.ca.file = ca;
    auto kept = std::make_shared<std::unique_ptr<ihpa::net::HttpClient>>();
    return [=]() {
        if (fresh || !*kept) {
            *kept = std::move(*ihpa::net::make_http_client(options));
        }
        auto response = (*kept)->send({"GET", url, {}, ""});
        return response && response->status == 200;
    };
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 5 || std::string(argv[1]) != "curl") {
        std::fprintf(stderr, "usage: %s curl URL CA_FILE REQUESTS [fresh]\n", argv[0]);
        return 2;
    }
    const std::string kind = argv[1];
    const bool fresh = argc > 5 && std::string(argv[5]) == "fresh";
    const long requests = std::stol(argv[4]);
    const Send send = make_sender(argv[2], argv[3], fresh);
    if (!send()) { // warm-up, and a check that the server answers
        std::fprintf(stderr, "%s: the first request failed\n", kind.c_str());
        return 1;
    }
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(requests));
    const auto start = Clock::now();
    for (long i = 0; i < requests; ++i) {
        const auto before = Clock::now();
        if (!send()) {
            std::fprintf(stderr, "%s: request %ld failed\n", kind.c_str(), i);
            return 1;
        }
        micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(micros.begin(), micros.end());
    const auto at = [&](double q) { return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))]; };
    std::printf("%s %s %ld %.3f %.0f %.0f %.0f\n", kind.c_str(), fresh ? "new-connection" : "keep-alive",
                requests, seconds, static_cast<double>(requests) / seconds, at(0.5), at(0.99));
    return 0;
}
