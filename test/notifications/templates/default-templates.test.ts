import { describe, expect, test } from 'vitest';
import {
  LANGUAGES,
  MEMBER_CHANNELS,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../../../src/notifications/message-types.ts';
import {
  defaultChannelsFor,
  defaultTemplate,
} from '../../../src/notifications/templates/default-templates.ts';
import { renderTemplate, validateTemplate } from '../../../src/notifications/templates/render-template.ts';
import { sampleData } from '../../../src/notifications/templates/sample-data.ts';
import { charCount } from '../../../src/notifications/templates/template-types.ts';
import { templateVariables } from '../../../src/notifications/templates/template-variables.ts';

const shanghai = { timezone: 'Asia/Shanghai' };
const every = NOTIFICATION_TYPES.flatMap((type) =>
  LANGUAGES.flatMap((language) => MEMBER_CHANNELS.map((channel) => ({ type, language, channel }))),
);

const renderDefault = (
  type: NotificationType,
  channel: 'inbox' | 'email' | 'sms',
  language: 'zh-CN' | 'en',
) =>
  renderTemplate(
    defaultTemplate(type, channel, language),
    templateVariables(type, sampleData(type), language, shanghai),
  );

describe('every default template', () => {
  test('covers 12 types × 3 channels × 2 languages', () => {
    expect(every).toHaveLength(72);
  });

  test.each(every)('$type $channel $language validates and renders fully', ({ type, channel, language }) => {
    const template = defaultTemplate(type, channel, language);
    expect(validateTemplate(type, channel, template)).toEqual([]);
    expect(template.category).toBe('transactional');
    const rendered = renderDefault(type, channel, language);
    expect(`${rendered.subject ?? ''}${rendered.body}`).not.toMatch(/\{\{|\}\}/);
    if (language === 'en') expect(`${template.subject ?? ''}${template.body}`).not.toMatch(/\p{Script=Han}/u);
  });

  test.each(NOTIFICATION_TYPES)('%s: the zh-CN SMS fits one 70-character SMS with sample data', (type) => {
    expect(charCount(renderDefault(type, 'sms', 'zh-CN').body)).toBeLessThanOrEqual(70);
  });

  test('returns a copy, so editing it does not change the defaults', () => {
    defaultTemplate('points.earned', 'inbox', 'en').body = 'changed';
    expect(defaultTemplate('points.earned', 'inbox', 'en').body).not.toBe('changed');
  });
});

describe('default wording', () => {
  test('expiry reminder', () => {
    expect(renderDefault('points.expiring', 'inbox', 'zh-CN')).toEqual({
      subject: '积分即将过期',
      body: '您有 1,200 积分将于 2026-12-31 过期,请及时使用。',
    });
    expect(renderDefault('points.expiring', 'sms', 'zh-CN')).toEqual({
      subject: null,
      body: '您有 1,200 积分将于 2026-12-31 过期,请及时使用。',
    });
    expect(renderDefault('points.expiring', 'inbox', 'en')).toEqual({
      subject: 'Points expiring soon',
      body: '1,200 of your points expire on 2026-12-31. Use them before then.',
    });
    expect(renderDefault('points.expiring', 'sms', 'en').body).toBe(
      '1,200 of your points expire on 2026-12-31. Use them before then.',
    );
    expect(renderDefault('points.expiring', 'email', 'zh-CN').body).toContain(
      '1,200 积分将于 2026-12-31 过期',
    );
  });

  test('points earned, with pending points', () => {
    expect(renderDefault('points.earned', 'inbox', 'zh-CN')).toEqual({
      subject: '获得积分',
      body: '您获得 1,200 积分(订单 1001 消费奖励)。这些积分将于 2026-03-19 到账。当前可用积分 3,400。',
    });
    expect(renderDefault('points.earned', 'inbox', 'en').body).toBe(
      'You earned 1,200 points (Reward for order 1001). They become available on 2026-03-19. Your available balance is 3,400 points.',
    );
  });

  test('points earned, all available at once', () => {
    const data = { ...sampleData('points.earned'), pendingPoints: 0, availableAt: null };
    const variables = templateVariables('points.earned', data, 'en', shanghai);
    expect(renderTemplate(defaultTemplate('points.earned', 'sms', 'en'), variables).body).toBe(
      'You earned 1,200 points (Reward for order 1001). Your available balance is 3,400 points.',
    );
  });

  test('tier change', () => {
    expect(renderDefault('tier.changed', 'email', 'zh-CN')).toEqual({
      subject: '您的会员等级已变为金卡',
      body: '您好,\n\n您的会员等级已从银卡变为金卡。成长值 5,200 达到金卡门槛 5,000,升级为金卡。\n\n感谢您的支持。',
    });
    expect(renderDefault('tier.changed', 'inbox', 'en').body).toBe(
      'Your membership tier changed from Silver to Gold. Growth 5,200 reached Gold (5,000): upgraded.',
    );
  });

  test('redemption shipped', () => {
    expect(renderDefault('redemption.shipped', 'sms', 'zh-CN').body).toBe(
      '您兑换的 品牌保温杯 已发货,顺丰速运单号 SF1234567890。',
    );
    expect(renderDefault('redemption.shipped', 'sms', 'en').body).toBe(
      'Your Insulated tumbler has shipped: 顺丰速运 tracking number SF1234567890.',
    );
  });

  test('points adjusted down', () => {
    const data = { ...sampleData('points.adjusted'), direction: 'out' as const, points: 300 };
    const variables = templateVariables('points.adjusted', data, 'zh-CN', shanghai);
    expect(renderTemplate(defaultTemplate('points.adjusted', 'inbox', 'zh-CN'), variables).body).toBe(
      '您的积分已调整 -300(客服补偿),当前可用积分 3,600。',
    );
  });

  test('the member-facing risk notice does not reveal the case', () => {
    for (const language of LANGUAGES) {
      for (const channel of MEMBER_CHANNELS) {
        const body = renderDefault('risk.case.opened', channel, language).body;
        expect(body).not.toContain('12');
        expect(body).not.toContain('high');
      }
    }
  });
});

describe('defaultChannelsFor', () => {
  test.each([
    ['points.expiring', ['inbox', 'email', 'sms']],
    ['points.earned', ['inbox']],
    ['points.spent', ['inbox']],
    ['points.expired', ['inbox']],
    ['points.adjusted', ['inbox']],
    ['points.reversed', ['inbox']],
    ['tier.changed', ['inbox', 'email']],
    ['redemption.created', ['inbox', 'email']],
    ['redemption.cancelled', ['inbox', 'email']],
    ['redemption.shipped', ['inbox', 'sms']],
    ['redemption.delivered', ['inbox', 'sms']],
    ['risk.case.opened', []],
  ] as const)('%s → %j', (type, channels) => {
    expect(defaultChannelsFor(type)).toEqual(channels);
  });

  test('returns a copy', () => {
    defaultChannelsFor('points.earned').push('sms');
    expect(defaultChannelsFor('points.earned')).toEqual(['inbox']);
  });
});
