#include "controller/ihpa_controller.hpp"

#include "common/log.hpp"
#include "controller/hpa_builder.hpp"
#include "controller/reconciler.hpp"

#include <sstream>

namespace ihpa::controller {
namespace {

std::string key_of(const kube::Json& object)
{
    const kube::Json metadata = object.value("metadata", kube::Json::object());
    return metadata.value("namespace", "") + "/" + metadata.value("name", "");
}

/// Whether an IHPA update is worth a round: anything but a status-only change (the status
/// subresource does not bump the generation; our own status writes must not loop).
bool spec_or_metadata_changed(const kube::Json& before, const kube::Json& after)
{
    const auto meta = [](const kube::Json& object, const char* key) {
        return object.value("metadata", kube::Json::object()).value(key, kube::Json());
    };
    for (const char* key : {"generation", "uid", "deletionTimestamp", "labels", "annotations"}) {
        if (meta(before, key) != meta(after, key)) {
            return true;
        }
    }
    return false;
}

/// What an informer's failure means to an operator.
std::string explain(const std::string& what, const kube::KubeError& error)
{
    std::string text = what + ": " + error.describe();
    if (error.not_found() && what == "IHPAs") {
        text += " (is the IntelligentHorizontalPodAutoscaler CRD installed? manifests/crd/)";
    } else if (error.code == 403) {
        text += " (the controller's RBAC rules must allow list and watch)";
    }
    return text;
}

/// Steps `informer` until `cancel`, logging each new failure once and the recovery after it.
void run_informer(kube::Informer& informer, const std::string& what, const std::shared_ptr<net::CancelToken>& cancel)
{
    std::string failing;
    while (!cancel->cancelled()) {
        auto stepped = informer.run_once(cancel);
        if (cancel->cancelled()) {
            return;
        }
        if (!stepped) {
            if (const std::string text = explain(what, stepped.error()); text != failing) {
                IHPA_LOG(warn, "controller") << text << "; retrying with backoff";
                failing = text;
            }
        } else if (!failing.empty()) {
            IHPA_LOG(info, "controller") << what << ": listing and watching again";
            failing.clear();
        }
    }
}

/// Whether some metric's forecast is not servable yet (the HPA lacks its entry until it is).
bool unsettled(const ReconcileResult& result)
{
    if (!result.status) {
        return false;
    }
    for (const kube::Json& metric : result.status->value("metrics", kube::Json::array())) {
        const std::string state = metric.value("state", "");
        if (state == "pending" || state == "unavailable") {
            return true;
        }
    }
    return false;
}

/// A status without the figures that move with every sample (current and forecast values,
/// live accuracy, last fit), to tell a change a user must see at once from a refresh.
kube::Json without_figures(kube::Json status)
{
    if (status.contains("metrics") && status["metrics"].is_array()) {
        for (kube::Json& metric : status["metrics"]) {
            for (const char* key : {"current", "forecast", "relMAE", "coverage", "trafficR2", "lastFit"}) {
                metric.erase(key);
            }
        }
    }
    return status;
}

} // namespace

kube::ResourceType ihpa_resource()
{
    return {"ihpa.dev", "v1beta1", "intelligenthorizontalpodautoscalers", true};
}

kube::ResourceType hpa_resource()
{
    return {"autoscaling", "v2", "horizontalpodautoscalers", true};
}

IhpaController::IhpaController(kube::KubeClient& client, kube::KubeClient* election_client,
                               ForecastBackend& backend, ControllerOptions options, kube::WallClock now,
                               SteadyClock steady)
    : client_(client), election_client_(election_client != nullptr ? *election_client : client),
      backend_(backend), options_(std::move(options)), now_(std::move(now)),
      steady_(steady), queue_(options_.retry, std::move(steady)), targets_(client),
      events_(client, "ihpa.dev/controller", options_.identity, now_),
      leader_(!options_.leader_election.has_value()), cancel_(std::make_shared<net::CancelToken>())
{
    kube::InformerHandlers ihpa_handlers;
    ihpa_handlers.on_add = [this](const kube::Json& object) { queue_.add(key_of(object)); };
    ihpa_handlers.on_update = [this](const kube::Json& before, const kube::Json& after) {
        if (spec_or_metadata_changed(before, after)) {
            queue_.add(key_of(after));
        }
    };
    ihpa_handlers.on_delete = [this](const kube::Json& object) { queue_.add(key_of(object)); };
    kube::InformerHandlers hpa_handlers;
    hpa_handlers.on_add = [this](const kube::Json& object) { queue_owner_of(object); };
    hpa_handlers.on_update = [this](const kube::Json&, const kube::Json& after) { queue_owner_of(after); };
    hpa_handlers.on_delete = [this](const kube::Json& object) { queue_owner_of(object); };
    const auto sleeper = kube::cancellable_sleeper(cancel_);
    // Watches come back within seconds of the apiserver: two informers retrying every 5 s at
    // most cost nothing, and a 30 s backoff left IHPAs unseen for up to half a minute.
    const kube::BackoffPolicy watch_backoff{std::chrono::milliseconds(200), std::chrono::seconds(5), 2.0, 0.5};
    ihpas_ = std::make_unique<kube::Informer>(client_,
                                              kube::InformerOptions{.type = ihpa_resource(), .backoff = watch_backoff},
                                              std::move(ihpa_handlers), kube::system_random(), sleeper);
    hpas_ = std::make_unique<kube::Informer>(client_,
                                             kube::InformerOptions{.type = hpa_resource(), .backoff = watch_backoff},
                                             std::move(hpa_handlers), kube::system_random(), sleeper);
}

IhpaController::~IhpaController()
{
    stop();
}

void IhpaController::queue_owner_of(const kube::Json& hpa)
{
    const kube::Json metadata = hpa.value("metadata", kube::Json::object());
    for (const kube::Json& owner : metadata.value("ownerReferences", kube::Json::array())) {
        if (owner.value("kind", "") == kIhpaKind && owner.value("apiVersion", "") == kIhpaApiVersion) {
            queue_.add(metadata.value("namespace", "") + "/" + owner.value("name", ""));
            return;
        }
    }
    // Not ours: an IHPA whose HPA name it takes learns of it (and refuses to adopt it).
    const std::string name = metadata.value("name", "");
    const std::string prefix = hpa_name(""); // the HPA of IHPA x is hpa_name(x)
    const std::string ihpa = name.substr(std::min(name.size(), prefix.size()));
    if (name.starts_with(prefix) && ihpas_->find(metadata.value("namespace", ""), ihpa)) {
        queue_.add(metadata.value("namespace", "") + "/" + ihpa);
    }
}

bool IhpaController::synced() const
{
    return ihpas_->synced() && hpas_->synced();
}

void IhpaController::resync()
{
    for (const kube::Json& ihpa : ihpas_->items()) {
        queue_.add(key_of(ihpa));
    }
}

void IhpaController::set_leader(bool leading)
{
    if (leader_.exchange(leading) != leading) {
        IHPA_LOG(info, "controller") << (leading ? "leading: writing HPAs and IHPA status"
                                                 : "not leading: serving forecasts only, no writes");
        if (leading) {
            resync();
        }
    }
}

std::size_t IhpaController::step()
{
    sync_informers();
    return process_ready();
}

void IhpaController::sync_informers()
{
    for (kube::Informer* informer : {ihpas_.get(), hpas_.get()}) {
        if (auto stepped = informer->run_once(cancel_); !stepped) {
            IHPA_LOG(warn, "controller") << explain(informer == ihpas_.get() ? "IHPAs" : "HPAs", stepped.error());
        }
    }
}

std::size_t IhpaController::process_ready()
{
    std::size_t count = 0;
    while (auto key = queue_.try_get()) {
        process(*key);
        ++count;
    }
    return count;
}

void IhpaController::process(const std::string& key)
{
    bool settled = false;
    try {
        settled = reconcile_key(key);
    } catch (const std::exception& error) { // one broken IHPA never stops the others
        IHPA_LOG(error, "controller") << key << ": " << error.what();
        ++counters_.failed;
    }
    std::optional<std::chrono::milliseconds> wait;
    {
        const std::lock_guard lock(status_mutex_);
        if (const auto it = retry_after_.find(key); it != retry_after_.end()) {
            wait = it->second;
            retry_after_.erase(it);
        }
    }
    if (settled) {
        queue_.forget(key);
    } else if (wait) {
        queue_.add_after(key, *wait); // the server said when (429 Too Many Requests, 503)
    } else {
        queue_.retry(key);
    }
    queue_.done(key);
}

bool IhpaController::reconcile_key(const std::string& key)
{
    const auto slash = key.find('/');
    const std::string ns = key.substr(0, slash);
    const std::string name = key.substr(slash + 1);
    const auto ihpa = ihpas_->find(ns, name);
    if (!ihpa) {
        backend_.apply(key, {}); // deleted: its HPA goes with it (owner reference)
        const std::lock_guard lock(status_mutex_);
        last_status_write_.erase(key);
        ++counters_.reconciled;
        return true;
    }
    ReconcileInput input;
    input.ihpa = *ihpa;
    input.hpa = hpas_->find(ns, hpa_name(name));
    input.catalog = backend_.catalog();
    input.now = now_();
    const kube::Json ref = ihpa->value("spec", kube::Json::object())
                               .value("template", kube::Json::object())
                               .value("spec", kube::Json::object())
                               .value("scaleTargetRef", kube::Json());
    if (ref.is_object() && !ihpa->value("metadata", kube::Json::object()).contains("deletionTimestamp")) {
        std::string missing;
        auto target = targets_.read(ns, ref, missing);
        if (!target) {
            IHPA_LOG(warn, "controller") << key << ": reading the scale target: " << target.error().describe();
            ++counters_.failed;
            note_retry_after(key, target.error());
            return false;
        }
        if (*target) {
            input.pods = std::move((*target)->pods);
            input.target_selector = (*target)->selector;
        }
    }
    // The forecasts the IHPA asks for are registered first, so the round decides on their state.
    const ReconcileResult planned = reconcile(input);
    backend_.apply(key, planned.forecasts);
    input.forecasts = backend_.status(planned.forecasts, input.now);
    const ReconcileResult result = reconcile(input);
    if (leader_ && !write(*ihpa, result)) {
        ++counters_.failed;
        return false;
    }
    if (result.next_schedule_change) {
        // A window opens or closes then: look again at that moment, not at the next resync.
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*result.next_schedule_change -
                                                                       input.now);
        queue_.add_after(key, std::max(wait, std::chrono::milliseconds(1000)));
    }
    ++counters_.reconciled;
    return !unsettled(result);
}

