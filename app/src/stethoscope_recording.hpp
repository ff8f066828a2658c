#pragma once
// Recording the live stethoscope: raw (FLAC, before filter and gain, so that replay can apply
// any), into the recording directory, one file per recording named after the consultation.
// StethoscopeController owns it (its `recorder`), hands it the stream on attach and its
// receive path's statistics 20 times a second: the receive path may end a recording on its own
// (a full disk), and errorString then says why; what was written is kept.

#include "controller.hpp"

#include <QObject>
#include <QString>
#include <boost/system/error_code.hpp>
#include <memory>

namespace tc::media {
class StethoscopeReceiver;
}

namespace tc::app {

class StethoscopeRecording : public Controller {
    Q_OBJECT
    // Asked of the receive path, which may have ended a recording on its own.
    Q_PROPERTY(bool recording READ recording NOTIFY recordingChanged)
    // The file being written, or the last one written ("" before the first recording).
    Q_PROPERTY(QString file READ file NOTIFY recordingChanged)
    // Since the recording started (0 when none); changes once a second.
    Q_PROPERTY(int seconds READ seconds NOTIFY secondsChanged)

public:
    explicit StethoscopeRecording(QObject* parent = nullptr);
    ~StethoscopeRecording() override;

    void setDirectory(const QString& directory) { m_directory = directory; }
    QString directory() const { return m_directory; }
    // The stream to record (`sessionId` names the files), or none (null): a recording under way
    // is stopped first.
    void attach(std::shared_ptr<media::StethoscopeReceiver> receiver, const QString& sessionId);
    void detach();
    // One tick of the controller's refresh: a recording the receive path ended (failure: why)
    // is reported, and the seconds shown move on.
    void poll(const boost::system::error_code& failure);

    bool recording() const;
    QString file() const { return m_file; }
    int seconds() const;

    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void toggle();

signals:
    void recordingChanged();
    void secondsChanged();
    // A recording ended (stopped, or cut short by the receive path) and its file is complete:
    // for the consultation's record. Times in Unix ms.
    void finished(const QString& file, qint64 startedMs, qint64 durationMs);

private:
    void showSeconds();

    std::shared_ptr<media::StethoscopeReceiver> m_receiver;
    QString m_directory;
    QString m_sessionId;
    QString m_file;
    qint64 m_started = 0;
    bool m_wasRecording = false; // what the view last heard, to tell it of a change
    int m_shownSeconds = 0;
};

} // namespace tc::app
