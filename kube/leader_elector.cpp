#include "kube/leader_elector.hpp"

namespace ihpa::kube {

LeaderElector::LeaderElector(KubeClient& client, LeaderElectionOptions options, WallClock now)
    : client_(client), options_(std::move(options)), now_(std::move(now))
{
}

Json LeaderElector::lease_spec(const Json& previous, bool transition) const
{
    const std::string now = format_micro_time(now_());
    Json spec = previous.is_object() ? previous : Json::object();
    spec["holderIdentity"] = options_.identity;
    spec["leaseDurationSeconds"] = options_.lease_duration.count();
    spec["renewTime"] = now;
    if (transition || !spec.contains("acquireTime")) {
        spec["acquireTime"] = now;
    }
    if (transition) {
        spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
    } else if (!spec.contains("leaseTransitions")) {
        spec["leaseTransitions"] = 0;
    }
    return spec;
}

std::expected<bool, KubeError> LeaderElector::try_acquire_or_renew()
{
    auto lease = client_.get(leases(), options_.ns, options_.name);
    if (!lease && lease.error().not_found()) {
        const Json object = {{"apiVersion", leases().api_version()},
                             {"kind", "Lease"},
                             {"metadata", {{"name", options_.name}, {"namespace", options_.ns}}},
                             {"spec", lease_spec(nullptr, false)}};
        auto created = client_.create(leases(), options_.ns, object);
        if (!created) {
            return created.error().conflict() ? std::expected<bool, KubeError>(false)
                                              : std::unexpected(created.error());
        }
        return true;
    }
    if (!lease) {
        return std::unexpected(lease.error());
    }
    const Json spec = lease->value("spec", Json::object());
    const std::string holder = spec.value("holderIdentity", "");
    const std::string record = holder + "|" + spec.value("renewTime", "");
    const auto now = now_();
    if (record != observed_record_) {
        observed_record_ = record;
        observed_at_ = now;
    }
    const auto duration = std::chrono::seconds(spec.value("leaseDurationSeconds", options_.lease_duration.count()));
    if (!holder.empty() && holder != options_.identity && observed_at_ + duration > now) {
        return false; // held by another and not expired by our clock
    }
    Json updated = *lease;
    updated["spec"] = lease_spec(spec, holder != options_.identity);
    auto written = client_.update(leases(), options_.ns, updated);
    if (!written) {
        return written.error().conflict() ? std::expected<bool, KubeError>(false)
                                          : std::unexpected(written.error());
    }
    const Json& new_spec = (*written)["spec"];
    observed_record_ = options_.identity + "|" + new_spec.value("renewTime", "");
    observed_at_ = now;
    return true;
}

std::expected<bool, KubeError> LeaderElector::step()
{
    auto result = try_acquire_or_renew();
    const auto now = now_();
    if (result && *result) {
        leader_ = true;
        last_renew_ = now;
    } else if (leader_ && (now - last_renew_ >= options_.renew_deadline || (result && !*result))) {
        leader_ = false; // lost the lease, or could not renew in time
    }
    if (!result) {
        return std::unexpected(result.error());
    }
    return leader_;
}

std::expected<void, KubeError> LeaderElector::release()
{
    if (!leader_) {
        return {};
    }
    leader_ = false;
    auto lease = client_.get(leases(), options_.ns, options_.name);
    if (!lease) {
        return std::unexpected(lease.error());
    }
    if ((*lease)["spec"].value("holderIdentity", "") != options_.identity) {
        return {};
    }
    (*lease)["spec"]["holderIdentity"] = "";
    (*lease)["spec"]["leaseDurationSeconds"] = 1;
    (*lease)["spec"]["renewTime"] = format_micro_time(now_());
    auto written = client_.update(leases(), options_.ns, *lease);
    if (!written) {
        return std::unexpected(written.error());
    }
    return {};
}

void LeaderElector::run(const std::shared_ptr<net::CancelToken>& cancel, const std::function<void()>& on_started,
                        const std::function<void()>& on_stopped, const Sleeper& sleep)
{
    while (!cancel->cancelled()) {
        const bool was_leader = leader_;
        (void)step();
        if (leader_ && !was_leader) {
            on_started();
        } else if (!leader_ && was_leader) {
            on_stopped();
        }
        if (!cancel->cancelled()) {
            sleep(options_.retry_period);
        }
    }
    if (leader_) {
        (void)release();
        on_stopped();
    }
}

} // namespace ihpa::kube
