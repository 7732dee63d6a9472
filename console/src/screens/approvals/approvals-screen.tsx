import { BellOutlined } from '@ant-design/icons';
import type { Approval } from '@jifen/sdk';
import { Alert, App, Button, Card, Col, List, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo, useSession } from '../../api/session.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { formatDateTime } from '../../format.ts';
import { ApprovalDescription, describeApproval, type WhoNames } from './approval-description.tsx';
import {
  type ApprovalQuery,
  useApprovals,
  useCancel,
  useMarkNoticesRead,
  useStaffNames,
  useUnreadNotices,
} from './approvals-queries.ts';
import { DecisionDialog } from './decision-dialog.tsx';
import { PolicyCard } from './policy-card.tsx';

const STATUSES = ['pending', 'executing', 'approved', 'rejected', 'cancelled', 'failed', 'expired'] as const;
const ACTIONS = [
  'adjustment',
  'credit',
  'debit',
  'reversal',
  'transfer',
  'tier_assignment',
  'credit_batch',
  'import_commit',
  'import_undo',
] as const;
const PAGE_SIZE = 10;

/**
 * Approvals (maker–checker): the queue, pending first, each request in plain words (what, for
 * which member, how many points, the maker's reason, who asked, when it expires); approve or
 * reject with a comment, withdraw one's own; the approval policy beside it.
 */
