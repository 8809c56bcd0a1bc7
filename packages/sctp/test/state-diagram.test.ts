import { describe, expect, it } from 'vitest';
import { seededRandom } from '@rtcstack/common';
import { ChunkType, SctpAssociation, decodePacket, encodePacket, type AssociationState } from '../src/index.ts';

/**
 * Every arrow of the association state diagram (RFC 9260 §4), plus the timer and error
 * exits the diagram leaves to §5.1, §5.2.6, §9.1 and §9.2. Each row drives one association into
 * its `from` state by hand, fires one event, and checks the state it lands in and the chunk it
 * sends on the way (the diagram's "/ send X").
 */
class Side {
  readonly states: AssociationState[] = [];
  /** Packets sent and not yet passed on. */
  readonly packets: Uint8Array[] = [];
  /** Chunk types of every packet this side sent, for "/ send X". */
  readonly log: number[] = [];
  constructor(readonly assoc: SctpAssociation) {}
  collect(): void {
    for (let o; (o = this.assoc.pollOutput()); ) {
      if (o.type === 'packet') {
        this.packets.push(o.data);
        this.log.push(...decodePacket(o.data).chunks.map((c) => c.type));
      } else if (o.type === 'state') this.states.push(o.state);
    }
  }
}

interface World {
  a: Side;
  b: Side;
  now: number;
  /** Hand everything `from` sent to `to`, except packets whose first chunk is in `drop`. */
  pass(from: Side, to: Side, drop?: readonly number[]): void;
  tick(ms: number): void;
}

function world(opts: { maxInitRetransmits?: number; maxRetransmits?: number } = {}): World {
  const mk = (seed: number): Side => new Side(new SctpAssociation({ random: seededRandom(seed), rtoInitial: 100, rtoMin: 100, ...opts }));
  const w: World = {
    a: mk(1),
    b: mk(2),
    now: 0,
    pass(from, to, drop = []) {
      from.collect();
      for (const p of from.packets.splice(0)) if (!drop.includes(p[12])) to.assoc.handleInput(w.now, p);
      to.collect();
    },
    tick(ms) {
      const end = w.now + ms;
      while (w.now < end) {
        w.now = Math.min(end, w.now + 10);
        for (const s of [w.a, w.b]) {
          const t = s.assoc.nextTimeout();
          if (t !== undefined && t <= w.now) s.assoc.handleTimeout(w.now);
          s.collect();
        }
      }
    },
  };
  return w;
}

/** a and b ESTABLISHED, all packets exchanged. */
function established(w: World): void {
  w.a.assoc.connect(w.now);
  w.pass(w.a, w.b); // INIT
  w.pass(w.b, w.a); // INIT ACK
  w.pass(w.a, w.b); // COOKIE ECHO
  w.pass(w.b, w.a); // COOKIE ACK
  expect([w.a.assoc.state, w.b.assoc.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
}

/** a in SHUTDOWN-PENDING: one DATA chunk in flight (held back), then the user's SHUTDOWN. */
function shutdownPending(w: World): void {
  established(w);
  w.a.assoc.send(w.now, 0, 53, new Uint8Array(100));
  w.a.collect(); // the DATA packet stays in a.packets until a row passes it on
  w.a.assoc.shutdown(w.now);
}

/** a SHUTDOWN-SENT (b has not seen the SHUTDOWN yet). */
function shutdownSent(w: World): void {
  established(w);
  w.a.assoc.shutdown(w.now);
}

const abortChunk = (vtag: number): Uint8Array =>
  encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: vtag, chunks: [{ type: ChunkType.ABORT, tBit: false, causes: [] }] });

interface Row {
  readonly section: string;
  readonly from: AssociationState;
  readonly event: string;
  readonly to: AssociationState;
  /** The chunk the side under test sends on this transition, if the RFC names one. */
  readonly sends?: number;
  /** States passed through, when more than the one arrow. */
  readonly path?: readonly AssociationState[];
  readonly opts?: { maxInitRetransmits?: number; maxRetransmits?: number };
  /** Bring side `a` or `b` into `from`; return it. */
  readonly reach: (w: World) => Side;
  readonly fire: (w: World, s: Side) => void;
}

