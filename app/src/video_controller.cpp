#include "video_controller.hpp"

#include "error_text.hpp"
#include "tc/media/video_snapshot.hpp"
#include "ui_dispatch.hpp"

#include <QDateTime>
#include <QDir>
#include <QVariantMap>
#include <algorithm>

namespace tc::app {

namespace {

QString snapshotFileName(const QString& name, std::optional<std::uint32_t> counter) {
    QString file = name + QLatin1Char('-') +
                   QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    if (counter) {
        file += QStringLiteral("-f%1").arg(*counter);
    }
    return file + QStringLiteral(".png");
}

} // namespace

VideoController::VideoController(QObject* parent)
    : Controller(parent) {
    m_snapshots.setMaxThreadCount(1);
    m_watchdog.setInterval(250);
    connect(&m_watchdog, &QTimer::timeout, this, &VideoController::checkFrozen);
}

VideoController::~VideoController() {
    m_snapshots.waitForDone(); // a writer posts back to this object
    detachAll();
}

boost::system::error_code VideoController::attach(const QString& name, VideoStreamConfig config) {
    detach(name);
    auto slot = std::make_shared<VideoFrameSlot>();
    const std::string key = name.toStdString();
    media::VideoReceiverConfig receiving;
    receiving.codec = config.codec;
    receiving.payloadType = config.payloadType;
    receiving.jitterLatency = config.jitterLatency;
    // Streaming thread: read the stamp, copy or convert only if someone looks (into a buffer
    // that nobody holds any more), and queue one call.
    receiving.onFrame = [this, name, slot, observer = m_decodeObserver, planesPool = PlanesPool(),
                         imagePool = ImagePool(),
                         sequence = std::uint64_t{0}](const media::DecodedFrame& decoded) mutable {
        VideoFrameSlot::Frame frame;
        const auto stamp = media::readFrameCode(decoded.image);
        frame.counter = stamp ? static_cast<qint64>(stamp->counter) : -1;
        frame.captureUs = stamp ? stamp->captureUs : 0;
        if (observer) {
            observer(name, frame.captureUs, std::chrono::steady_clock::now());
        }
        frame.size = QSize(decoded.image.width, decoded.image.height);
        frame.seq = ++sequence;
        if (slot->wantsPlanes()) {
            auto planes = planesPool.acquire();
            planes->assign(decoded.image);
            frame.planes = std::move(planes);
        }
        if (slot->wantsImages()) {
            frame.image = imageFromI420(decoded.image, slot->displaySize(), imagePool.acquire());
            imagePool.keep(frame.image);
        }
        if (slot->put(std::move(frame))) {
            postToUi(this, [this, name, slot] { deliver(name, slot); });
        }
    };
    receiving.onKeyframeNeeded =
        [this, name, request = std::move(config.requestKeyframe)](media::KeyframeReason) {
            if (request) {
                request();
            }
            postToUi(this, [this, name] { emit keyframeNeeded(name); });
        };
    auto receiver = media::VideoReceiver::start(std::move(receiving));
    if (!receiver) {
        setError(tr("Impossible d'afficher la vidéo « %1 » : %2")
                     .arg(labelOf(name), errorText(receiver.error())));
        return receiver.error();
    }
    {
        std::lock_guard lock(m_mutex);
        m_receivers[key] = std::move(*receiver);
    }
    View& view = m_views[name];
    view.slot = slot;
    view.attached = true;
    view.hasVideo = false;
    view.frozen = false;
    view.meanIntervalMs = 0;
    pruneSurfaces(view);
    updateWants(view);
    m_order.push_back(name);
    m_watchdog.start();
    chooseMainStream();
    emit streamsChanged();
    return {};
}

void VideoController::detach(const QString& name) {
    std::unique_ptr<media::VideoReceiver> receiver;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_receivers.find(name.toStdString());
        if (it != m_receivers.end()) {
            receiver = std::move(it->second);
            m_receivers.erase(it);
        }
    }
    receiver.reset(); // stops its pipeline, outside the lock: pushPacket may wait on it
    const auto view = m_views.find(name);
    if (view == m_views.end() || !view->second.attached) {
        return;
    }
    view->second.attached = false;
    view->second.hasVideo = false;
    view->second.slot.reset(); // a queued delivery for the old slot finds nothing
    for (const auto& surface : view->second.surfaces) {
        if (surface) {
            surface->clear();
        }
    }
    m_order.erase(std::remove(m_order.begin(), m_order.end(), name), m_order.end());
    if (m_order.empty()) {
        m_watchdog.stop();
    }
    chooseMainStream();
    emit streamsChanged();
}

