#pragma once
// Waiting on a condition, never on a fixed sleep (DESIGN.md, section 6): `done` polled every
// `poll` until it holds (true) or `limit` has passed (false).

#include <chrono>
#include <thread>

namespace tc::test {

template <class Pred>
bool pollUntil(Pred done, std::chrono::milliseconds limit, std::chrono::milliseconds poll) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(poll);
    }
    return true;
}

} // namespace tc::test
