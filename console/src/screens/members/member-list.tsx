import type { Member } from '@jifen/sdk';
import { Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { useCanDo } from '../../api/session.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { SegmentPicker } from '../segments/segment-picker.tsx';
import { useLocalized } from './localized.ts';
import { MemberStatusTag } from './member-status.tsx';
import { type MemberFilters, useMembers, useTierConfig } from './members-queries.ts';

const STATUSES = ['active', 'frozen', 'blocked'] as const;

interface Fields {
  idPrefix?: string;
  phone?: string;
  tag?: string;
  tier?: string;
  status?: (typeof STATUSES)[number];
  segment?: string;
}

/** The filters live in the address (a search can be linked to, and Back returns to it). */
function filtersOf(params: URLSearchParams): MemberFilters {
  const filters: MemberFilters = {};
  for (const key of ['idPrefix', 'phone', 'tag', 'tier', 'segment'] as const) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  const status = params.get('status');
  if (status && (STATUSES as readonly string[]).includes(status)) filters.status = status as Fields['status'];
  return filters;
}

/** Members: search by id, phone (the blind index), tag, tier and status; paged by cursor. */
export function MemberList() {
  const { t } = useTranslation();
  const localized = useLocalized();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const members = useMembers(filters, cursor);
  const canReadProgram = useCanDo('members', 'readProgram');
  const tiers = useTierConfig(canReadProgram);
  const canReadSegments = useCanDo('members', 'readSegments');
  const tierNames = new Map(
    (tiers.data?.config.tiers ?? []).map((tier) => [tier.code, localized(tier.name)]),
  );
  const [form] = Form.useForm<Fields>();
  const filtered = Object.keys(filters).length > 0;
  // A filter the API refused (validation_failed on querystring/phone, say) is marked on its field.
  useEffect(() => {
    if (members.error) showProblemOnForm(form, members.error);
  }, [members.error, form]);

  const search = (fields: Fields) => {
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(fields))
      if (typeof value === 'string' && value.trim()) next.set(key, value.trim());
    setCursors([undefined]);
    setParams(next);
  };

  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('members.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('members.intro')}</Typography.Text>
        </div>
      </div>
      <Card style={{ marginBottom: 16 }}>
        <Form<Fields>
          form={form}
          layout="inline"
          initialValues={filters}
          onFinish={search}
          data-testid="member-search"
          style={{ rowGap: 12 }}
        >
          <Form.Item
            name="idPrefix"
            label={t('members.search.memberId')}
            rules={[{ max: 128, message: t('members.search.tooLong', { max: 128 }) }]}
          >
            <Input placeholder={t('members.search.memberIdPlaceholder')} allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('members.search.phone')}
            tooltip={t('members.search.phoneHelp')}
            rules={[
              { max: 32, message: t('members.search.tooLong', { max: 32 }) },
              { pattern: /^\+?[\d\s-]+$/, message: t('members.search.phoneInvalid') },
            ]}
          >
            <Input placeholder={t('members.search.phonePlaceholder')} allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name="tag"
            label={t('members.search.tag')}
            rules={[{ max: 64, message: t('members.search.tooLong', { max: 64 }) }]}
          >
            <Input placeholder={t('members.search.tagPlaceholder')} allowClear style={{ width: 120 }} />
          </Form.Item>
          <Form.Item
            name="tier"
            label={t('members.search.tier')}
            rules={[{ max: 64, message: t('members.search.tooLong', { max: 64 }) }]}
          >
            {tierNames.size > 0 ? (
              <Select
                allowClear
                placeholder={t('members.search.tierPlaceholder')}
                style={{ width: 140 }}
                options={[...tierNames].map(([code, name]) => ({ value: code, label: name }))}
              />
            ) : (
              <Input placeholder={t('members.search.tierPlaceholder')} allowClear style={{ width: 120 }} />
            )}
          </Form.Item>
          <Form.Item name="status" label={t('members.search.status')}>
            <Select
              allowClear
              placeholder={t('members.search.statusPlaceholder')}
              style={{ width: 120 }}
              options={STATUSES.map((status) => ({ value: status, label: t(`members.status.${status}`) }))}
            />
          </Form.Item>
          {canReadSegments && (
            <Form.Item name="segment" label={t('members.search.segment')}>
              <SegmentPicker style={{ width: 180 }} />
            </Form.Item>
          )}
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="member-search-submit">
                {t('members.search.submit')}
              </Button>
              <Button
                onClick={() => {
                  form.setFieldsValue({
                    idPrefix: undefined,
                    phone: undefined,
                    tag: undefined,
                    tier: undefined,
                    status: undefined,
                    segment: undefined,
                  });
                  search({});
                }}
              >
                {t('members.search.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        {members.isError ? (
          <ErrorState error={members.error} onRetry={() => members.refetch()} />
        ) : !members.isPending && members.data.data.length === 0 && cursors.length === 1 ? (
          filtered ? (
            <EmptyState title={t('members.noMatch')} hint={t('members.noMatchHint')} />
          ) : (
            <EmptyState title={t('members.empty')} hint={t('members.emptyHint')} />
          )
        ) : (
          <>
            <MemberTable
              members={members.data?.data ?? []}
              loading={members.isPending || members.isPlaceholderData}
              tierName={(code) => tierNames.get(code) ?? code}
            />
            <Space style={{ marginTop: 16, justifyContent: 'flex-end', width: '100%' }}>
              <Button
                disabled={cursors.length === 1}
                onClick={() => setCursors((stack) => stack.slice(0, -1))}
                data-testid="members-previous"
              >
                {t('members.previousPage')}
              </Button>
              <Button
                disabled={!members.data?.hasMore || !members.data.nextCursor}
                onClick={() => {
                  const next = members.data?.nextCursor;
                  if (next) setCursors((stack) => [...stack, next]);
                }}
                data-testid="members-next"
              >
                {t('members.nextPage')}
              </Button>
            </Space>
          </>
        )}
      </Card>
    </>
  );
}

