#include "cabin_documents.hpp"

namespace tc::cabin {
namespace {

using protocol::DocumentState;
using protocol::DocumentStatus;

constexpr std::string_view kUnconfirmed = "printed_unconfirmed";
constexpr std::string_view kLedgerUnavailable = "ledger_unavailable";
constexpr const char* kConflictText = "une autre ordonnance porte déjà cet identifiant";
constexpr const char* kLedgerUnavailableText =
    "registre des impressions indisponible : la cabine n'imprime pas, pour ne jamais imprimer "
    "deux fois la même ordonnance";

// "Printed, not confirmed", in words: what happened, what to check, what will not happen.
// The cause is cut (on a UTF-8 boundary) so that the text stays within the protocol's 512 bytes.
std::string unconfirmedText(std::string cause) {
    if (cause.size() > 200) {
        cause.resize(200);
        while (!cause.empty() && (static_cast<unsigned char>(cause.back()) & 0xC0) == 0x80) {
            cause.pop_back(); // a continuation byte: drop the whole character
        }
        if (!cause.empty() && (static_cast<unsigned char>(cause.back()) & 0x80) != 0) {
            cause.pop_back(); // its lead byte
        }
        cause += "…";
    }
    return "impression non confirmée (" + cause +
           ") : l'ordonnance est peut-être sortie, vérifiez le bac de l'imprimante ; la cabine "
           "ne l'imprimera pas une seconde fois";
}

std::string causeOf(const PrintRecord& record) {
    if (record.state == PrintState::unreadable) {
        return "registre des impressions illisible pour cette ordonnance";
    }
    if (record.reason == "interrupted") {
        return "la cabine s'est arrêtée avant la confirmation de l'imprimante";
    }
    return "l'imprimante n'a pas confirmé le travail" +
           (record.jobId > 0 ? " " + std::to_string(record.jobId) : std::string());
}

} // namespace

std::shared_ptr<CabinDocuments> CabinDocuments::create(boost::asio::any_io_executor strand,
                                                       std::optional<PrinterUri> printer,
                                                       const std::filesystem::path& stateDirectory,
                                                       Send send, Log log,
                                                       PrinterTimeouts timeouts) {
    auto device =
        printer ? CabinPrinter::create(std::move(strand), std::move(*printer), timeouts) : nullptr;
    auto documents = std::shared_ptr<CabinDocuments>(
        new CabinDocuments(std::move(device), std::move(send), std::move(log)));
    documents->openLedger(stateDirectory);
    return documents;
}

void CabinDocuments::log(const std::string& line) const {
    if (m_log) {
        m_log(line);
    }
}

void CabinDocuments::openLedger(const std::filesystem::path& stateDirectory) {
    if (stateDirectory.empty()) {
        m_ledgerError = make_error_code(LedgerErrc::cannotOpen);
        if (m_printer) {
            log("print ledger: no state directory; no prescription will print");
        }
        return;
    }
    auto opened = PrintLedger::open(stateDirectory);
    if (!opened) {
        m_ledgerError = opened.error();
        log("print ledger: cannot open " + (stateDirectory / kLedgerFileName).string() + " (" +
            opened.error().message() + "); no prescription will print");
        return;
    }
    m_ledger.emplace(std::move(*opened));
    std::size_t printed = 0;
    std::size_t unconfirmed = 0;
    for (const auto& [id, record] : m_ledger->records()) {
        printed += record.state == PrintState::printed;
        if (record.state == PrintState::unconfirmed || record.state == PrintState::unreadable) {
            ++unconfirmed;
            log("print ledger: " + id + " printed, not confirmed (" + causeOf(record) +
                "); it will not print again");
        }
    }
    for (const auto& problem : m_ledger->problems()) {
        log("print ledger: line " + std::to_string(problem.line) + ": " +
            make_error_code(problem.code).message() + " (" + problem.detail + ")" +
            (problem.id ? "; " + *problem.id + " will not print again" : std::string()));
    }
    if (m_ledger->damaged()) {
        log("print ledger: a damaged line names no prescription: nothing new will print until "
            "the ledger is repaired (app/cabin/README.md, \"The print ledger\")");
    }
    log("print ledger: " + m_ledger->path().string() + " (" +
        std::to_string(m_ledger->records().size()) + " prescriptions, " + std::to_string(printed) +
        " printed, " + std::to_string(unconfirmed) + " not confirmed)");
}

void CabinDocuments::reply(const std::string& sessionId, const DocumentStatus& status) {
    if (m_send) {
        m_send(sessionId, protocol::kind::documentStatus, protocol::toJson(status));
    }
}

void CabinDocuments::onMessage(const std::string& sessionId, std::string_view kind,
                               const nlohmann::json& payload) {
    if (answerFromLedger(sessionId, kind, payload)) {
        return;
    }
    auto outcome = m_receiver.handle(kind, payload);
    if (outcome.error) {
        log("document " + outcome.transferId + ": refused " + std::string(kind) + " (" +
            std::string(protocol::wireName(outcome.error->errc())) + ": " + outcome.error->detail +
            ")");
    }
    if (outcome.status) {
        reply(sessionId, *outcome.status);
        if (outcome.status->state == DocumentState::received) {
            log("document " + outcome.transferId + ": received and verified (SHA-256)");
        }
    }
    if (outcome.print) {
        print(sessionId, outcome.transferId);
    }
}

// An offer or a print request for an id the ledger has settled is answered from the ledger: the
// document is not received again, and nothing prints.
bool CabinDocuments::answerFromLedger(const std::string& sessionId, std::string_view kind,
                                      const nlohmann::json& payload) {
    if (!m_ledger) {
        return false;
    }
    DocumentStatus status;
    std::optional<std::pair<std::string, std::uint64_t>> document; // offers: sha256, size
    if (kind == protocol::kind::documentOffer) {
        const auto offer = protocol::parseDocumentOffer(payload);
        if (!offer) {
            return false; // the receiver refuses it
        }
        status.transferId = offer->transferId;
        status.ackSeq = offer->seq;
        status.receivedChunks = offer->chunkCount;
        document.emplace(offer->sha256, offer->size);
    } else if (kind == protocol::kind::documentPrint) {
        const auto print = protocol::parseDocumentPrint(payload);
        if (!print) {
            return false;
        }
        status.transferId = print->transferId;
        status.ackSeq = print->seq;
    } else {
        return false;
    }
    const auto* record = m_ledger->find(status.transferId);
    if (record == nullptr) {
        return false;
    }
    if (document && !record->sha256.empty() &&
        (record->sha256 != document->first || record->size != document->second)) {
        status.state = DocumentState::failed;
        status.receivedChunks = 0;
        status.reason = std::string(protocol::wireName(protocol::DocumentErrc::conflict));
        status.text = kConflictText;
        log("document " + status.transferId + ": refused " + std::string(kind) +
            " (conflict: the print ledger holds another document under this id)");
    } else if (record->state == PrintState::printed) {
        status.state = DocumentState::printed;
        log("document " + status.transferId + ": printed already (print ledger, job " +
            std::to_string(record->jobId) + "); not printed again");
    } else if (record->state == PrintState::unconfirmed ||
               record->state == PrintState::unreadable) {
        status.state = DocumentState::failed;
        status.reason = kUnconfirmed;
        status.text = unconfirmedText(causeOf(*record));
        log("document " + status.transferId +
            ": printed, not confirmed (print ledger); not "
            "printed again");
    } else {
        return false; // not printed, or printing now: the receiver knows
    }
    if (kind == protocol::kind::documentPrint && !m_receiver.state(status.transferId)) {
        status.receivedChunks = 0; // not held in this run
    }
    reply(sessionId, status);
    return true;
}

void CabinDocuments::print(const std::string& sessionId, const std::string& transferId) {
    const auto* document = m_receiver.document(transferId);
    if (m_printer == nullptr || document == nullptr) {
        reply(sessionId, m_receiver.printFailed(transferId, "no_printer",
                                                "aucune imprimante configurée dans la cabine"));
        log("document " + transferId + ": not printed, this cabin has no printer");
        return;
    }
    if (m_receiver.kind(transferId) == protocol::DocumentKind::consultationReport) {
        // The patient takes this home as the doctor's signed word: a report that does not
        // verify never prints (nothing goes to the ledger either: nothing was printed).
        const auto refusal = m_checkReport
                                 ? m_checkReport(*document)
                                 : std::optional<std::string>(
                                       "cette cabine ne sait pas vérifier un compte rendu signé");
        if (refusal) {
            reply(sessionId, m_receiver.printFailed(transferId, "unverified_report", *refusal));
            log("document " + transferId + ": consultation report not printed, " + *refusal);
            return;
        }
        log("document " + transferId + ": consultation report, signature verified");
    }
    if (!m_ledger) {
        refuse(sessionId, transferId, m_ledgerError);
        return;
    }
    // Write-ahead: on disk (fsync'ed) before the printer sees anything.
    const auto attempt = m_ledger->begin(
        transferId,
        protocol::sha256Hex(
            {reinterpret_cast<const std::uint8_t*>(document->data()), document->size()}),
        document->size());
    if (!attempt) {
        refuse(sessionId, transferId, attempt.error());
        return;
    }
    reply(sessionId, m_receiver.printingStarted(transferId));
    log("document " + transferId + ": printing on " + m_printer->uri().text + " (attempt " +
        std::to_string(*attempt) + ", written ahead in the print ledger)");
    // A job name unique to the attempt: a printer that names its spool files after it (as
    // ippeveprinter does, "<job id>-<job name>") never overwrites an earlier copy, even once its
    // job ids start again from 1.
    m_printer->print(
        *document, transferId + " #" + std::to_string(*attempt),
        [weak = weak_from_this(), sessionId, transferId, attempt = *attempt](PrintOutcome outcome) {
            if (const auto self = weak.lock()) {
                self->finish(sessionId, transferId, attempt, outcome);
            }
        });
}

void CabinDocuments::refuse(const std::string& sessionId, const std::string& transferId,
                            boost::system::error_code why) {
    const auto* record = m_ledger ? m_ledger->find(transferId) : nullptr;
    if (why == LedgerErrc::alreadyPrinted) {
        log("document " + transferId + ": printed already (print ledger); not printed again");
        reply(sessionId, m_receiver.printed(transferId));
    } else if ((why == LedgerErrc::printedUnconfirmed || why == LedgerErrc::unreadableEntry) &&
               record != nullptr) {
        log("document " + transferId +
            ": printed, not confirmed (print ledger); not printed "
            "again");
        reply(sessionId, m_receiver.printFailed(transferId, std::string(kUnconfirmed),
                                                unconfirmedText(causeOf(*record))));
    } else if (why == LedgerErrc::conflict) {
        log("document " + transferId +
            ": not printed, the print ledger holds another document "
            "under this id");
        reply(sessionId,
              m_receiver.printFailed(
                  transferId, std::string(protocol::wireName(protocol::DocumentErrc::conflict)),
                  kConflictText));
    } else if (why == LedgerErrc::printing) {
        log("document " + transferId + ": printing already; not printed twice");
    } else {
        log("document " + transferId + ": not printed, the print ledger is unavailable (" +
            why.message() + ")");
        reply(sessionId, m_receiver.printFailed(transferId, std::string(kLedgerUnavailable),
                                                kLedgerUnavailableText));
    }
}

void CabinDocuments::finish(const std::string& sessionId, const std::string& transferId,
                            std::uint32_t attempt, const PrintOutcome& outcome) {
    boost::system::error_code written;
    DocumentStatus status;
    if (outcome) {
        written = m_ledger->printed(transferId, attempt, outcome->jobId);
        log("document " + transferId + ": printed (job " + std::to_string(outcome->jobId) + ")");
        status = m_receiver.printed(transferId);
    } else if (const auto& failed = outcome.error(); failed.uncertain) {
        written = m_ledger->unconfirmed(transferId, attempt, failed.jobId, failed.reason());
        log("document " + transferId + ": printed, not confirmed: " + failed.text + " (" +
            failed.reason() + "); it will not print again");
        status = m_receiver.printFailed(transferId, std::string(kUnconfirmed),
                                        unconfirmedText(failed.text));
    } else {
        written = m_ledger->notPrinted(transferId, attempt, failed.reason());
        log("document " + transferId + ": not printed: " + failed.text + " (" + failed.reason() +
            ")");
        status = m_receiver.printFailed(transferId, failed.reason(), failed.text);
    }
    if (written) {
        log("print ledger: cannot record the outcome of " + transferId + " (" + written.message() +
            "); no prescription will print until the cabin restarts");
    }
    reply(sessionId, status);
}

} // namespace tc::cabin
