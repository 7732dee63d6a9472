import { outcomeOfPost, postJson } from './post-json.ts';
import { refusedBeforeSending } from './send-outcome.ts';
import { type SmsAdapter, toE164, validatePhoneNumber } from './sms-adapter.ts';

export const DEFAULT_SMS_TIMEOUT_MS = 10_000;

/**
 * Texts through an HTTP provider, or a small bridge in front of Aliyun or Tencent SMS, that
 * speaks the contract in docs/sms-provider.md.
 */
export function createHttpSmsAdapter(config: {
  url: string;
  token: string;
  senderName?: string;
  timeoutMs?: number;
}): SmsAdapter {
  const timeoutMs = config.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  return {
    name: 'http',
    async send(sms) {
      const invalid = validatePhoneNumber(sms.to);
      if (invalid) return refusedBeforeSending(invalid);
      const result = await postJson({
        url: config.url,
        headers: {
          'user-agent': 'Jifen-SMS/1',
          authorization: `Bearer ${config.token}`,
          'idempotency-key': sms.messageId,
        },
        body: JSON.stringify({
          to: toE164(sms.to),
          text: sms.text,
          messageId: sms.messageId,
          senderName: config.senderName ?? null,
        }),
        timeoutMs,
        // The operator wrote this URL (JIFEN_SMS_URL), often a bridge on the same network: only
        // link-local and metadata addresses are refused, as for every outbound POST.
        allowPrivateNetworks: true,
      });
      return outcomeOfPost(result, isRetryableStatus);
    },
  };
}

/**
 * 400 and 422 are the provider refusing this number or this text: the same request would be
 * refused again. Everything else that is not a success (auth trouble an operator can fix, rate
 * limits, outages, a misrouted URL) may pass later.
 */
const isRetryableStatus = (status: number): boolean => status !== 400 && status !== 422;
