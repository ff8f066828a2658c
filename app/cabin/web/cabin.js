// The browser cabin: the cabin side of the rendezvous protocol (protocol/README.md, sections 4 to
// 13) in a kiosk browser, and its media as the SDP answerer. Served by telecabine-cabin --web,
// which hands it a browser cabin token on GET /config (app/cabin/README.md, "The browser cabin").
// Plain JavaScript, no framework, no external resource (the page's CSP allows none).
//
// Query: ?auto=1 checks in the first patient by itself, answers the stethoscope requests after
// 1 s and declares the cabin clean (tests, demos); ?steth=none sends no stethoscope track.
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const AUTO = params.get('auto') === '1';
  const STETH_NONE = params.get('steth') === 'none';
  const REQUEST_TIMEOUT_MS = 10000;

  const SITES = {
    aortic: 'foyer aortique',
    pulmonary: 'foyer pulmonaire',
    tricuspid: 'foyer tricuspide',
    mitral: 'foyer mitral',
    lung_right_upper: 'poumon droit, haut',
    lung_left_upper: 'poumon gauche, haut',
    lung_right_lower: 'poumon droit, bas',
    lung_left_lower: 'poumon gauche, bas',
    lung_right_posterior: 'poumon droit, postérieur',
    lung_left_posterior: 'poumon gauche, postérieur',
  };
  const REFUSALS = {
    underage: 'patient de moins de 14 ans : la téléconsultation en cabine n’est pas possible',
    guardian_required: 'un patient de 14 à 17 ans doit être accompagné de son représentant légal',
    consent_missing: 'le consentement du patient n’est pas enregistré',
    invalid_identity: 'l’identité du patient est invalide',
    duplicate_visit: 'cette arrivée est déjà enregistrée',
  };
  const STATE_TEXT = {
    connecting: 'Connexion au service…',
    ready: 'Cabine prête : enregistrez l’arrivée du patient',
    waiting: 'Patient en attente d’un médecin',
    in_session: 'En consultation',
    ended: 'Consultation terminée : désinfection de la cabine',
  };

  const $ = (id) => document.getElementById(id);
  const ui = {};

  // For tests: the state, a log, and a summary of the peer connection's statistics.
  const api = { state: 'connecting', log: [], sessionId: null, request: null, stats: summarizeStats };
  window.telecabine = api;

  function log(line) {
    const entry = new Date().toISOString().slice(11, 23) + ' ' + line;
    api.log.push(entry);
    if (api.log.length > 1000) api.log.shift();
    console.log('cabin: ' + line);
  }

  function showMessage(text) {
    const item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString('fr-FR') + ' — ' + text;
    ui.messages.prepend(item);
  }

  function setState(state, detail) {
    api.state = state;
    ui.state.dataset.state = state;
    ui.state.textContent = STATE_TEXT[state] + (detail ? ' ' + detail : '');
    ui.checkin.hidden = state !== 'ready';
    ui.cleaning.hidden = state !== 'ended';
    log('state ' + state + (detail ? ' ' + detail : ''));
  }

  // ---- The service link: envelope, requests, heartbeats, reconnection with resume. ----
  const link = {
    ws: null, nextId: 1, pending: new Map(), resumeToken: null, heartbeatMs: 10000,
    lastReceived: 0, lastPing: 0, timer: null, attempt: 0, config: null,
  };

  async function fetchConfig() {
    const response = await fetch('/config', { cache: 'no-store' });
    const body = await response.json();
    if (!response.ok) {
      throw new Error((body.service_code || body.code) + ': ' + (body.detail || body.message));
    }
    return body;
  }

  async function connect() {
    let config;
    try {
      config = await fetchConfig();
    } catch (e) {
      log('no token: ' + e.message);
      setState('connecting', '(service indisponible : ' + e.message + ')');
      scheduleReconnect();
      return;
    }
    if (!link.config) onFirstConfig(config);
    link.config = config;
    const ws = new WebSocket(config.browser_url + '?token=' + encodeURIComponent(config.token));
    link.ws = ws;
    link.lastReceived = Date.now();
    ws.onmessage = (event) => { if (ws === link.ws) onFrame(event.data); };
    ws.onclose = (event) => { if (ws === link.ws) onClosed(event); };
  }

  function scheduleReconnect() {
    // 250 ms doubling to 15 s, ± 20 %: the reference client's backoff (section 13).
    const delay = Math.min(250 * 2 ** link.attempt, 15000) * (0.8 + 0.4 * Math.random());
    link.attempt += 1;
    setTimeout(connect, delay);
  }

  function onClosed(event) {
    log('connection closed (' + event.code + ')');
    link.ws = null;
    clearInterval(link.timer);
    for (const [, pending] of link.pending) pending.reject({ code: 'connection_lost' });
    link.pending.clear();
    if (api.state !== 'in_session') setState('connecting', '(reconnexion)');
    else showMessage('Connexion au service perdue : reconnexion…');
    scheduleReconnect();
  }

  function send(frame) {
    if (!link.ws || link.ws.readyState !== WebSocket.OPEN) return false;
    link.ws.send(JSON.stringify(frame));
    return true;
  }

  function request(type, body) {
    return new Promise((resolve, reject) => {
      const id = 'r-' + link.nextId++;
      if (!send({ v: 1, type, id, body })) {
        reject({ code: 'not_connected' });
        return;
      }
      const timer = setTimeout(() => {
        link.pending.delete(id);
        reject({ code: 'timeout' });
      }, REQUEST_TIMEOUT_MS);
      link.pending.set(id, {
        resolve: (b) => { clearTimeout(timer); resolve(b); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }

  function onFrame(text) {
    link.lastReceived = Date.now();
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      log('a frame that is not JSON');
      return;
    }
    const body = frame.body || {};
    if ((frame.type === 'result' || frame.type === 'error') && frame.id) {
      const pending = link.pending.get(frame.id);
      link.pending.delete(frame.id);
      if (pending) (frame.type === 'result' ? pending.resolve : pending.reject)(body);
      return;
    }
    switch (frame.type) {
      case 'welcome': onWelcome(body); break;
      case 'error': log('service error ' + body.code + ': ' + (body.detail || body.message)); break;
      case 'visit.claimed': onClaimed(body); break;
      case 'session.offer': inSession(body, () => answerOffer(body)); break;
      case 'session.message': onSessionMessage(body); break;
      case 'session.ended': if (session && body.session_id === session.id) endSession(body.reason); break;
      case 'session.peer_status': onPeerStatus(body); break;
      default: log('event not handled: ' + frame.type);
    }
  }

  async function onWelcome(body) {
    link.attempt = 0;
    link.heartbeatMs = body.heartbeat_interval_ms || 10000;
    clearInterval(link.timer);
    link.lastPing = Date.now();
    link.timer = setInterval(heartbeat, 1000);
    if (link.resumeToken) {
      try {
        const resumed = await request('resume', { token: link.resumeToken });
        onResumed(resumed.sessions || []);
        return;
      } catch (e) {
        log('resume refused: ' + e.code);
      }
    }
    link.resumeToken = body.resume_token; // a secret: memory only, never logged
    freshStart();
  }

  function heartbeat() {
    const now = Date.now();
    if (now - link.lastReceived > 3 * link.heartbeatMs) {
      log('no message for ' + (now - link.lastReceived) + ' ms: reconnecting');
      const ws = link.ws;
      onClosed({ code: 'idle' });
      if (ws) ws.close();
      return;
    }
    if (now - link.lastPing >= link.heartbeatMs) {
      link.lastPing = now;
      request('ping', {}).catch((e) => log('ping: ' + e.code));
    }
  }

  function onResumed(sessions) {
    log('resumed');
    if (session && !sessions.includes(session.id)) {
      endSession('ended while the cabin was away');
      return;
    }
    if (session) {
      setState('in_session', 'avec ' + session.doctorName);
      resendSignals();
    } else if (current) {
      setState('waiting');
    } else if (api.state !== 'ended') {
      setState('ready');
    }
  }

  // A new party: what the old one held is gone (or soon will be).
  async function freshStart() {
    if (session) closeSession('the previous connection is gone');
    try {
      await request('cabin.ready', {});
    } catch (e) {
      log('cabin.ready refused: ' + e.code);
    }
    const again = current;
    current = null;
    if (again) {
      checkIn(again.index, again.body); // under a new visit id: the old party may still hold it
    } else if (AUTO && !checkedInOnce) {
      checkIn(0);
    } else if (api.state !== 'ended') {
      setState('ready');
    }
  }

  // ---- Check-in. ----
  let current = null; // {index, body, visitId}: the patient waiting
  let checkedInOnce = false;
  let nextAuto = 0;

  function onFirstConfig(config) {
    ui.site.textContent = config.name + ' (' + config.site + ')';
    (config.patients || []).forEach((patient, index) => {
      const option = document.createElement('option');
      option.value = String(index);
      option.textContent = patient.age + ' ans — ' + patient.reason;
      ui.patient.append(option);
    });
    updateCheckinButton();
  }

  function uniqueVisitId(base) {
    // Unique over time, as the event log wants it (section 11): the script's id and a stamp.
    const stamp = '-w' + Date.now().toString(36);
    return base.slice(0, 64 - stamp.length) + stamp;
  }

  async function checkIn(index, template) {
    const patients = (link.config && link.config.patients) || [];
    const base = template || patients[index];
    if (!base) {
      log('no patient to check in');
      setState('ready');
      return;
    }
    checkedInOnce = true;
    const body = JSON.parse(JSON.stringify(base));
    body.visit_id = uniqueVisitId(base.visit_id || 'V-' + link.config.site);
    body.consent = Object.assign({}, body.consent);
    if (!AUTO) body.consent.recorded = true; // the operator ticked the consent box
    body.consent.recorded_at_ms = Date.now();
    try {
      const result = await request('visit.checkin', body);
      current = { index, body: base, visitId: result.visit_id };
      log('checked in ' + result.visit_id + (result.offered ? ' (offered)' : ''));
      if (!session) setState('waiting');
    } catch (e) {
      log('check-in refused: ' + e.code + (e.detail ? ' (' + e.detail + ')' : ''));
      showMessage('Arrivée refusée : ' + (REFUSALS[e.code] || e.code));
      if (!session) setState('ready');
    }
  }

  function updateCheckinButton() {
    ui.checkinButton.disabled = !ui.consent.checked || ui.patient.options.length === 0;
  }

  // ---- Media: the room camera and voice, and the stethoscope on its own track. ----
  const media = { camera: null, voice: null, steth: null };

  async function startMedia() {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: 1280, height: 720, frameRate: 30 },
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      media.camera = stream.getVideoTracks()[0] || null;
      media.voice = stream.getAudioTracks()[0] || null;
      ui.ownVideo.srcObject = new MediaStream(media.camera ? [media.camera] : []);
    } catch (e) {
      log('camera and microphone unavailable: ' + e.name + ' ' + e.message);
      showMessage('Caméra ou micro indisponible : ' + e.message);
    }
    const inputs = (await navigator.mediaDevices.enumerateDevices())
      .filter((d) => d.kind === 'audioinput');
    ui.steth.textContent = '';
    if (STETH_NONE) {
      ui.steth.append(new Option('aucun (steth=none)', ''));
      ui.steth.disabled = true;
      log('no stethoscope (steth=none)');
      return;
    }
    inputs.forEach((d, i) => ui.steth.append(new Option(d.label || 'entrée ' + (i + 1), d.deviceId)));
    // The stethoscope is its own device: one that says so, else another input than the voice's
    // (Chromium gives two tracks of one device the same processing, the voice's).
    const voice = media.voice ? media.voice.getSettings() : {};
    const others = inputs.filter((d) => d.deviceId !== 'default' && d.deviceId !== voice.deviceId &&
                                        d.groupId !== voice.groupId);
    const chosen = inputs.find((d) => /steth/i.test(d.label)) || others[0] || inputs[0];
    if (chosen) ui.steth.value = chosen.deviceId;
    await openStethoscope(chosen ? chosen.deviceId : '');
  }

  async function openStethoscope(deviceId) {
    try {
      // Processing off: echo cancellation, noise suppression and gain control erase heart and
      // lung sounds. "music" puts Chromium's Opus in its audio (not VoIP) mode.
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          deviceId: deviceId ? { exact: deviceId } : undefined,
          echoCancellation: false, noiseSuppression: false, autoGainControl: false,
          channelCount: 1, sampleRate: 48000,
        },
      });
      if (media.steth) media.steth.stop();
      media.steth = stream.getAudioTracks()[0];
      media.steth.contentHint = 'music';
      log('stethoscope: ' + media.steth.label + ' ' + JSON.stringify(media.steth.getSettings()));
      if (session && session.pc) {
        const t = transceiverOf('steth');
        if (t) {
          await t.sender.replaceTrack(media.steth);
          sendMessage('media.tracks', tracksPayload());
        }
      }
    } catch (e) {
      log('stethoscope unavailable: ' + e.name + ' ' + e.message);
      showMessage('Stéthoscope indisponible : ' + e.message);
    }
  }

  function tracksPayload() {
    const payload = { voice: { mid: 'voice' }, camera: { mid: 'video' } };
    if (media.steth && !STETH_NONE) payload.stethoscope = { mid: 'steth', track_id: media.steth.id };
    return payload;
  }

  // ---- The session: the doctor's offer, our answer, trickle ICE, restarts. ----
  let session = null;

  function onClaimed(body) {
    if (session) closeSession('a new claim');
    session = {
      id: body.session_id, visitId: body.visit_id, doctorName: body.doctor_name,
      iceServers: (body.ice_servers || []).map((s) => ({
        urls: s.urls, username: s.username, credential: s.credential,
      })),
      pc: null, queue: Promise.resolve(), remoteOffer: null, localUfrag: null, remoteUfrag: null,
      generation: 0, signalsOpen: false, heldSignals: [], sentSignals: [], remoteEnded: new Set(),
      endSent: new Set(),
    };
    api.sessionId = session.id;
    current = null;
    ui.doctorName.textContent = body.doctor_name;
    setState('in_session', 'avec ' + body.doctor_name);
  }

  // Session work runs one step at a time, in arrival order.
  function inSession(body, work) {
    if (!session || body.session_id !== session.id) {
      log('message for another session ignored: ' + body.session_id);
      return;
    }
    const s = session;
    s.queue = s.queue.then(() => (session === s ? work() : null)).catch((e) => {
      log('session step failed: ' + (e && e.message ? e.message : JSON.stringify(e)));
    });
  }

  function transceiverOf(mid) {
    return session && session.pc ? session.pc.getTransceivers().find((t) => t.mid === mid) : null;
  }

  function attributeOf(sdp, name) {
    const match = sdp.match(new RegExp('a=' + name + ':(\\S+)'));
    return match ? match[1] : null;
  }

  function createPeerConnection() {
    const pc = new RTCPeerConnection({
      iceServers: session.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require',
    });
    const s = session;
    pc.onicecandidate = (event) => { if (session === s) onLocalCandidate(event.candidate); };
    pc.ontrack = (event) => {
      const stream = new MediaStream([event.track]);
      if (event.track.kind === 'video') {
        ui.doctorVideo.srcObject = stream;
      } else if (event.transceiver.mid === 'voice') {
        ui.doctorAudio.srcObject = stream;
        ui.doctorAudio.play().catch((e) => log('doctor audio: ' + e.message));
      }
      log('receiving ' + event.track.kind + ' on ' + event.transceiver.mid);
    };
    pc.onconnectionstatechange = () => log('media ' + pc.connectionState);
    return pc;
  }

  async function configureTransceivers() {
    for (const t of session.pc.getTransceivers()) {
      if (t.currentDirection === 'stopped' || t.stopped) continue; // rejected in the offer
      if (t.mid === 'steth' && media.steth && !STETH_NONE) {
        t.direction = 'sendonly';
        await t.sender.replaceTrack(media.steth);
        const opus = RTCRtpReceiver.getCapabilities('audio').codecs
          .filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
        if (opus.length && t.setCodecPreferences) t.setCodecPreferences(opus);
      } else if (t.mid === 'voice') {
        t.direction = 'sendrecv';
        await t.sender.replaceTrack(media.voice);
      } else if (t.mid === 'video') {
        t.direction = 'sendrecv';
        await t.sender.replaceTrack(media.camera);
      } else {
        t.direction = 'inactive'; // instrument cameras and waveforms: this cabin has none
      }
    }
  }

  // The stethoscope at 128 kbit/s or more (the doctor's offer says maxaveragebitrate, cbr and no
  // DTX; the sender must not cap it lower).
  async function applySendParameters() {
    const t = transceiverOf('steth');
    if (!t || !t.sender.track) return;
    const parameters = t.sender.getParameters();
    if (!parameters.encodings || !parameters.encodings.length) return;
    // As much as the doctor's offer allows (its maxaveragebitrate), never under 128 kbit/s.
    const offered = /a=mid:steth[\s\S]*?maxaveragebitrate=(\d+)/.exec(
      (session && session.pc && session.pc.remoteDescription && session.pc.remoteDescription.sdp) || '');
    parameters.encodings[0].maxBitrate = Math.max(128000, offered ? Number(offered[1]) : 128000);
    parameters.encodings[0].priority = 'high';
    parameters.encodings[0].networkPriority = 'high';
    await t.sender.setParameters(parameters);
  }

  // The doctor's offer with only Opus (and its RTX) left in the stethoscope section. Chromium
  // sends with the first format of the offer that it supports, whatever its answer lists (its
  // sender's parameters show L16 when the offer puts L16 first): the page sends the stethoscope
  // in Opus fullband, so it applies the offer without the other formats. The answer, and what
  // the doctor sees, are the same m-lines with Opus only.
  function stethoscopeOpusOnly(sdp) {
    const sections = sdp.split(/\r\n(?=m=)/);
    return sections.map((section) => {
      if (!/\r\na=mid:steth(\r\n|$)/.test(section)) return section;
      const lines = section.split('\r\n');
      const kept = new Set();
      for (const line of lines) {
        const opus = line.match(/^a=rtpmap:(\d+) opus\/48000/i);
        if (opus) kept.add(opus[1]);
      }
      if (!kept.size) return section;
      for (const line of lines) {
        const rtx = line.match(/^a=fmtp:(\d+) apt=(\d+)$/);
        if (rtx && kept.has(rtx[2])) kept.add(rtx[1]);
      }
      return lines.filter((line) => {
        const format = line.match(/^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/);
        return !format || kept.has(format[1]);
      }).map((line) => {
        if (!line.startsWith('m=')) return line;
        const words = line.split(' ');
        return words.slice(0, 3).concat(words.slice(3).filter((pt) => kept.has(pt))).join(' ');
      }).join('\r\n');
    }).join('\r\n');
  }

  // The console writes the bundle's transport (ICE credentials, DTLS fingerprint and role) in the
  // first media section only (protocol/README.md, section 17). Chromium rejects the video
  // sections of such an offer (port 0 in its answer): each section gets the first one's
  // transport lines, which BUNDLE says they share anyway.
  function withBundledTransport(sdp) {
    const sections = sdp.split(/\r\n(?=m=)/);
    if (sections.length < 3) return sdp;
    const shared = sections[1].split('\r\n')
      .filter((line) => /^a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup):/.test(line));
    return sections.map((section, index) => {
      if (index < 2 || /\r\na=ice-ufrag:/.test(section)) return section;
      const lines = section.split('\r\n');
      return [lines[0]].concat(shared, lines.slice(1)).join('\r\n');
    }).join('\r\n');
  }

  async function answerOffer(body) {
    const first = !session.pc;
    if (first) session.pc = createPeerConnection();
    const pc = session.pc;
    session.remoteOffer = withBundledTransport(stethoscopeOpusOnly(body.sdp));
    session.remoteUfrag = attributeOf(body.sdp, 'ice-ufrag');
    await pc.setRemoteDescription({ type: 'offer', sdp: session.remoteOffer });
    await configureTransceivers();
    await pc.setLocalDescription(await pc.createAnswer());
    session.localUfrag = attributeOf(pc.localDescription.sdp, 'ice-ufrag');
    // The console reads a description's candidates and needs one (sdp_transport.cpp): the answer
    // goes out once it holds a candidate (host ones come in milliseconds; at most 2 s), the rest
    // trickle.
    const deadline = Date.now() + 2000;
    while (!/\na=candidate:/.test(pc.localDescription.sdp) && pc.iceGatheringState !== 'complete' &&
           Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await request('session.answer', {
      session_id: session.id, sdp_type: 'answer', sdp: pc.localDescription.sdp,
    });
    log('answered the offer');
    openSignals();
    try {
      await applySendParameters();
    } catch (e) {
      log('stethoscope parameters: ' + e.message);
    }
    await sendMessage('media.tracks', tracksPayload());
    if (first) showMessage('Le médecin ' + session.doctorName + ' a rejoint la consultation.');
  }

  // Our ICE signals go out only after the answer (or the restart) they belong to.
  function onLocalCandidate(candidate) {
    if (!candidate || !candidate.candidate) {
      const ufrag = session.localUfrag;
      if (ufrag && !session.endSent.has(ufrag)) {
        session.endSent.add(ufrag);
        signal('ice.end_of_candidates', { ufrag });
      }
      return;
    }
    const text = candidate.candidate;
    // The console takes UDP candidates with an address: not TCP ones, not mDNS names.
    if (!/ udp /i.test(text) || /\.local /.test(text)) {
      log('candidate not sent: ' + text);
      return;
    }
    signal('ice.candidate', { ufrag: candidate.usernameFragment || session.localUfrag, candidate: text });
  }

  function signal(kind, payload) {
    if (!session.signalsOpen) {
      session.heldSignals.push([kind, payload]);
      return;
    }
    session.sentSignals.push([kind, payload]);
    sendMessage(kind, payload);
  }

  function openSignals() {
    session.signalsOpen = true;
    const held = session.heldSignals;
    session.heldSignals = [];
    for (const [kind, payload] of held) signal(kind, payload);
  }

  // What the doctor may have missed while one side was away (section 13: nothing is replayed).
  function resendSignals() {
    for (const [kind, payload] of session.sentSignals) sendMessage(kind, payload);
  }

  function sendMessage(kind, payload) {
    if (!session) return Promise.resolve();
    return request('session.message', { session_id: session.id, kind, payload })
      .catch((e) => log(kind + ' not relayed: ' + e.code + (e.detail ? ' (' + e.detail + ')' : '')));
  }

  async function addRemoteCandidate(payload) {
    if (!payload || payload.ufrag !== session.remoteUfrag || !session.pc) {
      log('candidate of another ICE generation dropped');
      return;
    }
    const sdpMid = session.pc.getTransceivers()[0].mid; // everything is bundled on the first
    await session.pc.addIceCandidate({ candidate: payload.candidate, sdpMid, usernameFragment: payload.ufrag });
  }

  async function endOfRemoteCandidates(payload) {
    if (!payload || payload.ufrag !== session.remoteUfrag || !session.pc) return;
    const sdpMid = session.pc.getTransceivers()[0].mid;
    await session.pc.addIceCandidate({ candidate: '', sdpMid, usernameFragment: payload.ufrag });
  }

  // The doctor restarted ICE (new credentials, the DTLS association kept): we restart too, by
  // applying its offer again with the new credentials, and answer with ours (protocol/README.md,
  // "Trickle ICE and restarts"). The page never starts a restart itself: the answerer cannot
  // without a new offer, and the console restarts on a lost path.
  async function restartIce(payload) {
    if (!payload || !(payload.generation > session.generation) || !session.pc) {
      log('ICE restart ignored (generation ' + (payload && payload.generation) + ')');
      return;
    }
    session.generation = payload.generation;
    let sdp = session.remoteOffer
      .replace(/a=ice-ufrag:[^\r\n]*/g, 'a=ice-ufrag:' + payload.ufrag)
      .replace(/a=ice-pwd:[^\r\n]*/g, 'a=ice-pwd:' + payload.pwd)
      .replace(/a=(candidate|end-of-candidates)[^\r\n]*\r?\n/g, '')
      .replace(/^(o=\S+ \S+ )(\d+)/m, (m, head, version) => head + (BigInt(version) + 1n));
    session.remoteOffer = sdp;
    session.remoteUfrag = payload.ufrag;
    session.signalsOpen = false;
    session.sentSignals = [];
    await session.pc.setRemoteDescription({ type: 'offer', sdp });
    await session.pc.setLocalDescription(await session.pc.createAnswer());
    const local = session.pc.localDescription.sdp;
    session.localUfrag = attributeOf(local, 'ice-ufrag');
    const restart = { generation: payload.generation, ufrag: session.localUfrag, pwd: attributeOf(local, 'ice-pwd') };
    session.sentSignals.push(['ice.restart', restart]);
    await sendMessage('ice.restart', restart);
    log('ICE restarted (generation ' + payload.generation + ')');
    openSignals();
  }

  function onSessionMessage(body) {
    const payload = body.payload;
    switch (body.kind) {
      case 'ice.candidate': inSession(body, () => addRemoteCandidate(payload)); break;
      case 'ice.end_of_candidates': inSession(body, () => endOfRemoteCandidates(payload)); break;
      case 'ice.restart': inSession(body, () => restartIce(payload)); break;
      case 'stethoscope.site_request': inSession(body, () => siteRequest(payload)); break;
      case 'instrument.request':
        // No instrument camera in a browser cabin: refused, as the reference cabin refuses one
        // it does not have.
        inSession(body, () => acknowledge('instrument.ack', payload, 'unknown_instrument'));
        showMessage('Le médecin demande un instrument que cette cabine n’a pas.');
        break;
      case 'vitals.measure_request':
        inSession(body, () => acknowledge('vitals.measure_ack', payload, 'unknown_measurement'));
        showMessage('Le médecin demande une mesure : pas d’appareil de mesure dans cette cabine.');
        break;
      case 'document.offer':
      case 'document.chunk':
      case 'document.print':
        inSession(body, () => refuseDocument(body.kind, payload));
        break;
      case 'chat.text':
        showMessage('Médecin : ' + (payload && payload.text));
        break;
      case 'media.refused':
        // The console could not use our media (protocol/README.md, media.refused): it ends the
        // session; the reason goes to the screen and the log.
        log('media refused: ' + (payload && payload.code) + ' (' + (payload && payload.detail) + ')');
        showMessage('Le poste du médecin refuse le média de la cabine (' + (payload && payload.code) + ').');
        break;
      default:
        log('message not handled: ' + body.kind);
    }
  }

  function acknowledge(kind, request, reason) {
    const payload = { request: request, acknowledged: !reason };
    if (reason) payload.reason = reason;
    return sendMessage(kind, payload);
  }

  function siteRequest(payload) {
    const site = payload && typeof payload.site === 'string' ? payload.site : null;
    if (!site || !SITES[site]) {
      log('stethoscope site not understood: ' + JSON.stringify(payload));
      return acknowledge('stethoscope.site_ack', payload, 'unknown_site');
    }
    const text = 'Placez le stéthoscope : ' + SITES[site];
    api.request = { site, text };
    ui.requestText.textContent = text;
    ui.request.hidden = false;
    const s = session;
    const done = () => {
      if (api.request && api.request.site === site && session === s) {
        api.request = null;
        ui.request.hidden = true;
        acknowledge('stethoscope.site_ack', payload, null);
        log('stethoscope placed at ' + site);
      }
    };
    ui.requestAck.onclick = done;
    if (AUTO) setTimeout(done, 1000);
    return null;
  }

  // A prescription to print: this cabin has no printer. Each transfer gets a typed status
  // (failed, no_printer), as the protocol has a cabin without a printer answer.
  const refusedTransfers = new Set();
  function canonicalTransferId(text) {
    if (typeof text !== 'string') return null;
    const symbols = text.replace(/-/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
    if (!/^[0-9A-HJKMNP-TV-Z]{27}[0-9A-HJKMNP-TV-Z*~$=U]$/.test(symbols)) return null;
    return symbols.match(/.{4}/g).join('-');
  }

  function refuseDocument(kind, payload) {
    const id = canonicalTransferId(payload && payload.transfer_id);
    if (!id) {
      log(kind + ' without a valid transfer id: ' + JSON.stringify(payload).slice(0, 200));
      showMessage('Document reçu illisible.');
      return null;
    }
    if (kind === 'document.chunk' && refusedTransfers.has(id)) return null; // already answered
    if (!refusedTransfers.has(id)) {
      showMessage('Le médecin envoie un document à imprimer : cette cabine n’a pas d’imprimante.');
    }
    refusedTransfers.add(id);
    const status = {
      transfer_id: id, state: 'failed', received_chunks: 0, reason: 'no_printer',
      text: 'pas d’imprimante dans cette cabine : le document n’est pas imprimé',
    };
    if (Number.isInteger(payload.seq)) status.ack_seq = payload.seq;
    return sendMessage('document.status', status);
  }

  function onPeerStatus(body) {
    if (!session || body.session_id !== session.id) return;
    showMessage(body.connected ? 'Le médecin est reconnecté.' : 'Connexion du médecin perdue…');
    if (body.connected) resendSignals();
  }

  function closeSession(reason) {
    if (!session) return;
    log('session ' + session.id + ' closed: ' + reason);
    if (session.pc) session.pc.close();
    session = null;
    api.sessionId = null;
    api.request = null;
    ui.request.hidden = true;
    ui.doctorVideo.srcObject = null;
    ui.doctorAudio.srcObject = null;
  }

  function endSession(reason) {
    const ended = session.id;
    closeSession(reason);
    setState('ended');
    showMessage('Consultation terminée (' + reason + ').');
    ui.survey.textContent = '';
    for (let score = 1; score <= 5; score++) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = String(score);
      button.onclick = () => {
        ui.survey.textContent = 'Merci !';
        request('survey.answer', { session_id: ended, satisfaction: score })
          .catch((e) => log('survey: ' + e.code));
      };
      ui.survey.append(button);
    }
    if (AUTO) setTimeout(declareReady, 1000);
  }

  // After the disinfection: the cabin's waiting visits may be offered again.
  async function declareReady() {
    try {
      await request('cabin.ready', {});
      setState('ready');
      if (AUTO) {
        nextAuto += 1;
        checkIn(nextAuto % link.config.patients.length);
      }
    } catch (e) {
      log('cabin.ready refused: ' + e.code);
      showMessage('La cabine n’a pas pu se déclarer prête : ' + e.code);
    }
  }

  async function summarizeStats() {
    if (!session || !session.pc) return null;
    const report = await session.pc.getStats();
    const byId = new Map();
    report.forEach((s) => byId.set(s.id, s));
    const out = { connectionState: session.pc.connectionState, codecs: {}, inboundVideo: {}, outboundAudio: {}, transport: null, pair: null };
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' || s.type === 'outbound-rtp') {
        const codec = byId.get(s.codecId);
        const side = s.type === 'outbound-rtp' ? 'send' : 'receive';
        if (codec) {
          out.codecs[s.mid] = out.codecs[s.mid] || {};
          out.codecs[s.mid][side] = { mimeType: codec.mimeType, clockRate: codec.clockRate, channels: codec.channels, sdpFmtpLine: codec.sdpFmtpLine || '' };
        }
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          out.inboundVideo[s.mid] = { framesReceived: s.framesReceived || 0, framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth, frameHeight: s.frameHeight };
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') {
          out.outboundAudio[s.mid] = { bytesSent: s.bytesSent || 0, packetsSent: s.packetsSent || 0, targetBitrate: s.targetBitrate };
        }
      } else if (s.type === 'transport') {
        out.transport = { dtlsState: s.dtlsState, iceState: s.iceState };
        const pair = byId.get(s.selectedCandidatePairId);
        if (pair) {
          const local = byId.get(pair.localCandidateId) || {};
          const remote = byId.get(pair.remoteCandidateId) || {};
          out.pair = { state: pair.state, local: local.candidateType, remote: remote.candidateType, protocol: local.protocol };
        }
      }
    });
    return out;
  }

  async function start() {
    ui.state = $('state');
    ui.site = $('site-name');
    ui.request = $('request');
    ui.requestText = $('request-text');
    ui.requestAck = $('request-ack');
    ui.doctorVideo = $('doctor-video');
    ui.doctorAudio = $('doctor-audio');
    ui.doctorName = $('doctor-name');
    ui.ownVideo = $('own-video');
    ui.checkin = $('checkin');
    ui.patient = $('patient');
    ui.consent = $('consent');
    ui.steth = $('steth-input');
    ui.checkinButton = $('checkin-button');
    ui.cleaning = $('cleaning');
    ui.survey = $('survey');
    ui.messages = $('messages');
    ui.consent.onchange = updateCheckinButton;
    ui.checkinButton.onclick = () => {
      ui.consent.checked = false;
      updateCheckinButton();
      checkIn(Number(ui.patient.value));
    };
    ui.steth.onchange = () => openStethoscope(ui.steth.value);
    $('ready-button').onclick = declareReady;
    setState('connecting');
    await startMedia();
    connect();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
