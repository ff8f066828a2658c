// PKCS#11 signing identities through libp11 (no OpenSSL ENGINE: libp11 hands back an EVP_PKEY
// whose signing operations go to the token), and RFC 7512 URIs.
#include "hex_digit.hpp"
#include "openssl_handles.hpp"
#include "signing_identity_impl.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <libp11.h>
#include <map>
#include <mutex>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace tc::prescriptions {
namespace {

std::optional<std::string> percentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) {
            return std::nullopt;
        }
        const int high = detail::hexDigitValue(text[i + 1]);
        const int low = detail::hexDigitValue(text[i + 2]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

// Splits `text` on `separator`, calling `onPair(name, value)` for each non-empty component.
template <class F> bool forEachAttribute(std::string_view text, char separator, F onPair) {
    while (!text.empty()) {
        const auto end = text.find(separator);
        const std::string_view component = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (component.empty()) {
            continue;
        }
        const auto eq = component.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            return false;
        }
        if (!onPair(component.substr(0, eq), component.substr(eq + 1))) {
            return false;
        }
    }
    return true;
}

bool assign(std::optional<std::string>& field, std::string_view value) {
    if (field.has_value()) {
        return false; // RFC 7512: an attribute appears at most once
    }
    auto decoded = percentDecode(value);
    if (!decoded) {
        return false;
    }
    field = std::move(*decoded);
    return true;
}

// One loaded module per path for the whole process: a second C_Initialize/C_Finalize pair on
// the same module would close the first identity's sessions.
struct ModuleContext {
    PKCS11_CTX* ctx = nullptr;
    ~ModuleContext() {
        if (ctx != nullptr) {
            PKCS11_CTX_unload(ctx);
            PKCS11_CTX_free(ctx);
        }
    }
};

boost::system::result<std::shared_ptr<ModuleContext>> loadModule(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<ModuleContext>> modules;
    const std::lock_guard lock(mutex);
    if (auto existing = modules[path].lock()) {
        return existing;
    }
    auto module = std::make_shared<ModuleContext>();
    module->ctx = PKCS11_CTX_new();
    if (module->ctx == nullptr || PKCS11_CTX_load(module->ctx, path.c_str()) != 0) {
        ERR_clear_error();
        if (module->ctx != nullptr) {
            PKCS11_CTX_free(module->ctx);
            module->ctx = nullptr;
        }
        return SignatureErrc::pkcs11ModuleUnavailable;
    }
    modules[path] = module;
    return module;
}

// The slot list of one identity; releasing it frees the keys and certificates libp11 made.
struct TokenSession {
    std::shared_ptr<ModuleContext> module;
    PKCS11_SLOT* slots = nullptr;
    unsigned int slotCount = 0;
    ~TokenSession() {
        if (slots != nullptr) {
            PKCS11_release_all_slots(module->ctx, slots, slotCount);
        }
    }
};

bool matches(const std::optional<std::string>& wanted, const char* actual) {
    return !wanted || (actual != nullptr && *wanted == actual);
}

bool matchesId(const std::optional<std::string>& wanted, const unsigned char* id, std::size_t n) {
    return !wanted ||
           (id != nullptr && std::string_view(reinterpret_cast<const char*>(id), n) == *wanted);
}

// The module: the caller's, else the URI's module-path, else $TC_PKCS11_MODULE.
std::string resolveModulePath(const Pkcs11Options& options,
                              const std::optional<std::string>& fromUri) {
    if (!options.modulePath.empty()) {
        return options.modulePath;
    }
    if (fromUri) {
        return *fromUri;
    }
    const char* env = std::getenv("TC_PKCS11_MODULE");
    return env != nullptr ? std::string(env) : std::string();
}

// Where a value goes in the URI: RFC 7512 lets a few reserved characters stand unescaped,
// not the same ones in the path and the query; `id` is escaped byte by byte.
enum class UriPart { path, query, id };

bool standsUnescaped(unsigned char c, UriPart part) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return part != UriPart::id;
    }
    if (part == UriPart::id) {
        return false;
    }
    if (std::string_view("-._~:[]@!$'()*+,=").find(static_cast<char>(c)) !=
        std::string_view::npos) {
        return true;
    }
    return part == UriPart::path
               ? c == '&'
               : std::string_view("/?|").find(static_cast<char>(c)) != std::string_view::npos;
}

void appendEncoded(std::string& out, std::string_view value, UriPart part) {
    constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (standsUnescaped(c, part)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0F]);
        }
    }
}

std::string fixedText(const char* text) {
    std::string out = text != nullptr ? text : "";
    while (!out.empty() && out.back() == ' ') {
        out.pop_back(); // PKCS#11 pads token fields with blanks
    }
    return out;
}

