#pragma once
// telecabine-bench browser-call: the page a Chromium doctor runs (a test harness standing in for
// a browser doctor app, not a product page). It decodes and displays the cabin's room camera in a
// <video>, plays the stethoscope and the voice in <audio> elements, and sends a camera and a
// voice from Chromium's fake capture devices. The benchmark drives it over DevTools:
//   tcStart(iceServers)  -> {offer, mids: [steth, voice, video]} once ICE gathering is complete
//   tcAnswer(sdp), tcCandidate(candidate, ufrag), tcCandidates() (trickled since the offer)
//   tcStats()            -> states, codecs, frames decoded and the audio received
//   tcLatency(ms)        -> for that long, each displayed frame's stamp (media/video_frame_code:
//                           16x8 cells of 16 px from (16,16) at 720p, magic 0xB5, counter,
//                           capture time in us, CRC-24) read back from a canvas, with the
//                           frame's expected display time (requestVideoFrameCallback)

namespace tc::bench {

inline constexpr const char* kBrowserDoctorPage = R"html(<!doctype html>
<html><head><meta charset="utf-8"><title>telecabine-bench browser doctor</title></head>
<body style="margin:0;background:#000">
<video id="room" autoplay playsinline style="width:1280px;height:720px"></video>
<audio id="steth" autoplay></audio><audio id="voice" autoplay></audio>
<script>
"use strict";
let pc = null, trickled = [], sent = 0;
const tx = {};

async function tcStart(iceServers) {
  const local = await navigator.mediaDevices.getUserMedia({
    audio: {echoCancellation: true, noiseSuppression: true, autoGainControl: true},
    video: {width: 1280, height: 720, frameRate: 30}});
  pc = new RTCPeerConnection({iceServers, bundlePolicy: "max-bundle", rtcpMuxPolicy: "require"});
  pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) trickled.push(e.candidate.candidate); };
  tx.steth = pc.addTransceiver("audio", {direction: "recvonly"});
  tx.voice = pc.addTransceiver(local.getAudioTracks()[0], {direction: "sendrecv", streams: [local]});
  // Sent at 640x360 like the console's camera (app/src/camera_controller.cpp), from the 720p
  // capture, and kept at that size: a like-for-like encode on both doctors.
  tx.video = pc.addTransceiver(local.getVideoTracks()[0], {direction: "sendrecv", streams: [local],
      sendEncodings: [{scaleResolutionDownBy: 2, maxFramerate: 30}]});
  // Opus for both audio sections, VP8 (and its RTX) for the camera: what the cabin sends.
  const audio = RTCRtpReceiver.getCapabilities("audio").codecs.filter((c) => c.mimeType === "audio/opus");
  tx.steth.setCodecPreferences(audio);
  tx.voice.setCodecPreferences(audio);
  const video = RTCRtpReceiver.getCapabilities("video").codecs.filter(
      (c) => c.mimeType === "video/VP8" || c.mimeType === "video/rtx");
  tx.video.setCodecPreferences(video);
  const show = (element, transceiver) => {
    element.srcObject = new MediaStream([transceiver.receiver.track]);
    element.play().catch((e) => console.log("play " + element.id + ": " + e));
  };
  show(document.getElementById("room"), tx.video);
  show(document.getElementById("steth"), tx.steth);
  show(document.getElementById("voice"), tx.voice);
  await pc.setLocalDescription(await pc.createOffer());
  const parameters = tx.video.sender.getParameters();
  parameters.degradationPreference = "maintain-resolution";
  await tx.video.sender.setParameters(parameters);
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve();
    });
    setTimeout(resolve, 10000); // whatever was gathered by then; the rest trickles
  });
  sent = trickled.length;
  return {offer: pc.localDescription.sdp, mids: [tx.steth.mid, tx.voice.mid, tx.video.mid]};
}

async function tcAnswer(sdp) {
  await pc.setRemoteDescription({type: "answer", sdp});
  return true;
}

async function tcCandidate(candidate, ufrag) {
  await pc.addIceCandidate({candidate, sdpMid: tx.steth.mid, sdpMLineIndex: 0, usernameFragment: ufrag});
  return true;
}

