#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace ihpa::kube {

/// Decodes standard base64 (RFC 4648 §4, padding required, whitespace ignored), as kubeconfig
/// `*-data` fields hold; the error says why the text is not base64.
[[nodiscard]] std::expected<std::string, std::string> decode_base64(std::string_view text);

} // namespace ihpa::kube
