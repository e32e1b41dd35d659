#include "kube/config.hpp"

#include "kube/base64.hpp"
#include "net/token_file.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace ihpa::kube {
namespace {

namespace fs = std::filesystem;

/// A named kubeconfig entry (cluster, user, context) and the file it came from.
struct Entry {
    YAML::Node body;
    std::string file;
    std::string where; ///< "clusters[dev]" etc.
};

/// The merged view of several kubeconfig files.
struct Merged {
    std::map<std::string, Entry> clusters, users, contexts;
    std::string current_context;
    std::string current_context_file;
};

std::string at(const std::string& file, const YAML::Node& node)
{
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? file + ":" + std::to_string(mark.line + 1) : file;
}

std::unexpected<std::string> bad(const Entry& entry, const YAML::Node& node, const std::string& what)
{
    return std::unexpected(at(entry.file, node) + ": " + entry.where + what);
}

/// The string at `key` of `entry.body`, or empty; an error when it is not a scalar.
std::expected<std::string, std::string> text(const Entry& entry, const char* key)
{
    const YAML::Node value = entry.body[key];
    if (!value || value.IsNull()) {
        return std::string();
    }
    if (!value.IsScalar()) {
        return bad(entry, value, std::string(".") + key + " must be a string");
    }
    return value.Scalar();
}

/// `path` made absolute against the folder of the kubeconfig that named it.
std::string resolve(const std::string& path, const std::string& kubeconfig)
{
    if (path.empty() || fs::path(path).is_absolute()) {
        return path;
    }
    return (fs::absolute(kubeconfig).parent_path() / path).lexically_normal().string();
}

/// PEM material from `<file_key>` (a path) or `<data_key>` (base64), not both.
std::expected<net::PemSource, std::string> pem(const Entry& entry, const char* file_key,
                                               const char* data_key)
{
    auto file = text(entry, file_key);
    auto data = text(entry, data_key);
    if (!file || !data) {
        return std::unexpected(!file ? file.error() : data.error());
    }
    if (!file->empty() && !data->empty()) {
        return bad(entry, entry.body[data_key],
                   std::string(": set ") + file_key + " or " + data_key + ", not both");
    }
    net::PemSource out;
    out.file = resolve(*file, entry.file);
    if (!data->empty()) {
        auto decoded = decode_base64(*data);
        if (!decoded) {
            return bad(entry, entry.body[data_key], std::string(".") + data_key + ": " + decoded.error());
        }
        out.data = std::move(*decoded);
    }
    return out;
}

/// Adds the named entries of list `key` in `root` that are not known yet.
std::expected<void, std::string> merge_list(const YAML::Node& root, const char* key, const char* body_key,
                                            const std::string& file, std::map<std::string, Entry>& into)
{
    const YAML::Node list = root[key];
    if (!list || list.IsNull()) {
        return {};
    }
    if (!list.IsSequence()) {
        return std::unexpected(at(file, list) + ": " + key + " must be a list");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
        if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) {
            return std::unexpected(at(file, item) + ": " + where + ".name is missing");
        }
        const std::string name = item["name"].Scalar();
        const YAML::Node body = item[body_key];
        if (!body || !body.IsMap()) {
            return std::unexpected(at(file, item) + ": " + where + "." + body_key +
                                   " is missing or not a map");
        }
        into.try_emplace(name, Entry{body, file, std::string(key) + "[" + name + "]." + body_key});
    }
    return {};
}

std::expected<void, std::string> merge_file(const std::string& file, Merged& merged)
{
    YAML::Node root;
    try {
        root = YAML::LoadFile(file);
    } catch (const YAML::BadFile&) {
        return std::unexpected("cannot read kubeconfig " + file);
    } catch (const YAML::Exception& error) {
        return std::unexpected(file + ":" + std::to_string(error.mark.line + 1) + ": invalid YAML: " + error.msg);
    }
    if (root.IsNull()) {
        return {};
    }
    if (!root.IsMap()) {
        return std::unexpected(file + ": a kubeconfig must be a map");
    }
    for (const auto& [key, body, target] :
         {std::tuple{"clusters", "cluster", &merged.clusters}, std::tuple{"users", "user", &merged.users},
          std::tuple{"contexts", "context", &merged.contexts}}) {
        if (auto ok = merge_list(root, key, body, file, *target); !ok) {
            return ok;
        }
    }
    const YAML::Node current = root["current-context"];
    if (merged.current_context.empty() && current && current.IsScalar() && !current.Scalar().empty()) {
        merged.current_context = current.Scalar();
        merged.current_context_file = file;
    }
    return {};
}

std::expected<void, std::string> apply_cluster(const Entry& cluster, ClusterConfig& out)
{
    auto server = text(cluster, "server");
    if (!server) {
        return std::unexpected(server.error());
    }
    if (server->empty()) {
        return bad(cluster, cluster.body, ".server is missing");
    }
    out.server = *server;
    auto ca = pem(cluster, "certificate-authority", "certificate-authority-data");
    if (!ca) {
        return std::unexpected(ca.error());
    }
    out.tls.ca = std::move(*ca);
    if (const YAML::Node skip = cluster.body["insecure-skip-tls-verify"]; skip) {
        bool value = false;
        if (!YAML::convert<bool>::decode(skip, value)) {
            return bad(cluster, skip, ".insecure-skip-tls-verify must be true or false");
        }
        out.tls.insecure_skip_verify = value;
    }
    return {};
}

