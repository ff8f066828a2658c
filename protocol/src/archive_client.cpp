// ArchiveClient: the routes over keep-alive HTTPS connections, streamed reads, and the public
// calls, each run on the client's strand. See archive_client.hpp.

#include "archive_client_impl.hpp"

#include <boost/asio/co_spawn.hpp>

namespace tc::protocol {

net::awaitable<ArchiveClientResult<ArchivedFile>>
ArchiveClient::Impl::readFile(const std::string& recordId, const std::string& name,
                              const ArchiveSink& sink) {
    const auto target = archiveFilePath(recordId, name);
    co_return co_await readAt(target, name, sink, true);
}

net::awaitable<ArchiveClientResult<ArchivedFile>>
ArchiveClient::Impl::readAt(const std::string& target, const std::string& name,
                            const ArchiveSink& sink, bool digestRequired) {
    auto message = request<http::empty_body>(http::verb::get, target);
    std::optional<http::response_parser<http::buffer_body>> parser;
    auto sent = co_await send(message, parser);
    if (!sent) {
        co_return sent.error();
    }
    const auto link = *sent;
    auto& socket = beast::get_lowest_layer(link->stream);
    const auto lost = [&](const boost::system::error_code& ec) {
        link->close();
        return stopped ? cancelledFailure() : transportFailure(ec, "reading " + name);
    };
    if (parser->get().result() != http::status::ok) {
        http::response_parser<http::string_body> error(std::move(*parser));
        error.body_limit(kMaxErrorAnswer);
        auto [ec, n] = co_await http::async_read(link->stream, link->buffer, error, kNoThrow);
        static_cast<void>(n);
        if (ec) {
            co_return lost(ec);
        }
        error.get().keep_alive() ? give(link) : link->close();
        co_return answerFailure(error.get().result_int(), error.get().body());
    }
    const auto announced = parser->get().find("Repr-Digest");
    const auto digest = announced == parser->get().end()
                            ? std::optional<Sha256Digest>()
                            : parseReprDigest(parser->get()["Repr-Digest"]);
    if (!digest && (digestRequired || announced != parser->get().end())) {
        link->close();
        co_return badResponse("a file without its Repr-Digest sha-256");
    }
    if (!digest && parser->content_length() && *parser->content_length() > kMaxJsonAnswer) {
        link->close(); // an answer made for this request (no digest) is JSON: bounded
        co_return badResponse("an answer of " + std::to_string(*parser->content_length()) +
                              " bytes");
    }
    archive::Sha256Stream whole;
    std::uint64_t size = 0;
    ArchiveBytes block(kReadBlock);
    while (!parser->is_done()) {
        parser->get().body().data = block.data();
        parser->get().body().size = block.size();
        socket.expires_after(config.requestTimeout);
        auto [ec, n] = co_await http::async_read(link->stream, link->buffer, *parser, kNoThrow);
        static_cast<void>(n);
        if (ec && ec != http::error::need_buffer) {
            co_return lost(ec);
        }
        const auto got = block.size() - parser->get().body().size;
        if (got > 0) {
            const std::span<const std::uint8_t> bytes(block.data(), got);
            whole.update(bytes);
            size += got;
            if (!digest && size > kMaxJsonAnswer) {
                link->close();
                co_return badResponse("an answer beyond " + std::to_string(kMaxJsonAnswer) +
                                      " bytes");
            }
            if (sink) {
                sink(bytes);
            }
        }
    }
    parser->get().keep_alive() ? give(link) : link->close();
    const auto got = whole.finish();
    if (digest && got != *digest) {
        co_return failureOf(make_error_code(ArchiveErrc::corrupt),
                            "'" + name + "' does not match the SHA-256 the service announced");
    }
    co_return ArchivedFile{name, size, got};
}

ArchiveClient::ArchiveClient(std::shared_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

ArchiveClientResult<ArchiveClient> ArchiveClient::create(net::any_io_executor executor,
                                                         ArchiveClientConfig config) {
    auto tls = makeClientContext(config.tls, config.host);
    if (!tls) {
        return failureOf(tls.error(), "the doctor's credentials or the deployment CA");
    }
    return ArchiveClient(std::make_shared<Impl>(executor, std::move(config), std::move(*tls)));
}

void ArchiveClient::stop() const {
    net::dispatch(m_impl->strand, [impl = m_impl] {
        impl->stopped = true;
        impl->idle.clear();
        for (const auto& weak : impl->live) {
            if (const auto link = weak.lock()) {
                link->close();
            }
        }
    });
}

net::awaitable<ArchiveClientResult<UploadReport>>
ArchiveClient::upload(UploadSource source, UploadProgressHandler progress) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, UploadSource what, UploadProgressHandler heard)
                        -> net::awaitable<ArchiveClientResult<UploadReport>> {
                        auto report = co_await self->upload(std::move(what), std::move(heard));
                        self->keepIdle(1);
                        co_return report;
                    }(m_impl, std::move(source), std::move(progress)));
}

net::awaitable<ArchiveClientResult<ArchiveTransferLimits>> ArchiveClient::limits() const {
    return onStrand(m_impl, m_impl->limits());
}

net::awaitable<ArchiveClientResult<UploadState>>
ArchiveClient::begin(UploadManifest manifest) const {
    auto impl = m_impl;
    return onStrand(impl,
                    [](std::shared_ptr<Impl> self,
                       UploadManifest m) -> net::awaitable<ArchiveClientResult<UploadState>> {
                        co_return co_await self->begin(m);
                    }(impl, std::move(manifest)));
}

net::awaitable<ArchiveClientResult<ChunkReceipt>>
ArchiveClient::putChunk(std::string recordId, Sha256Digest sha256, ArchiveBytes bytes) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, std::string id, Sha256Digest sha,
                       ArchiveBytes data) -> net::awaitable<ArchiveClientResult<ChunkReceipt>> {
                        co_return co_await self->putChunk(id, sha, std::move(data));
                    }(m_impl, std::move(recordId), sha256, std::move(bytes)));
}

net::awaitable<ArchiveClientResult<RecordSummary>>
ArchiveClient::commit(std::string recordId) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self,
                       std::string id) -> net::awaitable<ArchiveClientResult<RecordSummary>> {
                        co_return co_await self->commit(id);
                    }(m_impl, std::move(recordId)));
}

net::awaitable<ArchiveClientResult<std::vector<RecordSummary>>> ArchiveClient::records() const {
    return onStrand(m_impl, m_impl->records());
}

net::awaitable<ArchiveClientResult<std::vector<ArchivedFile>>>
ArchiveClient::files(std::string recordId) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, std::string id)
                        -> net::awaitable<ArchiveClientResult<std::vector<ArchivedFile>>> {
                        co_return co_await self->files(id);
                    }(m_impl, std::move(recordId)));
}

net::awaitable<ArchiveClientResult<ArchivedFile>>
ArchiveClient::readFile(std::string recordId, std::string name, ArchiveSink sink) const {
    return onStrand(m_impl,
                    [](std::shared_ptr<Impl> self, std::string id, std::string file,
                       ArchiveSink to) -> net::awaitable<ArchiveClientResult<ArchivedFile>> {
                        co_return co_await self->readFile(id, file, to);
                    }(m_impl, std::move(recordId), std::move(name), std::move(sink)));
}

} // namespace tc::protocol
