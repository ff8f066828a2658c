#pragma once
// Typed, located problems of the consultation record (dossier) and of the doctor's report
// (compte rendu): what validation finds in content that parsed. Parsing problems (a member
// missing, unknown, of the wrong type) are ParseErrors (errors.hpp), as for prescriptions.
// Each code has a stable snake_case key (the category's table, see errors/README.md).

#include "tc/errors/outcome.hpp"
#include "tc/prescriptions/errc/record_errc.hpp"

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tc::prescriptions {

// One problem, located by a JSON pointer into the JSON form ("/examination/items/2/source/id").
struct RecordIssue : errors::Failure {
    RecordIssue() = default;
    RecordIssue(RecordErrc errc, std::string pointer, std::string text)
        : Failure{make_error_code(errc), std::move(text)}
        , path(std::move(pointer)) {}
    std::string path;
};

using RecordIssues = std::vector<RecordIssue>;

} // namespace tc::prescriptions
