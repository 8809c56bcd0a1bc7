import { describe, expect, it } from 'vitest';
import { toHex as hex, fromHex } from '@rtcstack/common';
import { Network, collectTrace, internetChecksum, toPcap, udpPacket } from '../src/index.ts';

describe('internetChecksum (RFC 1071)', () => {
  it('RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d', () => {
    expect(internetChecksum(fromHex('0001f203f4f5f6f7'))).toBe(0x220d);
  });

  it('an odd trailing byte is padded with zero, and parts split anywhere give the same sum', () => {
    expect(internetChecksum(fromHex('0001f203f4f5f6'))).toBe(internetChecksum(fromHex('0001f203f4f5f600')));
    expect(internetChecksum(fromHex('0001f2'), fromHex('03f4f5f6f7'))).toBe(0x220d);
  });
});

describe('udpPacket', () => {
  it('IPv4: a 20-byte header whose checksum verifies, then UDP with a verifying checksum', () => {
    const p = udpPacket({ address: '10.0.0.1', port: 5000 }, { address: '10.0.0.2', port: 3478 }, fromHex('0001000c'), 7);
    expect(p.length).toBe(20 + 8 + 4);
    expect(hex(p.subarray(0, 10))).toBe('4500002000074000' + '4011');
    expect(hex(p.subarray(12, 20))).toBe('0a0000010a000002');
    expect(internetChecksum(p.subarray(0, 20))).toBe(0); // a correct header sums to ffff
    expect(hex(p.subarray(20, 26))).toBe('13880d96000c');
    const pseudo = fromHex('0a0000010a0000020011000c');
    expect(internetChecksum(pseudo, p.subarray(20))).toBe(0);
  });

  it('IPv6: a 40-byte header, UDP checksum over the RFC 8200 §8.1 pseudo-header', () => {
    const p = udpPacket({ address: '2001:db8::1', port: 1 }, { address: '2001:db8::2', port: 2 }, fromHex('ff'));
    expect(p.length).toBe(40 + 9);
    expect(hex(p.subarray(0, 8))).toBe('6000000000091140');
    const pseudo = new Uint8Array([...p.subarray(8, 40), 0, 0, 0, 9, 0, 0, 0, 17]);
    expect(internetChecksum(pseudo, p.subarray(40))).toBe(0);
  });
});

describe('toPcap', () => {
  it('writes one record per delivered datagram, timestamped with virtual time, as the receiver saw it', () => {
    const net = new Network({ defaultLink: { delayMs: 1.5 } });
    const events = collectTrace(net);
    const a = net.addHost('a', '198.51.100.1').bind(3478);
    const b = net.addNat('n', { publicAddress: '203.0.113.1', portPreservation: true }).addHost('b', '192.168.0.2').bind(5000);
    a.onReceive = (d, from) => a.send(d, from);
    b.send(fromHex('cafe'), a.local);
    net.at(2000, () => b.send(fromHex('beef'), a.local));
    net.runFor(3000);
    const pcap = toPcap(events);
    const v = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
    expect(v.getUint32(0)).toBe(0xa1b2c3d4);
    expect(v.getUint32(20)).toBe(101); // LINKTYPE_RAW
    const records: { sec: number; usec: number; pkt: Uint8Array }[] = [];
    for (let at = 24; at < pcap.length; ) {
      const len = v.getUint32(at + 8);
      records.push({ sec: v.getUint32(at), usec: v.getUint32(at + 4), pkt: pcap.subarray(at + 16, at + 16 + len) });
      at += 16 + len;
    }
    expect(records.map((r) => [r.sec, r.usec])).toEqual([
      [0, 1500],
      [0, 3000],
      [2, 1500],
      [2, 3000],
    ]);
    // first: b -> a after the NAT (source 203.0.113.1:5000); second: the echo, to b's private address
    expect(hex(records[0].pkt.subarray(12, 24))).toBe('cb007101c6336401' + '13880d96');
    expect(hex(records[1].pkt.subarray(12, 24))).toBe('c6336401c0a80002' + '0d961388');
    expect(hex(records[0].pkt.subarray(28))).toBe('cafe');
    expect(toPcap(events, 'send').length).toBe(pcap.length);
  });
});
