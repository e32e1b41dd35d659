#pragma once

#include "kube/client.hpp"
#include "kube/micro_time.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace ihpa::kube {

/// Which Lease to hold, as whom, and the timing (client-go's defaults).
struct LeaderElectionOptions {
    std::string ns;       ///< namespace of the Lease
    std::string name;     ///< name of the Lease
    std::string identity; ///< holderIdentity of this process (unique: pod name or host + pid)
    std::chrono::seconds lease_duration{15}; ///< a non-renewed lease expires after this
    std::chrono::seconds renew_deadline{10}; ///< a leader that could not renew for this long steps down
    std::chrono::seconds retry_period{2};    ///< between attempts
};

/// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does: the
/// holder renews spec.renewTime every retry period; another candidate takes the lease over
/// once the record (holder, renewTime) has not changed for leaseDurationSeconds by its own
/// clock (so clocks need not agree), incrementing leaseTransitions; every write is a
/// conditional update (409 means someone else won). release() on shutdown hands the lease
/// over at once. Steps and the clock are injected; not thread-safe.
class LeaderElector {
public:
    LeaderElector(KubeClient& client, LeaderElectionOptions options, WallClock now);

    /// One attempt to acquire or renew; returns whether this process leads after it. A leader
    /// whose renewals fail for longer than renew_deadline stops leading.
    std::expected<bool, KubeError> step();
    /// Gives the lease up if held (empty holderIdentity, leaseDurationSeconds 1).
    std::expected<void, KubeError> release();
    /// True while this process holds the lease.
    [[nodiscard]] bool is_leader() const { return leader_; }

    /// Steps every retry period (waiting with `sleep`) until `cancel`, calling `on_started`
    /// and `on_stopped` on the leadership changes; releases the lease at the end.
    void run(const std::shared_ptr<net::CancelToken>& cancel, const std::function<void()>& on_started,
             const std::function<void()>& on_stopped, const Sleeper& sleep);

private:
    std::expected<bool, KubeError> try_acquire_or_renew();
    Json lease_spec(const Json& previous, bool transition) const;

    KubeClient& client_;
    LeaderElectionOptions options_;
    WallClock now_;
    bool leader_ = false;
    std::chrono::system_clock::time_point last_renew_{};
    std::string observed_record_; ///< holder + renewTime last seen
    std::chrono::system_clock::time_point observed_at_{};
};

} // namespace ihpa::kube
