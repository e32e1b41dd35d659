// The load driver of bench/controller.sh: creates IHPAs through the Kubernetes API and measures,
// from the client's side, how long the controller of `ihpa serve` takes to act on them.
//
//   controller_load latency --kubeconfig F --namespace NS --ihpa FILE --prefix P --count N
//                           [--metric-key K]
//     N IHPAs one after the other: the time from the create call to the HPA ihpa-<name>
//     appearing (watched), and, with --metric-key, on to the first answer of
//     external.metrics.k8s.io/.../ihpa-forecast?labelSelector=ihpa.dev/name=<name>,
//     ihpa.dev/metric=K through the aggregator (polled every 10 ms). Prints each, then the
//     median, 90th percentile and maximum.
//   controller_load bulk --kubeconfig F --namespace NS --ihpa FILE --prefix P --count N
//     N IHPAs created back to back: the time until every HPA exists, and the throughput.
//
// FILE is one IHPA as JSON; its metadata.name is replaced by P<i>. Every line of the result is
// `name value unit`, for the script to pick up. Exit status 1 with a message on any error or
// when a deadline (120 s per IHPA, 600 s in bulk) passes.
#include "kube/client.hpp"
#include "kube/config.hpp"
#include "kube/resource.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using ihpa::kube::Json;
using ihpa::kube::KubeClient;
using ihpa::kube::ResourceType;

const ResourceType kIhpas{"ihpa.dev", "v1beta1", "intelligenthorizontalpodautoscalers", true};
const ResourceType kHpas{"autoscaling", "v2", "horizontalpodautoscalers", true};
const ResourceType kForecasts{"external.metrics.k8s.io", "v1beta1", "ihpa-forecast", true};

struct Options {
    std::string mode;
    std::string kubeconfig;
    std::string ns = "default";
    std::string ihpa_file;
    std::string prefix = "bench-";
    std::string metric_key;
    int count = 1;
};

[[noreturn]] void fail(const std::string& message)
{
    std::cerr << "controller_load: " << message << "\n";
    std::exit(1);
}

Options parse(int argc, char** argv)
{
    if (argc < 2) {
        fail("usage: controller_load latency|bulk --kubeconfig F --namespace NS --ihpa FILE "
             "--prefix P --count N [--metric-key K]");
    }
    Options options;
    options.mode = argv[1];
    if (options.mode != "latency" && options.mode != "bulk") {
        fail("unknown mode " + options.mode + " (latency or bulk)");
    }
    const std::map<std::string, std::string*> texts = {{"--kubeconfig", &options.kubeconfig},
                                                       {"--namespace", &options.ns},
                                                       {"--ihpa", &options.ihpa_file},
                                                       {"--prefix", &options.prefix},
                                                       {"--metric-key", &options.metric_key}};
    for (int i = 2; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            fail(flag + " needs a value");
        }
        if (flag == "--count") {
            options.count = std::atoi(argv[i + 1]);
            if (options.count < 1) {
                fail("--count must be a positive number, not " + std::string(argv[i + 1]));
            }
        } else if (const auto text = texts.find(flag); text != texts.end()) {
            *text->second = argv[i + 1];
        } else {
            fail("unknown flag " + flag);
        }
    }
    if (options.kubeconfig.empty() || options.ihpa_file.empty()) {
        fail("--kubeconfig and --ihpa are required");
    }
    return options;
}

/// Watches the HPAs of a namespace from the current state on and records when each name was
/// first seen (ADDED).
class HpaWatch {
public:
    HpaWatch(KubeClient& client, std::string ns) : client_(client), ns_(std::move(ns))
    {
        const auto listed = client_.list(kHpas, ns_);
        if (!listed) {
            fail("listing HPAs: " + listed.error().describe());
        }
        resource_version_ = (*listed)["metadata"]["resourceVersion"];
        thread_ = std::thread([this] { run(); });
    }
    ~HpaWatch()
    {
        cancel_->cancel();
        thread_.join();
    }
    HpaWatch(const HpaWatch&) = delete;
    HpaWatch& operator=(const HpaWatch&) = delete;

    /// When HPA `name` was first seen; false after `timeout`.
    bool wait_for(const std::string& name, std::chrono::seconds timeout, Clock::time_point& seen)
    {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, timeout, [&] { return seen_.contains(name); })) {
            return false;
        }
        seen = seen_.at(name);
        return true;
    }
    /// Waits until `count` names with `prefix` were seen; the time the last one was.
    bool wait_for_all(const std::string& prefix, int count, std::chrono::seconds timeout,
                      Clock::time_point& last)
    {
        std::unique_lock lock(mutex_);
        const auto done = [&] {
            int n = 0;
            last = Clock::time_point{};
            for (const auto& [name, when] : seen_) {
                if (name.starts_with(prefix)) {
                    ++n;
                    last = std::max(last, when);
                }
            }
            return n >= count;
        };
        return changed_.wait_for(lock, timeout, done);
    }

