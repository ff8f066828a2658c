// ArchiveClient's resumable upload: the limits, the manifest, begin, the missing chunks on
// several connections at once, commit. See archive_client.hpp.

#include "archive_client_impl.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace tc::protocol {

struct ArchiveClient::Impl::UploadRun {
    explicit UploadRun(const net::any_io_executor& executor)
        : done(executor) {}
    std::string recordId;
    std::deque<Sha256Digest> queue;
    const UploadPlan* plan = nullptr;
    std::optional<ArchiveClientFailure> failure;
    unsigned running = 0;
    net::steady_timer done; // cancelled when the last worker ends
    UploadProgress progress;
    UploadProgressHandler handler;
    std::uint64_t sent = 0;
    std::uint64_t bytesSent = 0;
};

net::awaitable<void> ArchiveClient::Impl::uploadWorker(std::shared_ptr<Impl> self,
                                                       std::shared_ptr<UploadRun> run) {
    try {
        while (!run->failure && !run->queue.empty()) {
            if (self->stopped) {
                run->failure = cancelledFailure();
                break;
            }
            const auto sha256 = run->queue.front();
            run->queue.pop_front();
            const auto where = run->plan->locations.at(sha256);
            auto read = [where, sha256] {
                return readChunk(where, sha256);
            };
            auto done = co_await self->offload(std::move(read));
            auto& bytes = *done;
            if (!bytes) {
                run->failure = bytes.error();
                break;
            }
            const auto size = bytes->size();
            auto receipt = co_await self->putChunk(run->recordId, sha256, std::move(*bytes));
            if (!receipt) {
                if (!run->failure) {
                    run->failure = receipt.error();
                }
                break;
            }
            ++run->sent;
            run->bytesSent += size;
            ++run->progress.chunksAcknowledged;
            run->progress.bytesAcknowledged += size;
            if (run->handler) {
                run->handler(run->progress);
            }
        }
    } catch (const std::exception& e) {
        if (!run->failure) {
            run->failure = failureOf(make_error_code(Errc::internal), e.what());
        }
    }
    if (--run->running == 0) {
        run->done.cancel();
    }
}

net::awaitable<ArchiveClientResult<UploadReport>>
ArchiveClient::Impl::upload(UploadSource source, UploadProgressHandler progress) {
    auto limits = co_await this->limits();
    if (!limits) {
        co_return limits.error();
    }
    const auto chunkBytes = std::min(config.chunkBytes, limits->store.maxChunkBytes);
    auto describe = [source = std::move(source), chunkBytes] {
        return planUpload(source, chunkBytes);
    };
    auto planned = co_await offload(std::move(describe));
    auto& plan = *planned;
    if (!plan) {
        co_return plan.error();
    }
    const auto& recordId = plan->manifest.recordId;
    UploadReport report;
    report.chunksTotal = plan->locations.size();
    // A commit that finds chunks missing (an object lost on the service) begins again.
    for (int round = 0; round < 3; ++round) {
        auto state = co_await begin(plan->manifest);
        if (!state) {
            co_return state.error();
        }
        if (!state->alreadyCommitted) {
            auto run = std::make_shared<UploadRun>(strand);
            run->recordId = recordId;
            run->plan = &*plan;
            run->handler = progress;
            run->queue.assign(state->missing.begin(), state->missing.end());
            std::uint64_t missingBytes = 0;
            for (const auto& hash : state->missing) {
                const auto found = plan->locations.find(hash);
                if (found == plan->locations.end()) {
                    co_return badResponse("the service asks for a chunk the record does not have");
                }
                missingBytes += found->second.size;
            }
            run->progress = {plan->distinctBytes - missingBytes, plan->distinctBytes,
                             report.chunksTotal - state->missing.size(), report.chunksTotal};
            if (round == 0) {
                report.chunksSkipped = run->progress.chunksAcknowledged;
            }
            if (progress) {
                progress(run->progress);
            }
            const auto self = shared_from_this();
            const auto workers = std::min<std::size_t>(std::clamp(config.parallelUploads, 1U, 8U),
                                                       run->queue.size());
            run->running = static_cast<unsigned>(workers);
            for (std::size_t i = 0; i < workers; ++i) {
                net::co_spawn(strand, uploadWorker(self, run), net::detached);
            }
            while (run->running > 0) {
                run->done.expires_at(net::steady_timer::time_point::max());
                co_await run->done.async_wait(kNoThrow);
            }
            report.chunksSent += run->sent;
            report.bytesSent += run->bytesSent;
            if (run->failure) {
                co_return *run->failure;
            }
        }
        auto committed = co_await commit(recordId);
        if (committed) {
            report.record = std::move(*committed);
            report.alreadyCommitted = state->alreadyCommitted;
            co_return report;
        }
        if (committed.error().code != ArchiveErrc::chunksMissing) {
            co_return committed.error();
        }
    }
    co_return failureOf(make_error_code(ArchiveErrc::chunksMissing),
                        "record " + recordId + ": the service still misses chunks");
}

} // namespace tc::protocol
