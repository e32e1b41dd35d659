#include "apiserver/serving_certificate_reloader.hpp"

namespace ihpa::apiserver {

ServingCertificateReloader::ServingCertificateReloader(ServingCertificate& certificate,
                                                       std::chrono::milliseconds interval)
    : thread_([this, &certificate, interval] { loop(certificate, interval); })
{
}

ServingCertificateReloader::~ServingCertificateReloader() { stop(); }

void ServingCertificateReloader::stop()
{
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ServingCertificateReloader::loop(ServingCertificate& certificate, std::chrono::milliseconds interval)
{
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
        lock.unlock();
        certificate.check_once();
        lock.lock();
    }
}

} // namespace ihpa::apiserver
