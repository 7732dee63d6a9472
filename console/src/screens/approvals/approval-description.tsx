import type { Approval } from '@jifen/sdk';
import { Descriptions, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../../format.ts';
import { currentLanguage } from '../../i18n/index.ts';

/** Who someone is, in words: "you", a staff member's name (when known), or an API key. */
export interface WhoNames {
  /** The signed-in staff member's id. */
  me: string;
  /** Staff names by id (empty when the role may not read staff). */
  staff: ReadonlyMap<string, string>;
}

export function whoIs(t: TFunction, who: { kind: 'staff' | 'api_key'; id: string }, names: WhoNames): string {
  if (who.kind === 'api_key') return t('approvals.apiKey', { id: who.id });
  if (who.id === names.me) return t('approvals.you');
  return names.staff.get(who.id) ?? t('approvals.staffId', { id: who.id });
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A reason as the maker gave it: one text, or the one in the console's language. */
export function reasonOf(request: Approval['request']): string | null {
  const reason = request.reason;
  if (typeof reason === 'string') return reason;
  if (reason && typeof reason === 'object') {
    const byLanguage = reason as Record<string, unknown>;
    return text(byLanguage[currentLanguage()]) ?? text(byLanguage['zh-CN']) ?? text(byLanguage.en);
  }
  return null;
}

/** What a request would do, in one plain sentence in the console's language. */
export function describeApproval(t: TFunction, approval: Approval): string {
  const action = t(`approvals.action.${approval.action}`);
  const request = approval.request;
  const member = approval.memberId ?? text(request.memberId);
  if (approval.action === 'transfer') {
    return t('approvals.describe.transfer', {
      points: formatNumber(approval.points ?? 0),
      from: text(request.fromMemberId) ?? '—',
      to: text(request.toMemberId) ?? '—',
    });
  }
  if (approval.action === 'reversal') {
    return t('approvals.describe.reversal', { entry: approval.target ?? '—', member: member ?? '—' });
  }
  if (approval.action === 'tier_assignment') {
    return t('approvals.describe.tier', {
      member: member ?? '—',
      tier: text(request.tier) ?? '—',
      until: formatDateTime(text(request.until)),
    });
  }
  if (approval.points !== null) {
    // `points` is how many move; an adjustment's sign is in its request (+5,000 / -3,000).
    const signed = typeof request.points === 'number' ? request.points : approval.points;
    const points =
      approval.action === 'adjustment' && signed > 0 ? `+${formatNumber(signed)}` : formatNumber(signed);
    return member
      ? t('approvals.describe.pointsMember', { action, points, member })
      : t('approvals.describe.points', { action, points });
  }
  return t('approvals.describe.other', { action, target: approval.target ?? approval.summary });
}

const STATUS_COLOR: Record<Approval['status'], string> = {
  pending: 'gold',
  executing: 'processing',
  approved: 'green',
  rejected: 'red',
  cancelled: 'default',
  failed: 'volcano',
  expired: 'default',
};

export function StatusTag({ status }: { status: Approval['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="approval-status">
      {t(`approvals.status.${status}`)}
    </Tag>
  );
}

function resultDetail(body: unknown): string {
  if (body && typeof body === 'object') {
    const problem = body as Record<string, unknown>;
    return text(problem.detail) ?? text(problem.title) ?? text(problem.code) ?? '—';
  }
  return '—';
}

/**
 * Everything about one request, to decide on it: what it does, for which member, how many
 * points, the maker's reason, who asked and when, when it expires; once decided, who decided,
 * when, their comment and what running it answered.
 */
export function ApprovalDescription({ approval, names }: { approval: Approval; names: WhoNames }) {
  const { t } = useTranslation();
  const reason = reasonOf(approval.request);
  const result = approval.result;
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
      bordered
      styles={{ label: { whiteSpace: 'nowrap', width: 96 } }}
      data-testid="approval-description"
    >
      <Descriptions.Item label={t('approvals.fields.what')} span={2}>
        <strong>{describeApproval(t, approval)}</strong>
      </Descriptions.Item>
      <Descriptions.Item label={t('approvals.fields.reason')} span={2}>
        {reason ?? '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('approvals.fields.maker')}>
        {whoIs(t, approval.maker, names)}
        {approval.maker.store && (
          <Typography.Text type="secondary">
            {' '}
            · {t('approvals.fields.store')} {approval.maker.store}
          </Typography.Text>
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t('approvals.fields.createdAt')}>
        {formatDateTime(approval.createdAt)}
      </Descriptions.Item>
      <Descriptions.Item label={t('approvals.fields.status')}>
        <StatusTag status={approval.status} />
      </Descriptions.Item>
      <Descriptions.Item label={t('approvals.fields.expiresAt')}>
        {formatDateTime(approval.expiresAt)}
      </Descriptions.Item>
      {approval.checker && (
        <>
          <Descriptions.Item label={t('approvals.fields.checker')}>
            {whoIs(t, approval.checker, names)}
          </Descriptions.Item>
          <Descriptions.Item label={t('approvals.fields.decidedAt')}>
            {formatDateTime(approval.decidedAt)}
          </Descriptions.Item>
        </>
      )}
      {approval.comment && (
        <Descriptions.Item label={t('approvals.fields.comment')} span={2}>
          {approval.comment}
        </Descriptions.Item>
      )}
      {result && (
        <Descriptions.Item label={t('approvals.fields.result')} span={2}>
          {result.status < 400 ? (
            <Typography.Text type="success">
              {t('approvals.resultOk', { status: result.status })}
            </Typography.Text>
          ) : (
            <Typography.Text type="danger">
              {t('approvals.resultFailed', { status: result.status, detail: resultDetail(result.body) })}
            </Typography.Text>
          )}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}
