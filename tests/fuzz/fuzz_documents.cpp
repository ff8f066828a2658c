// libFuzzer target: what a hostile doctor's messages reach in the cabin, and what a hostile
// printer's replies reach. Input byte 0 even: an IPP response through the cabin's decoder.
// Odd: lines "<k><json>" fed in order to one DocumentReceiver (k: o offer, c chunk, p print,
// anything else but s: status), with each document it completes "printed" or "failed" in turn;
// "s" lines are statuses for a DocumentSender. Every status the receiver produces must parse back
// and fit a session message, and so must every message the sender produces.
#include "ipp_codec.hpp"
#include "tc/protocol/document_transfer.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tc::protocol;

namespace {

void checkStatus(const DocumentStatus& status) {
    const auto payload = toJson(status);
    if (!parseDocumentStatus(payload) || payload.dump().size() > 8192) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) {
        if (const auto response = tc::cabin::ipp::decode(input)) {
            static_cast<void>(response->integer("job-id"));
            static_cast<void>(response->strings("printer-state-reasons"));
        }
        return 0;
    }
    DocumentReceiver receiver(DocumentReceiver::Limits{64 * 1024, 2, 3});
    // The doctor's side too: statuses ("s" lines) into a sender of a fixed document, which must
    // keep producing valid, bounded messages.
    auto sender = DocumentSender::create("F8QY-40YG-ECYY-S9E9-R04A-2K1H-YRVS",
                                         std::string(20'000, 'x'), "fuzz");
    auto now = DocumentSender::Clock::time_point{};
    bool fail = false;
    std::size_t start = 0;
    while (start < input.size()) {
        const auto end = std::min(input.find('\n', start), input.size());
        const auto line = input.substr(start, end - start);
        start = end + 1;
        if (line.empty()) {
            continue;
        }
        const auto payload = nlohmann::json::parse(line.substr(1), nullptr, false);
        const std::string_view kind = line[0] == 'o'   ? kind::documentOffer
                                      : line[0] == 'c' ? kind::documentChunk
                                      : line[0] == 'p' ? kind::documentPrint
                                                       : kind::documentStatus;
        if (line[0] == 's') {
            if (const auto status = parseDocumentStatus(payload)) {
                static_cast<void>(sender->onStatus(*status, now));
            }
            now += std::chrono::milliseconds(100);
            for (const auto& message : sender->poll(now)) {
                if (message.payload.dump().size() > 8192) {
                    std::abort();
                }
            }
            if (const auto wake = sender->nextWakeup(now); wake && *wake < now) {
                std::abort(); // never asks to be woken in the past
            }
            continue;
        }
        const auto outcome = receiver.handle(kind, payload);
        if (outcome.status) {
            checkStatus(*outcome.status);
        }
        if (outcome.print) {
            if (receiver.document(outcome.transferId) == nullptr) {
                std::abort(); // asked to print what it does not hold
            }
            checkStatus(receiver.printingStarted(outcome.transferId));
            checkStatus(fail ? receiver.printFailed(outcome.transferId, "media_empty", "x")
                             : receiver.printed(outcome.transferId));
            fail = !fail;
        }
    }
    return 0;
}
