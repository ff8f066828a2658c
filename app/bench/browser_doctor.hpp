#pragma once
// telecabine-bench browser-call: the Chromium doctor's signalling, which this benchmark does
// itself (a test harness standing in for a browser doctor app, not a product path): the real
// rendezvous client with the doctor's certificate, and the relay between the page
// (browser_doctor_page.hpp) and the cabin, through the SDP rewriting of browser_doctor_sdp.hpp.

#include "browser_doctor_sdp.hpp"
#include "support/chromium_session.hpp"
#include "tc/protocol/ice_messages.hpp"
#include "tc/protocol/io_thread.hpp"
#include "tc/protocol/messages.hpp"
#include "tc/protocol/rendezvous_client.hpp"
#include "tc/protocol/sdp_transport.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace tc::bench {

// The cabin's SSRCs (app/cabin: cabin_simulator.cpp, cabin_voice.cpp, cabin_cameras.cpp).
inline constexpr std::uint32_t kStethoscopeSsrc = 0x57E7A001;
inline constexpr std::uint32_t kVoiceSsrc = 0x70C0A001;
inline constexpr std::uint32_t kRoomCameraSsrc = 0x7C0A1E01;

using json = nlohmann::json;

// The doctor's signalling for the page: the real client, its replies and events waited for.
class DoctorLink {
public:
    DoctorLink(protocol::IoThread& io, protocol::ClientConfig config)
        : m_events(std::make_shared<Events>()) {
        m_client = protocol::RendezvousClient::create(io.executor(), std::move(config), m_events);
        m_client->start();
    }
    DoctorLink(const DoctorLink&) = delete;
    DoctorLink& operator=(const DoctorLink&) = delete;
    ~DoctorLink() { m_client->stop(); }

    protocol::Reply request(std::string_view type, json body) {
        auto promise = std::make_shared<std::promise<protocol::Reply>>();
        auto future = promise->get_future();
        m_client->request(std::string(type), std::move(body), [promise](protocol::Reply reply) {
            promise->set_value(std::move(reply));
        });
        if (future.wait_for(std::chrono::seconds(15)) != std::future_status::ready) {
            throw std::runtime_error("no reply to " + std::string(type));
        }
        auto reply = future.get();
        if (reply.code) {
            throw std::runtime_error(std::string(type) + " refused: " + reply.code.message() + " " +
                                     reply.message);
        }
        return reply;
    }
    bool waitWelcome(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_events->mutex);
        return m_events->cv.wait_for(lock, timeout, [&] { return m_events->welcomed; });
    }
    // The next event of any type, or nothing within `timeout`.
    std::optional<protocol::Envelope> nextEvent(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_events->mutex);
        if (!m_events->cv.wait_for(lock, timeout, [&] { return !m_events->queue.empty(); })) {
            return std::nullopt;
        }
        auto event = std::move(m_events->queue.front());
        m_events->queue.pop_front();
        return event;
    }

private:
    // Shared with the client, which may still call it while it stops.
    struct Events final : protocol::ClientListener {
        std::mutex mutex;
        std::condition_variable cv;
        bool welcomed = false;
        std::deque<protocol::Envelope> queue;
        void onConnectionState(protocol::ConnectionState, boost::system::error_code) override {}
        void onWelcome(const protocol::Welcome&, bool) override {
            std::lock_guard lock(mutex);
            welcomed = true;
            cv.notify_all();
        }
        void onEvent(const protocol::Envelope& event) override {
            std::lock_guard lock(mutex);
            queue.push_back(event);
            cv.notify_all();
        }
    };
    std::shared_ptr<Events> m_events;
    std::shared_ptr<protocol::RendezvousClient> m_client;
};

inline json iceServersForPage(const std::vector<protocol::IceServer>& servers) {
    json out = json::array();
    for (const auto& server : servers) {
        out.push_back({{"urls", server.urls},
                       {"username", server.username},
                       {"credential", server.credential}});
    }
    return out;
}

