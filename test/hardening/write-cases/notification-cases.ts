import { fanOutMessages } from '../../../src/notifications/dispatch/fan-out.ts';
import { createEndpoint, seedDelivery, seedMessage } from '../../notifications/api/notification-api-kit.ts';
import { fundedMember } from '../../rewards/reward-kit.ts';
import type { TestApi } from '../../support/test-api.ts';
import { ok, type WriteCases } from './write-case.ts';

/** Webhook endpoints and deliveries, the member inbox and preferences, settings and templates. */

/** Fans out every message waiting in the outbox: inbox messages and webhook deliveries appear. */
async function fanOut(program: TestApi): Promise<void> {
  while ((await fanOutMessages(program.db, program.clock, { emailConfigured: false })) > 0);
}

/** A member sent two points.earned messages to the inbox (and to the program's endpoints). */
async function memberWithMessages(program: TestApi): Promise<string> {
  await ok(program, 'PATCH', '/v1/notification-settings', { channels: { 'points.earned': ['inbox'] } });
  const memberId = await fundedMember(program, [100, 200]);
  await fanOut(program);
  return memberId;
}

const endpointOf = (program: TestApi, description: string) => createEndpoint(program, { description });

const template = (body: string) => ({ subject: '积分到账', body, category: 'transactional' });

export const notificationCases: WriteCases = {
  'POST /v1/webhooks': {
    secretShownOnce: true,
    prepare: async () => ({
      request: { url: '/v1/webhooks', body: { url: 'https://example.com/hooks', types: ['points.earned'] } },
      other: { url: '/v1/webhooks', body: { url: 'https://example.com/other-hooks' } },
    }),
  },
  'PATCH /v1/webhooks/{endpointId}': {
    prepare: async (program) => {
      const { id } = await endpointOf(program, 'orders');
      const url = `/v1/webhooks/${id}`;
      return {
        request: { url, body: { description: 'CRM sync', types: ['points.spent'] } },
        other: { url, body: { status: 'disabled' } },
      };
    },
  },
  'DELETE /v1/webhooks/{endpointId}': {
    prepare: async (program) => {
      const [first, second] = [await endpointOf(program, 'old'), await endpointOf(program, 'spare')];
      return { request: { url: `/v1/webhooks/${first.id}` }, other: { url: `/v1/webhooks/${second.id}` } };
    },
  },
  'POST /v1/webhooks/{endpointId}/rotate-secret': {
    secretShownOnce: true,
    prepare: async (program) => {
      const { id } = await endpointOf(program, 'orders');
      const url = `/v1/webhooks/${id}/rotate-secret`;
      return {
        request: { url, body: { overlapSeconds: 3_600 } },
        other: { url, body: { overlapSeconds: 0 } },
      };
    },
  },
  'POST /v1/webhook-deliveries/{deliveryId}/replay': {
    prepare: async (program) => {
      const { id: endpointId } = await endpointOf(program, 'orders');
      // Deliveries the dispatcher finished an hour ago: one delivered, one given up on.
      const createdAt = new Date(program.clock.now().getTime() - 3_600_000).toISOString();
      const ids: string[] = [];
      for (const status of ['delivered', 'dead'] as const) {
        const messageId = await seedMessage(program.db, program.programId, {
          type: 'points.earned',
          createdAt,
        });
        ids.push(
          await seedDelivery(program.db, program.programId, { messageId, endpointId, status, createdAt }),
        );
      }
      return {
        request: { url: `/v1/webhook-deliveries/${ids[0]}/replay` },
        other: { url: `/v1/webhook-deliveries/${ids[1]}/replay` },
      };
    },
  },
  'POST /v1/webhooks/{endpointId}/replay': {
    prepare: async (program) => {
      await memberWithMessages(program);
      // Created after the messages: the replay sends them to it for the first time.
      const { id } = await endpointOf(program, 'late');
      const now = program.clock.now().getTime();
      const to = new Date(now + 60_000).toISOString();
      const url = `/v1/webhooks/${id}/replay`;
      return {
        request: { url, body: { from: new Date(now - 86_400_000).toISOString(), to } },
        other: { url, body: { from: new Date(now - 3_600_000).toISOString(), to, types: ['points.earned'] } },
      };
    },
  },
  'POST /v1/members/{memberId}/inbox/{messageId}/read': {
    prepare: async (program) => {
      const memberId = await memberWithMessages(program);
      const inbox = await ok(program, 'GET', `/v1/members/${memberId}/inbox`);
      const [first, second] = inbox.data.map((message: { id: string }) => message.id);
      return {
        request: { url: `/v1/members/${memberId}/inbox/${first}/read` },
        other: { url: `/v1/members/${memberId}/inbox/${second}/read` },
      };
    },
  },
  'POST /v1/members/{memberId}/inbox/read-all': {
    prepare: async (program) => {
      const [first, second] = [await memberWithMessages(program), await memberWithMessages(program)];
      return {
        request: { url: `/v1/members/${first}/inbox/read-all` },
        other: { url: `/v1/members/${second}/inbox/read-all` },
      };
    },
  },
  'PUT /v1/members/{memberId}/notification-preferences': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, []);
      const url = `/v1/members/${memberId}/notification-preferences`;
      return {
        request: { url, body: { email: 'ann@example.com', marketingConsent: true } },
        other: { url, body: { phone: '+8613800138000' } },
      };
    },
  },
  'PATCH /v1/notification-settings': {
    prepare: async () => ({
      request: {
        url: '/v1/notification-settings',
        body: { reminderOffsetsDays: [14, 3], defaultLanguage: 'en' },
      },
      other: { url: '/v1/notification-settings', body: { quietHours: null } },
    }),
  },
  'PUT /v1/notification-templates/{type}/{channel}/{language}': {
    prepare: async () => {
      const url = '/v1/notification-templates/points.earned/inbox/zh-CN';
      return {
        request: { url, body: template('您获得了 {{points}} 积分,可用 {{available}}。') },
        other: { url, body: template('+{{points}} 积分') },
      };
    },
  },
  'DELETE /v1/notification-templates/{type}/{channel}/{language}': {
    prepare: async (program) => {
      const [first, second] = [
        '/v1/notification-templates/points.earned/inbox/zh-CN',
        '/v1/notification-templates/points.spent/inbox/zh-CN',
      ];
      for (const url of [first, second]) await ok(program, 'PUT', url, template('{{points}} 积分'));
      return { request: { url: first }, other: { url: second } };
    },
  },
  'POST /v1/notification-templates/preview': {
    readOnly: true,
    prepare: async () => {
      const body = { type: 'points.earned', channel: 'inbox', language: 'zh-CN' };
      return {
        request: { url: '/v1/notification-templates/preview', body },
        other: {
          url: '/v1/notification-templates/preview',
          body: { ...body, template: template('{{memberId}} +{{points}}') },
        },
      };
    },
  },
};
