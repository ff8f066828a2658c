#pragma once
// The cabin's side of prescription delivery: document.* session messages go through the
// protocol's DocumentReceiver, and a complete, verified document goes to the printer. Statuses
// (receiving, received, printing, printed, failed with a reason) go back to the doctor. Runs on
// the cabin's strand; no Qt.

#include "cabin_printer.hpp"
#include "tc/protocol/document_transfer.hpp"

#include <boost/asio/any_io_executor.hpp>
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

    // Without a printer URI every complete document is `failed` `no_printer`.
    static std::shared_ptr<CabinDocuments> create(boost::asio::any_io_executor strand,
                                                  std::optional<PrinterUri> printer, Send send,
                                                  Log log, PrinterTimeouts timeouts = {});

    static bool handles(std::string_view kind) { return kind.starts_with("document."); }
    // One document.* message from the doctor, on the strand.
    void onMessage(const std::string& sessionId, std::string_view kind,
                   const nlohmann::json& payload);

    const protocol::DocumentReceiver& receiver() const { return m_receiver; }

private:
    CabinDocuments(std::shared_ptr<CabinPrinter> printer, Send send, Log log)
        : m_printer(std::move(printer))
        , m_send(std::move(send))
        , m_log(std::move(log)) {}
    void print(const std::string& sessionId, const std::string& transferId);
    void reply(const std::string& sessionId, const protocol::DocumentStatus& status);

    std::shared_ptr<CabinPrinter> m_printer; // null: no printer
    Send m_send;
    Log m_log;
    protocol::DocumentReceiver m_receiver;
};

} // namespace tc::cabin
