/**
 * EventTarget with the `on<type>` handler properties webrtc-pc objects have. Node provides
 * EventTarget and Event; this adds the handler attribute (called before listeners, as a
 * browser's event handler IDL attribute is registered first).
 */
export class RtcEventTarget extends EventTarget {
  private readonly handlers = new Map<string, ((ev: Event) => void) | null>();

  protected getHandler(type: string): ((ev: Event) => void) | null {
    return this.handlers.get(type) ?? null;
  }

  protected setHandler(type: string, fn: ((ev: Event) => void) | null): void {
    this.handlers.set(type, typeof fn === 'function' ? fn : null);
  }

  /** Dispatch `ev` to the on<type> handler, then to listeners. Handler exceptions are reported, not thrown. */
  protected fire(ev: Event): void {
    const h = this.handlers.get(ev.type);
    if (h) {
      try {
        h.call(this, ev);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
    this.dispatchEvent(ev);
  }
}

/** An Event carrying extra read-only fields (RTCPeerConnectionIceEvent, MessageEvent, ...). */
export function makeEvent<T extends object>(type: string, fields: T): Event & T {
  const ev = new Event(type);
  for (const [k, v] of Object.entries(fields)) Object.defineProperty(ev, k, { value: v, enumerable: true });
  return ev as Event & T;
}