void IhpaController::note_retry_after(const std::string& key, const kube::KubeError& error)
{
    if (error.retry_after) {
        const std::lock_guard lock(status_mutex_);
        retry_after_[key] = *error.retry_after;
    }
}

bool IhpaController::status_due(const std::string& key, const kube::Json& stored, const kube::Json& desired)
{
    if (stored == desired) {
        return false;
    }
    if (without_figures(stored) != without_figures(desired)) {
        return true; // a condition, the generation, replicas or a metric's state changed
    }
    const std::lock_guard lock(status_mutex_);
    const auto last = last_status_write_.find(key);
    return last == last_status_write_.end() || steady_() - last->second >= options_.resync_period;
}

bool IhpaController::write(const kube::Json& ihpa, const ReconcileResult& result)
{
    const std::string ns = ihpa["metadata"].value("namespace", "");
    const std::string key = key_of(ihpa);
    const auto failed = [&](const char* what, const kube::KubeError& error) {
        note_retry_after(key, error);
        if (error.conflict()) {
            ++counters_.conflicts; // someone wrote first: the next round reads the newer object
        } else {
            IHPA_LOG(warn, "controller") << key << ": " << what << ": " << error.describe();
        }
        return false;
    };
    if (result.action == HpaAction::Create) {
        if (auto created = client_.create(hpa_resource(), ns, result.hpa); !created) {
            return failed("creating the HPA", created.error());
        }
        ++counters_.hpa_created;
    } else if (result.action == HpaAction::Update) {
        if (auto updated = client_.update(hpa_resource(), ns, result.hpa); !updated) {
            return failed("updating the HPA", updated.error());
        }
        ++counters_.hpa_updated;
    }
    if (result.status && status_due(key, ihpa.value("status", kube::Json()), *result.status)) {
        kube::Json object = ihpa;
        object["status"] = *result.status;
        if (auto updated = client_.update(ihpa_resource(), ns, object, "status"); !updated) {
            return failed("writing the status", updated.error());
        }
        ++counters_.status_updated;
        const std::lock_guard lock(status_mutex_);
        last_status_write_[key] = steady_();
    }
    const kube::ObjectReference regarding{kIhpaApiVersion, kIhpaKind, ns, ihpa["metadata"].value("name", ""),
                                          ihpa["metadata"].value("uid", "")};
    for (const Event& event : result.events) {
        const std::lock_guard lock(events_mutex_);
        if (auto recorded = events_.record(regarding, {event.type, event.reason, "Reconcile", event.message});
            !recorded) {
            // An event is a courtesy: its loss does not make the round fail.
            IHPA_LOG(warn, "controller") << key << ": recording event " << event.reason << ": "
                                         << recorded.error().describe();
        } else {
            ++counters_.events_recorded;
        }
    }
    return true;
}

