#pragma once

#include "test/support/child_process.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ihpa::test {

/// One series of history loaded into a PrometheusServer: a gauge `metric{labels}` with `points`
/// (unix seconds, value), oldest first.
struct PrometheusSeries {
    std::string metric;
    std::map<std::string, std::string> labels;
    std::vector<std::pair<std::int64_t, double>> points;
};

/// TLS for a PrometheusServer (Prometheus' `--web.config.file` `tls_server_config`); plain HTTP
/// when `cert_file` is empty.
struct PrometheusTls {
    std::string cert_file;      ///< PEM serving certificate
    std::string key_file;       ///< its key
    std::string client_ca_file; ///< when set, client certificates signed by it are required
};

/// A real `prometheus` for integration tests. The history is written as an OpenMetrics file
/// (`# EOF` terminated, values with 17 significant digits so they come back exactly) and turned
/// into TSDB blocks with `promtool tsdb create-blocks-from openmetrics` before the server starts
/// on 127.0.0.1 with port 0 (Prometheus logs the port it bound, which the fixture reads), a
/// minimal configuration without scrape jobs, and a retention of 10 years so the blocks are
/// kept. Start-up waits for the "ready" log line, then (over plain HTTP) checks `/-/ready`,
/// within a bounded deadline. The destructor kills the server. Tests check `available()` first and skip
/// without it.
class PrometheusServer {
public:
    /// True when `prometheus` and `promtool` are in PATH.
    [[nodiscard]] static bool available();

    /// Loads `history` and starts the server, with `tls` when given; `running()` tells whether
    /// it came up, `error()` why not.
    explicit PrometheusServer(const std::vector<PrometheusSeries>& history,
                              const PrometheusTls& tls = {});
    ~PrometheusServer();
    PrometheusServer(const PrometheusServer&) = delete;
    PrometheusServer& operator=(const PrometheusServer&) = delete;

    [[nodiscard]] bool running() const { return process_ != nullptr; }
    /// Why the last start failed, with the tool's or server's output.
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] int port() const { return port_; }
    /// `http://127.0.0.1:<port>`, or `https://localhost:<port>` with TLS.
    [[nodiscard]] std::string url() const;

    /// Kills the server (SIGKILL, like a crash) and waits until it has exited.
    void kill();
    /// Starts the server again on the same port and data; false, with `error()`, when it does
    /// not come up.
    bool restart();

private:
    bool load(const std::vector<PrometheusSeries>& history, const PrometheusTls& tls);
    bool start();

    TempDir dir_;
    int port_ = 0; ///< 0 until the first start: let Prometheus pick one
    bool tls_ = false;
    std::unique_ptr<ChildProcess> process_;
    std::string error_;
};

} // namespace ihpa::test
