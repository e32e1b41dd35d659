#include "auth/token_review_authenticator.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <future>

namespace ihpa::auth {
namespace {

using nlohmann::json;

const kube::ResourceType kTokenReviews{"authentication.k8s.io", "v1", "tokenreviews", false};

/// The hex SHA-256 of `token`: the cache key, so the cache holds no credentials.
std::string token_key(const std::string& token)
{
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string key;
    for (const unsigned char byte : digest) {
        key += kHex[byte >> 4];
        key += kHex[byte & 0x0f];
    }
    return key;
}

std::vector<std::string> strings(const json& object, const char* key)
{
    std::vector<std::string> out;
    const auto found = object.find(key);
    if (found != object.end() && found->is_array()) {
        for (const json& item : *found) {
            if (item.is_string()) {
                out.push_back(item.get<std::string>());
            }
        }
    }
    return out;
}

} // namespace

json token_review(const std::string& token, const std::vector<std::string>& audiences)
{
    json spec = {{"token", token}};
    if (!audiences.empty()) {
        spec["audiences"] = audiences;
    }
    return {{"apiVersion", "authentication.k8s.io/v1"},
            {"kind", "TokenReview"},
            {"metadata", {{"creationTimestamp", nullptr}}},
            {"spec", std::move(spec)}};
}

TokenResult user_from_token_review(const json& review)
{
    const json status = review.is_object() ? review.value("status", json::object()) : json::object();
    if (!status.is_object() || status.value("authenticated", false) != true) {
        const std::string error = status.is_object() ? status.value("error", "") : "";
        return std::unexpected(error.empty() ? "token not authenticated" : error);
    }
    const json info = status.value("user", json::object());
    if (!info.is_object() || info.value("username", "").empty()) {
        return std::unexpected("the TokenReview answer names no user");
    }
    User user;
    user.identity.user = info.value("username", "");
    user.identity.uid = info.value("uid", "");
    user.identity.groups = strings(info, "groups");
    if (std::find(user.identity.groups.begin(), user.identity.groups.end(), "system:authenticated") ==
        user.identity.groups.end()) {
        user.identity.groups.emplace_back("system:authenticated");
    }
    if (const auto extra = info.find("extra"); extra != info.end() && extra->is_object()) {
        for (const auto& [key, values] : extra->items()) {
            user.identity.extra[key] = strings(*extra, key.c_str());
        }
    }
    return user;
}

TokenReviewAuthenticator::TokenReviewAuthenticator(kube::KubeClient& client, TokenReviewOptions options)
    : client_(client), options_(std::move(options)), cache_(options_.cache_entries, options_.clock),
      pool_(options_.workers, options_.queue_limit, [](std::string_view why) -> TokenResult {
          return std::unexpected("authentication unavailable: " + std::string(why));
      })
{
}

std::optional<TokenResult> TokenReviewAuthenticator::cached_user(const std::string& token) const
{
    if (token.empty()) {
        return TokenResult(std::unexpected("empty bearer token"));
    }
    return cache_.get(token_key(token));
}

void TokenReviewAuthenticator::authenticate_user_async(const std::string& token, Callback done) const
{
    if (auto hit = cached_user(token)) {
        done(*hit);
        return;
    }
    std::string key = token_key(token);
    pool_.submit(key, [this, key, token] { return review(key, token); }, std::move(done));
}

TokenResult TokenReviewAuthenticator::authenticate(const std::string& token) const
{
    std::promise<TokenResult> answer;
    std::future<TokenResult> decided = answer.get_future();
    authenticate_user_async(token, [&answer](const TokenResult& result) { answer.set_value(result); });
    return decided.get();
}

namespace {

/// The seam's view of a TokenReview outcome: the identity, or a 401 naming the refusal.
apiserver::TokenAuthenticator::Result to_seam(const TokenResult& result)
{
    if (!result) {
        return std::unexpected(apiserver::unauthorized("Unauthorized: bearer token refused: " + result.error()));
    }
    return result->identity;
}

} // namespace

std::optional<apiserver::TokenAuthenticator::Result> TokenReviewAuthenticator::cached(std::string_view token) const
{
    auto hit = cached_user(std::string(token));
    if (!hit) {
        return std::nullopt;
    }
    return to_seam(*hit);
}

void TokenReviewAuthenticator::authenticate_async(std::string_view token,
                                                  apiserver::TokenAuthenticator::Callback done) const
{
    authenticate_user_async(std::string(token),
                            [done = std::move(done)](const TokenResult& result) { done(to_seam(result)); });
}

std::size_t TokenReviewAuthenticator::reviews_sent() const
{
    const std::lock_guard lock(mutex_);
    return reviews_sent_;
}

TokenResult TokenReviewAuthenticator::review(const std::string& key, const std::string& token) const
{
    if (auto hit = cache_.get(key)) {
        return *hit;
    }
    {
        const std::lock_guard lock(mutex_);
        ++reviews_sent_;
    }
    const auto answer = client_.create(kTokenReviews, "", token_review(token, options_.audiences));
    if (!answer) {
        return std::unexpected("TokenReview failed: " + answer.error().describe());
    }
    if (!answer->contains("status")) {
        return std::unexpected("TokenReview failed: the answer has no status");
    }
    TokenResult result = user_from_token_review(*answer);
    cache_.put(key, result, options_.cache_ttl);
    return result;
}

} // namespace ihpa::auth