void IhpaController::worker()
{
    while (auto key = queue_.get()) {
        if (!synced()) {
            // Deciding on a half-listed cache would try to create HPAs that exist.
            queue_.done(*key);
            queue_.add_after(*key, std::chrono::milliseconds(200));
            continue;
        }
        process(*key);
    }
}

void IhpaController::start()
{
    if (!threads_.empty()) {
        return;
    }
    const auto cancel = cancel_;
    threads_.emplace_back([this, cancel] { run_informer(*ihpas_, "IHPAs", cancel); });
    threads_.emplace_back([this, cancel] { run_informer(*hpas_, "HPAs", cancel); });
    for (unsigned i = 0; i < std::max(1U, options_.workers); ++i) {
        threads_.emplace_back([this] { worker(); });
    }
    threads_.emplace_back([this, cancel] {
        while (!cancel->wait_for(options_.resync_period)) {
            resync();
        }
    });
    if (options_.leader_election) {
        threads_.emplace_back([this, cancel] {
            kube::LeaderElector elector(election_client_, *options_.leader_election, now_);
            elector.run(
                cancel, [this] { set_leader(true); }, [this] { set_leader(false); },
                kube::cancellable_sleeper(cancel));
        });
    }
}

void IhpaController::stop()
{
    cancel_->cancel();
    queue_.shut_down();
    threads_.clear(); // joins
}

