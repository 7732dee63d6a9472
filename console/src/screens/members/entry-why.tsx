import type { Entry } from '@jifen/sdk';
import { Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format.ts';
import { useLocalized } from './localized.ts';

/** What an entry's `source` may say (src/ledger/ledger-types.ts EntrySource), every field optional. */
interface Source {
  kind?: string;
  apiKeyId?: string;
  staffId?: string;
  store?: string;
  approvalId?: string;
  ref?: string;
  eventId?: string;
  orderId?: string;
  ruleId?: string;
  ruleVersion?: number;
  rules?: { ruleId: string; ruleVersion: number; amount: number }[];
  redemptionId?: string;
  importedBy?: string;
}

const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

function sourceOf(entry: Entry): Source {
  const raw = entry.source;
  const rules = Array.isArray(raw.rules)
    ? raw.rules.filter(
        (share): share is { ruleId: string; ruleVersion: number; amount: number } =>
          typeof share === 'object' && share !== null && typeof share.ruleId === 'string',
      )
    : undefined;
  return {
    kind: str(raw.kind),
    apiKeyId: str(raw.apiKeyId),
    staffId: str(raw.staffId),
    store: str(raw.store),
    approvalId: str(raw.approvalId),
    ref: str(raw.ref),
    eventId: str(raw.eventId),
    orderId: str(raw.orderId),
    ruleId: str(raw.ruleId),
    ruleVersion: typeof raw.ruleVersion === 'number' ? raw.ruleVersion : undefined,
    rules,
    redemptionId: str(raw.redemptionId),
    importedBy: str(raw.importedBy),
  };
}

/**
 * Why an entry happened: its reason in the console language, then what stands behind it — the
 * rule and version (or each rule version's share), the event and order, who did it (operator,
 * staff, API key, store), the approval that let it through, the entry it reverses.
 */
export function EntryWhy({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const source = sourceOf(entry);
  const facts: ReactNode[] = [];
  const fact = (key: string, text: string, color?: string) =>
    facts.push(
      <Tag key={key} color={color} bordered={false} data-testid={`why-${key}`}>
        {text}
      </Tag>,
    );

  if (source.rules && source.rules.length > 1) {
    for (const share of source.rules)
      fact(
        `rule-${share.ruleId}-${share.ruleVersion}`,
        t('members.why.ruleShare', {
          ruleId: share.ruleId,
          version: share.ruleVersion,
          amount: formatNumber(share.amount),
        }),
        'blue',
      );
  } else {
    const only = source.rules?.[0];
    const ruleId = source.ruleId ?? only?.ruleId;
    const version = source.ruleVersion ?? only?.ruleVersion;
    if (ruleId) fact('rule', t('members.why.rule', { ruleId, version: version ?? '?' }), 'blue');
  }
  if (source.eventId) fact('event', t('members.why.event', { eventId: source.eventId }));
  if (source.orderId) fact('order', t('members.why.order', { orderId: source.orderId }));
  if (source.redemptionId)
    fact('redemption', t('members.why.redemption', { redemptionId: source.redemptionId }));
  if (entry.reversesEntryId)
    fact('reverses', t('members.why.reverses', { entryId: entry.reversesEntryId }), 'orange');
  if (entry.counterpartyMemberId)
    fact('counterparty', t('members.why.counterparty', { memberId: entry.counterpartyMemberId }));
  if (entry.operator) fact('operator', t('members.why.operator', { operator: entry.operator }), 'purple');
  if (source.staffId) fact('staff', t('members.why.staff', { staffId: source.staffId }));
  if (source.apiKeyId) fact('apiKey', t('members.why.apiKey', { apiKeyId: source.apiKeyId }));
  if (source.store) fact('store', t('members.why.store', { store: source.store }));
  if (source.approvalId)
    fact('approval', t('members.why.approval', { approvalId: source.approvalId }), 'gold');
  if (source.importedBy) fact('imported', t('members.why.imported', { by: source.importedBy }));
  if (source.kind === 'system' && facts.length === 0) fact('system', t('members.why.system'));
  if (entry.unrecoveredPoints > 0)
    fact(
      'unrecovered',
      t('members.why.unrecovered', { points: formatNumber(entry.unrecoveredPoints) }),
      'red',
    );

  const reason = localized(entry.reason);
  return (
    <Space direction="vertical" size={2} data-testid="entry-why">
      {reason && (
        <Typography.Text strong data-testid="why-reason">
          {reason}
        </Typography.Text>
      )}
      {facts.length > 0 && (
        <Space size={[0, 4]} wrap>
          {facts}
        </Space>
      )}
    </Space>
  );
}
