/**
 * `npm run demo:browser`: an HTTP server on 127.0.0.1 with a page that calls our Node peer
 * (data-channel chat with an echo, our G.711 tone, both sides' states), and a WHIP-style
 * (RFC 9725) endpoint any WebRTC client can POST an offer to.
 *
 *   npm run demo:browser -- [--port 8080] [--peer-address 127.0.0.1]
 */
import { startWhipServer } from '../whip/index.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const port = Number(arg('--port') ?? 8080);
const peer = arg('--peer-address') ?? '127.0.0.1';

const s = await startWhipServer({ port, hostAddresses: [peer], log: (l) => console.log(l) });
console.log(`rtcstack browser demo
  open the page:   ${s.origin}/
  WHIP endpoint:   ${s.endpoint}   (POST Content-Type: application/sdp -> 201 + Location; DELETE it to hang up)
  our peer gathers on ${peer}. A browser must be allowed to reach it: on this machine, Chromium
  offers 127.0.0.1 candidates only with --allow-loopback-in-peer-connection; otherwise use
  --peer-address <this machine's LAN address>. Ctrl-C to stop.`);
const stop = async () => {
  await s.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
