// The only translation unit that drives libcurl transfers. Every request runs on the client's
// one easy handle inside its own multi handle: the multi handle keeps the connection cache
// (keep-alive, TLS session reuse, reconnect when a kept connection was closed by the peer) and
// its poll can be woken from another thread, which is how a stream is cancelled.

#include "net/curl_global.hpp"
#include "net/http_client.hpp"
#include "net/pem.hpp"
#include "net/url.hpp"

#include <curl/curl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>

namespace ihpa::net {
namespace {

using Clock = std::chrono::steady_clock;

struct EasyDeleter {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

/// What one transfer collects from libcurl's callbacks.
struct Transfer {
    std::size_t max_body_bytes = 0;
    const LineHandler* on_line = nullptr; ///< set for streams
    CURL* easy = nullptr;

    HttpResponse response;
    std::string pending_line;
    bool body_too_large = false;
    bool line_too_long = false;
    bool stopped = false;
    Clock::time_point last_byte = Clock::now();

    [[nodiscard]] bool streaming_lines()
    {
        if (on_line == nullptr) {
            return false;
        }
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        return status >= 200 && status < 300;
    }

    /// Delivers every complete line of `pending_line`; false when the handler stopped.
    bool deliver_lines()
    {
        std::size_t start = 0;
        for (std::size_t end = pending_line.find('\n'); end != std::string::npos;
             end = pending_line.find('\n', start)) {
            std::string_view line(pending_line.data() + start, end - start);
            start = end + 1;
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            if (!line.empty() && !(*on_line)(line)) {
                stopped = true;
                return false;
            }
        }
        pending_line.erase(0, start);
        return true;
    }

    std::size_t on_body(const char* data, std::size_t size)
    {
        last_byte = Clock::now();
        if (streaming_lines()) {
            pending_line.append(data, size);
            if (!deliver_lines()) {
                return 0;
            }
            if (pending_line.size() > max_body_bytes) {
                line_too_long = true;
                return 0;
            }
            return size;
        }
        if (response.body.size() + size > max_body_bytes) {
            body_too_large = true;
            return 0;
        }
        response.body.append(data, size);
        return size;
    }

    void on_header(std::string_view line)
    {
        last_byte = Clock::now();
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.remove_suffix(1);
        }
        if (line.starts_with("HTTP/")) {
            response.headers.clear(); // a new response (after 100 Continue)
            return;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            return;
        }
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
            value.remove_prefix(1);
        }
        response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
};

std::size_t write_callback(char* data, std::size_t size, std::size_t count, void* user)
{
    return static_cast<Transfer*>(user)->on_body(data, size * count);
}

std::size_t header_callback(char* data, std::size_t size, std::size_t count, void* user)
{
    static_cast<Transfer*>(user)->on_header(std::string_view(data, size * count));
    return size * count;
}

/// Sets a blob option from PEM data (libcurl copies it).
void set_blob(CURL* easy, CURLoption option, const std::string& data)
{
    curl_blob blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, option, &blob);
}

class CurlHttpClient final : public HttpClient {
public:
    explicit CurlHttpClient(const HttpClientOptions& options)
        : options_(options), easy_(curl_easy_init()), multi_(curl_multi_init())
    {
        // Connections live in the multi handle's cache; one is enough per client.
        curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, 4L);
    }

    /// False when libcurl could not allocate its handles.
    [[nodiscard]] bool valid() const { return easy_ && multi_; }

    std::expected<HttpResponse, std::string> send(const HttpRequest& request) override
    {
        const std::lock_guard lock(mutex_);
        Transfer transfer;
        auto done = perform(request, options_.timeout, {}, transfer);
        if (!done) {
            return std::unexpected(done.error());
        }
        return std::move(transfer.response);
    }

