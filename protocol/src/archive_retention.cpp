// Media retention: which files are media, and ArchiveStore::purgeMedia.

#include "archive_store_impl.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>

namespace tc::protocol {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The dossier itself: never media, whatever the extension.
bool isDossier(std::string_view name) {
    return name == "record.json" || name == "incidents.json" || name.starts_with("report/") ||
           name.starts_with("prescriptions/") || name.starts_with("vitals/");
}

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

std::vector<std::size_t> retentionMediaFiles(const std::vector<ManifestFile>& files) {
    std::set<std::string> recordings; // "dir/steth-x-1" of each recording
    for (const auto& file : files) {
        const auto name = lower(file.name);
        for (const std::string_view ext : {".flac", ".wav"}) {
            if (!isDossier(file.name) && endsWith(name, ext)) {
                recordings.insert(file.name.substr(0, file.name.size() - ext.size()));
            }
        }
    }
    std::vector<std::size_t> media;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& name = files[i].name;
        if (isDossier(name)) {
            continue;
        }
        const auto folded = lower(name);
        const bool audioOrStill = endsWith(folded, ".flac") || endsWith(folded, ".wav") ||
                                  endsWith(folded, ".png") || endsWith(folded, ".jpg") ||
                                  endsWith(folded, ".jpeg");
        // A recording's manifest (segments, gaps) describes only the audio it sits beside.
        const bool sidecar =
            endsWith(folded, ".json") && recordings.contains(name.substr(0, name.size() - 5));
        if (audioOrStill || sidecar) {
            media.push_back(i);
        }
    }
    return media;
}

ArchiveResult<MediaPurgeReport> ArchiveStore::purgeMedia(std::int64_t committedBeforeUnixMs,
                                                         const AuditSink& audit) {
    auto& impl = *m_impl;
    const std::lock_guard lock(impl.mutex);
    // Objects decided before (a crash after the index transaction): deleted, unless a chunk
    // still has them; then off the queue.
    const auto drainQueue = [&]() -> ArchiveResult<void> {
        auto queued = impl.index->purgeQueue();
        if (!queued) {
            return queued.error();
        }
        std::set<std::filesystem::path> directories;
        for (const auto& name : *queued) {
            auto referenced = impl.index->objectReferenced(name);
            if (!referenced) {
                return referenced.error();
            }
            if (!*referenced && archive::isObjectName(name)) {
                const auto path = archive::objectPath(impl.objectsDir, name);
                if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
                    return archive::storageFailure("cannot remove", path, errno);
                }
                directories.insert(path.parent_path());
            }
        }
        for (const auto& directory : directories) {
            if (auto synced = archive::fsyncDirectory(directory); !synced) {
                return synced.error();
            }
        }
        // Only once the removals are durable does the queue forget them.
        for (const auto& name : *queued) {
            if (auto done = impl.index->dequeuePurged(name); !done) {
                return done.error();
            }
        }
        return {};
    };
    if (auto drained = drainQueue(); !drained) {
        return drained.error();
    }
    auto candidates = impl.index->purgeCandidates(committedBeforeUnixMs);
    if (!candidates) {
        return candidates.error();
    }
    MediaPurgeReport report;
    for (const auto& recordId : *candidates) {
        auto record = impl.index->record(recordId);
        if (!record) {
            return record.error();
        }
        if (!*record) {
            continue;
        }
        auto context = impl.contextOf(**record);
        if (!context) {
            return context.error();
        }
        const auto& manifest = (*context)->manifest;
        const auto media = retentionMediaFiles(manifest.files);
        std::set<KeyedChunkId> kept;
        std::set<KeyedChunkId> purged;
        std::vector<std::uint32_t> indexes;
        auto names = nlohmann::json::array();
        std::uint64_t bytes = 0;
        for (std::size_t i = 0; i < manifest.files.size(); ++i) {
            const auto& file = manifest.files[i];
            const bool isMedia = std::find(media.begin(), media.end(), i) != media.end();
            for (const auto& chunk : file.chunks) {
                (isMedia ? purged : kept).insert((*context)->chunks.at(chunk.sha256).keyedId);
            }
            if (isMedia) {
                indexes.push_back(static_cast<std::uint32_t>(i));
                names.push_back(file.name);
                bytes += file.size;
            }
        }
        std::vector<KeyedChunkId> released;
        for (const auto& id : purged) {
            if (!kept.contains(id)) { // an object shared with a kept file stays
                released.push_back(id);
            }
        }
        const auto at = nowUnixMs();
        if (!indexes.empty()) {
            // Audited first: a purge the trail does not show never happens.
            if (!audit) {
                return archiveFailure(ArchiveErrc::notAudited, "no audit trail configured");
            }
            AuditEvent event;
            event.atUnixMs = at;
            event.actorRole = Role::service;
            event.actorId = std::string(kRetentionActor);
            event.action = AuditAction::purge;
            event.recordId = recordId;
            event.detailJson = nlohmann::json{{"files", names}, {"bytes", bytes}}.dump();
            if (const auto refused = audit(event)) {
                return archiveFailure(ArchiveErrc::notAudited,
                                      "record " + recordId + ": " + refused.message());
            }
        }
        if (auto marked = impl.index->markPurged(recordId, indexes, released, at); !marked) {
            return marked.error();
        }
        if (!indexes.empty()) {
            ++report.records;
            report.files += indexes.size();
            report.bytes += bytes;
        }
        if (auto drained = drainQueue(); !drained) {
            return drained.error();
        }
    }
    return report;
}

} // namespace tc::protocol