std::string IhpaController::render_metrics() const
{
    std::ostringstream out;
    out << "# HELP ihpa_controller_leader Whether this process holds the controller Lease and writes.\n"
        << "# TYPE ihpa_controller_leader gauge\n"
        << "ihpa_controller_leader " << (leader_ ? 1 : 0) << "\n"
        << "# HELP ihpa_controller_queue_depth IHPA keys waiting to be reconciled.\n"
        << "# TYPE ihpa_controller_queue_depth gauge\n"
        << "ihpa_controller_queue_depth " << queue_.depth() << "\n"
        << "# HELP ihpa_controller_reconciles_total Reconcile rounds by result.\n"
        << "# TYPE ihpa_controller_reconciles_total counter\n"
        << "ihpa_controller_reconciles_total{result=\"success\"} " << counters_.reconciled << "\n"
        << "ihpa_controller_reconciles_total{result=\"error\"} " << counters_.failed << "\n"
        << "# HELP ihpa_controller_writes_total Writes to the API by kind.\n"
        << "# TYPE ihpa_controller_writes_total counter\n"
        << "ihpa_controller_writes_total{kind=\"hpa_create\"} " << counters_.hpa_created << "\n"
        << "ihpa_controller_writes_total{kind=\"hpa_update\"} " << counters_.hpa_updated << "\n"
        << "ihpa_controller_writes_total{kind=\"ihpa_status\"} " << counters_.status_updated << "\n"
        << "ihpa_controller_writes_total{kind=\"event\"} " << counters_.events_recorded << "\n"
        << "# HELP ihpa_controller_conflicts_total Writes refused with 409 Conflict (retried).\n"
        << "# TYPE ihpa_controller_conflicts_total counter\n"
        << "ihpa_controller_conflicts_total " << counters_.conflicts << "\n";
    return out.str();
}

} // namespace ihpa::controller