private:
    void run()
    {
        while (!cancel_->cancelled()) {
            const auto ended = client_.watch(
                kHpas, ns_, {.resource_version = resource_version_, .cancel = cancel_},
                [this](const ihpa::kube::WatchEvent& event) {
                    const Json& metadata = event.object["metadata"];
                    if (metadata.contains("resourceVersion")) {
                        resource_version_ = metadata["resourceVersion"];
                    }
                    if (event.type == "ADDED") {
                        const std::lock_guard lock(mutex_);
                        seen_.emplace(metadata["name"].get<std::string>(), Clock::now());
                        changed_.notify_all();
                    }
                    return true;
                });
            if (!ended && !cancel_->cancelled()) {
                fail("watching HPAs: " + ended.error().describe());
            }
        }
    }

    KubeClient& client_;
    std::string ns_;
    std::string resource_version_;
    std::shared_ptr<ihpa::net::CancelToken> cancel_ = std::make_shared<ihpa::net::CancelToken>();
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Clock::time_point> seen_;
    std::thread thread_;
};

double milliseconds(Clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

void print_distribution(const std::string& name, std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) {
        return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5)];
    };
    std::printf("%s_median %.1f ms\n%s_p90 %.1f ms\n%s_max %.1f ms\n", name.c_str(), at(0.5), name.c_str(),
                at(0.9), name.c_str(), values.back());
}

Json ihpa_named(const Json& prototype, const std::string& name, const std::string& ns)
{
    Json object = prototype;
    object["metadata"]["name"] = name;
    object["metadata"]["namespace"] = ns;
    return object;
}

void create(KubeClient& client, const Json& object)
{
    const auto created = client.create(kIhpas, object["metadata"]["namespace"], object);
    if (!created) {
        fail("creating IHPA " + object["metadata"]["name"].get<std::string>() + ": " +
             created.error().describe());
    }
}

void latency(KubeClient& client, const Options& options, const Json& prototype)
{
    HpaWatch watch(client, options.ns);
    std::vector<double> to_hpa;
    std::vector<double> to_forecast;
    for (int i = 0; i < options.count; ++i) {
        const std::string name = options.prefix + std::to_string(i);
        const auto start = Clock::now();
        create(client, ihpa_named(prototype, name, options.ns));
        Clock::time_point hpa_seen;
        if (!watch.wait_for("ihpa-" + name, 120s, hpa_seen)) {
            fail("no HPA ihpa-" + name + " within 120 s");
        }
        to_hpa.push_back(milliseconds(hpa_seen - start));
        std::printf("ihpa %s hpa %.1f ms", name.c_str(), to_hpa.back());
        if (!options.metric_key.empty()) {
            const std::string selector = "ihpa.dev/name=" + name + ",ihpa.dev/metric=" + options.metric_key;
            const auto deadline = start + 120s;
            while (!client.list(kForecasts, options.ns, {.label_selector = selector})) {
                if (Clock::now() > deadline) {
                    fail("no forecast for " + selector + " within 120 s");
                }
                std::this_thread::sleep_for(10ms);
            }
            to_forecast.push_back(milliseconds(Clock::now() - start));
            std::printf(" forecast %.1f ms", to_forecast.back());
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    print_distribution("to_hpa", to_hpa);
    if (!to_forecast.empty()) {
        print_distribution("to_forecast", to_forecast);
    }
}

void bulk(KubeClient& client, const Options& options, const Json& prototype)
{
    HpaWatch watch(client, options.ns);
    const auto start = Clock::now();
    for (int i = 0; i < options.count; ++i) {
        create(client, ihpa_named(prototype, options.prefix + std::to_string(i), options.ns));
    }
    const auto created = Clock::now();
    Clock::time_point last;
    if (!watch.wait_for_all("ihpa-" + options.prefix, options.count, 600s, last)) {
        fail("not every HPA within 600 s");
    }
    const double seconds = milliseconds(last - start) / 1000.0;
    std::printf("created %.2f s\nall_hpas %.2f s\nthroughput %.1f ihpa/s\n", milliseconds(created - start) / 1000.0,
                seconds, options.count / seconds);
}

} // namespace

int main(int argc, char** argv)
{
    const Options options = parse(argc, argv);
    std::ifstream file(options.ihpa_file);
    const Json prototype = Json::parse(file, nullptr, false);
    if (!prototype.is_object()) {
        fail(options.ihpa_file + " is not a JSON object");
    }
    auto config = ihpa::kube::load_kubeconfig({options.kubeconfig});
    if (!config) {
        fail(config.error());
    }
    auto client = ihpa::kube::make_kube_client(*config);
    if (!client) {
        fail(client.error());
    }
    if (options.mode == "latency") {
        latency(**client, options, prototype);
    } else {
        bulk(**client, options, prototype);
    }
    return 0;
}
