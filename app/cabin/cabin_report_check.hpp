#pragma once
// The cabin's check of a consultation report before it prints the patient's copy: the checks of
// telecabine-verify --kind report (tc_verify), against the deployment's CA, at the time of the
// print. A report that fails any of them does not print, and the doctor reads why.

#include "cabin_documents.hpp"

#include <string>

namespace tc::cabin {

// `caPem`: the deployment CA the cabin trusts for its own connection. A CA that does not read
// gives a check that refuses every report (and says so).
CabinDocuments::ReportCheck makeReportCheck(const std::string& caPem);

} // namespace tc::cabin
