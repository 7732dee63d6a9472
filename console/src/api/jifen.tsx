import { Jifen } from '@jifen/sdk';
import { createContext, type ReactNode, useContext } from 'react';

/**
 * The console talks to the API only through the SDK: one client in cookie-session mode (the
 * HTTP-only session cookie, and the CSRF header on writes), on the page's own origin.
 */
export function sessionClient(): Jifen {
  return new Jifen({ baseUrl: '', session: 'cookie', retries: 1 });
}

/** A client acting with an API key (the first-run page: creating the first owner). */
export function apiKeyClient(apiKey: string): Jifen {
  return new Jifen({ baseUrl: '', apiKey, retries: 0 });
}

const JifenContext = createContext<Jifen | null>(null);

export function JifenProvider({ client, children }: { client: Jifen; children: ReactNode }) {
  return <JifenContext.Provider value={client}>{children}</JifenContext.Provider>;
}

/** The SDK client of the signed-in session: `const jifen = useJifen(); jifen.call('listApiKeys', {})`. */
export function useJifen(): Jifen {
  const client = useContext(JifenContext);
  if (!client) throw new Error('useJifen() outside <JifenProvider>');
  return client;
}