    std::expected<StreamResult, std::string> stream(const HttpRequest& request,
                                                    const StreamOptions& options,
                                                    const LineHandler& on_line) override
    {
        const std::lock_guard lock(mutex_);
        Transfer transfer;
        transfer.on_line = &on_line;
        auto done = perform(request, options.timeout, options, transfer);
        if (!done) {
            return std::unexpected(done.error());
        }
        StreamResult result{std::move(transfer.response), *done};
        if (result.end == StreamEnd::Closed && transfer.streaming_lines() &&
            !transfer.pending_line.empty()) {
            // A last line without its newline: the server closed mid-line or sent no "\n".
            transfer.pending_line += '\n';
            if (!transfer.deliver_lines()) {
                result.end = StreamEnd::Stopped;
            }
        }
        return result;
    }

private:
    /// Runs one transfer; the end reason, or the error message.
    std::expected<StreamEnd, std::string> perform(const HttpRequest& request,
                                                  std::chrono::milliseconds timeout,
                                                  const StreamOptions& stream, Transfer& transfer);
    std::expected<Slist, std::string> headers_for(const HttpRequest& request) const;
    void set_common_options(CURL* easy, std::chrono::milliseconds timeout);
    std::string describe(const HttpUrl& url, CURLcode code, const Transfer& transfer,
                         std::chrono::milliseconds timeout) const;

    HttpClientOptions options_;
    std::mutex mutex_;
    std::unique_ptr<CURL, EasyDeleter> easy_;
    std::unique_ptr<CURLM, MultiDeleter> multi_;
    char error_[CURL_ERROR_SIZE] = {};
};

std::expected<Slist, std::string> CurlHttpClient::headers_for(const HttpRequest& request) const
{
    Slist list;
    const auto append = [&list](const std::string& field) {
        list.reset(curl_slist_append(list.release(), field.c_str()));
    };
    bool has_authorization = false;
    for (const auto& [name, value] : request.headers) {
        has_authorization = has_authorization || iequals(name, "Authorization");
        // "Name;" is libcurl's spelling of a header with an empty value.
        append(value.empty() ? name + ";" : name + ": " + value);
    }
    // Without this libcurl sends "Expect: 100-continue" for larger bodies and waits for it.
    append("Expect:");
    if (options_.bearer_token && !has_authorization) {
        auto token = options_.bearer_token();
        if (!token) {
            return std::unexpected("bearer token: " + token.error());
        }
        if (!token->empty()) {
            append("Authorization: Bearer " + *token);
        }
    }
    return list;
}

void CurlHttpClient::set_common_options(CURL* easy, std::chrono::milliseconds timeout)
{
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options_.max_body_bytes));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    const TlsOptions& tls = options_.tls;
    if (tls.insecure_skip_verify) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!tls.ca.file.empty()) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca.file.c_str());
    } else if (!tls.ca.data.empty()) {
        set_blob(easy, CURLOPT_CAINFO_BLOB, tls.ca.data);
    }
    curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
    if (!tls.client_cert.file.empty()) {
        curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.client_cert.file.c_str());
    } else if (!tls.client_cert.data.empty()) {
        set_blob(easy, CURLOPT_SSLCERT_BLOB, tls.client_cert.data);
    }
    if (!tls.client_key.file.empty()) {
        curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.client_key.file.c_str());
    } else if (!tls.client_key.data.empty()) {
        set_blob(easy, CURLOPT_SSLKEY_BLOB, tls.client_key.data);
    }
}

