// Private: factories of the built-in endpoints, listed in the registry table (endpoint.cpp).
#pragma once
#include <memory>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {

std::unique_ptr<Endpoint> make_chat();         // chat.cpp
std::unique_ptr<Endpoint> make_completions();  // completions.cpp

}  // namespace aiperf::endpoint
