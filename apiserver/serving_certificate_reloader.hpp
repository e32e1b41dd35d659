#pragma once

#include "apiserver/serving_certificate.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

namespace ihpa::apiserver {

/// A background thread that calls `certificate.check_once()` every `interval` until `stop()`
/// or destruction, so a rotated serving certificate is taken into use without a restart.
class ServingCertificateReloader {
public:
    /// Starts the thread; `certificate` must outlive this.
    ServingCertificateReloader(ServingCertificate& certificate, std::chrono::milliseconds interval);
    /// Stops and joins the thread.
    ~ServingCertificateReloader();
    ServingCertificateReloader(const ServingCertificateReloader&) = delete;
    ServingCertificateReloader& operator=(const ServingCertificateReloader&) = delete;

    /// Wakes the thread and waits for it to end; idempotent.
    void stop();

private:
    void loop(const std::stop_token& stop, ServingCertificate& certificate,
              std::chrono::milliseconds interval);

    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_; ///< last: stopped and joined before the members it waits on go

};

} // namespace ihpa::apiserver