std::expected<StreamEnd, std::string> CurlHttpClient::perform(const HttpRequest& request,
                                                              std::chrono::milliseconds timeout,
                                                              const StreamOptions& stream,
                                                              Transfer& transfer)
{
    auto url = parse_http_url(request.url);
    if (!url) {
        return std::unexpected(url.error());
    }
    if (request.method.empty() ||
        std::any_of(request.method.begin(), request.method.end(),
                    [](char c) { return !(c >= 'A' && c <= 'Z'); })) {
        return std::unexpected("unknown HTTP method \"" + request.method + "\"");
    }
    auto headers = headers_for(request);
    if (!headers) {
        return std::unexpected(authority(*url) + ": " + headers.error());
    }
    CURL* easy = easy_.get();
    curl_easy_reset(easy); // keeps the connection and TLS session caches
    error_[0] = '\0';
    set_common_options(easy, timeout);
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    }
    if (!request.body.empty()) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers->get());
    transfer.easy = easy;
    transfer.max_body_bytes = options_.max_body_bytes;
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &write_callback);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &header_callback);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);

    CURLM* multi = multi_.get();
    curl_multi_add_handle(multi, easy);
    if (stream.cancel) {
        stream.cancel->set_waker([multi] { curl_multi_wakeup(multi); });
    }
    std::optional<StreamEnd> aborted;
    std::optional<CURLcode> finished;
    transfer.last_byte = Clock::now();
    while (!finished && !aborted) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
            if (message->msg == CURLMSG_DONE) {
                finished = message->data.result;
            }
        }
        if (finished) {
            break;
        }
        if (stream.cancel && stream.cancel->cancelled()) {
            aborted = StreamEnd::Cancelled;
            break;
        }
        int wait_ms = 1000;
        if (stream.idle_timeout.count() > 0) {
            const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(
                Clock::now() - transfer.last_byte);
            if (idle >= stream.idle_timeout) {
                break;
            }
            wait_ms = static_cast<int>(std::min<long long>(wait_ms, (stream.idle_timeout - idle).count()));
        }
        curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    }
    if (stream.cancel) {
        stream.cancel->set_waker({});
    }
    // Removing an unfinished transfer closes its connection; a finished one stays cached.
    curl_multi_remove_handle(multi, easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    if (aborted) {
        return *aborted;
    }
    if (!finished) {
        return std::unexpected(authority(*url) + ": read failed: no data for " +
                               std::to_string(stream.idle_timeout.count()) + " ms");
    }
    if (*finished == CURLE_WRITE_ERROR && transfer.stopped) {
        return StreamEnd::Stopped;
    }
    if (*finished != CURLE_OK) {
        return std::unexpected(describe(*url, *finished, transfer, timeout));
    }
    return StreamEnd::Closed;
}

std::string CurlHttpClient::describe(const HttpUrl& url, CURLcode code, const Transfer& transfer,
                                     std::chrono::milliseconds timeout) const
{
    std::string message = authority(url) + ": ";
    const std::string detail = error_[0] != '\0' ? std::string(error_) : curl_easy_strerror(code);
    CURL* easy = easy_.get();
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
        return message + "resolve failed: " + detail;
    case CURLE_COULDNT_CONNECT: {
        long os_errno = 0;
        curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
        return message + "connect failed: " +
               (os_errno != 0 ? std::string(std::strerror(static_cast<int>(os_errno))) : detail);
    }
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connected_us = 0;
        curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &connected_us);
        if (connected_us == 0) {
            curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected_us);
        }
        if (connected_us == 0) {
            return message + "connect failed: timed out after " +
                   std::to_string((timeout.count() > 0 ? std::min(timeout, options_.connect_timeout)
                                                        : options_.connect_timeout)
                                      .count()) +
                   " ms";
        }
        return message + "read failed: timed out after " + std::to_string(timeout.count()) + " ms";
    }
    case CURLE_PEER_FAILED_VERIFICATION: {
        long verify = 0;
        curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify);
        return message + "TLS handshake failed: certificate verify failed" +
               (verify != 0 ? std::string(" (") + X509_verify_cert_error_string(verify) + ")"
                            : " (" + detail + ")");
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CLIENTCERT:
        return message + "TLS handshake failed: " + detail;
    case CURLE_FILESIZE_EXCEEDED:
        return message + "read failed: response body larger than " +
               std::to_string(options_.max_body_bytes) + " bytes";
    case CURLE_WRITE_ERROR:
        if (transfer.body_too_large) {
            return message + "read failed: response body larger than " +
                   std::to_string(options_.max_body_bytes) + " bytes";
        }
        if (transfer.line_too_long) {
            return message + "read failed: a streamed line is longer than " +
                   std::to_string(options_.max_body_bytes) + " bytes";
        }
        return message + "read failed: " + detail;
    case CURLE_SEND_ERROR:
        return message + "write failed: " + detail;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return message + "read failed: " + detail;
    default:
        return message + "request failed: " + detail;
    }
}

} // namespace

std::expected<std::unique_ptr<HttpClient>, std::string> make_http_client(const HttpClientOptions& options)
{
    if (auto ok = init_curl_once(); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = check_tls_options(options.tls); !ok) {
        return std::unexpected(ok.error());
    }
    if (options.timeout.count() <= 0 || options.connect_timeout.count() <= 0) {
        return std::unexpected("HTTP client timeouts must be positive");
    }
    auto client = std::make_unique<CurlHttpClient>(options);
    if (!client->valid()) {
        return std::unexpected("cannot create a libcurl handle");
    }
    return client;
}

} // namespace ihpa::net