const rows: Row[] = [
  { section: '§4, §5.1 A', from: 'CLOSED', event: 'ASSOCIATE', to: 'COOKIE-WAIT', sends: ChunkType.INIT, reach: (w) => w.a, fire: (w) => w.a.assoc.connect(w.now) },
  {
    section: '§4, §5.1 B', from: 'CLOSED', event: 'rcv INIT (no TCB kept)', to: 'CLOSED', sends: ChunkType.INIT_ACK,
    reach: (w) => (w.a.assoc.connect(w.now), w.b),
    fire: (w) => w.pass(w.a, w.b),
  },
  {
    section: '§4, §5.1 D', from: 'CLOSED', event: 'rcv valid COOKIE ECHO', to: 'ESTABLISHED', sends: ChunkType.COOKIE_ACK,
    reach: (w) => (w.a.assoc.connect(w.now), w.pass(w.a, w.b), w.pass(w.b, w.a), w.b),
    fire: (w) => w.pass(w.a, w.b),
  },
  {
    section: '§4, §5.1 C', from: 'COOKIE-WAIT', event: 'rcv INIT ACK', to: 'COOKIE-ECHOED', sends: ChunkType.COOKIE_ECHO,
    reach: (w) => (w.a.assoc.connect(w.now), w.pass(w.a, w.b), w.a),
    fire: (w) => w.pass(w.b, w.a),
  },
  {
    section: '§4, §5.1 (Max.Init.Retransmits)', from: 'COOKIE-WAIT', event: 'T1-init expires too often', to: 'CLOSED', opts: { maxInitRetransmits: 2 },
    reach: (w) => (w.a.assoc.connect(w.now), w.a),
    fire: (w) => w.tick(60_000),
  },
  {
    section: '§4, §5.1 E', from: 'COOKIE-ECHOED', event: 'rcv COOKIE ACK', to: 'ESTABLISHED',
    reach: (w) => (w.a.assoc.connect(w.now), w.pass(w.a, w.b), w.pass(w.b, w.a), w.pass(w.a, w.b), w.a),
    fire: (w) => w.pass(w.b, w.a),
  },
  {
    section: '§4, §5.1 (Max.Init.Retransmits)', from: 'COOKIE-ECHOED', event: 'T1-cookie expires too often', to: 'CLOSED', opts: { maxInitRetransmits: 2 },
    reach: (w) => (w.a.assoc.connect(w.now), w.pass(w.a, w.b), w.pass(w.b, w.a), w.a),
    fire: (w) => w.tick(60_000),
  },
  {
    section: '§5.2.6', from: 'COOKIE-ECHOED', event: 'rcv ERROR (Stale Cookie)', to: 'COOKIE-WAIT', sends: ChunkType.INIT,
    reach: (w) => (w.a.assoc.connect(w.now), w.pass(w.a, w.b), w.pass(w.b, w.a), w.a),
    fire: (w) => {
      w.now += 120_000; // past Valid.Cookie.Life (60 s): b answers the COOKIE ECHO with ERROR
      w.pass(w.a, w.b);
      w.pass(w.b, w.a);
    },
  },
  {
    section: '§4, §9.2', from: 'ESTABLISHED', event: 'SHUTDOWN (user), data outstanding', to: 'SHUTDOWN-PENDING',
    reach: (w) => (established(w), w.a.assoc.send(w.now, 0, 53, new Uint8Array(9)), w.a),
    fire: (w) => w.a.assoc.shutdown(w.now),
  },
  {
    section: '§4, §9.2', from: 'ESTABLISHED', event: 'rcv SHUTDOWN, nothing outstanding', to: 'SHUTDOWN-ACK-SENT', path: ['SHUTDOWN-RECEIVED', 'SHUTDOWN-ACK-SENT'], sends: ChunkType.SHUTDOWN_ACK,
    reach: (w) => (shutdownSent(w), w.b),
    fire: (w) => w.pass(w.a, w.b),
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-PENDING', event: 'no more outstanding', to: 'SHUTDOWN-SENT', sends: ChunkType.SHUTDOWN,
    reach: (w) => (shutdownPending(w), w.a),
    fire: (w) => {
      w.pass(w.a, w.b); // the DATA
      w.tick(300); // b's delayed SACK (§6.2)
      w.pass(w.b, w.a);
    },
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-PENDING', event: 'rcv SHUTDOWN, data still outstanding', to: 'SHUTDOWN-RECEIVED',
    reach: (w) => (shutdownPending(w), w.a),
    fire: (w) => {
      w.b.assoc.shutdown(w.now); // b has nothing outstanding: SHUTDOWN at once
      w.pass(w.b, w.a);
    },
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-RECEIVED', event: 'no more outstanding', to: 'SHUTDOWN-ACK-SENT', sends: ChunkType.SHUTDOWN_ACK,
    reach: (w) => (shutdownPending(w), w.b.assoc.shutdown(w.now), w.pass(w.b, w.a), w.a),
    fire: (w) => {
      w.pass(w.a, w.b); // the DATA reaches b in SHUTDOWN-SENT, which acknowledges it with SHUTDOWN (§9.2)
      w.pass(w.b, w.a);
    },
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-SENT', event: 'rcv SHUTDOWN ACK', to: 'CLOSED', sends: ChunkType.SHUTDOWN_COMPLETE,
    reach: (w) => (shutdownSent(w), w.pass(w.a, w.b), w.a),
    fire: (w) => w.pass(w.b, w.a),
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-SENT', event: 'rcv SHUTDOWN (both shut down at once)', to: 'SHUTDOWN-ACK-SENT', sends: ChunkType.SHUTDOWN_ACK,
    reach: (w) => (established(w), w.a.assoc.shutdown(w.now), w.b.assoc.shutdown(w.now), w.a),
    fire: (w) => w.pass(w.b, w.a),
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-ACK-SENT', event: 'rcv SHUTDOWN COMPLETE', to: 'CLOSED',
    reach: (w) => (shutdownSent(w), w.pass(w.a, w.b), w.b),
    fire: (w) => {
      w.pass(w.b, w.a); // SHUTDOWN ACK; a answers SHUTDOWN COMPLETE
      w.pass(w.a, w.b);
    },
  },
  {
    section: '§4, §9.2', from: 'SHUTDOWN-ACK-SENT', event: 'rcv SHUTDOWN ACK (both shut down at once)', to: 'CLOSED', sends: ChunkType.SHUTDOWN_COMPLETE,
    reach: (w) => {
      established(w);
      w.a.assoc.shutdown(w.now);
      w.b.assoc.shutdown(w.now);
      w.b.collect(); // b's SHUTDOWN in a packet of its own
      w.pass(w.a, w.b); // b: SHUTDOWN-SENT -> SHUTDOWN-ACK-SENT
      w.pass(w.b, w.a, [ChunkType.SHUTDOWN_ACK]); // a gets b's SHUTDOWN only, answers SHUTDOWN ACK
      return w.b;
    },
    fire: (w) => w.pass(w.a, w.b),
  },
  {
    section: '§9.2 (Association.Max.Retrans)', from: 'SHUTDOWN-SENT', event: 'T2-shutdown expires too often', to: 'CLOSED', opts: { maxRetransmits: 2 },
    reach: (w) => (shutdownSent(w), w.a),
    fire: (w) => w.tick(60_000),
  },
  {
    section: '§9.2 (Association.Max.Retrans)', from: 'SHUTDOWN-ACK-SENT', event: 'T2-shutdown expires too often', to: 'CLOSED', opts: { maxRetransmits: 2 },
    reach: (w) => (shutdownSent(w), w.pass(w.a, w.b), w.b),
    fire: (w) => w.tick(60_000),
  },
];

