#pragma once
// What the doctor works on beside the video during a consultation: the tab (stethoscope, vitals,
// ordonnance) and the instrument cameras asked of the cabin's operator, until the cabin answers.

#include "states.hpp"

#include <QObject>
#include <QStringList>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace tc::app {

class SessionWorkspace : public QObject {
    Q_OBJECT
    Q_PROPERTY(
        tc::app::Workspace::Value current READ current WRITE setCurrent NOTIFY currentChanged)
    // The instrument cameras asked for that the cabin has not answered yet.
    Q_PROPERTY(QStringList pendingInstruments READ pendingInstruments NOTIFY instrumentsChanged)

public:
    // Sends one session message (kind, payload); false when there is no session to send it on.
    using SendMessage = std::function<bool(const std::string& kind, nlohmann::json payload)>;
    // Shows or hides an instrument's stream once the cabin has started or stopped it.
    using ShowInstrument = std::function<void(const QString& instrument, bool shown)>;

    explicit SessionWorkspace(QObject* parent = nullptr)
        : QObject(parent) {}

    void setSender(SendMessage send) { m_send = std::move(send); }
    void setShowInstrument(ShowInstrument show) { m_show = std::move(show); }

    Workspace::Value current() const { return m_current; }
    void setCurrent(Workspace::Value workspace);
    QStringList pendingInstruments() const { return m_pending; }

    // Asks the cabin's operator to start or stop an instrument camera ("otoscope",
    // "dermatoscope"); its stream shows once the cabin acknowledges.
    Q_INVOKABLE void requestInstrument(const QString& instrument, bool start);
    // The cabin's instrument.ack.
    void onAcknowledged(const nlohmann::json& payload);
    // The consultation is over: nothing is pending any more, and the next starts on the
    // stethoscope.
    void reset();

signals:
    void currentChanged();
    void instrumentsChanged();
    // The cabin could not do what was asked: for the session's error line.
    void refused(const QString& text);

private:
    SendMessage m_send;
    ShowInstrument m_show;
    Workspace::Value m_current = Workspace::Stethoscope;
    QStringList m_pending;
};

} // namespace tc::app
