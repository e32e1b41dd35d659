#include "net/token_file.hpp"

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

namespace ihpa::net {
namespace {

struct CachedToken {
    std::mutex mutex;
    std::string path;
    struct timespec mtime{};
    off_t size = -1;
    std::string token;
};

std::expected<std::string, std::string> read_token(CachedToken& cache)
{
    struct stat info{};
    if (::stat(cache.path.c_str(), &info) != 0) {
        return std::unexpected("cannot read token file " + cache.path);
    }
    const std::lock_guard lock(cache.mutex);
    if (!cache.token.empty() && info.st_mtim.tv_sec == cache.mtime.tv_sec &&
        info.st_mtim.tv_nsec == cache.mtime.tv_nsec && info.st_size == cache.size) {
        return cache.token;
    }
    std::ifstream in(cache.path);
    if (!in) {
        return std::unexpected("cannot read token file " + cache.path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    const auto first = token.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return std::unexpected("token file " + cache.path + " is empty");
    }
    token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
    cache.token = token;
    cache.mtime = info.st_mtim;
    cache.size = info.st_size;
    return token;
}

} // namespace

TokenSupplier token_file_supplier(const std::string& path)
{
    auto cache = std::make_shared<CachedToken>();
    cache->path = path;
    return [cache]() { return read_token(*cache); };
}

} // namespace ihpa::net
