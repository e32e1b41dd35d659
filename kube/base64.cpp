#include "kube/base64.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace ihpa::kube {

std::expected<std::string, std::string> decode_base64(std::string_view text)
{
    std::string compact;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            compact += c;
        }
    }
    if (compact.size() % 4 != 0) {
        return std::unexpected("not base64: length " + std::to_string(compact.size()) +
                               " is not a multiple of 4");
    }
    std::string out(compact.size() / 4 * 3, '\0');
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(compact.data()),
                                        static_cast<int>(compact.size()));
    if (written < 0) {
        return std::unexpected(std::string("not base64: invalid character"));
    }
    // EVP_DecodeBlock counts padding as data bytes.
    std::size_t size = static_cast<std::size_t>(written);
    for (std::size_t i = compact.size(); i > 0 && compact[i - 1] == '=' && size > 0; --i) {
        --size;
    }
    out.resize(size);
    return out;
}

} // namespace ihpa::kube
