#pragma once
// An io_context running on its own thread: the protocol layer's home. Destruction stops the
// context and joins the thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>
#include <thread>

namespace tc::protocol {

class IoThread {
public:
    explicit IoThread(std::string name = "tc-io");
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;
    ~IoThread();

    boost::asio::io_context& context() noexcept { return m_context; }
    boost::asio::any_io_executor executor() noexcept { return m_context.get_executor(); }

    // Stops the loop (pending handlers are dropped) and joins. Idempotent. Stop services and
    // clients first so that they can close their connections cleanly.
    void stop();

private:
    boost::asio::io_context m_context{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> m_work;
    std::thread m_thread;
};

} // namespace tc::protocol
