/**
 * A WHIP-style (RFC 9725) HTTP endpoint in front of our RTCPeerConnection, plus the demo page.
 *
 *   GET    /                      the demo page (call, chat, tone, both sides' states)
 *   OPTIONS /whip                 204, Accept-Post: application/sdp
 *   POST   /whip                  body = SDP offer, Content-Type application/sdp
 *                                 -> 201 Created, body = SDP answer with our candidates (non-trickle),
 *                                    Location: /whip/<id>  (the session resource, §4.2)
 *   DELETE /whip/<id>             hang up (§4.3) -> 200
 *   GET    /whip/<id>/events      our side's state changes as server-sent events (demo extra)
 *
 * Trickle ICE over PATCH (§4.3.1) and ICE restarts are not offered: 405 for PATCH.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DEMO_PAGE } from './page.ts';
import { WhipSession, type WhipSessionOptions } from './session.ts';

export interface WhipServerOptions extends WhipSessionOptions {
  /** Listen address (default 127.0.0.1) and port (default 0: any). */
  readonly host?: string;
  readonly port?: number;
  /** Called with one line per notable event (the CLI prints them). */
  readonly log?: (line: string) => void;
  /** Largest accepted offer, bytes. */
  readonly maxBody?: number;
}

export interface WhipServer {
  readonly server: Server;
  /** e.g. http://127.0.0.1:8080 */
  readonly origin: string;
  /** e.g. http://127.0.0.1:8080/whip */
  readonly endpoint: string;
  readonly sessions: ReadonlyMap<string, WhipSession>;
  close(): Promise<void>;
}

const SDP = 'application/sdp';

function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (b: Buffer) => {
      n += b.length;
      if (n > max) {
        resolve(undefined);
        req.destroy();
        return;
      }
      parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWhipServer(o: WhipServerOptions = {}): Promise<WhipServer> {
  const sessions = new Map<string, WhipSession>();
  const log = o.log ?? (() => undefined);
  const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(DEMO_PAGE);
      return;
    }
    if (path === '/whip') {
      if (req.method === 'OPTIONS') return text(res, 204, '', { 'Accept-Post': SDP });
      if (req.method !== 'POST') return text(res, 405, 'POST an SDP offer here', { Allow: 'POST, OPTIONS' });
      // RFC 9725 §4.2: the offer is application/sdp; anything else is refused.
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== SDP) return text(res, 415, `Content-Type must be ${SDP}`, { 'Accept-Post': SDP });
      const offer = await readBody(req, o.maxBody ?? 64 * 1024);
      if (offer === undefined) return text(res, 413, 'offer too large');
      if (!/^v=0\r?\n/.test(offer)) return text(res, 400, 'not an SDP offer');
      const id = randomBytes(9).toString('base64url');
      const session = new WhipSession(id, o);
      sessions.set(id, session);
      session.subscribe((e) => log(`[${id}] ${e.what}: ${e.value}`));
      try {
        const answer = await session.answer(offer);
        log(`[${id}] answered an offer of ${offer.length} bytes`);
        res.writeHead(201, { 'Content-Type': SDP, Location: `/whip/${id}` });
        res.end(answer);
      } catch (e) {
        session.close();
        sessions.delete(id);
        text(res, 400, `cannot answer this offer: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    const m = /^\/whip\/([A-Za-z0-9_-]+)(\/events)?$/.exec(path);
    const session = m ? sessions.get(m[1]) : undefined;
    if (!m || !session) return text(res, 404, 'no such session');
    if (m[2]) {
      if (req.method !== 'GET') return text(res, 405, 'GET only', { Allow: 'GET' });
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      const send = (e: { t: number; what: string; value: string }) => res.write(`data: ${JSON.stringify(e)}\n\n`);
      for (const e of session.events) send(e);
      const off = session.subscribe(send);
      req.on('close', off);
      return;
    }
    if (req.method === 'DELETE') {
      session.close();
      sessions.delete(m[1]);
      return text(res, 200, 'hung up');
    }
    if (req.method === 'PATCH') return text(res, 405, 'trickle ICE and ICE restart are not supported', { Allow: 'DELETE' });
    return text(res, 405, 'DELETE to hang up', { Allow: 'DELETE' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) text(res, 500, e instanceof Error ? e.message : String(e));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const a = server.address() as AddressInfo;
  const origin = `http://${a.address}:${a.port}`;
  return {
    server,
    origin,
    endpoint: `${origin}/whip`,
    sessions,
    async close() {
      for (const s of sessions.values()) s.close();
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
