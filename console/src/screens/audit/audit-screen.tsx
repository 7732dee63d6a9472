import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import type { AuditChain, AuditRecord } from '@jifen/sdk';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem-message.ts';
import { useSession } from '../../api/session.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { formatDateTime } from '../../format.ts';
import {
  type AuditFilters,
  useAuditRecords,
  useExportAudit,
  useStaffNames,
  useVerifyAudit,
} from './audit-queries.ts';

const TARGET_TYPES = [
  'member',
  'approval',
  'staff',
  'role',
  'session',
  'key',
  'program',
  'rule',
  'reward',
  'tier',
  'import',
  'webhook',
];
const OUTCOMES = [200, 201, 202, 204, 400, 401, 403, 404, 409, 422];

interface FilterFields {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  dates?:
    | [
        {
          toISOString(): string;
          startOf(unit: 'day'): { toISOString(): string };
          endOf(unit: 'day'): { toISOString(): string };
        } | null,
        { endOf(unit: 'day'): { toISOString(): string } } | null,
      ]
    | null;
  outcome?: number;
}

/** An action's name in the console's language, else its stable code. */
export function actionName(t: TFunction, action: string): string {
  return t(`audit.actions.${action}` as 'audit.title', { defaultValue: action });
}

/** The summary's fields in one line: "points: 5000 · approvalId: apr_…". */
function summaryLine(summary: AuditRecord['summary']): string {
  return Object.entries(summary)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

/**
 * The audit log: filter by who, what, which target, dates and outcome; each record says who,
 * what, when, from where (when its personal part is readable) and its summary; verify the chain
 * (green, or where it broke); export what the filters match as CSV.
 */
export default function AuditScreen() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session, permissions } = useSession();
  const [form] = Form.useForm<FilterFields>();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const records = useAuditRecords(filters, cursors.at(-1));
  const staffNames = useStaffNames(permissions.has('staff:read'));
  const names = staffNames.data ?? new Map<string, string>();
  const verify = useVerifyAudit();
  const exportCsv = useExportAudit();

  const search = (fields: FilterFields) => {
    const [from, to] = fields.dates ?? [null, null];
    setFilters({
      ...(fields.actor?.trim() ? { actor: fields.actor.trim() } : {}),
      ...(fields.action ? { action: fields.action } : {}),
      ...(fields.targetType ? { targetType: fields.targetType } : {}),
      ...(fields.targetId?.trim() ? { targetId: fields.targetId.trim() } : {}),
      ...(from ? { from: from.startOf('day').toISOString() } : {}),
      ...(to ? { to: to.endOf('day').toISOString() } : {}),
      ...(fields.outcome ? { outcome: fields.outcome } : {}),
    });
    setCursors([]);
  };

  const download = () =>
    exportCsv.mutate(filters, {
      onSuccess: (csv) => {
        const file = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
        const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = file;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
        message.success(t('audit.exported', { file }));
      },
      onError: (error) => message.error(problemMessage(t, error)),
    });

  const who = (actor: AuditRecord['actor']) => {
    const name =
      actor.kind === 'staff' && actor.id
        ? actor.id === session.staffId
          ? `${session.name}`
          : (names.get(actor.id) ?? actor.id)
        : actor.id;
    return (
      <Space direction="vertical" size={0}>
        <span>
          <Tag>{t(`audit.actorKind.${actor.kind}`)}</Tag>
          {name}
        </span>
        {actor.role && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`staff.roles.names.${actor.role}` as 'staff.title', { defaultValue: actor.role })}
          </Typography.Text>
        )}
      </Space>
    );
  };

  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('audit.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('audit.intro')}</Typography.Text>
        </div>
        <Space wrap>
          <Button
            icon={<SafetyCertificateOutlined />}
            loading={verify.isPending}
            onClick={() => verify.mutate()}
            data-testid="verify-audit"
          >
            {t('audit.verify')}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            loading={exportCsv.isPending}
            onClick={download}
            data-testid="export-audit"
          >
            {t('audit.export')}
          </Button>
        </Space>
      </div>
      {verify.isError && (
        <Alert type="error" showIcon message={problemMessage(t, verify.error)} style={{ marginBottom: 16 }} />
      )}
      {verify.data && <ChainResult chain={verify.data} />}
      <Card style={{ marginBottom: 16 }}>
        <Form<FilterFields>
          form={form}
          name="auditFilters"
          layout="inline"
          onFinish={search}
          data-testid="audit-filters"
          style={{ rowGap: 12 }}
        >
          <Form.Item name="actor" label={t('audit.filters.actor')}>
            {names.size > 0 ? (
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                style={{ width: 180 }}
                options={[...names].map(([id, name]) => ({ value: id, label: name }))}
              />
            ) : (
              <Input allowClear placeholder={t('audit.filters.actorPlaceholder')} style={{ width: 180 }} />
            )}
          </Form.Item>
          <Form.Item name="action" label={t('audit.filters.action')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ width: 200 }}
              data-testid="action-filter"
              options={ACTION_CODES.map((code) => ({ value: code, label: actionName(t, code) }))}
            />
          </Form.Item>
          <Form.Item name="targetType" label={t('audit.filters.targetType')}>
            <Select
              allowClear
              style={{ width: 140 }}
              options={TARGET_TYPES.map((type) => ({ value: type, label: type }))}
            />
          </Form.Item>
          <Form.Item name="targetId" label={t('audit.filters.targetId')} rules={[{ max: 200 }]}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="dates" label={t('audit.filters.dates')}>
            <DatePicker.RangePicker placeholder={[t('audit.filters.from'), t('audit.filters.to')]} />
          </Form.Item>
          <Form.Item name="outcome" label={t('audit.filters.outcome')}>
            <Select
              allowClear
              style={{ width: 140 }}
              data-testid="outcome-filter"
              options={OUTCOMES.map((code) => ({
                value: code,
                label: `${code} ${code < 400 ? t('audit.outcomes.success') : t('audit.outcomes.failure')}`,
              }))}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {t('audit.filters.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  search({});
                }}
              >
                {t('audit.filters.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        {records.isError ? (
          <ErrorState error={records.error} onRetry={() => records.refetch()} />
        ) : !records.isPending && records.data.data.length === 0 ? (
          <EmptyState title={t('audit.empty')} hint={t('audit.emptyHint')} />
        ) : (
          <>
            <Table<AuditRecord>
              rowKey="id"
              loading={records.isPending || (records.isFetching && records.isPlaceholderData)}
              dataSource={records.data?.data ?? []}
              pagination={false}
              scroll={{ x: 1200 }}
              tableLayout="fixed"
              size="small"
              data-testid="audit-table"
              expandable={{ expandedRowRender: (record) => <RecordDetails record={record} /> }}
              columns={[
                { title: t('audit.columns.at'), dataIndex: 'at', width: 150, render: formatDateTime },
                { title: t('audit.columns.actor'), dataIndex: 'actor', width: 200, render: who },
                {
                  title: t('audit.columns.action'),
                  dataIndex: 'action',
                  width: 180,
                  render: (action: string) => (
                    <Space direction="vertical" size={0}>
                      <strong>{actionName(t, action)}</strong>
                      <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
                        {action}
                      </Typography.Text>
                    </Space>
                  ),
                },
                {
                  title: t('audit.columns.target'),
                  dataIndex: 'target',
                  width: 200,
                  render: (target: AuditRecord['target']) =>
                    target ? (
                      <span>
                        {target.type}{' '}
                        <Typography.Text code style={{ wordBreak: 'break-all' }}>
                          {target.id ?? '—'}
                        </Typography.Text>
                      </span>
                    ) : (
                      '—'
                    ),
                },
                {
                  title: t('audit.columns.outcome'),
                  dataIndex: 'outcome',
                  width: 90,
                  render: (outcome: number) => <Tag color={outcome < 400 ? 'green' : 'red'}>{outcome}</Tag>,
                },
                {
                  title: t('audit.columns.from'),
                  dataIndex: 'personal',
                  width: 120,
                  render: (personal: AuditRecord['personal']) => <From personal={personal} />,
                },
                {
                  title: t('audit.columns.summary'),
                  dataIndex: 'summary',
                  width: 300,
                  ellipsis: true,
                  render: (summary: AuditRecord['summary']) => (
                    <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: summaryLine(summary) }}>
                      {summaryLine(summary) || '—'}
                    </Typography.Text>
                  ),
                },
              ]}
            />
            <Space style={{ marginTop: 12 }}>
              <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                {t('audit.prev')}
              </Button>
              <Button
                disabled={!records.data?.hasMore || !records.data.nextCursor}
                onClick={() => records.data?.nextCursor && setCursors([...cursors, records.data.nextCursor])}
              >
                {t('audit.next')}
              </Button>
            </Space>
          </>
        )}
      </Card>
    </>
  );
}

