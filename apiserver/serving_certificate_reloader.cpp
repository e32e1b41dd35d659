#include "apiserver/serving_certificate_reloader.hpp"

namespace ihpa::apiserver {

ServingCertificateReloader::ServingCertificateReloader(ServingCertificate& certificate,
                                                       std::chrono::milliseconds interval)
    : thread_([this, &certificate, interval](const std::stop_token& stop) {
          loop(stop, certificate, interval);
      })
{
}

ServingCertificateReloader::~ServingCertificateReloader() { stop(); }

void ServingCertificateReloader::stop()
{
    thread_.request_stop();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ServingCertificateReloader::loop(const std::stop_token& stop, ServingCertificate& certificate,
                                      std::chrono::milliseconds interval)
{
    std::unique_lock lock(mutex_);
    // Wakes after `interval`, or at once when a stop is requested.
    while (!wake_.wait_for(lock, stop, interval, [&stop] { return stop.stop_requested(); })) {
        lock.unlock();
        certificate.check_once();
        lock.lock();
    }
}

} // namespace ihpa::apiserver