export default function ApprovalsScreen() {
  const { t } = useTranslation();
  const { session, permissions } = useSession();
  const { message } = App.useApp();
  const canDecide = useCanDo('approvals', 'decide');
  const canReadPolicy = useCanDo('approvals', 'readPolicy');
  const canManagePolicy = useCanDo('approvals', 'policy');
  const [status, setStatus] = useState<ApprovalQuery['status'] | 'all'>('pending');
  const [action, setAction] = useState<ApprovalQuery['action'] | 'all'>('all');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const query: ApprovalQuery = {
    limit: PAGE_SIZE,
    ...(status !== 'all' && status ? { status } : {}),
    ...(action !== 'all' && action ? { action } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const approvals = useApprovals(query);
  const staffNames = useStaffNames(permissions.has('staff:read'));
  const names: WhoNames = { me: session.staffId, staff: staffNames.data ?? new Map() };
  const [deciding, setDeciding] = useState<{ approval: Approval; decision: 'approve' | 'reject' } | null>(
    null,
  );

  const refilter = (change: () => void) => {
    change();
    setCursors([]);
  };

  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('approvals.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('approvals.intro')}</Typography.Text>
        </div>
      </div>
      <Notices />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={canReadPolicy ? 17 : 24}>
          <Card>
            <Space wrap style={{ marginBottom: 16 }}>
              <span>{t('approvals.filters.status')}</span>
              <Select
                style={{ width: 160 }}
                value={status}
                onChange={(value) => refilter(() => setStatus(value))}
                data-testid="status-filter"
                options={[
                  { value: 'all', label: t('approvals.filters.all') },
                  ...STATUSES.map((value) => ({ value, label: t(`approvals.status.${value}`) })),
                ]}
              />
              <span>{t('approvals.filters.action')}</span>
              <Select
                style={{ width: 160 }}
                value={action}
                onChange={(value) => refilter(() => setAction(value))}
                options={[
                  { value: 'all', label: t('approvals.filters.all') },
                  ...ACTIONS.map((value) => ({ value, label: t(`approvals.action.${value}`) })),
                ]}
              />
            </Space>
            {approvals.isError ? (
              <ErrorState error={approvals.error} onRetry={() => approvals.refetch()} />
            ) : approvals.isPending ? (
              <LoadingState />
            ) : approvals.data.data.length === 0 ? (
              <EmptyState
                title={
                  status === 'pending' && action === 'all' ? t('approvals.empty') : t('approvals.emptyAll')
                }
                hint={t('approvals.emptyHint')}
              />
            ) : (
              <>
                <List<Approval>
                  dataSource={approvals.data.data}
                  loading={approvals.isFetching && approvals.isPlaceholderData}
                  data-testid="approvals-list"
                  split={false}
                  renderItem={(approval) => (
                    <List.Item
                      key={approval.id}
                      data-testid={`approval-${approval.id}`}
                      style={{ display: 'block' }}
                    >
                      <ApprovalDescription approval={approval} names={names} />
                      {approval.status === 'pending' && (
                        <Actions
                          approval={approval}
                          mine={approval.maker.kind === 'staff' && approval.maker.id === session.staffId}
                          canDecide={canDecide}
                          onDecide={(decision) => setDeciding({ approval, decision })}
                        />
                      )}
                    </List.Item>
                  )}
                />
                <Space style={{ marginTop: 8 }}>
                  <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                    {t('approvals.prev')}
                  </Button>
                  <Button
                    disabled={!approvals.data.hasMore || !approvals.data.nextCursor}
                    onClick={() =>
                      approvals.data.nextCursor && setCursors([...cursors, approvals.data.nextCursor])
                    }
                  >
                    {t('approvals.next')}
                  </Button>
                </Space>
              </>
            )}
          </Card>
        </Col>
        {canReadPolicy && (
          <Col xs={24} xl={7}>
            <PolicyCard canManage={canManagePolicy} />
          </Col>
        )}
      </Row>
      <DecisionDialog
        approval={deciding?.approval ?? null}
        decision={deciding?.decision ?? 'approve'}
        onClose={() => setDeciding(null)}
        onDone={(decided) => {
          setDeciding(null);
          if (decided.status === 'failed') {
            message.warning(
              t('approvals.approvedFailed', {
                detail: decided.result ? JSON.stringify(decided.result.body) : '',
              }),
            );
          } else {
            message.success(t(decided.status === 'rejected' ? 'approvals.rejected' : 'approvals.approved'));
          }
        }}
      />
    </>
  );
}

function Actions({
  approval,
  mine,
  canDecide,
  onDecide,
}: {
  approval: Approval;
  mine: boolean;
  canDecide: boolean;
  onDecide: (decision: 'approve' | 'reject') => void;
}) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const cancel = useCancel();
  const confirmCancel = () =>
    modal.confirm({
      title: t('approvals.cancelTitle'),
      content: t('approvals.cancelBody', { what: describeApproval(t, approval) }),
      okText: t('approvals.cancel'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        cancel
          .mutateAsync(approval.id)
          .then(() => message.success(t('approvals.cancelled')))
          .catch((error: unknown) => message.error(problemMessage(t, error))),
    });
  return (
    <Space wrap style={{ marginTop: 12 }}>
      {canDecide && (
        <>
          <Button type="primary" onClick={() => onDecide('approve')} data-testid="approve">
            {t('approvals.approve')}
          </Button>
          <Button danger onClick={() => onDecide('reject')} data-testid="reject">
            {t('approvals.reject')}
          </Button>
        </>
      )}
      {mine && (
        <>
          <Button onClick={confirmCancel} data-testid="cancel-approval">
            {t('approvals.cancel')}
          </Button>
          <Typography.Text type="secondary">{t('approvals.ownRequest')}</Typography.Text>
        </>
      )}
    </Space>
  );
}

/** The signed-in staff member's unread notices (approvals waiting, decisions on theirs). */
function Notices() {
  const { t } = useTranslation();
  const notices = useUnreadNotices();
  const markRead = useMarkNoticesRead();
  const unread = notices.data?.data ?? [];
  if (unread.length === 0) return null;
  return (
    <Alert
      type="info"
      icon={<BellOutlined />}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="notices"
      message={t('approvals.notices.unread', { count: unread.length })}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {unread.map((notice) => (
            <li key={notice.id}>
              <span title={notice.text}>{t(`approvals.notices.${notice.kind}`)}</span>{' '}
              <Typography.Text type="secondary">· {formatDateTime(notice.createdAt)}</Typography.Text>
            </li>
          ))}
        </ul>
      }
      action={
        <Button size="small" loading={markRead.isPending} onClick={() => markRead.mutate()}>
          {t('approvals.notices.markRead')}
        </Button>
      }
    />
  );
}
