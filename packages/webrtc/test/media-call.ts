import { seededRandom } from '@rtcstack/common';
import { isRtcp } from '@rtcstack/rtp-rtcp';
import { driveCore, Network, type LinkConfig } from '@rtcstack/test-support';
import { AudioReceiver, AudioSender, type AudioFrame, type AudioReceiverOptions, type AudioSenderOptions } from '../src/media/index.ts';

export const ALICE_SSRC = 0x11223344;
export const BOB_SSRC = 0x55667788;

export interface CallOptions {
  readonly seed?: number;
  /** Settings of both directions of the alice <-> bob link. */
  readonly link?: Partial<LinkConfig>;
  readonly sender?: Partial<AudioSenderOptions>;
  readonly receiver?: Partial<AudioReceiverOptions>;
}

/**
 * Alice sends audio to Bob over the simulated network: Alice's socket carries her RTP/SR out and
 * Bob's RTCP (RR, NACK, PLI, FIR) in; Bob's socket carries RTP/SR in (told apart as RFC 5761 §4
 * does) and his RTCP out. No SRTP here: the cores see plain RTP, as after unprotect.
 */
export function audioCall(o: CallOptions = {}) {
  const net = new Network({ seed: o.seed ?? 1, defaultLink: { delayMs: 20, ...o.link } });
  const aliceSock = net.addHost('alice', '10.0.0.1').bind(5000);
  const bobSock = net.addHost('bob', '10.0.0.2').bind(5002);
  const sender = new AudioSender({
    ssrc: ALICE_SSRC,
    payloadType: 0,
    cname: 'alice@example.test',
    random: seededRandom(100 + (o.seed ?? 1)),
    unixMsAtZero: 1_700_000_000_000,
    ...o.sender,
  });
  const receiver = new AudioReceiver({
    localSsrc: BOB_SSRC,
    payloadTypes: { 0: 'PCMU', 8: 'PCMA', 111: 'opaque' },
    cname: 'bob@example.test',
    random: seededRandom(200 + (o.seed ?? 1)),
    ...o.receiver,
  });
  const frames: AudioFrame[] = [];
  /** Virtual time each frame came out of the receiver. */
  const frameTimes: number[] = [];
  const aliceRtcpIn: Uint8Array[] = [];
  const bobRtcpIn: Uint8Array[] = [];
  const aliceDriver = driveCore(net, aliceSock, {
    onDatagram: (now, data) => {
      aliceRtcpIn.push(data);
      sender.handleRtcp(now, data);
    },
    flush: (send) => {
      for (let out = sender.pollOutput(); out; out = sender.pollOutput()) send(out.data, bobSock.local);
    },
    nextTimeout: () => sender.nextTimeout(),
    handleTimeout: (now) => sender.handleTimeout(now),
  });
  const bobDriver = driveCore(net, bobSock, {
    onDatagram: (now, data) => {
      if (isRtcp(data)) {
        bobRtcpIn.push(data);
        receiver.handleRtcp(now, data);
      } else receiver.handleRtp(now, data);
    },
    flush: (send) => {
      for (let out = receiver.pollOutput(); out; out = receiver.pollOutput()) {
        if (out.type === 'rtcp') send(out.data, aliceSock.local);
        else {
          frames.push(out);
          frameTimes.push(net.now);
        }
      }
    },
    nextTimeout: () => receiver.nextTimeout(),
    handleTimeout: (now) => receiver.handleTimeout(now),
  });
  return { net, sender, receiver, frames, frameTimes, aliceSock, bobSock, aliceRtcpIn, bobRtcpIn, aliceDriver, bobDriver };
}
