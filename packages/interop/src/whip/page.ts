/**
 * The demo page: call our Node peer through the WHIP-style endpoint, chat over a data channel
 * (our peer echoes), hear our tone, and watch both sides' state changes. Plain browser JS.
 */
export const DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtcstack: call our peer</title>
<style>
 body { font: 15px system-ui, sans-serif; margin: 2em; max-width: 60em; }
 .cols { display: flex; gap: 2em; } .cols > div { flex: 1; }
 ul { list-style: none; padding: 0; font-family: ui-monospace, monospace; font-size: 13px; }
 li[data-who="page"]::before { content: "browser  "; color: #06c; }
 li[data-who="rtcstack"]::before { content: "rtcstack "; color: #a50; }
 #chat li[data-who="me"]::before { content: "you: "; color: #06c; }
 #chat li[data-who="rtcstack"]::before { content: "rtcstack: "; }
</style></head>
<body>
<h1>Call the rtcstack peer</h1>
<p>The page offers audio (your microphone if allowed) and a data channel, POSTs the offer to
<code>/whip</code> (Content-Type application/sdp) and applies the 201 answer; <b>Hang up</b>
DELETEs the session. Our peer plays a tone and echoes what you type.</p>
<button id="call">Call</button> <button id="hangup" disabled>Hang up</button>
<audio id="remote" autoplay controls></audio>
<div class="cols">
 <div><h2>States</h2><ul id="states"></ul></div>
 <div><h2>Chat</h2><form id="form"><input id="msg" autocomplete="off" placeholder="say something" disabled> <button id="send" disabled>Send</button></form><ul id="chat"></ul></div>
</div>
<script>
const $ = (id) => document.getElementById(id);
let pc, dc, session, events;
const line = (list, who, text) => { const li = document.createElement('li'); li.dataset.who = who; li.textContent = text; $(list).appendChild(li); };
const state = (who, what, value) => line('states', who, what + ': ' + value);
const gathered = () => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  setTimeout(resolve, 3000);
});
$('call').onclick = async () => {
  $('call').disabled = true;
  pc = new RTCPeerConnection();
  pc.onsignalingstatechange = () => state('page', 'signaling', pc.signalingState);
  pc.onicegatheringstatechange = () => state('page', 'ice-gathering', pc.iceGatheringState);
  pc.oniceconnectionstatechange = () => state('page', 'ice', pc.iceConnectionState);
  pc.onconnectionstatechange = () => state('page', 'connection', pc.connectionState);
  pc.ontrack = (e) => {
    $('remote').srcObject = e.streams[0] || new MediaStream([e.track]);
    $('remote').play().catch(() => {});
    state('page', 'track', 'remote ' + e.track.kind + ' (our tone)');
  };
  let mic;
  try { mic = await navigator.mediaDevices.getUserMedia({ audio: true }); } catch (e) { state('page', 'microphone', 'not available: receive only'); }
  if (mic) for (const t of mic.getAudioTracks()) pc.addTrack(t, mic);
  else pc.addTransceiver('audio', { direction: 'recvonly' });
  dc = pc.createDataChannel('chat');
  dc.onopen = () => { state('page', 'datachannel', 'open'); $('msg').disabled = $('send').disabled = false; };
  dc.onclose = () => { state('page', 'datachannel', 'closed'); $('msg').disabled = $('send').disabled = true; };
  dc.onmessage = (e) => line('chat', 'rtcstack', String(e.data));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered();
  const r = await fetch('/whip', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (r.status !== 201) { state('page', 'whip', 'POST failed: ' + r.status + ' ' + await r.text()); return; }
  session = r.headers.get('Location');
  state('page', 'whip', '201 Created, session ' + session);
  events = new EventSource(session + '/events');
  events.onmessage = (e) => { const ev = JSON.parse(e.data); state('rtcstack', ev.what, ev.value); };
  await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
  $('hangup').disabled = false;
};
$('hangup').onclick = async () => {
  $('hangup').disabled = true;
  if (session) { const r = await fetch(session, { method: 'DELETE' }); state('page', 'whip', 'DELETE ' + r.status); }
  events?.close();
  pc?.close();
  state('page', 'connection', 'closed (hung up)');
  $('call').disabled = false;
};
$('form').onsubmit = (e) => {
  e.preventDefault();
  const text = $('msg').value;
  if (!text || !dc || dc.readyState !== 'open') return;
  dc.send(text);
  line('chat', 'me', text);
  $('msg').value = '';
};
</script>
</body></html>
`;
