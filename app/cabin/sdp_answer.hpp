#pragma once
// The cabin's SDP answer (RFC 3264) to a doctor's offer: every media section is accepted with
// the opposite direction. The stethoscope section, the vitals section (x-tc-waveform/1000 and
// its RTX) and each video section keep one format, the
// cabin's choice among those offered (its preference if offered, else the doctor's first), with
// its RTX; the other sections keep what was offered. The media link adds the transport
// attributes.

#include "tc/media/audio_codec.hpp"
#include "tc/media/video_codec.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tc::cabin {

struct AnswerPreferences {
    std::optional<media::AudioEncoding> stethoscope;
    std::optional<media::VideoCodec> video;
};

std::string answerFor(std::string_view offer, const AnswerPreferences& preferences = {});

} // namespace tc::cabin