function MemberTable({
  members,
  loading,
  tierName,
}: {
  members: Member[];
  loading: boolean;
  tierName: (code: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <Table<Member>
      rowKey="memberId"
      loading={loading}
      dataSource={members}
      pagination={false}
      scroll={{ x: 900 }}
      data-testid="members-table"
      onRow={(_, index) =>
        (index === 0 ? { 'data-testid': 'members-first-row' } : {}) as React.HTMLAttributes<HTMLElement>
      }
      columns={[
        {
          title: t('members.columns.memberId'),
          dataIndex: 'memberId',
          render: (memberId: string) => (
            <Link to={`/members/${encodeURIComponent(memberId)}`} className="nowrap">
              {memberId}
            </Link>
          ),
        },
        {
          title: t('members.columns.name'),
          key: 'name',
          render: (_, member) => (
            <>
              <div>{member.name ?? '—'}</div>
              {member.nickname && <Typography.Text type="secondary">{member.nickname}</Typography.Text>}
            </>
          ),
        },
        {
          title: t('members.columns.tier'),
          dataIndex: 'tier',
          render: (tier: string | null) => (tier ? tierName(tier) : t('members.noTier')),
        },
        {
          title: t('members.columns.available'),
          key: 'available',
          align: 'right',
          render: (_, member) => formatNumber(member.balances.available),
        },
        {
          title: t('members.columns.pending'),
          key: 'pending',
          align: 'right',
          render: (_, member) => formatNumber(member.balances.pending),
        },
        {
          title: t('members.columns.status'),
          key: 'status',
          render: (_, member) => <MemberStatusTag member={member} />,
        },
        {
          title: t('members.columns.joinedAt'),
          dataIndex: 'joinedAt',
          render: formatDateTime,
        },
      ]}
    />
  );
}
