#pragma once
// An io_context running on its own thread: the protocol layer's home.
//
// Shutdown: ask the services and clients on it to stop (they close their connections), then
// call stop(), which waits, bounded, until their close handshakes are done. Destruction without
// stop() drops whatever is still pending and joins at once: by then the objects those handlers
// refer to (locals declared after the IoThread) may be gone.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace tc::protocol {

class IoThread {
public:
    // Long enough for the rendezvous client's and service's own close bounds (2 s each) to act
    // first, so that a peer that never answers is dropped by them rather than by a forced stop.
    static constexpr std::chrono::milliseconds kDefaultDrainTimeout{3'000};

    explicit IoThread(std::string name = "tc-io");
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;
    ~IoThread();

    boost::asio::io_context& context() noexcept { return m_context; }
    boost::asio::any_io_executor executor() noexcept { return m_context.get_executor(); }

    // Graceful stop: releases the work guard and lets the loop run out of work by itself
    // (handlers in flight, close handshakes, timers being cancelled), then joins. When work is
    // still outstanding after `timeout` (a peer that never answers, a timer nobody cancels),
    // the loop is stopped, its pending handlers are dropped, and the thread joined.
    // Returns true when the loop ran out of work by itself. Idempotent: later calls return the
    // same verdict. Ask services and clients to stop first: their close handshakes are the work
    // this call waits for.
    // From a handler of the loop itself it cannot wait: it stops the loop and returns false;
    // a later stop() or the destructor, from another thread, joins.
    bool stop(std::chrono::milliseconds timeout = kDefaultDrainTimeout);

private:
    boost::asio::io_context m_context{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> m_work;
    std::mutex m_mutex;
    std::condition_variable m_ranOut;
    bool m_finished = false; // run() returned
    bool m_drained = true;   // false once a stop() had to drop work
    std::thread m_thread;
};

} // namespace tc::protocol