void VideoController::detachAll() {
    const auto names = m_order;
    for (const auto& name : names) {
        detach(name);
    }
}

void VideoController::pushPacket(const std::string& name, std::span<const std::uint8_t> rtp) {
    std::lock_guard lock(m_mutex);
    const auto it = m_receivers.find(name);
    if (it != m_receivers.end()) {
        it->second->pushPacket(rtp); // notRunning after a pipeline error: state() says why
    }
}

void VideoController::setSurface(const QString& name, VideoSurface* surface) {
    if (surface == nullptr) {
        return;
    }
    releaseSurface(surface);
    View& view = m_views[name];
    view.surfaces.emplace_back(surface);
    surface->setStream(name);
    surface->setRenderObserver(m_renderObserver);
    surface->setFrozen(view.frozen);
    if (view.slot) {
        updateWants(view);
        if (auto frame = view.slot->latest()) {
            surface->present(*frame);
        }
    }
}

void VideoController::releaseSurface(VideoSurface* surface) {
    for (auto& [name, view] : m_views) {
        const auto before = view.surfaces.size();
        view.surfaces.erase(std::remove(view.surfaces.begin(), view.surfaces.end(), surface),
                            view.surfaces.end());
        if (view.surfaces.size() != before) {
            pruneSurfaces(view);
            if (view.slot) {
                updateWants(view);
            }
        }
    }
    if (surface != nullptr) {
        surface->clear();
        surface->setStream({});
        surface->setRenderObserver({});
    }
}

void VideoController::deliver(const QString& name, const std::shared_ptr<VideoFrameSlot>& slot) {
    const auto it = m_views.find(name);
    if (it == m_views.end() || it->second.slot != slot) {
        return; // detached (or replaced) since
    }
    auto frame = slot->take();
    if (!frame) {
        return;
    }
    View& view = it->second;
    pruneSurfaces(view);
    for (const auto& surface : view.surfaces) {
        surface->present(*frame);
    }
    updateWants(view); // the next frames come in the forms and size the surfaces draw
    const auto now = std::chrono::steady_clock::now();
    if (view.hasVideo) {
        const double interval =
            std::chrono::duration<double, std::milli>(now - view.lastFrame).count();
        view.meanIntervalMs = view.meanIntervalMs == 0
                                  ? interval
                                  : view.meanIntervalMs + (interval - view.meanIntervalMs) / 16;
    }
    view.lastFrame = now;
    if (!view.hasVideo || view.frozen) {
        view.hasVideo = true;
        view.frozen = false;
        for (const auto& surface : view.surfaces) {
            surface->setFrozen(false);
        }
        emit streamsChanged();
    }
}

std::chrono::milliseconds VideoController::frozenAfter(const View& view) {
    // A second at 30 frames/s; four frame intervals for a camera slower than 4 frames/s.
    return std::max(std::chrono::milliseconds(1000),
                    std::chrono::milliseconds(static_cast<long>(4 * view.meanIntervalMs)));
}

void VideoController::checkFrozen() {
    const auto now = std::chrono::steady_clock::now();
    bool changed = false;
    for (const auto& name : m_order) {
        View& view = m_views[name];
        if (!view.hasVideo) {
            continue; // nothing shown yet: the placeholder says so
        }
        const bool frozen = now - view.lastFrame > frozenAfter(view);
        if (frozen != view.frozen) {
            changed = true;
            view.frozen = frozen;
            emit frozenChanged(name, frozen);
            pruneSurfaces(view);
            for (const auto& surface : view.surfaces) {
                surface->setFrozen(frozen);
            }
        }
    }
    if (changed) {
        emit streamsChanged();
    }
}

int VideoController::frozenSeconds(const QString& name) const {
    const auto it = m_views.find(name);
    if (it == m_views.end() || !it->second.frozen) {
        return 0;
    }
    return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::steady_clock::now() - it->second.lastFrame)
                                .count());
}

void VideoController::setRenderObserver(RenderObserver observer) {
    m_renderObserver = std::move(observer);
    for (auto& [name, view] : m_views) {
        pruneSurfaces(view);
        for (const auto& surface : view.surfaces) {
            surface->setRenderObserver(m_renderObserver);
        }
    }
}

