import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  InputNumber,
  Skeleton,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { ErrorState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { type PolicyBody, useApprovalPolicy, useSetApprovalPolicy } from './approvals-queries.ts';

/** The API's limits (PUT /v1/approval-policy). */
const MAX_POINTS = 1_000_000_000_000;
const MAX_HOURS = 8760;

interface Fields {
  pointsAbove: number | null;
  bulk: boolean;
  tierAssignments: boolean;
  expiresAfterHours: number;
}

/** The approval policy: read by everyone who may read the program, changed with program:manage. */
export function PolicyCard({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const policy = useApprovalPolicy(true);
  const save = useSetApprovalPolicy();
  const [editing, setEditing] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<Fields>();

  if (policy.isError)
    return (
      <Card title={t('approvals.policy.title')}>
        <ErrorState error={policy.error} onRetry={() => policy.refetch()} />
      </Card>
    );
  if (policy.isPending)
    return (
      <Card title={t('approvals.policy.title')}>
        <Skeleton active paragraph={{ rows: 2 }} />
      </Card>
    );
  const current = policy.data;

  const submit = (fields: Fields) => {
    setFormError(null);
    const body: PolicyBody = {
      pointsAbove: fields.pointsAbove ?? null,
      bulk: fields.bulk,
      tierAssignments: fields.tierAssignments,
      expiresAfterHours: fields.expiresAfterHours,
    };
    save.mutate(body, {
      onSuccess: () => setEditing(false),
      onError: (error) => {
        showProblemOnForm(form, error);
        setFormError(problemMessage(t, error));
      },
    });
  };

  return (
    <Card
      title={t('approvals.policy.title')}
      data-testid="approval-policy"
      extra={
        canManage &&
        !editing && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="edit-policy">
            {t('approvals.policy.edit')}
          </Button>
        )
      }
    >
      {editing ? (
        <>
          {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
          <Form<Fields>
            form={form}
            name="policy"
            layout="vertical"
            onFinish={submit}
            initialValues={{
              pointsAbove: current.pointsAbove,
              bulk: current.bulk,
              tierAssignments: current.tierAssignments,
              expiresAfterHours: current.expiresAfterHours,
            }}
          >
            <Form.Item
              name="pointsAbove"
              label={t('approvals.policy.pointsAbove')}
              extra={t('approvals.policy.pointsAboveHelp')}
              rules={[
                { type: 'integer', min: 0, max: MAX_POINTS, message: t('approvals.policy.pointsAboveRange') },
              ]}
            >
              <InputNumber min={0} max={MAX_POINTS} precision={0} style={{ width: 220 }} />
            </Form.Item>
            <Form.Item
              name="bulk"
              label={t('approvals.policy.bulk')}
              extra={t('approvals.policy.bulkHelp')}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
            <Form.Item
              name="tierAssignments"
              label={t('approvals.policy.tierAssignments')}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
            <Form.Item
              name="expiresAfterHours"
              label={t('approvals.policy.expiresAfterHours')}
              extra={t('approvals.policy.expiresAfterHoursHelp')}
              rules={[
                { required: true, message: t('approvals.policy.expiresRange') },
                { type: 'integer', min: 1, max: MAX_HOURS, message: t('approvals.policy.expiresRange') },
              ]}
            >
              <InputNumber min={1} max={MAX_HOURS} precision={0} style={{ width: 220 }} />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('approvals.policy.save')}
              </Button>
              <Button
                onClick={() => {
                  setEditing(false);
                  setFormError(null);
                }}
              >
                {t('common.cancel')}
              </Button>
            </Space>
          </Form>
        </>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('approvals.policy.intro')}</Typography.Paragraph>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('approvals.policy.pointsAbove')}>
              <span data-testid="policy-threshold">
                {current.pointsAbove === null
                  ? t('approvals.policy.none')
                  : t('approvals.policy.above', { points: formatNumber(current.pointsAbove) })}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('approvals.policy.bulk')}>
              {current.bulk ? t('common.yes') : t('common.no')}
            </Descriptions.Item>
            <Descriptions.Item label={t('approvals.policy.tierAssignments')}>
              {current.tierAssignments ? t('common.yes') : t('common.no')}
            </Descriptions.Item>
            <Descriptions.Item label={t('approvals.policy.expiresAfterHours')}>
              {formatNumber(current.expiresAfterHours)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {current.updatedAt
              ? t('approvals.policy.updatedAt', { at: formatDateTime(current.updatedAt) })
              : t('approvals.policy.never')}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
