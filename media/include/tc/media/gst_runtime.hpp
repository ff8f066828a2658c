#pragma once
// GStreamer start-up and a check that the elements telecabine's pipelines need are installed,
// so that a missing plugin package is reported by name before a consultation, not during one.

#include "tc/media/errc/media_errc.hpp"

#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace tc::media {

struct ElementRequirement {
    std::string_view factory; // e.g. "rtpjitterbuffer"
    std::string_view package; // Debian package that provides it
};

// The elements the console's media pipelines are built from.
const std::vector<ElementRequirement>& consoleRequirements();

// Initialises GStreamer once (thread-safe, idempotent).
boost::system::error_code initialise();

// Factories from `requirements` that this machine lacks.
std::vector<ElementRequirement>
missingElements(const std::vector<ElementRequirement>& requirements);

std::string gstreamerVersion();

} // namespace tc::media
