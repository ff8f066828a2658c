// checkFhirDocument: the structure of a FHIR R4 document as telecabine writes it, every problem
// located by a JSON pointer.
#include "json_reader.hpp"
#include "record_json.hpp"
#include "tc/prescriptions/fhir.hpp"
#include "tc/prescriptions/fhir_document.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace tc::prescriptions {
namespace {

using detail::pointerAppend;
using nlohmann::json;

constexpr std::array kInsSystems{InsSystem::nir, InsSystem::nia, InsSystem::testNir,
                                 InsSystem::testNia};

bool nonEmptyString(const json& object, std::string_view key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

bool isUuidUrn(const std::string& url) {
    if (!url.starts_with("urn:uuid:") || url.size() != 9 + 36) {
        return false;
    }
    for (std::size_t i = 9; i < url.size(); ++i) {
        const char c = url[i];
        const bool dash = i - 9 == 8 || i - 9 == 13 || i - 9 == 18 || i - 9 == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

bool hasCoding(const json& codeable, std::string_view system, std::string_view code) {
    if (!codeable.is_object() || !codeable.contains("coding") || !codeable["coding"].is_array()) {
        return false;
    }
    return std::any_of(codeable["coding"].begin(), codeable["coding"].end(), [&](const json& c) {
        return c.is_object() && c.value("system", "") == system && c.value("code", "") == code;
    });
}

class Checker {
public:
    explicit Checker(std::vector<FhirProblem>& out)
        : m_out(out) {}

    void add(FhirErrc code, std::string path, std::string detail) {
        FhirProblem problem;
        problem.code = make_error_code(code);
        problem.detail = std::move(detail);
        problem.path = std::move(path);
        m_out.push_back(std::move(problem));
    }
    void require(const json& object, std::string_view key, const std::string& path) {
        const auto it = object.find(key);
        const bool present = it != object.end() && !it->is_null() &&
                             !(it->is_string() && it->get_ref<const std::string&>().empty()) &&
                             !((it->is_array() || it->is_object()) && it->empty());
        if (!present) {
            add(FhirErrc::missingElement, pointerAppend(path, key), std::string(key) + " missing");
        }
    }

    // fullUrl -> resourceType
    std::map<std::string, std::string> types;

    // Every literal reference below `value` must name an entry.
    void references(const json& value, const std::string& path) {
        if (value.is_object()) {
            for (auto it = value.begin(); it != value.end(); ++it) {
                const auto at = pointerAppend(path, it.key());
                if (it.key() == "reference" && it->is_string()) {
                    if (!types.contains(it->get<std::string>())) {
                        add(FhirErrc::danglingReference, at,
                            "\"" + it->get<std::string>() + "\" is not an entry's fullUrl");
                    }
                } else {
                    references(*it, at);
                }
            }
        } else if (value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                references(value[i], pointerAppend(path, i));
            }
        }
    }

    // `object[key]` is a reference to a resource of type `type` (when it resolves at all).
    void target(const json& object, std::string_view key, const std::string& path,
                std::string_view type) {
        require(object, key, path);
        const auto it = object.find(key);
        if (it == object.end()) {
            return;
        }
        const auto check = [&](const json& reference, const std::string& at) {
            if (!reference.is_object() || !nonEmptyString(reference, "reference")) {
                add(FhirErrc::missingElement, at, "a literal reference is expected");
                return;
            }
            const auto found = types.find(reference["reference"].get<std::string>());
            if (found != types.end() && found->second != type) {
                add(FhirErrc::wrongTarget, pointerAppend(at, "reference"),
                    "refers to a " + found->second + ", not a " + std::string(type));
            }
        };
        if (it->is_array()) {
            for (std::size_t i = 0; i < it->size(); ++i) {
                check((*it)[i], pointerAppend(pointerAppend(path, key), i));
            }
        } else {
            check(*it, pointerAppend(path, key));
        }
    }

    void composition(const json& c, const std::string& path) {
        require(c, "status", path);
        require(c, "date", path);
        require(c, "title", path);
        if (!hasCoding(c.value("type", json()), kLoincSystem, "11488-4")) {
            add(FhirErrc::wrongCode, pointerAppend(path, "type"),
                "expected LOINC 11488-4 (Consult note)");
        }
        target(c, "subject", path, "Patient");
        target(c, "encounter", path, "Encounter");
        target(c, "author", path, "Practitioner");
        require(c, "section", path);
        if (!c.contains("section") || !c["section"].is_array()) {
            return;
        }
        for (std::size_t i = 0; i < c["section"].size(); ++i) {
            const auto& s = c["section"][i];
            const auto at = pointerAppend(pointerAppend(path, "section"), i);
            require(s, "title", at);
            const bool text =
                s.contains("text") && s["text"].is_object() && nonEmptyString(s["text"], "div");
            const bool entries =
                s.contains("entry") && s["entry"].is_array() && !s["entry"].empty();
            if (!text && !entries) {
                add(FhirErrc::missingElement, at, "a section needs a narrative or entries");
            }
            if (!entries) {
                continue;
            }
            for (std::size_t k = 0; k < s["entry"].size(); ++k) {
                const auto& e = s["entry"][k];
                const bool literal = e.is_object() && nonEmptyString(e, "reference");
                const bool logical = e.is_object() && e.contains("identifier") &&
                                     e["identifier"].is_object() &&
                                     nonEmptyString(e["identifier"], "system") &&
                                     nonEmptyString(e["identifier"], "value");
                if (!literal && !logical) {
                    add(FhirErrc::missingElement, pointerAppend(pointerAppend(at, "entry"), k),
                        "a reference or an identifier with its system");
                }
            }
        }
    }

    void encounter(const json& e, const std::string& path) {
        require(e, "status", path);
        const auto& c = e.value("class", json());
        if (!c.is_object() || c.value("system", "") != kActCodeSystem ||
            c.value("code", "") != "VR") {
            add(FhirErrc::wrongCode, pointerAppend(path, "class"),
                "expected VR from " + std::string(kActCodeSystem));
        }
        target(e, "subject", path, "Patient");
    }

    void patient(const json& p, const std::string& path) {
        require(p, "name", path);
        require(p, "birthDate", path);
        require(p, "gender", path);
        std::string status;
        for (const auto& extension : p.value("extension", json::array())) {
            if (extension.value("url", "") != kIdentityReliabilityUrl) {
                continue;
            }
            for (const auto& sub : extension.value("extension", json::array())) {
                if (sub.value("url", "") == "identityStatus" && sub.contains("valueCoding") &&
                    sub["valueCoding"].value("system", "") == kIdentityStatusSystem) {
                    status = sub["valueCoding"].value("code", "");
                }
            }
        }
        if (status.empty()) {
            add(FhirErrc::missingElement, pointerAppend(path, "extension"),
                "the identity's status (fr-core-identity-reliability)");
        }
        bool hasIns = false;
        const auto identifiers = p.value("identifier", json::array());
        for (std::size_t i = 0; i < identifiers.size(); ++i) {
            const auto& id = identifiers[i];
            const auto system = id.value("system", "");
            const bool known = std::any_of(kInsSystems.begin(), kInsSystems.end(),
                                           [&](InsSystem s) { return insFhirSystem(s) == system; });
            const json codings = id.contains("type") && id["type"].is_object()
                                     ? id["type"].value("coding", json::array())
                                     : json::array();
            const bool typedIns =
                codings.is_array() &&
                std::any_of(codings.begin(), codings.end(), [](const json& c) {
                    return c.is_object() && c.value("code", "").starts_with("INS-");
                });
            if (!known && !typedIns) {
                continue;
            }
            hasIns = true;
            const auto at = pointerAppend(pointerAppend(path, "identifier"), i);
            const auto value = id.value("value", "");
            const bool shape =
                value.size() == 15 && std::all_of(value.begin(), value.end(), [](char c) {
                    return (c >= '0' && c <= '9') || c == 'A' || c == 'B';
                });
            if (!known || !shape) {
                add(FhirErrc::malformedIns, at,
                    "an INS system (urn:oid:1.2.250.1.213.1.4.8 to .11) "
                    "and 15 characters");
            }
        }
        if (status == "QUAL" && !hasIns) {
            add(FhirErrc::missingIns, pointerAppend(path, "identifier"),
                "a qualified identity carries its INS");
        }
        if (!status.empty() && status != "QUAL" && hasIns) {
            add(FhirErrc::insNotAllowed, pointerAppend(path, "identifier"),
                "the INS is conveyed for a qualified identity only");
        }
    }

    void observation(const json& o, const std::string& path) {
        require(o, "status", path);
        target(o, "subject", path, "Patient");
        bool loinc = false;
        const auto& code = o.value("code", json());
        for (const auto& c : code.value("coding", json::array())) {
            loinc = loinc || (c.value("system", "") == kLoincSystem &&
                              detail::isLoincCode(c.value("code", "")));
        }
        if (!loinc) {
            add(FhirErrc::wrongCode, pointerAppend(path, "code"), "a LOINC code is expected");
        }
        const auto& quantity = o.value("valueQuantity", json());
        if (!quantity.is_object() || !quantity.contains("value") ||
            !quantity["value"].is_number()) {
            add(FhirErrc::missingElement, pointerAppend(path, "valueQuantity"),
                "a valueQuantity with its value");
        } else if (quantity.value("system", "") != kUcumSystem ||
                   !nonEmptyString(quantity, "code")) {
            add(FhirErrc::wrongCode, pointerAppend(path, "valueQuantity"),
                "a UCUM unit is expected");
        }
    }

    void media(const json& m, const std::string& path) {
        require(m, "status", path);
        target(m, "subject", path, "Patient");
        const auto& content = m.value("content", json());
        require(content, "contentType", pointerAppend(path, "content"));
        require(content, "url", pointerAppend(path, "content"));
    }

private:
    std::vector<FhirProblem>& m_out;
};

} // namespace

std::vector<FhirProblem> checkFhirDocument(const nlohmann::json& bundle) {
    std::vector<FhirProblem> out;
    Checker check(out);
    if (!bundle.is_object() || bundle.value("resourceType", "") != "Bundle") {
        check.add(FhirErrc::notABundle, "/resourceType", "expected Bundle");
        return out;
    }
    if (bundle.value("type", "") != "document") {
        check.add(FhirErrc::notADocument, "/type", "expected document");
    }
    const auto& identifier = bundle.value("identifier", json());
    if (!identifier.is_object() || !nonEmptyString(identifier, "system") ||
        !nonEmptyString(identifier, "value")) {
        check.add(FhirErrc::missingElement, "/identifier", "a document has an identifier");
    }
    check.require(bundle, "timestamp", "");
    if (!bundle.contains("entry") || !bundle["entry"].is_array() || bundle["entry"].empty()) {
        check.add(FhirErrc::missingElement, "/entry", "a document has entries");
        return out;
    }
    const auto& entries = bundle["entry"];
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto path = pointerAppend("/entry", i);
        const auto& entry = entries[i];
        const auto url = entry.is_object() ? entry.value("fullUrl", "") : std::string();
        if (!isUuidUrn(url)) {
            check.add(FhirErrc::badFullUrl, pointerAppend(path, "fullUrl"), "expected urn:uuid:");
        }
        if (!entry.is_object() || !entry.contains("resource") || !entry["resource"].is_object() ||
            !nonEmptyString(entry["resource"], "resourceType")) {
            check.add(FhirErrc::missingElement, pointerAppend(path, "resource"),
                      "an entry holds a resource");
            continue;
        }
        if (!url.empty() &&
            !check.types.emplace(url, entry["resource"]["resourceType"].get<std::string>())
                 .second) {
            check.add(FhirErrc::badFullUrl, pointerAppend(path, "fullUrl"), "given twice");
        }
    }
    const auto firstType = entries[0].is_object() && entries[0].contains("resource") &&
                                   entries[0]["resource"].is_object()
                               ? entries[0]["resource"].value("resourceType", "")
                               : std::string();
    if (firstType != "Composition") {
        check.add(FhirErrc::firstNotComposition, "/entry/0/resource/resourceType",
                  "a document starts with its Composition");
    }
    bool hasEncounter = false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!entries[i].is_object() || !entries[i].contains("resource") ||
            !entries[i]["resource"].is_object()) {
            continue;
        }
        const auto& resource = entries[i]["resource"];
        const auto path = pointerAppend(pointerAppend("/entry", i), "resource");
        check.references(resource, path);
        const auto type = resource.value("resourceType", "");
        if (type == "Composition") {
            check.composition(resource, path);
        } else if (type == "Encounter") {
            hasEncounter = true;
            check.encounter(resource, path);
        } else if (type == "Patient") {
            check.patient(resource, path);
        } else if (type == "Observation") {
            check.observation(resource, path);
        } else if (type == "Media") {
            check.media(resource, path);
        }
    }
    if (!hasEncounter) {
        check.add(FhirErrc::missingElement, "/entry", "no Encounter");
    }
    return out;
}

} // namespace tc::prescriptions
