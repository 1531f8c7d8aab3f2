// Standard HTTP reason phrases, shared by the client's error records and the mock server.
#pragma once
#include <string_view>

namespace aiperf {

/// The reason phrase of `status` as Python's http.HTTPStatus spells it ("Internal Server
/// Error"), or an empty view for a status without one.
std::string_view http_status_phrase(int status);

}  // namespace aiperf
