import type { NotificationType } from '../message-types.ts';
import type { DefaultTexts } from './template-types.ts';

/**
 * Default wording in Simplified Chinese. Punctuation follows the ledger's reasons (ASCII , ( ) :,
 * full-width 。) so a reason inserted into a message matches the text around it. SMS carries no
 * signature: the SMS provider adds the program's own.
 */

const email = (body: string) => `您好,\n\n${body}\n\n感谢您的支持。`;

export const ZH_CN_TEXTS: Record<NotificationType, DefaultTexts> = {
  'points.earned': {
    inbox: {
      subject: '获得积分',
      body: '您获得 {{points}} 积分({{reason}})。{{pendingNote}}当前可用积分 {{available}}。',
    },
    email: {
      subject: '您获得了 {{points}} 积分',
      body: email('您获得 {{points}} 积分({{reason}})。{{pendingNote}}当前可用积分 {{available}}。'),
    },
    sms: '您获得 {{points}} 积分({{reason}})。{{pendingNote}}当前可用积分 {{available}}。',
  },
  'points.spent': {
    inbox: {
      subject: '积分已使用',
      body: '您使用了 {{points}} 积分({{reason}}),当前可用积分 {{available}}。',
    },
    email: {
      subject: '您使用了 {{points}} 积分',
      body: email('您使用了 {{points}} 积分({{reason}}),当前可用积分 {{available}}。'),
    },
    sms: '您使用了 {{points}} 积分({{reason}}),当前可用积分 {{available}}。',
  },
  'points.expiring': {
    inbox: { subject: '积分即将过期', body: '您有 {{points}} 积分将于 {{expiresOn}} 过期,请及时使用。' },
    email: {
      subject: '您有 {{points}} 积分即将过期',
      body: email('您有 {{points}} 积分将于 {{expiresOn}} 过期,请及时使用。过期后的积分将无法使用。'),
    },
    sms: '您有 {{points}} 积分将于 {{expiresOn}} 过期,请及时使用。',
  },
  'points.expired': {
    inbox: { subject: '积分已过期', body: '您有 {{points}} 积分已过期,当前可用积分 {{available}}。' },
    email: {
      subject: '您有 {{points}} 积分已过期',
      body: email('您有 {{points}} 积分已过期,当前可用积分 {{available}}。'),
    },
    sms: '您有 {{points}} 积分已过期,当前可用积分 {{available}}。',
  },
  'points.adjusted': {
    inbox: {
      subject: '积分调整',
      body: '您的积分已调整 {{signedPoints}}({{reason}}),当前可用积分 {{available}}。',
    },
    email: {
      subject: '您的积分已调整',
      body: email('您的积分已调整 {{signedPoints}}({{reason}}),当前可用积分 {{available}}。'),
    },
    sms: '您的积分已调整 {{signedPoints}}({{reason}}),当前可用积分 {{available}}。',
  },
  'points.reversed': {
    inbox: {
      subject: '积分变动',
      body: '您的积分变动 {{signedPoints}}({{reason}}),当前可用积分 {{available}}。',
    },
    email: {
      subject: '您的积分有一笔变动',
      body: email('您的积分变动 {{signedPoints}}({{reason}}),当前可用积分 {{available}}。'),
    },
    sms: '您的积分变动 {{signedPoints}}({{reason}}),当前可用积分 {{available}}。',
  },
  'tier.changed': {
    inbox: { subject: '会员等级变更', body: '您的会员等级已从{{fromTier}}变为{{toTier}}。{{reason}}。' },
    email: {
      subject: '您的会员等级已变为{{toTier}}',
      body: email('您的会员等级已从{{fromTier}}变为{{toTier}}。{{reason}}。'),
    },
    sms: '您的会员等级已从{{fromTier}}变为{{toTier}}。',
  },
  'redemption.created': {
    inbox: {
      subject: '兑换成功',
      body: '您已使用 {{points}} 积分兑换 {{rewardName}} ×{{quantity}},兑换单号 {{redemptionId}}。',
    },
    email: {
      subject: '兑换成功:{{rewardName}}',
      body: email('您已使用 {{points}} 积分兑换 {{rewardName}} ×{{quantity}},兑换单号 {{redemptionId}}。'),
    },
    sms: '您已使用 {{points}} 积分兑换 {{rewardName}} ×{{quantity}}。',
  },
  'redemption.shipped': {
    inbox: {
      subject: '奖品已发货',
      body: '您兑换的 {{rewardName}} 已发货,{{carrier}}单号 {{trackingNumber}}。',
    },
    email: {
      subject: '您兑换的 {{rewardName}} 已发货',
      body: email('您兑换的 {{rewardName}} 已发货,{{carrier}}单号 {{trackingNumber}}。'),
    },
    sms: '您兑换的 {{rewardName}} 已发货,{{carrier}}单号 {{trackingNumber}}。',
  },
  'redemption.delivered': {
    inbox: { subject: '奖品已送达', body: '您兑换的 {{rewardName}} 已送达,如有问题请联系客服。' },
    email: {
      subject: '您兑换的 {{rewardName}} 已送达',
      body: email('您兑换的 {{rewardName}} 已送达,如有问题请联系客服。'),
    },
    sms: '您兑换的 {{rewardName}} 已送达,如有问题请联系客服。',
  },
  'redemption.cancelled': {
    inbox: { subject: '兑换已取消', body: '您兑换 {{rewardName}} 的订单已取消,{{points}} 积分已退回。' },
    email: {
      subject: '兑换已取消:{{rewardName}}',
      body: email('您兑换 {{rewardName}} 的订单已取消,{{points}} 积分已退回您的账户。'),
    },
    sms: '您兑换 {{rewardName}} 的订单已取消,{{points}} 积分已退回。',
  },
  // Sent to members only if a program turns it on, so it says nothing of the case's rule or summary:
  // those are for operators, and would tell a fraudster what was noticed.
  'risk.case.opened': {
    inbox: {
      subject: '账户安全提醒',
      body: '我们注意到您的账户有异常活动,正在核实中。如有疑问,请联系客服。',
    },
    email: {
      subject: '账户安全提醒',
      body: email('我们注意到您的账户有异常活动,正在核实中。如有疑问,请联系客服。'),
    },
    sms: '我们注意到您的账户有异常活动,正在核实中。如有疑问,请联系客服。',
  },
};
