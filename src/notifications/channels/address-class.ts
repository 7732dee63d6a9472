import ipaddr from 'ipaddr.js';

/**
 * Where an outbound POST may connect. Webhook URLs are written by API users, so a URL must not turn
 * the server into a proxy into its own network (SSRF). Three reaches:
 * - `public`: global unicast, always dialled;
 * - `private`: loopback, private, unique-local, CGNAT, unspecified, multicast, broadcast and
 *   reserved ranges, dialled only where the deployment allows private networks
 *   (JIFEN_WEBHOOK_ALLOW_PRIVATE=true, for an ERP on the office network);
 * - `forbidden`: link-local and cloud metadata addresses, never dialled: credentials live there,
 *   never an integrator's receiver.
 */
export type AddressReach = 'public' | 'private' | 'forbidden';

export interface AddressClass {
  reach: AddressReach;
  /** ipaddr.js's range name ('unicast', 'loopback', 'private', 'linkLocal', ...) or 'cloudMetadata'. */
  range: string;
  /** The address that would really be dialled: the IPv4 inside a mapped or translated IPv6 one. */
  effective: string;
}

/**
 * Metadata services that answer outside link-local: Alibaba Cloud (100.100.100.200, in CGNAT space),
 * Oracle Cloud (192.0.0.192) and AWS over IPv6 (fd00:ec2::254, unique-local). Allowing private
 * networks must not open these.
 */
const CLOUD_METADATA = new Set(['100.100.100.200', '192.0.0.192', 'fd00:ec2::254']);

const FORBIDDEN_RANGES = new Set(['linkLocal']);

/**
 * IPv6 forms that carry an IPv4 address a host may end up dialling: IPv4-mapped (::ffff:a.b.c.d),
 * SIIT-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and the deprecated IPv4-compatible
 * form (::a.b.c.d). Each is judged by the IPv4 inside it.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const parts = address.parts;
  const range = address.range();
  const inLast32Bits =
    range === 'ipv4Mapped' ||
    range === 'rfc6145' ||
    (range === 'rfc6052' && parts[0] === 0x64 && parts[1] === 0xff9b && parts[2] === 0) ||
    (parts.slice(0, 6).every((part) => part === 0) && range !== 'unspecified' && range !== 'loopback');
  if (!inLast32Bits) return null;
  const [high, low] = [parts[6]!, parts[7]!];
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * Classifies one IP address (v4 or v6, as a resolver or a URL's host gives it; brackets allowed).
 * Throws on a string that is not an IP address: callers only pass resolved or literal addresses.
 */
export function classifyAddress(text: string): AddressClass {
  const parsed = ipaddr.parse(text.replace(/^\[|\]$/g, ''));
  const address = parsed.kind() === 'ipv6' ? (embeddedIPv4(parsed as ipaddr.IPv6) ?? parsed) : parsed;
  const effective = address.toString();
  const range = address.range();
  if (CLOUD_METADATA.has(effective)) return { reach: 'forbidden', range: 'cloudMetadata', effective };
  if (FORBIDDEN_RANGES.has(range)) return { reach: 'forbidden', range, effective };
  return { reach: range === 'unicast' ? 'public' : 'private', range, effective };
}

/** Whether `text` is an IP address (v4 in dotted-decimal as URLs normalise it, or v6 with or without brackets). */
export function isIpAddress(text: string): boolean {
  const bare = text.replace(/^\[|\]$/g, '');
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare);
}

export interface AddressRefusal {
  /** The address as given, with the IPv4 it carries when that differs: `::ffff:a9fe:a9fe (169.254.169.254)`. */
  address: string;
  /** What follows "is": `link-local (...): never allowed`. */
  reason: string;
}

/**
 * Why the server must not connect to `address`, or null when it may. The words go to the delivery
 * log and to API answers, so they say what to do.
 */
export function addressRefusal(address: string, allowPrivateNetworks: boolean): AddressRefusal | null {
  const { reach, range, effective } = classifyAddress(address);
  if (reach === 'public' || (reach === 'private' && allowPrivateNetworks)) return null;
  const bare = address.replace(/^\[|\]$/g, '');
  const shown = effective === bare ? bare : `${bare} (${effective})`;
  if (reach === 'forbidden') {
    const reason =
      range === 'cloudMetadata'
        ? 'a cloud metadata address: never allowed'
        : 'link-local (169.254.0.0/16, fe80::/10), where cloud metadata lives: never allowed';
    return { address: shown, reason };
  }
  return {
    address: shown,
    reason: `not a public address (${range}): allowed only when the server runs with JIFEN_WEBHOOK_ALLOW_PRIVATE=true`,
  };
}
