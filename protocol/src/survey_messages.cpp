// survey.answer's JSON (messages.hpp): the patient's satisfaction after a consultation.
#include "json_reader.hpp"
#include "tc/protocol/messages.hpp"

namespace tc::protocol {

using detail::JsonReader;
using nlohmann::json;

json toJson(const SurveyAnswer& v) {
    return json{{"session_id", v.sessionId}, {"satisfaction", v.satisfaction}};
}

template <> Parsed<SurveyAnswer> fromJson<SurveyAnswer>(const json& body) {
    JsonReader r(body, "body");
    SurveyAnswer v;
    detail::readSessionId(r, v.sessionId);
    r.integer("satisfaction", v.satisfaction, kMinSatisfaction, kMaxSatisfaction);
    if (auto error = r.finish()) {
        return *error;
    }
    return v;
}

} // namespace tc::protocol
