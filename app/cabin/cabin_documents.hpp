#pragma once
// The cabin's side of prescription delivery: document.* session messages go through the
// protocol's DocumentReceiver, and a complete, verified document goes to the printer (a
// consultation report, the patient's copy, only once its signature checks out). Statuses
// (receiving, received, printing, printed, failed with a reason) go back to the doctor. Runs on
// the cabin's strand; no Qt.
//
// Every print goes through the durable print ledger (print_ledger.hpp) in the cabin's state
// directory: written ahead before the job is submitted, its outcome written after. An offer or
// print request for an id the ledger has settled (printed, or printed but not confirmed) is
// answered from it, and nothing prints; so a prescription id prints at most once, across
// restarts and crashes too.

#include "cabin_printer.hpp"
#include "print_ledger.hpp"
#include "tc/protocol/document_transfer.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace tc::cabin {

class CabinDocuments : public std::enable_shared_from_this<CabinDocuments> {
public:
    // Sends one session message (kind, payload) to the doctor of `sessionId`.
    using Send = std::function<void(const std::string& sessionId, std::string_view kind,
                                    nlohmann::json payload)>;
    using Log = std::function<void(const std::string&)>;

    // Without a printer URI every complete document is `failed` `no_printer`. The print ledger
    // is opened (created if need be) in `stateDirectory`; without one, or if it cannot be
    // opened, nothing prints (`failed` `ledger_unavailable`) and the log says why.
    static std::shared_ptr<CabinDocuments> create(boost::asio::any_io_executor strand,
                                                  std::optional<PrinterUri> printer,
                                                  const std::filesystem::path& stateDirectory,
                                                  Send send, Log log,
                                                  PrinterTimeouts timeouts = {});

    // Checks a consultation report's PDF before it prints (its signature against the
    // deployment's CA, its signer a prescriber naming its author, its embedded report): nullopt
    // when it may print, else why not, in French for the doctor. Without one, no report prints.
    using ReportCheck = std::function<std::optional<std::string>(std::string_view pdf)>;
    void setReportCheck(ReportCheck check) { m_checkReport = std::move(check); }

    static bool handles(std::string_view kind) {
        return protocol::kind::isOneOf(kind, protocol::kind::kDocumentKinds);
    }
    // One document.* message from the doctor, on the strand.
    void onMessage(const std::string& sessionId, std::string_view kind,
                   const nlohmann::json& payload);

    const protocol::DocumentReceiver& receiver() const { return m_receiver; }
    const PrintLedger* ledger() const { return m_ledger ? &*m_ledger : nullptr; }

private:
    CabinDocuments(std::shared_ptr<CabinPrinter> printer, Send send, Log log)
        : m_printer(std::move(printer))
        , m_send(std::move(send))
        , m_log(std::move(log)) {}
    void openLedger(const std::filesystem::path& stateDirectory);
    bool answerFromLedger(const std::string& sessionId, std::string_view kind,
                          const nlohmann::json& payload);
    void print(const std::string& sessionId, const std::string& transferId);
    void refuse(const std::string& sessionId, const std::string& transferId,
                boost::system::error_code why);
    void finish(const std::string& sessionId, const std::string& transferId, std::uint32_t attempt,
                const PrintOutcome& outcome);
    void reply(const std::string& sessionId, const protocol::DocumentStatus& status);
    void log(const std::string& line) const;

    std::shared_ptr<CabinPrinter> m_printer; // null: no printer
    Send m_send;
    Log m_log;
    protocol::DocumentReceiver m_receiver;
    std::optional<PrintLedger> m_ledger;
    boost::system::error_code m_ledgerError; // why there is no ledger
    ReportCheck m_checkReport;
};

} // namespace tc::cabin
