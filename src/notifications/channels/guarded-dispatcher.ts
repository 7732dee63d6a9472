import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { addressRefusal, isIpAddress } from './address-class.ts';

/** A connection refused by the address guard: the delivery fails with this message, and is not retried. */
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for net/tls.connect that resolves the name and refuses the connection when any address
 * it resolves to is not allowed. Checking what is about to be dialled, not the URL's host name,
 * is what stops a name that resolves (or is re-pointed, DNS rebinding) to 127.0.0.1 or to the
 * metadata service. A name with both an allowed and a refused address is refused as a whole: such
 * a mix is either a mistake or an attack, and a refusal that depends on which address was tried
 * first would come and go.
 */
export function guardedLookup(allowPrivateNetworks: boolean, resolve: Resolver = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const refusal = addressRefusal(address, allowPrivateNetworks);
        if (refusal) {
          const message = `${hostname} resolves to ${refusal.address}, which is ${refusal.reason}`;
          return callback(new AddressRefusedError(message), '', 0);
        }
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici dispatcher whose every new connection passes the address guard: host names through the
 * guarded lookup, IP literals (which never reach a lookup) checked as they are. Connections are
 * pooled per origin, and each was checked when it was opened.
 */
export function createGuardedDispatcher(options: {
  allowPrivateNetworks: boolean;
  resolve?: Resolver;
}): Dispatcher {
  const connect = buildConnector({ lookup: guardedLookup(options.allowPrivateNetworks, options.resolve) });
  return new Agent({
    connect(target, callback) {
      const host = target.hostname;
      if (isIpAddress(host)) {
        const refusal = addressRefusal(host, options.allowPrivateNetworks);
        if (refusal)
          return callback(new AddressRefusedError(`${refusal.address} is ${refusal.reason}`), null);
      }
      connect(target, callback);
    },
  });
}

const shared = new Map<boolean, Dispatcher>();

/** The process's dispatcher for outbound POSTs under one setting, made on first use. */
export function outboundDispatcher(allowPrivateNetworks: boolean): Dispatcher {
  let dispatcher = shared.get(allowPrivateNetworks);
  if (!dispatcher) {
    dispatcher = createGuardedDispatcher({ allowPrivateNetworks });
    shared.set(allowPrivateNetworks, dispatcher);
  }
  return dispatcher;
}
