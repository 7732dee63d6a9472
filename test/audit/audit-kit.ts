import type { TestApi } from '../support/test-api.ts';

/** The audit records of the test program (newest first), read through the API with the owner key. */
// biome-ignore lint/suspicious/noExplicitAny: records are JSON each test reads its own way
export async function auditRecords(api: TestApi, query = ''): Promise<any[]> {
  const reply = await api.call('GET', `/v1/audit?limit=200${query}`);
  if (reply.status !== 200) throw new Error(`GET /v1/audit: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

export const reason = { 'zh-CN': '人工调整', en: 'Manual adjustment' };
