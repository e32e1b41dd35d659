#include "test/support/prometheus_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace ihpa::test {
namespace {

constexpr std::chrono::seconds kDeadline{60};

/// The status code of `GET path` on 127.0.0.1:port over plain HTTP/1.0; 0 when unreachable.
int http_status(int port, const std::string& path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    const timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    int status = 0;
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
        char buffer[64] = {};
        const ssize_t got = ::recv(fd, buffer, sizeof buffer - 1, 0);
        if (got > 12) {
            std::sscanf(buffer, "HTTP/%*d.%*d %d", &status);
        }
    }
    ::close(fd);
    return status;
}

std::string openmetrics_labels(const std::map<std::string, std::string>& labels)
{
    std::string out;
    for (const auto& [name, value] : labels) {
        out += (out.empty() ? "{" : ",") + name + "=\"" + value + "\"";
    }
    return out.empty() ? out : out + "}";
}

} // namespace

bool PrometheusServer::available()
{
    return have_program("prometheus") && have_program("promtool");
}

PrometheusServer::PrometheusServer(const std::vector<PrometheusSeries>& history,
                                   const PrometheusTls& tls)
    : tls_(!tls.cert_file.empty())
{
    if (load(history, tls)) {
        start();
    }
}

PrometheusServer::~PrometheusServer()
{
    kill();
}

std::string PrometheusServer::url() const
{
    return (tls_ ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port_);
}

bool PrometheusServer::load(const std::vector<PrometheusSeries>& history, const PrometheusTls& tls)
{
    const std::string file = dir_.path() + "/history.om";
    {
        std::ofstream out(file);
        std::string family;
        char value[32];
        for (const PrometheusSeries& series : history) {
            // OpenMetrics keeps a metric family's samples together, under one TYPE line.
            if (series.metric != family) {
                family = series.metric;
                out << "# TYPE " << family << " gauge\n";
            }
            const std::string name = series.metric + openmetrics_labels(series.labels);
            for (const auto& [time, sample] : series.points) {
                std::snprintf(value, sizeof value, "%.17g", sample);
                out << name << ' ' << value << ' ' << time << '\n';
            }
        }
        out << "# EOF\n";
    }
    // Large blocks: the default of one 2-hour block per slice of history takes seconds per day.
    ChildProcess promtool({"promtool", "tsdb", "create-blocks-from", "openmetrics",
                           "--max-block-duration=240h", file, dir_.path() + "/data"});
    const auto status = promtool.wait_exit(kDeadline);
    if (status != 0) {
        error_ = "promtool tsdb create-blocks-from openmetrics failed:\n" + promtool.output();
        return false;
    }
    std::ofstream(dir_.path() + "/prometheus.yml") << "global:\n  scrape_interval: 1m\n";
    std::ofstream web(dir_.path() + "/web.yml");
    if (tls_) {
        web << "tls_server_config:\n  cert_file: " << tls.cert_file
            << "\n  key_file: " << tls.key_file << '\n';
        if (!tls.client_ca_file.empty()) {
            web << "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: "
                << tls.client_ca_file << '\n';
        }
    }
    return true;
}

bool PrometheusServer::start()
{
    auto process = std::make_unique<ChildProcess>(std::vector<std::string>{
        "prometheus", "--config.file=" + dir_.path() + "/prometheus.yml",
        "--storage.tsdb.path=" + dir_.path() + "/data", "--storage.tsdb.retention.time=10y",
        "--web.config.file=" + dir_.path() + "/web.yml",
        "--web.listen-address=127.0.0.1:" + std::to_string(port_)});
    // "Listening on" names the bound address (port 0 becomes a real port); "ready" follows once
    // the TSDB is open. An early exit ends both waits.
    const auto listening = process->wait_for_output("Listening on", kDeadline);
    const std::size_t at = listening ? listening->find("address=127.0.0.1:") : std::string::npos;
    if (at != std::string::npos) {
        port_ = std::stoi(listening->substr(at + 18));
    }
    const bool ready = at != std::string::npos &&
                       process->wait_for_output("Server is ready to receive web requests",
                                                kDeadline) &&
                       (tls_ || http_status(port_, "/-/ready") == 200);
    process_ = std::move(process);
    if (ready) {
        return true;
    }
    error_ = "prometheus did not start; its output:\n" + process_->output();
    kill();
    return false;
}

void PrometheusServer::kill()
{
    if (process_) {
        process_->send_signal(SIGKILL);
        process_->wait_exit(kDeadline);
        process_.reset();
    }
}

bool PrometheusServer::restart()
{
    kill();
    return start();
}

} // namespace ihpa::test