const ACTION_CODES = [
  'approval.approved',
  'approval.rejected',
  'approval.cancelled',
  'approval.policy_replaced',
  'audit.exported',
  'ledger.adjust',
  'ledger.reverse',
  'member.upserted',
  'member.erased',
  'member.personal_data_exported',
  'member.id_changed',
  'key.created',
  'key.revoked',
  'staff.created',
  'staff.changed',
  'staff.login',
  'staff.logout',
  'staff.password_reset',
  'staff.password_changed',
  'role.created',
  'role.changed',
  'role.deleted',
  'program.changed',
  'rule.published',
  'tier.assigned',
];

function From({ personal }: { personal: AuditRecord['personal'] }) {
  const { t } = useTranslation();
  if (personal === 'erased') return <Typography.Text type="secondary">{t('audit.erased')}</Typography.Text>;
  const ip = personal && typeof personal.ip === 'string' ? personal.ip : null;
  const agent = personal && typeof personal.userAgent === 'string' ? personal.userAgent : null;
  if (!ip && !agent) return <>{t('audit.hidden')}</>;
  return (
    <Typography.Text style={{ fontSize: 12 }} title={agent ?? undefined}>
      {ip ?? '—'}
    </Typography.Text>
  );
}

function RecordDetails({ record }: { record: AuditRecord }) {
  const { t } = useTranslation();
  return (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label={t('audit.details.seq')}>{record.seq}</Descriptions.Item>
      <Descriptions.Item label={t('audit.details.requestId')}>{record.requestId ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('audit.details.recordHash')}>
        <Typography.Text code style={{ wordBreak: 'break-all' }}>
          {record.recordHash}
        </Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('audit.details.summary')}>
        <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(record.summary, null, 2)}</pre>
      </Descriptions.Item>
      <Descriptions.Item label={t('audit.details.personal')}>
        {record.personal === 'erased' ? (
          t('audit.erased')
        ) : (
          <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(record.personal, null, 2)}</pre>
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** The chain's verification: green and what it covered, or red and where it broke. */
export function ChainResult({ chain }: { chain: AuditChain }) {
  const { t } = useTranslation();
  if (chain.ok) {
    return (
      <Alert
        type="success"
        showIcon
        style={{ marginBottom: 16 }}
        data-testid="chain-result"
        message={
          chain.head
            ? t('audit.verifyOk', {
                records: chain.records,
                sealed: chain.sealed,
                gaps: chain.gaps,
                seq: chain.head.seq,
              })
            : t('audit.verifyOkEmpty')
        }
        description={
          chain.head && (
            <Typography.Text code style={{ wordBreak: 'break-all' }}>
              {chain.head.hash}
            </Typography.Text>
          )
        }
      />
    );
  }
  const broken = chain.broken;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="chain-result"
      message={t('audit.verifyBroken', {
        seq: broken?.seq ?? '?',
        reason: broken ? t(`audit.brokenReason.${broken.reason}`) : '?',
        detail: broken?.detail ?? '',
      })}
    />
  );
}
