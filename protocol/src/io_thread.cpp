#include "tc/protocol/io_thread.hpp"

#include <pthread.h>

namespace tc::protocol {

IoThread::IoThread(std::string name)
    : m_work(boost::asio::make_work_guard(m_context)) {
    m_thread = std::thread([this, name = std::move(name)] {
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        m_context.run();
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_ranOut.notify_all();
    });
}

IoThread::~IoThread() {
    if (!m_thread.joinable()) {
        return;
    }
    // No stop() was asked for: the handlers still pending may refer to objects already gone
    // (locals declared after this one), so they are dropped, not run.
    m_work.reset();
    m_context.stop();
    if (m_thread.get_id() == std::this_thread::get_id()) {
        m_thread.detach(); // destroyed by one of its own handlers: nobody is left to join
        return;
    }
    m_thread.join();
}

bool IoThread::stop(std::chrono::milliseconds timeout) {
    if (!m_thread.joinable()) {
        return m_drained;
    }
    // Without the guard, run() returns as soon as no operation is outstanding.
    m_work.reset();
    if (m_thread.get_id() == std::this_thread::get_id()) {
        // A handler cannot wait for the loop it runs on: the loop ends after it, and a later
        // stop() or the destructor, from another thread, joins.
        std::lock_guard lock(m_mutex);
        m_drained = false;
        m_context.stop();
        return false;
    }
    {
        std::unique_lock lock(m_mutex);
        if (!m_ranOut.wait_for(lock, timeout, [this] { return m_finished; })) {
            m_drained = false;
        }
    }
    if (!m_drained) {
        m_context.stop(); // the bound is reached: what is left is dropped
    }
    m_thread.join();
    return m_drained;
}

} // namespace tc::protocol
