import { openTestApi } from './test-api.ts';

/** The document a fresh server serves, as the snapshot holds it. */
export async function snapshotDocument(): Promise<Record<string, unknown>> {
  const api = await openTestApi('pglite');
  try {
    return (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  } finally {
    await api.close();
  }
}