void VideoController::updateWants(View& view) {
    bool planes = false;
    bool images = false;
    QSize largest;
    for (const auto& surface : view.surfaces) {
        if (surface->wantsPlanes()) {
            planes = true;
        } else {
            images = true;
            largest = largest.expandedTo(surface->displaySize());
        }
    }
    view.slot->setShown(!view.surfaces.empty(), planes, images);
    view.slot->setDisplaySize(largest);
}

void VideoController::pruneSurfaces(View& view) {
    view.surfaces.erase(std::remove_if(view.surfaces.begin(), view.surfaces.end(),
                                       [](const QPointer<VideoSurface>& s) { return s.isNull(); }),
                        view.surfaces.end());
}

QString VideoController::snapshot(const QString& name) {
    if (m_snapshotDirectory.isEmpty()) {
        setError(tr("Photo impossible : aucun dossier de consultation n'est ouvert."));
        emit snapshotFailed(errorString());
        return {};
    }
    boost::system::result<media::ReceivedFrame> last = make_error_code(media::VideoErrc::noFrame);
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_receivers.find(name.toStdString());
        if (it != m_receivers.end()) {
            last = it->second->lastFrame();
        }
    }
    if (!last) {
        setError(tr("Photo impossible : aucune image reçue de « %1 ».").arg(labelOf(name)));
        emit snapshotFailed(errorString());
        return {};
    }
    media::SnapshotInfo info;
    info.captureUs = last->stamp ? last->stamp->captureUs : 0;
    if (last->stamp) {
        info.frameCounter = last->stamp->counter;
    }
    info.source = name.toStdString();
    const QString path =
        QDir(m_snapshotDirectory).filePath(snapshotFileName(name, info.frameCounter));
    const QString directory = m_snapshotDirectory;
    m_snapshots.start([this, frame = std::move(last->frame), info, path, directory] {
        boost::system::error_code error;
        if (!QDir().mkpath(directory)) {
            error = make_error_code(media::VideoErrc::writeFailed);
        } else {
            error = media::writeSnapshotPng(frame, path.toStdString(), info);
        }
        postToUi(this, [this, path, error] {
            if (error) {
                setError(tr("La photo n'a pas pu être enregistrée dans %1 (%2).")
                             .arg(path, errorText(error)));
                emit snapshotFailed(errorString());
            } else {
                emit snapshotTaken(path);
            }
        });
    });
    return path;
}

QString VideoController::labelOf(const QString& name) const {
    if (name == QLatin1String("room")) {
        return tr("Caméra de la salle");
    }
    if (name == QLatin1String("otoscope")) {
        return tr("Otoscope");
    }
    if (name == QLatin1String("dermatoscope")) {
        return tr("Dermatoscope");
    }
    return name;
}

void VideoController::setMainStream(const QString& name) {
    if (name == m_mainStream) {
        return;
    }
    m_mainStream = name;
    emit mainStreamChanged();
}

// The doctor's choice stays while its stream is there; otherwise the room camera, else the
// first stream attached.
void VideoController::chooseMainStream() {
    const auto attached = [this](const QString& name) {
        return std::find(m_order.begin(), m_order.end(), name) != m_order.end();
    };
    if (!m_mainStream.isEmpty() && attached(m_mainStream)) {
        return;
    }
    if (attached(QStringLiteral("room"))) {
        setMainStream(QStringLiteral("room"));
    } else {
        setMainStream(m_order.empty() ? QString() : m_order.front());
    }
}

QVariantList VideoController::streams() const {
    QVariantList list;
    for (const auto& name : m_order) {
        const auto it = m_views.find(name);
        QVariantMap entry;
        entry.insert(QStringLiteral("name"), name);
        entry.insert(QStringLiteral("label"), labelOf(name));
        const bool hasVideo = it != m_views.end() && it->second.hasVideo;
        entry.insert(QStringLiteral("hasVideo"), hasVideo);
        entry.insert(QStringLiteral("frozen"), hasVideo && it->second.frozen);
        list.push_back(entry);
    }
    return list;
}

void VideoController::setSnapshotDirectory(const QString& directory) {
    if (directory != m_snapshotDirectory) {
        m_snapshotDirectory = directory;
        emit snapshotDirectoryChanged();
    }
}

media::VideoReceiver::Stats VideoController::stats(const QString& name) const {
    std::lock_guard lock(m_mutex);
    const auto it = m_receivers.find(name.toStdString());
    return it == m_receivers.end() ? media::VideoReceiver::Stats{} : it->second->stats();
}

} // namespace tc::app
