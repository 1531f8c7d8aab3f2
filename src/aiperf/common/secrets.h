// Keeping secrets (API keys, credential headers) out of what a run writes
// (docs/reliability.md "Secrets"): text that may quote them -- a server's error message, a raw
// response -- is scrubbed before it is stored.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace aiperf {

inline constexpr std::string_view kRedactedSecret = "<redacted>";

/// Replaces every occurrence of each of `secrets` (longest first) in `text` by "<redacted>".
inline void scrub_secrets(std::string& text, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    for (size_t p = text.find(s); p != std::string::npos; p = text.find(s, p)) {
      text.replace(p, s.size(), kRedactedSecret);
      p += kRedactedSecret.size();
    }
  }
}

}  // namespace aiperf
