#include "auth/subject_access_review_authorizer.hpp"

#include <algorithm>
#include <future>

namespace ihpa::auth {
namespace {

const kube::ResourceType kSubjectAccessReviews{"authorization.k8s.io", "v1", "subjectaccessreviews", false};

bool path_matches(const std::string& pattern, const std::string& path)
{
    if (!pattern.empty() && pattern.back() == '*') {
        return path.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    }
    return pattern == path;
}

} // namespace

SubjectAccessReviewAuthorizer::SubjectAccessReviewAuthorizer(kube::KubeClient& client,
                                                             SubjectAccessReviewOptions options)
    : client_(client), options_(std::move(options)), allowed_(options_.cache_entries, options_.clock),
      denied_(options_.cache_entries, options_.clock),
      pool_(options_.workers, options_.queue_limit, [](std::string_view why) {
          return Decision{false, "authorization unavailable: " + std::string(why), ""};
      })
{
}

bool SubjectAccessReviewAuthorizer::always_allowed(const User& user,
                                                   const apiserver::RequestAttributes& attributes) const
{
    const auto& paths = options_.always_allow_paths;
    if (!attributes.resource_request &&
        std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return path_matches(p, attributes.path); })) {
        return true;
    }
    const auto& groups = user.identity.groups;
    return std::any_of(options_.always_allow_groups.begin(), options_.always_allow_groups.end(),
                       [&](const std::string& g) { return std::find(groups.begin(), groups.end(), g) != groups.end(); });
}

std::optional<Decision> SubjectAccessReviewAuthorizer::cached(const User& user,
                                                              const apiserver::RequestAttributes& attributes) const
{
    if (always_allowed(user, attributes)) {
        return Decision{true, "", ""};
    }
    const std::string key = subject_access_review(user, attributes)["spec"].dump();
    if (auto allow = allowed_.get(key)) {
        return allow;
    }
    return denied_.get(key);
}

void SubjectAccessReviewAuthorizer::authorize_async(const User& user, const apiserver::RequestAttributes& attributes,
                                                    Callback done) const
{
    if (always_allowed(user, attributes)) {
        done(Decision{true, "", ""});
        return;
    }
    nlohmann::json body = subject_access_review(user, attributes);
    std::string key = body["spec"].dump();
    if (auto hit = allowed_.get(key); hit || (hit = denied_.get(key))) {
        done(*hit);
        return;
    }
    pool_.submit(key, [this, key, body = std::move(body)] { return review(key, body); }, std::move(done));
}

Decision SubjectAccessReviewAuthorizer::authorize(const User& user, const apiserver::RequestAttributes& attributes) const
{
    std::promise<Decision> answer;
    std::future<Decision> decided = answer.get_future();
    authorize_async(user, attributes, [&answer](const Decision& decision) { answer.set_value(decision); });
    return decided.get();
}

namespace {

/// The server's view of `decision`: allowed, or the 403 Kubernetes answers.
apiserver::Authorization to_authorization(const apiserver::Identity& identity,
                                          const apiserver::RequestAttributes& attributes,
                                          const Decision& decision)
{
    if (decision.allowed) {
        return {true, {}};
    }
    return {false, forbidden_error(identity, attributes, decision)};
}

} // namespace

std::optional<apiserver::Authorization>
SubjectAccessReviewAuthorizer::cached(const apiserver::Identity& identity,
                                      const apiserver::RequestAttributes& attributes) const
{
    auto decision = cached(User{identity}, attributes);
    if (!decision) {
        return std::nullopt;
    }
    return to_authorization(identity, attributes, *decision);
}

void SubjectAccessReviewAuthorizer::authorize_async(const apiserver::Identity& identity,
                                                    const apiserver::RequestAttributes& attributes,
                                                    apiserver::Authorizer::Callback done) const
{
    authorize_async(User{identity}, attributes,
                    [identity, attributes, done = std::move(done)](const Decision& decision) {
                        done(to_authorization(identity, attributes, decision));
                    });
}

std::size_t SubjectAccessReviewAuthorizer::reviews_sent() const
{
    const std::lock_guard lock(mutex_);
    return reviews_sent_;
}

Decision SubjectAccessReviewAuthorizer::review(const std::string& key, const nlohmann::json& body) const
{
    if (auto hit = allowed_.get(key); hit || (hit = denied_.get(key))) {
        return *hit;
    }
    {
        const std::lock_guard lock(mutex_);
        ++reviews_sent_;
    }
    const auto answer = client_.create(kSubjectAccessReviews, "", body);
    if (!answer) {
        return {false, "SubjectAccessReview failed: " + answer.error().describe(), ""};
    }
    if (!answer->contains("status")) {
        return {false, "SubjectAccessReview failed: the answer has no status", ""};
    }
    Decision decision = decision_from_review(*answer);
    if (decision.allowed) {
        allowed_.put(key, decision, options_.allowed_ttl);
    } else {
        denied_.put(key, decision, options_.denied_ttl);
    }
    return decision;
}

} // namespace ihpa::auth