inline std::string iceUfragOf(const std::string& sdp) {
    std::smatch match;
    static const std::regex re("a=ice-ufrag:([^\r\n]+)");
    return std::regex_search(sdp, match, re) ? match[1].str() : std::string();
}

// Relays what came from the cabin (answer, candidates) to the page and the page's trickled
// candidates to the cabin, for `duration`.
class BrowserDoctor {
public:
    BrowserDoctor(DoctorLink& link, test::ChromiumSession& chromium, std::string sessionId)
        : m_link(link)
        , m_chromium(chromium)
        , m_session(std::move(sessionId)) {}

    json evaluate(const std::string& expression,
                  std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
        auto value = m_chromium.evaluate(expression, timeout);
        if (!value) {
            throw std::runtime_error(expression.substr(0, 40) + ": " + value.error().message() +
                                     "\n" + m_chromium.diagnostics());
        }
        return *value;
    }

    void offer(const json& iceServers) {
        const auto started =
            evaluate("tcStart(" + iceServers.dump() + ")", std::chrono::seconds(30));
        const auto mids = started.at("mids");
        m_mids = {{mids.at(0).get<std::string>(), "steth"},
                  {mids.at(1).get<std::string>(), "voice"},
                  {mids.at(2).get<std::string>(), "video"}};
        const auto browserOffer = started.at("offer").get<std::string>();
        m_ufrag = iceUfragOf(browserOffer);
        const protocol::SessionDescription offer{m_session, protocol::SdpType::offer,
                                                 offerForCabin(browserOffer, m_mids)};
        m_link.request(protocol::type::sessionOffer, protocol::toJson(offer));
    }

    void relay(std::chrono::milliseconds duration) {
        const auto deadline = std::chrono::steady_clock::now() + duration;
        while (std::chrono::steady_clock::now() < deadline) {
            if (const auto event = m_link.nextEvent(std::chrono::milliseconds(100))) {
                take(*event);
            }
            if (!m_answered) {
                continue;
            }
            for (const auto& line : evaluate("tcCandidates()")) {
                auto candidate = protocol::parseCandidate(plainCandidate(line.get<std::string>()));
                if (!candidate) {
                    continue; // TCP, or a name: our ICE takes UDP addresses
                }
                const auto [kind, payload] =
                    protocol::toSessionMessage(protocol::IceCandidateSignal{m_ufrag, *candidate});
                m_link.request(protocol::type::sessionMessage,
                               protocol::toJson(protocol::SessionMessage{
                                   m_session, std::string(kind), payload}));
            }
        }
    }

    bool answered() const { return m_answered; }

private:
    void take(const protocol::Envelope& event) {
        if (event.type == protocol::type::sessionAnswer) {
            const auto answer = protocol::fromJson<protocol::SessionDescription>(event.body);
            if (!answer) {
                throw std::runtime_error("a malformed answer from the cabin");
            }
            const auto sdp = answerForBrowser(
                answer->sdp, m_mids,
                {{"steth", kStethoscopeSsrc}, {"voice", kVoiceSsrc}, {"video", kRoomCameraSsrc}});
            evaluate("tcAnswer(" + json(sdp).dump() + ")");
            m_answered = true;
        } else if (event.type == protocol::type::sessionMessage &&
                   event.body.value("kind", "") == protocol::kind::iceCandidate) {
            const auto& payload = event.body.at("payload");
            evaluate("tcCandidate(" + json(payload.at("candidate")).dump() + ", " +
                     json(payload.at("ufrag")).dump() + ")");
        } else if (event.type == protocol::type::sessionEnded) {
            throw std::runtime_error("the session ended: " + event.body.dump());
        }
    }

    DoctorLink& m_link;
    test::ChromiumSession& m_chromium;
    std::string m_session;
    MidMap m_mids;
    std::string m_ufrag;
    bool m_answered = false;
};

} // namespace tc::bench