bool fitForSigning(X509* certificate) {
    if (X509_check_ca(certificate) != 0) {
        return false;
    }
    const std::uint32_t usage = X509_get_key_usage(certificate);
    return usage == UINT32_MAX || (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

} // namespace

std::string formatPkcs11Uri(const Pkcs11Uri& uri) {
    std::string out = "pkcs11:";
    char separator = 0;
    const auto attribute = [&](const char* name, const std::optional<std::string>& value,
                               UriPart part) {
        if (!value) {
            return;
        }
        if (separator != 0) {
            out.push_back(separator);
        }
        separator = part == UriPart::query ? '&' : ';';
        out += name;
        out.push_back('=');
        appendEncoded(out, *value, part);
    };
    attribute("token", uri.token, UriPart::path);
    attribute("manufacturer", uri.manufacturer, UriPart::path);
    attribute("serial", uri.serial, UriPart::path);
    attribute("model", uri.model, UriPart::path);
    attribute("object", uri.object, UriPart::path);
    attribute("id", uri.id, UriPart::id);
    attribute("type", uri.type, UriPart::path);
    separator = '?';
    attribute("pin-value", uri.pinValue, UriPart::query);
    attribute("module-path", uri.modulePath, UriPart::query);
    return out;
}

boost::system::result<std::vector<Pkcs11SigningCertificate>>
listPkcs11SigningCertificates(const Pkcs11Options& options) {
    const std::string modulePath = resolveModulePath(options, std::nullopt);
    if (modulePath.empty()) {
        return SignatureErrc::pkcs11ModuleUnavailable;
    }
    auto module = loadModule(modulePath);
    if (!module) {
        return module.error();
    }
    TokenSession session;
    session.module = *module;
    std::vector<Pkcs11SigningCertificate> out;
    if (PKCS11_enumerate_slots(session.module->ctx, &session.slots, &session.slotCount) != 0) {
        ERR_clear_error();
        return out; // no slot: no card reader, hence no card
    }
    for (unsigned int s = 0; s < session.slotCount; ++s) {
        PKCS11_SLOT& slot = session.slots[s];
        if (slot.token == nullptr || slot.token->initialized == 0) {
            continue;
        }
        PKCS11_CERT* certs = nullptr;
        unsigned int certCount = 0;
        if (PKCS11_enumerate_certs(slot.token, &certs, &certCount) != 0) {
            ERR_clear_error();
            continue; // an unreadable token is skipped, the others are still offered
        }
        for (unsigned int c = 0; c < certCount; ++c) {
            if (certs[c].x509 == nullptr || !fitForSigning(certs[c].x509)) {
                continue;
            }
            Pkcs11SigningCertificate entry;
            entry.tokenLabel = fixedText(slot.token->label);
            entry.tokenManufacturer = fixedText(slot.token->manufacturer);
            entry.tokenModel = fixedText(slot.token->model);
            entry.tokenSerial = fixedText(slot.token->serialnr);
            entry.label = certs[c].label != nullptr ? certs[c].label : "";
            entry.id.assign(reinterpret_cast<const char*>(certs[c].id), certs[c].id_len);
            entry.subjectCommonName = detail::commonNameOf(certs[c].x509);
            entry.notAfter = detail::notAfterOf(certs[c].x509);
            Pkcs11Uri uri;
            uri.token = entry.tokenLabel;
            if (!entry.tokenSerial.empty()) {
                uri.serial = entry.tokenSerial;
            }
            if (!entry.id.empty()) {
                uri.id = entry.id;
            } else {
                uri.object = entry.label;
            }
            uri.type = "private";
            entry.uri = formatPkcs11Uri(uri);
            out.push_back(std::move(entry));
        }
    }
    return out;
}

boost::system::result<Pkcs11Uri> parsePkcs11Uri(std::string_view uri) {
    constexpr std::string_view kScheme = "pkcs11:";
    if (uri.size() < kScheme.size()) {
        return SignatureErrc::invalidPkcs11Uri;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const char c = uri[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) {
            return SignatureErrc::invalidPkcs11Uri;
        }
    }
    uri.remove_prefix(kScheme.size());
    const auto question = uri.find('?');
    const std::string_view path = uri.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : uri.substr(question + 1);
    Pkcs11Uri out;
    std::optional<std::string> ignored;
    const bool pathOk =
        forEachAttribute(path, ';', [&](std::string_view name, std::string_view value) {
            if (name == "token") {
                return assign(out.token, value);
            }
            if (name == "manufacturer") {
                return assign(out.manufacturer, value);
            }
            if (name == "serial") {
                return assign(out.serial, value);
            }
            if (name == "model") {
                return assign(out.model, value);
            }
            if (name == "object") {
                return assign(out.object, value);
            }
            if (name == "id") {
                return assign(out.id, value);
            }
            if (name == "type") {
                if (!assign(out.type, value)) {
                    return false;
                }
                return *out.type == "private" || *out.type == "cert" || *out.type == "public";
            }
            if (name.rfind("library-", 0) == 0 || name.rfind("slot-", 0) == 0 ||
                name.find('-') != std::string_view::npos) {
                ignored.reset();
                return assign(ignored,
                              value); // known or vendor attributes this loader does not use
            }
            return false;
        });
    const bool queryOk =
        forEachAttribute(query, '&', [&](std::string_view name, std::string_view value) {
            if (name == "pin-value") {
                return assign(out.pinValue, value);
            }
            if (name == "module-path") {
                return assign(out.modulePath, value);
            }
            ignored.reset();
            return assign(ignored, value); // pin-source, module-name, vendor query attributes
        });
    if (!pathOk || !queryOk) {
        return SignatureErrc::invalidPkcs11Uri;
    }
    return out;
}

boost::system::result<SigningIdentity> SigningIdentity::fromPkcs11(std::string_view uriText,
                                                                   std::string_view pin,
                                                                   const Pkcs11Options& options) {
    auto uri = parsePkcs11Uri(uriText);
    if (!uri) {
        return uri.error();
    }
    const std::string modulePath = resolveModulePath(options, uri->modulePath);
    if (modulePath.empty()) {
        return SignatureErrc::pkcs11ModuleUnavailable;
    }
    auto module = loadModule(modulePath);
    if (!module) {
        return module.error();
    }
    auto session = std::make_shared<TokenSession>();
    session->module = *module;
    if (PKCS11_enumerate_slots(session->module->ctx, &session->slots, &session->slotCount) != 0) {
        ERR_clear_error();
        return SignatureErrc::pkcs11TokenNotFound;
    }
    PKCS11_SLOT* slot = nullptr;
    for (unsigned int i = 0; i < session->slotCount && slot == nullptr; ++i) {
        const PKCS11_TOKEN* token = session->slots[i].token;
        if (token != nullptr && token->initialized != 0 && matches(uri->token, token->label) &&
            matches(uri->manufacturer, token->manufacturer) &&
            matches(uri->serial, token->serialnr) && matches(uri->model, token->model)) {
            slot = &session->slots[i];
        }
    }
    if (slot == nullptr) {
        return SignatureErrc::pkcs11TokenNotFound;
    }
    const std::string pinText(pin.empty() && uri->pinValue ? std::string_view(*uri->pinValue)
                                                           : pin);
    if (PKCS11_login(slot, 0, pinText.c_str()) != 0) {
        ERR_clear_error();
        return SignatureErrc::pkcs11LoginFailed;
    }
    PKCS11_KEY* keys = nullptr;
    unsigned int keyCount = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &keyCount) != 0) {
        ERR_clear_error();
        return SignatureErrc::pkcs11KeyNotFound;
    }
    PKCS11_KEY* key = nullptr;
    for (unsigned int i = 0; i < keyCount && key == nullptr; ++i) {
        if (matches(uri->object, keys[i].label) && matchesId(uri->id, keys[i].id, keys[i].id_len)) {
            key = &keys[i];
        }
    }
    if (key == nullptr) {
        return SignatureErrc::pkcs11KeyNotFound;
    }
    PKCS11_CERT* certs = nullptr;
    unsigned int certCount = 0;
    if (PKCS11_enumerate_certs(slot->token, &certs, &certCount) != 0) {
        ERR_clear_error();
        return SignatureErrc::pkcs11CertificateNotFound;
    }
    PKCS11_CERT* own = nullptr;
    for (unsigned int i = 0; i < certCount && own == nullptr; ++i) {
        const bool sameId = key->id_len > 0 && certs[i].id_len == key->id_len &&
                            std::equal(key->id, key->id + key->id_len, certs[i].id);
        const bool sameLabel = key->id_len == 0 && key->label != nullptr &&
                               certs[i].label != nullptr &&
                               std::string_view(key->label) == certs[i].label;
        if ((sameId || sameLabel) && certs[i].x509 != nullptr) {
            own = &certs[i];
        }
    }
    if (own == nullptr) {
        return SignatureErrc::pkcs11CertificateNotFound;
    }
    auto impl = std::make_unique<Impl>();
    impl->tokenSession = session;
    impl->key.reset(PKCS11_get_private_key(key));
    if (!impl->key) {
        ERR_clear_error();
        return SignatureErrc::pkcs11KeyNotFound;
    }
    impl->certificate.reset(X509_dup(own->x509));
    for (unsigned int i = 0; i < certCount; ++i) {
        if (&certs[i] != own && certs[i].x509 != nullptr) {
            impl->chain.push_back(X509_dup(certs[i].x509));
        }
    }
    return Impl::make(std::move(impl));
}

} // namespace tc::prescriptions