function tcCandidates() {
  const fresh = trickled.slice(sent);
  sent = trickled.length;
  return fresh;
}

async function tcStats() {
  const out = {connection: pc.connectionState, ice: pc.iceConnectionState, dtls: null,
               codecs: {}, video: null, audio: {}, sentVideo: null};
  const report = await pc.getStats();
  const codecs = {};
  report.forEach((s) => { if (s.type === "codec") codecs[s.id] = s.mimeType + "/" + s.clockRate; });
  report.forEach((s) => {
    if (s.type === "transport") out.dtls = s.dtlsState;
    if (s.type === "inbound-rtp" && s.kind === "video") {
      out.video = {framesDecoded: s.framesDecoded, framesReceived: s.framesReceived,
                   framesDropped: s.framesDropped, width: s.frameWidth, height: s.frameHeight,
                   fps: s.framesPerSecond, decoder: s.decoderImplementation,
                   packetsLost: s.packetsLost, bytes: s.bytesReceived};
      out.codecs[s.mid] = codecs[s.codecId];
    }
    if (s.type === "inbound-rtp" && s.kind === "audio") {
      out.audio[s.mid] = {packets: s.packetsReceived, lost: s.packetsLost, ssrc: s.ssrc};
      out.codecs[s.mid] = codecs[s.codecId];
    }
    if (s.type === "outbound-rtp" && s.kind === "video") {
      out.sentVideo = {framesEncoded: s.framesEncoded, width: s.frameWidth, height: s.frameHeight,
                       encoder: s.encoderImplementation, fps: s.framesPerSecond,
                       limitation: s.qualityLimitationReason, bytes: s.bytesSent};
    }
  });
  return out;
}

function crc24(bytes) {
  let crc = 0xB704CE;
  for (const b of bytes) {
    crc ^= b << 16;
    for (let i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x864CFB;
    }
  }
  return crc & 0xFFFFFF;
}

// The stamp of the frame on the canvas, or null (no magic, bad CRC).
function readStamp(context) {
  const pixels = context.getImageData(0, 0, 256, 128).data;
  const bytes = new Array(16).fill(0);
  for (let bit = 0; bit < 128; ++bit) {
    const x0 = (bit % 16) * 16 + 4, y0 = Math.floor(bit / 16) * 16 + 4;
    let sum = 0;
    for (let y = y0; y < y0 + 8; ++y) {
      for (let x = x0; x < x0 + 8; ++x) {
        const i = (y * 256 + x) * 4;
        sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
      }
    }
    if (sum / (64 * 3) > 127.5) bytes[bit >> 3] |= 1 << (7 - (bit & 7));
  }
  if (bytes[0] !== 0xB5 || ((bytes[13] << 16) | (bytes[14] << 8) | bytes[15]) !== crc24(bytes.slice(0, 13))) {
    return null;
  }
  let us = 0n;
  for (let i = 5; i < 13; ++i) us = (us << 8n) | BigInt(bytes[i]);
  return {counter: ((bytes[1] << 24) >>> 0) + (bytes[2] << 16) + (bytes[3] << 8) + bytes[4],
          captureUs: Number(us)};
}

function tcLatency(ms) {
  const video = document.getElementById("room");
  const canvas = document.createElement("canvas");
  canvas.width = 256;
  canvas.height = 128;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  const frames = [];
  let unread = 0;
  return new Promise((resolve) => {
    const end = performance.now() + ms;
    const onFrame = (now, meta) => {
      // The code's 256x128 pixels from (16,16) of the frame being displayed.
      context.drawImage(video, 16, 16, 256, 128, 0, 0, 256, 128);
      const stamp = readStamp(context);
      if (stamp) {
        frames.push({counter: stamp.counter, captureUs: stamp.captureUs,
                     expectedDisplayTime: meta.expectedDisplayTime,
                     presentationTime: meta.presentationTime});
      } else {
        ++unread;
      }
      if (performance.now() < end) video.requestVideoFrameCallback(onFrame);
      else resolve({frames, unread, width: video.videoWidth, height: video.videoHeight});
    };
    video.requestVideoFrameCallback(onFrame);
  });
}
</script></body></html>
)html";

} // namespace tc::bench
