import type { NotificationType } from '../message-types.ts';
import type { DefaultTexts } from './template-types.ts';

/** Default wording in English. SMS carries no signature: the SMS provider adds the program's own. */

const email = (body: string) => `Hello,\n\n${body}\n\nThank you for being a member.`;

const earned =
  'You earned {{points}} points ({{reason}}). {{pendingNote}}Your available balance is {{available}} points.';
const spent = 'You used {{points}} points ({{reason}}). Your available balance is {{available}} points.';
const expiring = '{{points}} of your points expire on {{expiresOn}}. Use them before then.';
const expired = '{{points}} of your points have expired. Your available balance is {{available}} points.';
const adjusted =
  'Your points were adjusted by {{signedPoints}} ({{reason}}). Your available balance is {{available}} points.';
const reversed =
  'An earlier points change was reversed: {{signedPoints}} points ({{reason}}). Your available balance is {{available}} points.';
const tierChanged = 'Your membership tier changed from {{fromTier}} to {{toTier}}. {{reason}}.';
const redeemed =
  'You redeemed {{rewardName}} ×{{quantity}} for {{points}} points. Redemption number: {{redemptionId}}.';
const shipped = 'Your {{rewardName}} has shipped: {{carrier}} tracking number {{trackingNumber}}.';
const delivered = 'Your {{rewardName}} has been delivered. If anything is wrong, please contact us.';
const cancelled =
  'Your redemption of {{rewardName}} was cancelled and {{points}} points were returned to you.';
// See the zh-CN texts: members are not told what the risk case is about.
const riskOpened =
  'We noticed unusual activity on your account and are looking into it. If you have questions, please contact us.';

export const EN_TEXTS: Record<NotificationType, DefaultTexts> = {
  'points.earned': {
    inbox: { subject: 'Points earned', body: earned },
    email: { subject: 'You earned {{points}} points', body: email(earned) },
    sms: earned,
  },
  'points.spent': {
    inbox: { subject: 'Points used', body: spent },
    email: { subject: 'You used {{points}} points', body: email(spent) },
    sms: spent,
  },
  'points.expiring': {
    inbox: { subject: 'Points expiring soon', body: expiring },
    email: {
      subject: '{{points}} of your points expire soon',
      body: email(`${expiring} Expired points can no longer be used.`),
    },
    sms: expiring,
  },
  'points.expired': {
    inbox: { subject: 'Points expired', body: expired },
    email: { subject: '{{points}} of your points have expired', body: email(expired) },
    sms: expired,
  },
  'points.adjusted': {
    inbox: { subject: 'Points adjusted', body: adjusted },
    email: { subject: 'Your points were adjusted', body: email(adjusted) },
    sms: adjusted,
  },
  'points.reversed': {
    inbox: { subject: 'Points corrected', body: reversed },
    email: { subject: 'A points change was reversed', body: email(reversed) },
    sms: reversed,
  },
  'tier.changed': {
    inbox: { subject: 'Your tier changed', body: tierChanged },
    email: { subject: 'Your tier is now {{toTier}}', body: email(tierChanged) },
    sms: 'Your membership tier changed from {{fromTier}} to {{toTier}}.',
  },
  'redemption.created': {
    inbox: { subject: 'Redemption confirmed', body: redeemed },
    email: { subject: 'Redeemed: {{rewardName}}', body: email(redeemed) },
    sms: 'You redeemed {{rewardName}} ×{{quantity}} for {{points}} points.',
  },
  'redemption.shipped': {
    inbox: { subject: 'Your reward has shipped', body: shipped },
    email: { subject: 'Your {{rewardName}} has shipped', body: email(shipped) },
    sms: shipped,
  },
  'redemption.delivered': {
    inbox: { subject: 'Your reward was delivered', body: delivered },
    email: { subject: 'Your {{rewardName}} was delivered', body: email(delivered) },
    sms: delivered,
  },
  'redemption.cancelled': {
    inbox: { subject: 'Redemption cancelled', body: cancelled },
    email: { subject: 'Redemption cancelled: {{rewardName}}', body: email(cancelled) },
    sms: cancelled,
  },
  'risk.case.opened': {
    inbox: { subject: 'Account security notice', body: riskOpened },
    email: { subject: 'Account security notice', body: email(riskOpened) },
    sms: riskOpened,
  },
};
