/**
 * Transceivers (W3C webrtc-pc §5): one per m=audio section. Each has a sender (our SSRC, the
 * track we send) and a receiver (the remote track). A MediaStreamTrack-like AudioTrack stands in
 * for the browser's track: the media engine (src/media) generates or consumes its samples.
 */
import type { Direction } from '@rtcstack/sdp';
import type { CodecSpec } from '@rtcstack/sdp';

export type RTCRtpTransceiverDirection = Direction | 'stopped';

let trackCounter = 0;

export class AudioTrack extends EventTarget {
  readonly kind = 'audio' as const;
  readonly id: string;
  readonly label: string;
  enabled = true;
  private _readyState: 'live' | 'ended' = 'live';
  /** For a remote track: samples delivered by the receiver (the media engine pushes here). */
  onsamples: ((samples: Int16Array, level: number) => void) | null = null;
  constructor(label = 'audio', id?: string) {
    super();
    this.id = id ?? `track-${++trackCounter}-${Math.random().toString(36).slice(2, 10)}`;
    this.label = label;
  }
  get readyState(): 'live' | 'ended' {
    return this._readyState;
  }
  stop(): void {
    this._readyState = 'ended';
  }
  /** @internal */
  _end(): void {
    if (this._readyState === 'ended') return;
    this._readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

/** A MediaStream-like grouping (id only; enough for msid and the track event's streams). */
export class MediaStream {
  constructor(
    readonly id: string,
    private readonly tracks: AudioTrack[] = [],
  ) {}
  getTracks(): AudioTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): AudioTrack[] {
    return [...this.tracks];
  }
  /** @internal */
  _add(t: AudioTrack): void {
    if (!this.tracks.includes(t)) this.tracks.push(t);
  }
}

export class RTCRtpSender {
  /** Our SSRC for this sender (RFC 3550 §8: random). */
  readonly ssrc: number;
  streams: MediaStream[] = [];
  constructor(
    public track: AudioTrack | null,
    ssrc: number,
  ) {
    this.ssrc = ssrc;
  }
  async replaceTrack(track: AudioTrack | null): Promise<void> {
    this.track = track;
  }
}

export class RTCRtpReceiver {
  readonly track: AudioTrack;
  /** The remote SSRC, learned from a=ssrc or from the first packet. */
  ssrc: number | undefined;
  constructor() {
    this.track = new AudioTrack('remote audio');
  }
}

export class RTCRtpTransceiver {
  mid: string | null = null;
  currentDirection: RTCRtpTransceiverDirection | null = null;
  /** Codecs negotiated for this section (answer order). */
  negotiatedCodecs: readonly CodecSpec[] = [];
  /** The m-line index it is associated with. */
  mLineIndex: number | undefined;
  /** The receiver's track was announced with a 'track' event. */
  firedTrack = false;
  /** The sender has been used to send (addTrack must not reuse it, webrtc-pc §4.4.3.1). */
  firedSend = false;
  /** Made by setRemoteDescription(offer) (webrtc-pc §4.4.1.5); a rollback of that offer removes it. */
  createdByRemoteOffer = false;
  remoteStreams: MediaStream[] = [];
  private _direction: RTCRtpTransceiverDirection;
  private _stopped = false;
  constructor(
    readonly kind: 'audio',
    readonly sender: RTCRtpSender,
    readonly receiver: RTCRtpReceiver,
    direction: Direction,
    private readonly onChange: () => void,
  ) {
    this._direction = direction;
  }
  get direction(): RTCRtpTransceiverDirection {
    return this._direction;
  }
  set direction(d: RTCRtpTransceiverDirection) {
    if (this._stopped) throw new DOMException('transceiver is stopped', 'InvalidStateError');
    if (d === 'stopped') throw new TypeError('direction cannot be set to stopped');
    if (d === this._direction) return;
    this._direction = d;
    this.onChange();
  }
  get stopped(): boolean {
    return this._stopped;
  }
  stop(): void {
    if (this._stopped) return;
    this._stopped = true;
    this._direction = 'stopped';
    this.currentDirection = 'stopped';
    this.receiver.track._end();
    this.onChange();
  }
}
