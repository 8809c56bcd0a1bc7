import { ByteWriter, addressFamily, ipv4ToBytes, ipv6ToBytes, type Address } from '@rtcstack/common';
import type { TraceEvent, TraceKind } from './trace.ts';

/**
 * Write simulated datagrams as a classic pcap file (tcpdump format) so Wireshark/tshark can
 * dissect a simulated run: each datagram gets a synthesized IPv4 or IPv6 + UDP header, the
 * virtual time becomes the timestamp. Big-endian throughout; readers detect it from the magic.
 */

/** pcap file magic (microsecond timestamps) and LINKTYPE_RAW: packets start at the IP header. */
const PCAP_MAGIC = 0xa1b2c3d4;
const LINKTYPE_RAW = 101;
const SNAPLEN = 65535;
const IPPROTO_UDP = 17;

/** RFC 1071 Internet checksum over `parts` (one's complement of the one's complement sum). */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd === undefined) odd = p[i];
      else {
        sum += (odd << 8) | p[i];
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** One IP packet (header + UDP header + payload) carrying `data` from `from` to `to`. */
export function udpPacket(from: Address, to: Address, data: Uint8Array, ipId = 0): Uint8Array {
  const udpLen = 8 + data.length;
  const udp = new ByteWriter(udpLen).u16(from.port).u16(to.port).u16(udpLen).u16(0).bytes(data).finish();
  if (addressFamily(from.address) === 4) {
    const src = ipv4ToBytes(from.address) ?? new Uint8Array(4);
    const dst = ipv4ToBytes(to.address) ?? new Uint8Array(4);
    // UDP checksum over the IPv4 pseudo-header (RFC 768); 0 is sent as 0xffff.
    const pseudo = new ByteWriter(12).bytes(src).bytes(dst).u8(0).u8(IPPROTO_UDP).u16(udpLen).finish();
    setUdpChecksum(udp, internetChecksum(pseudo, udp));
    // RFC 791 §3.1 header: version 4, IHL 5, DF set, TTL 64.
    const ip = new ByteWriter(20)
      .u8(0x45).u8(0).u16(20 + udpLen).u16(ipId & 0xffff).u16(0x4000).u8(64).u8(IPPROTO_UDP).u16(0)
      .bytes(src).bytes(dst).finish();
    const c = internetChecksum(ip);
    ip[10] = c >> 8;
    ip[11] = c & 0xff;
    return new ByteWriter(20 + udpLen).bytes(ip).bytes(udp).finish();
  }
  const src = ipv6ToBytes(from.address) ?? new Uint8Array(16);
  const dst = ipv6ToBytes(to.address) ?? new Uint8Array(16);
  // RFC 8200 §8.1: the UDP checksum is mandatory over IPv6, with this pseudo-header.
  const pseudo = new ByteWriter(40).bytes(src).bytes(dst).u32(udpLen).u32(IPPROTO_UDP).finish();
  setUdpChecksum(udp, internetChecksum(pseudo, udp));
  return new ByteWriter(40 + udpLen)
    .u32(0x60000000).u16(udpLen).u8(IPPROTO_UDP).u8(64).bytes(src).bytes(dst).bytes(udp).finish();
}

function setUdpChecksum(udp: Uint8Array, c: number): void {
  const v = c === 0 ? 0xffff : c;
  udp[6] = v >> 8;
  udp[7] = v & 0xff;
}

/**
 * A pcap file of the datagrams in `events` of kind `at`: 'deliver' (default) shows each
 * datagram as its receiver saw it (after NAT), 'send' as its sender sent it (before NAT).
 */
export function toPcap(events: readonly TraceEvent[], at: Extract<TraceKind, 'send' | 'deliver'> = 'deliver'): Uint8Array {
  const w = new ByteWriter(4096);
  w.u32(PCAP_MAGIC).u16(2).u16(4).u32(0).u32(0).u32(SNAPLEN).u32(LINKTYPE_RAW);
  for (const e of events) {
    if (e.kind !== at || !e.data) continue;
    const pkt = udpPacket(e.from, e.to, e.data, e.id);
    const usec = Math.round(e.time * 1000);
    const incl = Math.min(pkt.length, SNAPLEN);
    w.u32(Math.floor(usec / 1e6)).u32(usec % 1e6).u32(incl).u32(pkt.length).bytes(pkt.subarray(0, incl));
  }
  return w.finish();
}
