/**
 * Signaling glue between our RTCPeerConnection and a BrowserPeer in Chromium: offer/answer in
 * either direction and trickled candidates both ways. Candidates are held until the receiving
 * side has a remote description (Chromium loses candidates added before it, DESIGN.md).
 */
import type { RTCPeerConnection } from '@rtcstack/webrtc';
import type { BrowserPeer, PageEvent } from './page-helper.ts';

interface CandidateJson {
  candidate?: string;
  sdpMid?: string | null;
}

export class BrowserLink {
  private toBrowser: CandidateJson[] = [];
  private toOurs: CandidateJson[] = [];
  private browserReady = false;
  private oursReady = false;

  constructor(
    readonly ours: RTCPeerConnection,
    readonly browser: BrowserPeer,
    /** Munge Chromium's offers/answers to list a=rtcp-fb:<pt> nack for its audio codecs. */
    readonly browserNack = false,
  ) {
    ours.addEventListener('icecandidate', (e) => {
      const c = (e as Event & { candidate: { toJSON(): CandidateJson } | null }).candidate;
      if (!c) return;
      const j = c.toJSON();
      if (!j.candidate) return;
      if (this.browserReady) void this.browser.addCandidate(j.candidate, j.sdpMid ?? '0').catch(() => undefined);
      else this.toBrowser.push(j);
    });
    const prev = browser.onEvent;
    browser.onEvent = (e: PageEvent) => {
      prev?.(e);
      if (e.type !== 'candidate' || !e.candidate) return;
      const j = { candidate: e.candidate, sdpMid: e.sdpMid ?? '0' };
      if (this.oursReady) void this.ours.addIceCandidate(j).catch(() => undefined);
      else this.toOurs.push(j);
    };
  }

  private async flush(): Promise<void> {
    if (this.browserReady) {
      for (const j of this.toBrowser.splice(0)) if (j.candidate) await this.browser.addCandidate(j.candidate, j.sdpMid ?? '0');
    }
    if (this.oursReady) {
      for (const j of this.toOurs.splice(0)) await this.ours.addIceCandidate(j);
    }
  }

  /** One offer/answer exchange; `offerer` says who creates the offer (and so who is ICE-controlling). */
  async negotiate(offerer: 'ours' | 'browser', options: { iceRestart?: boolean } = {}): Promise<void> {
    if (offerer === 'ours') {
      await this.ours.setLocalDescription(await this.ours.createOffer(options));
      const answer = await this.browser.answer(this.ours.localDescription!.sdp, this.browserNack);
      this.browserReady = true;
      await this.ours.setRemoteDescription({ type: 'answer', sdp: answer });
      this.oursReady = true;
    } else {
      const offer = await this.browser.offer(options, this.browserNack);
      await this.ours.setRemoteDescription({ type: 'offer', sdp: offer });
      this.oursReady = true;
      await this.ours.setLocalDescription(await this.ours.createAnswer());
      await this.browser.setAnswer(this.ours.localDescription!.sdp);
      this.browserReady = true;
    }
    await this.flush();
  }
}
