#pragma once
// The doctor's camera: a V4L2 webcam (or any GStreamer video source), scaled to the size the
// cabin's screen is sent, as I420 frames on GStreamer's streaming thread. With no camera, a
// test pattern that says so in its pixels ("MIRE DE TEST · pas de caméra"), so that nobody
// takes it for a picture of the doctor. The camera can be turned off: frames stop.

#include "tc/media/video_frame.hpp"

#include <boost/system/result.hpp>
#include <functional>
#include <memory>
#include <string>

namespace tc::media {

struct CameraConfig {
    // "" for the first V4L2 camera if the machine has one, else the labelled test pattern;
    // "test" for the pattern; or a GStreamer source description ("v4l2src device=/dev/video2").
    std::string source;
    int width = 640;
    int height = 360;
    int fps = 30;
    std::function<void(const VideoFrame&)> onFrame; // captureUs on the steady clock
};

class CameraCapture {
public:
    static boost::system::result<std::unique_ptr<CameraCapture>> start(CameraConfig config);
    ~CameraCapture();

    bool testPattern() const;
    // "webcam (v4l2src)", "test pattern", or the given source, for the doctor's screen.
    std::string description() const;
    // Off: no frame goes out (the cabin shows that the doctor's camera is off).
    void setEnabled(bool enabled);
    bool enabled() const;
    std::uint64_t frames() const;

    struct Impl;

private:
    explicit CameraCapture(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace tc::media
