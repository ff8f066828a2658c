#pragma once
// The console's review mode, data side (issue 17; the screens' contract is
// /work/brief_review_contract.md, kept in app/README.md "Review mode"): the records the service
// lets the signed-in coordinator (or doctor) review, filtered and paged; one record downloaded
// to a private cache and opened in the replay; the coordinator's quarterly indicators and CSV
// export; the requester's own access trail. Every request is a ReviewClient call on the
// connection's io thread; every result comes back to the UI thread as one queued call, and a
// result that a newer request (or a sign-out) made stale is dropped.
//
// The cache, <dataDirectory>/review-cache/<recordId>/ (0700), holds only files the service
// serves to this requester (access whole or pseudonymised); each is written beside its name and
// renamed when complete. It is removed when the session starts and at sign-out (stop()).

#include "controller.hpp"
#include "review_records_model.hpp"
#include "review_replay.hpp"
#include "tc/protocol/review_client.hpp"

#include <QAbstractListModel>
#include <QStringList>
#include <QUrl>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>
#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <memory>
#include <optional>

namespace tc::app {

class StethoscopeController;

namespace detail {
class UiRelay;
}

class ReviewSession : public Controller {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the console builds the review session")
    Q_PROPERTY(QAbstractListModel* records READ records CONSTANT)
    Q_PROPERTY(bool listing READ listing NOTIFY listingChanged)
    Q_PROPERTY(bool hasMore READ hasMore NOTIFY listingChanged)
    Q_PROPERTY(QString cptsName READ cptsName NOTIFY scopeChanged)
    Q_PROPERTY(QString cptsId READ cptsId NOTIFY scopeChanged)
    Q_PROPERTY(QStringList sites READ sites NOTIFY scopeChanged)
    Q_PROPERTY(bool coordinator READ coordinator NOTIFY scopeChanged)
    Q_PROPERTY(bool opening READ opening NOTIFY openingChanged)
    Q_PROPERTY(double openingProgress READ openingProgress NOTIFY openingChanged)
    Q_PROPERTY(QString openRecordId READ openRecordId NOTIFY openingChanged)
    Q_PROPERTY(tc::app::ReviewReplayController* replay READ replay CONSTANT)
    Q_PROPERTY(QStringList quarters READ quarters CONSTANT)
    Q_PROPERTY(bool indicatorsLoading READ indicatorsLoading NOTIFY indicatorsChanged)
    Q_PROPERTY(QVariantMap indicators READ indicators NOTIFY indicatorsChanged)
    Q_PROPERTY(QVariantList trail READ trail NOTIFY trailChanged)
    Q_PROPERTY(bool trailLoading READ trailLoading NOTIFY trailChanged)

public:
    static constexpr std::size_t kPageSize = 50;

    // `io`: the connection's io thread (ConnectionController::ioExecutor()), which outlives
    // this session. `live`: the live stethoscope, whose filter, gain and headset the replay
    // uses. Removes any cache left by an earlier run.
    ReviewSession(boost::asio::any_io_executor io, QString dataDirectory,
                  StethoscopeController* live, QObject* parent = nullptr);
    ~ReviewSession() override;

    // Signed in: a client with this identity, then the scope and the first page.
    void start(protocol::ArchiveClientConfig config);
    // Signed out: the requests in flight are dropped, the list, indicators, trail and replay
    // are cleared and the cache removed.
    void stop();
    bool started() const { return m_client != nullptr; }

    QAbstractListModel* records() { return &m_records; }
    bool listing() const { return m_listing; }
    bool hasMore() const { return m_next.has_value(); }
    QString cptsName() const { return m_cptsName; }
    QString cptsId() const { return m_cptsId; }
    QStringList sites() const { return m_sites; }
    bool coordinator() const { return m_coordinator; }
    bool opening() const { return m_opening; }
    double openingProgress() const { return m_openingProgress; }
    QString openRecordId() const { return m_openRecordId; }
    ReviewReplayController* replay() { return &m_replay; }
    QStringList quarters() const { return m_quarters; }
    bool indicatorsLoading() const { return m_indicatorsLoading; }
    QVariantMap indicators() const { return m_indicators; }
    QVariantList trail() const { return m_trail; }
    bool trailLoading() const { return m_trailLoading; }
    std::filesystem::path cacheDirectory() const { return m_cacheRoot; }

    // Keys: from, to (Unix ms, 0 = none), site, doctor, endReason, orientation ("none_signed":
    // without a signed report), incident ("yes", "no", "" any). Clears and loads the first page.
    Q_INVOKABLE void applyFilters(const QVariantMap& filters);
    Q_INVOKABLE void loadMore();
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void openRecord(const QString& recordId);
    // `site` "": every site of the coordinator's CPTS.
    Q_INVOKABLE void loadIndicators(const QString& quarter, const QString& site);
    // The CSV of the quarter and site last loaded, written to `file`.
    Q_INVOKABLE void exportIndicatorsCsv(const QUrl& file);
    Q_INVOKABLE void loadTrail();

signals:
    void listingChanged();
    void scopeChanged();
    void openingChanged();
    void indicatorsChanged();
    void trailChanged();
    void errorOccurred(const QString& message);
    void recordOpened();
    void indicatorsExported(const QString& path);

private:
    // Each kind of request has its generation; a result is applied only if its generation is
    // still current (a new filter, a new record, a sign-out make the older ones stale).
    struct Generations {
        std::uint64_t session = 0, list = 0, open = 0, indicators = 0, exported = 0, trail = 0,
                      scope = 0;
    };
    // Runs `op` on the io thread; `done` gets its result on the UI thread unless the counter
    // `generation` moved on meanwhile (the result is stale).
    template <class T, class Done>
    void launch(boost::asio::awaitable<T> op, std::uint64_t Generations::*generation, Done done);
    // A request of the kind `generation` begins: `busy` set, `changed` emitted; false when
    // signed out (no request).
    bool begin(std::uint64_t Generations::*generation, bool& busy,
               void (ReviewSession::*changed)());
    void fail(const protocol::ArchiveClientFailure& failure);
    void fail(const QString& text);
    void loadPage();
    void loadScope();
    void setOpening(bool opening, double progress);
    void clearCache();

    boost::asio::any_io_executor m_io;
    std::shared_ptr<detail::UiRelay> m_relay;
    std::shared_ptr<protocol::ReviewClient> m_client;
    std::filesystem::path m_cacheRoot;
    ReviewRecordsModel m_records;
    ReviewReplayController m_replay;
    protocol::ReviewFilters m_filters;
    std::optional<std::string> m_next;
    bool m_listing = false;
    QString m_cptsName;
    QString m_cptsId;
    QStringList m_sites;
    bool m_coordinator = false;
    bool m_opening = false;
    double m_openingProgress = 0;
    QString m_openRecordId;
    QStringList m_quarters;
    bool m_indicatorsLoading = false;
    QVariantMap m_indicators;
    QString m_indicatorsQuarter;
    QString m_indicatorsSite;
    QVariantList m_trail;
    bool m_trailLoading = false;
    Generations m_generation;
};

} // namespace tc::app
