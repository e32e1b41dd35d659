#include "common/file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ihpa::common {
namespace {

std::string system_error(const std::filesystem::path& path, const std::string& what)
{
    return path.string() + ": " + what + " (" + std::strerror(errno) + ")";
}

} // namespace

std::expected<std::string, std::string> read_file(const std::filesystem::path& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return std::unexpected(path.string() + ": is a directory, expected a file");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::unexpected(system_error(path, "cannot open file"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return std::unexpected(system_error(path, "cannot read file"));
    }
    return std::move(text).str();
}

std::expected<void, std::string> write_file(const std::filesystem::path& path,
                                            std::string_view text)
{
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        return std::unexpected(system_error(path, "cannot create file"));
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
        return std::unexpected(system_error(path, "cannot write file"));
    }
    return {};
}

} // namespace ihpa::common
