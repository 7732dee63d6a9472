import { describe, expect, test } from 'vitest';
import { NOTIFICATION_TYPES } from '../../../src/notifications/message-types.ts';
import { previewTemplate, sampleData } from '../../../src/notifications/templates/preview-template.ts';

describe('previewTemplate', () => {
  test('uses the default template and the sample when given neither', () => {
    const preview = previewTemplate({
      type: 'points.expiring',
      channel: 'sms',
      language: 'zh-CN',
      timezone: 'Asia/Shanghai',
    });
    expect(preview).toEqual({
      rendered: { subject: null, body: '您有 1,200 积分将于 2026-12-31 过期,请及时使用。' },
      variables: {
        memberId: 'm-1001',
        points: '1,200',
        expiresOn: '2026-12-31',
        offsetDays: '30',
        daysLeft: '30',
      },
      errors: [],
    });
  });

  test('renders a program template with a real payload, in the program timezone', () => {
    const data = { ...sampleData('points.earned'), points: 50, occurredAt: '2026-12-31T16:30:00.000Z' };
    const template = {
      subject: '+{{ points }}',
      body: '{{occurredAt}} · {{ memberId }}',
      category: 'marketing' as const,
    };
    const request = {
      type: 'points.earned' as const,
      channel: 'inbox' as const,
      language: 'en' as const,
      template,
      data,
    };
    expect(previewTemplate({ ...request, timezone: 'Asia/Shanghai' }).rendered).toEqual({
      subject: '+50',
      body: '2027-01-01 00:30 · m-1001',
    });
    expect(previewTemplate({ ...request, timezone: 'America/New_York' }).rendered.body).toBe(
      '2026-12-31 11:30 · m-1001',
    );
  });

  test('renders a broken template as far as it can and lists what is wrong', () => {
    const preview = previewTemplate({
      type: 'redemption.created',
      channel: 'sms',
      language: 'en',
      timezone: 'UTC',
      template: { subject: 'Hi', body: 'Code {{couponCode}} {{ nope }} {{points', category: 'transactional' },
    });
    expect(preview.rendered).toEqual({ subject: 'Hi', body: 'Code SBX-7Q4M-2K9P  {{points' });
    expect(preview.errors.map((error) => error.field)).toEqual(['subject', 'body', 'body']);
  });

  test('flags an SMS that only overflows once the values are in', () => {
    const data = { ...sampleData('points.earned'), reason: { zh: '奖'.repeat(480), en: 'x' } };
    // 61 characters with the sample's 12-character reason, so 61 - 12 + 480.
    const preview = previewTemplate({
      type: 'points.earned',
      channel: 'sms',
      language: 'zh-CN',
      timezone: 'UTC',
      data,
    });
    expect(preview.errors).toEqual([
      { field: 'body', message: 'this SMS renders to 529 characters; at most 500 are sent' },
    ]);
  });
});

describe('sampleData', () => {
  test.each(NOTIFICATION_TYPES)('%s is for member m-1001', (type) => {
    expect(sampleData(type).memberId).toBe('m-1001');
  });

  test('returns a fresh copy each time', () => {
    const sample = sampleData('points.earned');
    sample.balances.available = 0;
    expect(sampleData('points.earned').balances.available).toBe(3400);
  });
});
