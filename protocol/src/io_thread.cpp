#include "tc/protocol/io_thread.hpp"

#include <pthread.h>

namespace tc::protocol {

IoThread::IoThread(std::string name)
    : m_work(boost::asio::make_work_guard(m_context)) {
    m_thread = std::thread([this, name = std::move(name)] {
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        m_context.run();
    });
}

IoThread::~IoThread() {
    stop();
}

void IoThread::stop() {
    if (!m_thread.joinable()) {
        return;
    }
    m_work.reset();
    // Give in-flight handlers (close handshakes) a moment, then force the loop to end.
    if (m_thread.get_id() == std::this_thread::get_id()) {
        m_context.stop();
        m_thread.detach();
        return;
    }
    m_context.stop();
    m_thread.join();
}

} // namespace tc::protocol