// Every state but CLOSED leaves on ABORT, received or sent (§4: "from any state", §9.1).
const reachEach: [AssociationState, (w: World) => Side][] = [
  ['COOKIE-WAIT', (w) => (w.a.assoc.connect(w.now), w.a)],
  ['COOKIE-ECHOED', (w) => (w.a.assoc.connect(w.now), w.pass(w.a, w.b), w.pass(w.b, w.a), w.a)],
  ['ESTABLISHED', (w) => (established(w), w.a)],
  ['SHUTDOWN-PENDING', (w) => (shutdownPending(w), w.a)],
  ['SHUTDOWN-SENT', (w) => (shutdownSent(w), w.a)],
  ['SHUTDOWN-RECEIVED', (w) => (shutdownPending(w), w.b.assoc.shutdown(w.now), w.pass(w.b, w.a), w.a)],
  ['SHUTDOWN-ACK-SENT', (w) => (shutdownSent(w), w.pass(w.a, w.b), w.b)],
];
for (const [from, reach] of reachEach) {
  rows.push({ section: '§4, §9.1', from, event: 'rcv ABORT', to: 'CLOSED', reach, fire: (w, s) => s.assoc.handleInput(w.now, abortChunk(s.assoc.verificationTags.local)) });
  // In COOKIE-WAIT the peer's tag is not known yet, so there is no one to send an ABORT to.
  rows.push({ section: '§4, §9.1', from, event: 'ABORT (user)', to: 'CLOSED', sends: from === 'COOKIE-WAIT' ? undefined : ChunkType.ABORT, reach, fire: (w, s) => s.assoc.abort(w.now) });
}

describe('RFC 9260 §4 state diagram, arrow by arrow', () => {
  for (const r of rows) {
    it(`${r.from} --${r.event}--> ${r.to} (${r.section})`, () => {
      const w = world(r.opts);
      const s = r.reach(w);
      s.collect();
      expect(s.assoc.state).toBe(r.from);
      const statesBefore = s.states.length;
      s.log.length = 0;
      r.fire(w, s);
      s.collect();
      expect(s.assoc.state).toBe(r.to);
      expect(s.states.slice(statesBefore)).toEqual(r.path ?? (r.from === r.to ? [] : [r.to]));
      if (r.sends !== undefined) expect(s.log).toContain(r.sends);
    });
  }
});
