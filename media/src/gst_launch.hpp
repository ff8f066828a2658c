#pragma once
// A pipeline from a gst-launch description whose appsink is named "out", with its new-sample
// callback set: what the microphone and camera captures share. Private to tc::media.

#include <boost/system/result.hpp>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string>

namespace tc::media::detail {

using NewSample = GstFlowReturn (*)(GstAppSink*, gpointer);

// The parsed pipeline (owned by the caller, not yet started), or missingElements when the
// description does not parse or has no appsink "out".
boost::system::result<GstElement*> launchWithAppSink(const std::string& description,
                                                     NewSample onSample, gpointer user);

} // namespace tc::media::detail
