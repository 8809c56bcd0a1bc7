/** Why the simulator dropped a datagram. */
export const DROP_REASONS = [
  'loss', // the link's seeded loss
  'mtu', // larger than the link's MTU
  'queue', // the link's bottleneck queue (queueBytes) was full
  'filter', // a net.addFilter() callback said 'drop'
  'nat-filter', // RFC 4787 §5: inbound datagram not allowed by the NAT's filtering behaviour
  'nat-no-mapping', // inbound to a NAT port with no (live) mapping, e.g. expired (§4.3)
  'nat-hairpin', // to the NAT's own public address from inside, hairpinning off (§6)
  'no-route', // no host has the destination address (or address family mismatch)
  'no-socket', // the destination host has no socket bound to that address and port
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface Counters {
  /** Datagrams handed to SimSocket.send. */
  sent: number;
  /** Datagrams handed to a receiving socket (duplicates included). */
  delivered: number;
  /** Extra copies made by the link's duplication. */
  duplicated: number;
  /** Datagrams held back by the link's reordering. */
  reordered: number;
  /** Sum of `dropped`. */
  droppedTotal: number;
  dropped: Record<DropReason, number>;
}

export function newCounters(): Counters {
  const dropped = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) dropped[r] = 0;
  return { sent: 0, delivered: 0, duplicated: 0, reordered: 0, droppedTotal: 0, dropped };
}

export function copyCounters(c: Counters): Counters {
  return { ...c, dropped: { ...c.dropped } };
}

/** Statistics per directed link ("a->b", host or NAT names) and in total. */
export interface NetworkStats {
  readonly total: Counters;
  readonly links: Readonly<Record<string, Counters>>;
}
