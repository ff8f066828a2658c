#include "demo_card.hpp"

#include <algorithm>
#include <array>
#include <boost/system/errc.hpp>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <spawn.h>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace tc::app {

namespace fs = std::filesystem;

namespace {

constexpr std::array kModuleCandidates = {"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                                          "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
                                          "/usr/lib/softhsm/libsofthsm2.so"};

std::optional<fs::path> findProgram(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    dirs += ":/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto colon = std::min(dirs.find(':', start), dirs.size());
        const fs::path candidate = fs::path(dirs.substr(start, colon - start)) / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = colon + 1;
    }
    return std::nullopt;
}

// Runs `argv` (no shell) with SOFTHSM2_CONF set, its output appended to `log`; true on exit 0.
bool run(const std::vector<std::string>& argv, const fs::path& config, const fs::path& log) {
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::string_view(*e).rfind("SOFTHSM2_CONF=", 0) != 0) {
            environment.emplace_back(*e);
        }
    }
    environment.push_back("SOFTHSM2_CONF=" + config.string());
    std::vector<char*> args;
    std::vector<char*> envp;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    for (const auto& e : environment) {
        envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        return false;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

protocol::Result<DemoCard> ensureDemoCard(const protocol::DevelopmentPki& pki,
                                          const fs::path& directory) {
    std::optional<fs::path> module;
    for (const char* candidate : kModuleCandidates) {
        if (fs::exists(candidate)) {
            module = candidate;
            break;
        }
    }
    const auto softhsm = findProgram("softhsm2-util");
    const auto tool = findProgram("pkcs11-tool");
    const auto openssl = findProgram("openssl");
    if (!module || !softhsm || !tool || !openssl) {
        return boost::system::errc::make_error_code(boost::system::errc::no_such_file_or_directory);
    }
    const fs::path card = directory / "card";
    DemoCard out{card / "softhsm2.conf", *module};
    if (fs::exists(card / "ready")) {
        return out;
    }
    // A half-made card from an interrupted first run is made again from scratch.
    std::error_code ignored;
    fs::remove_all(card, ignored);
    fs::create_directories(card / "tokens", ignored);
    {
        std::ofstream config(out.softHsmConfig);
        config << "directories.tokendir = " << (card / "tokens").string()
               << "\nobjectstore.backend = file\nlog.level = ERROR\n";
        if (!config) {
            return make_error_code(protocol::Errc::pkiFailure);
        }
    }
    const fs::path log = directory / "card.log";
    const std::string pass =
        std::string("pass:") + protocol::DevelopmentPki::kDevelopmentPassphrase;
    const std::string pin = DemoCard::kPin;
    const std::string label = DemoCard::kTokenLabel;
    const fs::path key = card / "doctor-key.pem";
    const std::vector<std::vector<std::string>> steps = {
        {openssl->string(), "pkcs12", "-in", pki.doctorBundle().string(), "-passin", pass,
         "-nocerts", "-nodes", "-out", key.string()},
        {openssl->string(), "pkcs12", "-in", pki.doctorBundle().string(), "-passin", pass,
         "-clcerts", "-nokeys", "-out", (card / "doctor.pem").string()},
        {openssl->string(), "x509", "-in", (card / "doctor.pem").string(), "-outform", "DER",
         "-out", (card / "doctor.der").string()},
        {openssl->string(), "x509", "-in", pki.caCertificate().string(), "-outform", "DER", "-out",
         (card / "ca.der").string()},
        {softhsm->string(), "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin",
         "12345678"},
        {softhsm->string(), "--import", key.string(), "--token", label, "--label", "doctor", "--id",
         "01", "--pin", pin},
        {tool->string(), "--module", module->string(), "--token-label", label, "--login", "--pin",
         pin, "--write-object", (card / "doctor.der").string(), "--type", "cert", "--id", "01",
         "--label", "doctor"},
        {tool->string(), "--module", module->string(), "--token-label", label, "--login", "--pin",
         pin, "--write-object", (card / "ca.der").string(), "--type", "cert", "--id", "02",
         "--label", "ca"}};
    bool ok = true;
    for (const auto& step : steps) {
        if (!(ok = run(step, out.softHsmConfig, log))) {
            break;
        }
    }
    fs::remove(key, ignored); // the key now lives on the card only
    if (!ok) {
        return make_error_code(protocol::Errc::pkiFailure);
    }
    std::ofstream(card / "ready") << "CPS-DEMO\n";
    return out;
}

} // namespace tc::app
