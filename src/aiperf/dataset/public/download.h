// Private: fetches one public-dataset file into the cache. http:// is fetched directly (one GET,
// up to 5 redirects, Content-Length or close-delimited or chunked body); https:// goes through
// the curl program when it is installed. The file appears atomically (written to "<path>.part",
// then renamed). Returns "" on success or a one-line reason.
#pragma once
#include <string>

namespace aiperf::dataset {

std::string download_to_file(const std::string& url, const std::string& path);

}  // namespace aiperf::dataset
