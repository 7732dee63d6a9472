import { describe, expect, test } from 'vitest';
import { NOTIFICATION_TYPES, type PointsMovedData } from '../../../src/notifications/message-types.ts';
import { sampleData } from '../../../src/notifications/templates/sample-data.ts';
import {
  TEMPLATE_VARIABLES,
  templateVariables,
  variableNamesFor,
} from '../../../src/notifications/templates/template-variables.ts';

const shanghai = { timezone: 'Asia/Shanghai' };

describe('variable catalogue', () => {
  test.each(NOTIFICATION_TYPES)('%s computes exactly the variables it lists', (type) => {
    for (const language of ['zh-CN', 'en'] as const) {
      const values = templateVariables(type, sampleData(type), language, shanghai);
      expect(Object.keys(values).sort()).toEqual(variableNamesFor(type).sort());
    }
  });

  test.each(NOTIFICATION_TYPES)(
    '%s describes every variable in both languages, memberId included',
    (type) => {
      const variables = TEMPLATE_VARIABLES[type];
      expect(variables.map((variable) => variable.name)).toContain('memberId');
      expect(new Set(variables.map((variable) => variable.name)).size).toBe(variables.length);
      for (const variable of variables) {
        expect(variable.description.en).not.toBe('');
        expect(variable.description['zh-CN']).toMatch(/\p{Script=Han}/u);
      }
    },
  );
});

describe('points.earned', () => {
  const earned = (changes: Partial<PointsMovedData>): PointsMovedData => ({
    ...sampleData('points.earned'),
    ...changes,
  });

  test('formats points and picks the reason in the message language', () => {
    const data = earned({ points: 1200, pendingPoints: 0, availableAt: null });
    expect(templateVariables('points.earned', data, 'zh-CN', shanghai)).toMatchObject({
      memberId: 'm-1001',
      points: '1,200',
      signedPoints: '+1,200',
      direction: '增加',
      reason: '订单 1001 消费奖励',
      available: '3,400',
      pendingPoints: '0',
      availableAt: '',
      pendingNote: '',
      occurredAt: '2026-03-11 14:30',
    });
    expect(templateVariables('points.earned', data, 'en', shanghai)).toMatchObject({
      reason: 'Reward for order 1001',
      direction: 'added',
    });
  });

  test('dates are local to the program timezone', () => {
    const data = earned({ availableAt: '2026-12-31T16:30:00.000Z', occurredAt: '2026-12-31T16:30:00.000Z' });
    expect(templateVariables('points.earned', data, 'en', { timezone: 'Asia/Shanghai' })).toMatchObject({
      availableAt: '2027-01-01',
      occurredAt: '2027-01-01 00:30',
    });
    expect(templateVariables('points.earned', data, 'en', { timezone: 'America/New_York' })).toMatchObject({
      availableAt: '2026-12-31',
      occurredAt: '2026-12-31 11:30',
    });
  });

  test('midnight is 00, not 24', () => {
    const data = earned({ occurredAt: '2026-03-10T16:00:00.000Z' });
    expect(templateVariables('points.earned', data, 'en', shanghai).occurredAt).toBe('2026-03-11 00:00');
  });

  test('an invalid instant renders empty instead of failing the message', () => {
    const data = earned({ availableAt: 'not a date' });
    expect(templateVariables('points.earned', data, 'en', shanghai).availableAt).toBe('');
  });

  test('the pending note covers all or part of the points', () => {
    const all = earned({ points: 1200, pendingPoints: 1200, availableAt: '2026-03-18T16:00:00.000Z' });
    expect(templateVariables('points.earned', all, 'zh-CN', shanghai).pendingNote).toBe(
      '这些积分将于 2026-03-19 到账。',
    );
    expect(templateVariables('points.earned', all, 'en', shanghai).pendingNote).toBe(
      'They become available on 2026-03-19. ',
    );
    const part = { ...all, pendingPoints: 300 };
    expect(templateVariables('points.earned', part, 'zh-CN', shanghai).pendingNote).toBe(
      '其中 300 积分将于 2026-03-19 到账。',
    );
    expect(templateVariables('points.earned', part, 'en', shanghai).pendingNote).toBe(
      '300 of them become available on 2026-03-19. ',
    );
  });
});

describe('other types', () => {
  test('deductions carry a minus sign and a negative balance keeps its sign', () => {
    const data = { ...sampleData('points.adjusted'), direction: 'out' as const, points: 50 };
    data.balances.available = -1500;
    expect(templateVariables('points.adjusted', data, 'zh-CN', shanghai)).toMatchObject({
      signedPoints: '-50',
      direction: '扣减',
      available: '-1,500',
    });
  });

  test('points.expiring keeps its local date as given', () => {
    expect(
      templateVariables('points.expiring', sampleData('points.expiring'), 'en', { timezone: 'UTC' }),
    ).toEqual({
      memberId: 'm-1001',
      points: '1,200',
      expiresOn: '2026-12-31',
      offsetDays: '30',
      daysLeft: '30',
    });
  });

  test('tier names come from the payload, then the program, then the code', () => {
    const data = sampleData('tier.changed');
    expect(templateVariables('tier.changed', data, 'zh-CN', shanghai)).toMatchObject({
      fromTier: '银卡',
      toTier: '金卡',
      kind: 'upgrade',
      growthInWindow: '5,200',
    });
    const unnamed = { ...data, fromTierName: null, toTierName: null, growthInWindow: null };
    const tierNames = { gold: { 'zh-CN': '黄金会员', en: 'Gold member' } };
    expect(templateVariables('tier.changed', unnamed, 'en', { ...shanghai, tierNames })).toMatchObject({
      fromTier: 'silver',
      toTier: 'Gold member',
      growthInWindow: '',
    });
  });

  test('redemptions: first coupon code, shipment fields empty when absent', () => {
    const data = {
      ...sampleData('redemption.created'),
      couponCodes: ['A-1', 'A-2'],
      quantity: 2,
      points: 2400,
    };
    expect(templateVariables('redemption.created', data, 'zh-CN', shanghai)).toMatchObject({
      rewardName: '星巴克中杯券',
      quantity: '2',
      points: '2,400',
      couponCode: 'A-1',
      carrier: '',
      trackingNumber: '',
      cancelReason: '',
      redemptionId: data.redemptionId,
    });
    const shipped = sampleData('redemption.shipped');
    expect(templateVariables('redemption.shipped', shipped, 'en', shanghai)).toMatchObject({
      rewardName: 'Insulated tumbler',
      couponCode: '',
      carrier: '顺丰速运',
      trackingNumber: 'SF1234567890',
    });
  });

  test('risk cases', () => {
    expect(
      templateVariables('risk.case.opened', sampleData('risk.case.opened'), 'en', shanghai),
    ).toMatchObject({
      summary: 'Earned points 12 times within 1 hour',
      severity: 'high',
    });
  });
});