std::expected<void, std::string> apply_user(const Entry& user, ClusterConfig& out)
{
    for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
        if (user.body[unsupported]) {
            return bad(user, user.body[unsupported],
                       std::string(".") + unsupported +
                           " is not supported (use a client certificate, token or tokenFile)");
        }
    }
    auto cert = pem(user, "client-certificate", "client-certificate-data");
    auto key = pem(user, "client-key", "client-key-data");
    if (!cert || !key) {
        return std::unexpected(!cert ? cert.error() : key.error());
    }
    if (cert->empty() != key->empty()) {
        return bad(user, user.body, cert->empty() ? ": client-key is set without client-certificate"
                                                  : ": client-certificate is set without client-key");
    }
    out.tls.client_cert = std::move(*cert);
    out.tls.client_key = std::move(*key);
    auto token = text(user, "token");
    auto token_file = text(user, "tokenFile");
    if (!token || !token_file) {
        return std::unexpected(!token ? token.error() : token_file.error());
    }
    out.token = *token;
    out.token_file = resolve(*token_file, user.file);
    return {};
}

} // namespace

net::HttpClientOptions ClusterConfig::client_options(net::HttpClientOptions base) const
{
    base.tls = tls;
    if (!token_file.empty()) {
        base.bearer_token = net::token_file_supplier(token_file);
    } else if (!token.empty()) {
        base.bearer_token = [token = token]() -> std::expected<std::string, std::string> { return token; };
    }
    return base;
}

std::vector<std::string> kubeconfig_files(const std::string& flag, const std::string& kubeconfig_env,
                                          const std::string& home)
{
    if (!flag.empty()) {
        return {flag};
    }
    std::vector<std::string> files;
    std::size_t start = 0;
    while (start <= kubeconfig_env.size()) {
        const std::size_t colon = std::min(kubeconfig_env.find(':', start), kubeconfig_env.size());
        if (colon > start) {
            files.push_back(kubeconfig_env.substr(start, colon - start));
        }
        start = colon + 1;
    }
    if (files.empty()) {
        files.push_back(home + "/.kube/config");
    }
    return files;
}

std::expected<ClusterConfig, std::string> load_kubeconfig(const std::vector<std::string>& files,
                                                          const std::string& context)
{
    Merged merged;
    for (const std::string& file : files) {
        if (files.size() > 1 && !fs::exists(file)) {
            continue; // kubectl skips missing entries of $KUBECONFIG
        }
        if (auto ok = merge_file(file, merged); !ok) {
            return std::unexpected(ok.error());
        }
    }
    std::string names;
    for (const std::string& file : files) {
        names += (names.empty() ? "" : ":") + file;
    }
    const std::string wanted = context.empty() ? merged.current_context : context;
    if (wanted.empty()) {
        return std::unexpected(names + ": current-context is not set (and no context was given)");
    }
    const auto found = merged.contexts.find(wanted);
    if (found == merged.contexts.end()) {
        return std::unexpected(names + ": context \"" + wanted + "\" is not defined" +
                               (context.empty() ? " (current-context of " + merged.current_context_file + ")"
                                                : std::string()));
    }
    const Entry& ctx = found->second;
    auto cluster_name = text(ctx, "cluster");
    auto user_name = text(ctx, "user");
    if (!cluster_name || !user_name) {
        return std::unexpected(!cluster_name ? cluster_name.error() : user_name.error());
    }
    if (cluster_name->empty()) {
        return bad(ctx, ctx.body, ".cluster is missing");
    }
    ClusterConfig out;
    out.origin = "kubeconfig " + ctx.file + " context " + wanted;
    const auto cluster = merged.clusters.find(*cluster_name);
    if (cluster == merged.clusters.end()) {
        return bad(ctx, ctx.body["cluster"], ".cluster: cluster \"" + *cluster_name + "\" is not defined");
    }
    if (auto ok = apply_cluster(cluster->second, out); !ok) {
        return std::unexpected(ok.error());
    }
    if (!user_name->empty()) {
        const auto user = merged.users.find(*user_name);
        if (user == merged.users.end()) {
            return bad(ctx, ctx.body["user"], ".user: user \"" + *user_name + "\" is not defined");
        }
        if (auto ok = apply_user(user->second, out); !ok) {
            return std::unexpected(ok.error());
        }
    }
    return out;
}

std::expected<ClusterConfig, std::string> in_cluster_config(const EnvLookup& env,
                                                            const std::string& account_dir)
{
    const auto host = env("KUBERNETES_SERVICE_HOST");
    const auto port = env("KUBERNETES_SERVICE_PORT");
    if (!host || host->empty() || !port || port->empty()) {
        return std::unexpected(std::string(
            "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT"));
    }
    ClusterConfig out;
    const bool ipv6 = host->find(':') != std::string::npos;
    out.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
    out.token_file = account_dir + "/token";
    out.tls.ca.file = account_dir + "/ca.crt";
    out.origin = "in-cluster";
    for (const std::string& file : {out.token_file, out.tls.ca.file}) {
        if (!std::ifstream(file)) {
            return std::unexpected("in-cluster configuration: cannot read " + file);
        }
    }
    return out;
}

std::expected<ClusterConfig, std::string> load_cluster_config(const std::string& kubeconfig_flag,
                                                              const EnvLookup& env)
{
    const std::string kubeconfig_env = env("KUBECONFIG").value_or("");
    if (kubeconfig_flag.empty() && kubeconfig_env.empty() && env("KUBERNETES_SERVICE_HOST")) {
        return in_cluster_config(env);
    }
    return load_kubeconfig(kubeconfig_files(kubeconfig_flag, kubeconfig_env, env("HOME").value_or("")));
}

EnvLookup process_environment()
{
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    };
}

} // namespace ihpa::kube
