# What tc::errors, tc::prescriptions (without its rendering) and tc::protocol need from the
# system. Included by the top-level CMakeLists.txt and by the fuzzers' tree (tests/fuzz), which
# builds only those libraries.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# rendezvous nodes sharing PostgreSQL (issue 19)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SRTP2 REQUIRED IMPORTED_TARGET libsrtp2)
# ICE (RFC 8445) with STUN and TURN: the agent GStreamer's webrtcbin uses
pkg_check_modules(NICE REQUIRED IMPORTED_TARGET nice>=0.1.21)
