#include "cabin_documents.hpp"

namespace tc::cabin {

std::shared_ptr<CabinDocuments> CabinDocuments::create(boost::asio::any_io_executor strand,
                                                       std::optional<PrinterUri> printer, Send send,
                                                       Log log, PrinterTimeouts timeouts) {
    auto device =
        printer ? CabinPrinter::create(std::move(strand), std::move(*printer), timeouts) : nullptr;
    return std::shared_ptr<CabinDocuments>(
        new CabinDocuments(std::move(device), std::move(send), std::move(log)));
}

void CabinDocuments::reply(const std::string& sessionId, const protocol::DocumentStatus& status) {
    if (m_send) {
        m_send(sessionId, protocol::kind::documentStatus, protocol::toJson(status));
    }
}

void CabinDocuments::onMessage(const std::string& sessionId, std::string_view kind,
                               const nlohmann::json& payload) {
    auto outcome = m_receiver.handle(kind, payload);
    if (outcome.error && m_log) {
        m_log("document " + outcome.transferId + ": refused " + std::string(kind) + " (" +
              std::string(protocol::wireName(outcome.error->code)) + ": " + outcome.error->detail +
              ")");
    }
    if (outcome.status) {
        reply(sessionId, *outcome.status);
        if (outcome.status->state == protocol::DocumentState::received && m_log) {
            m_log("document " + outcome.transferId + ": received and verified (SHA-256)");
        }
    }
    if (outcome.print) {
        print(sessionId, outcome.transferId);
    }
}

void CabinDocuments::print(const std::string& sessionId, const std::string& transferId) {
    const auto* document = m_receiver.document(transferId);
    if (m_printer == nullptr || document == nullptr) {
        reply(sessionId, m_receiver.printFailed(transferId, "no_printer",
                                                "aucune imprimante configurée dans la cabine"));
        if (m_log) {
            m_log("document " + transferId + ": not printed, this cabin has no printer");
        }
        return;
    }
    reply(sessionId, m_receiver.printingStarted(transferId));
    if (m_log) {
        m_log("document " + transferId + ": printing on " + m_printer->uri().text);
    }
    m_printer->print(
        *document, transferId,
        [weak = weak_from_this(), sessionId, transferId](PrintOutcome outcome) {
            const auto self = weak.lock();
            if (!self) {
                return;
            }
            if (self->m_log) {
                self->m_log("document " + transferId + ": " +
                            (outcome.printed
                                 ? "printed (job " + std::to_string(outcome.jobId) + ")"
                                 : "not printed: " + outcome.text + " (" + outcome.reason + ")"));
            }
            self->reply(sessionId, outcome.printed ? self->m_receiver.printed(transferId)
                                                   : self->m_receiver.printFailed(
                                                         transferId, outcome.reason, outcome.text));
        });
}

} // namespace tc::cabin
