import { JifenError, type Member } from '@jifen/sdk';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Checkbox,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo, useSession } from '../../api/session.tsx';
import { FormError } from '../../components/form-error.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { AdjustDialog } from './adjust-dialog.tsx';
import { useLocalized } from './localized.ts';
import {
  isApproval,
  useAdjust,
  useApprovalPolicy,
  useAssignTier,
  useErase,
  useExportPersonalData,
  useSetStatus,
  useTierConfig,
} from './members-queries.ts';

/** The member's actions, each shown only to a role that may do it (access.ts); the API checks again. */
export function MemberActions({ member }: { member: Member }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { session } = useSession();
  const { memberId } = member;
  const canAdjust = useCanDo('members', 'adjust');
  const canSetStatus = useCanDo('members', 'setStatus');
  const canAssignTier = useCanDo('members', 'assignTier');
  const canExport = useCanDo('members', 'exportData');
  const canErase = useCanDo('members', 'eraseData');
  const canReadProgram = useCanDo('members', 'readProgram');
  const policy = useApprovalPolicy(canAdjust && canReadProgram);
  const adjust = useAdjust(memberId);
  const setStatus = useSetStatus(memberId);
  const exportData = useExportPersonalData(memberId);
  const [dialog, setDialog] = useState<'adjust' | 'tier' | 'erase' | null>(null);

  const changeStatus = (status: 'active' | 'frozen' | 'blocked') => {
    const which = status === 'frozen' ? 'freeze' : status === 'blocked' ? 'block' : 'reactivate';
    modal.confirm({
      title: t(`members.statusChange.${which}Title`, { memberId }),
      content: t(`members.statusChange.${which}Body`),
      okText: t(`members.actions.${which}`),
      okButtonProps: { danger: status !== 'active', 'data-testid': 'status-confirm' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () =>
        setStatus
          .mutateAsync(status)
          .then(() =>
            message.success(t('members.statusChange.done', { status: t(`members.status.${status}`) })),
          )
          .catch((error: unknown) => message.error(problemMessage(t, error))),
    });
  };

  const download = () =>
    exportData.mutate(undefined, {
      onSuccess: (data) => {
        const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = `personal-data-${memberId}.json`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
        message.success(t('members.export.done', { memberId }));
      },
      onError: (error) => message.error(problemMessage(t, error)),
    });

  const erased = member.erasedAt !== null;
  return (
    <Space wrap data-testid="member-actions">
      {canAdjust && (
        <Button type="primary" onClick={() => setDialog('adjust')} data-testid="adjust-points">
          {t('members.actions.adjust')}
        </Button>
      )}
      {canSetStatus && member.status !== 'frozen' && (
        <Button onClick={() => changeStatus('frozen')} data-testid="freeze-member">
          {t('members.actions.freeze')}
        </Button>
      )}
      {canSetStatus && member.status !== 'blocked' && (
        <Button danger onClick={() => changeStatus('blocked')} data-testid="block-member">
          {t('members.actions.block')}
        </Button>
      )}
      {canSetStatus && member.status !== 'active' && (
        <Button onClick={() => changeStatus('active')} data-testid="reactivate-member">
          {t('members.actions.reactivate')}
        </Button>
      )}
      {canAssignTier && (
        <Button onClick={() => setDialog('tier')} data-testid="assign-tier">
          {t('members.actions.assignTier')}
        </Button>
      )}
      {canExport && (
        <Button onClick={download} loading={exportData.isPending} data-testid="export-member">
          {t('members.actions.export')}
        </Button>
      )}
      {canErase && !erased && (
        <Button danger onClick={() => setDialog('erase')} data-testid="erase-member">
          {t('members.actions.erase')}
        </Button>
      )}
      {canAdjust && (
        <AdjustDialog
          open={dialog === 'adjust'}
          memberId={memberId}
          available={member.balances.available}
          threshold={policy.data ? policy.data.pointsAbove : undefined}
          operator={session.name}
          onClose={() => setDialog(null)}
          adjust={(body) => adjust.mutateAsync(body)}
          onDone={(points) => message.success(t('members.adjust.done', { points: formatNumber(points) }))}
        />
      )}
      {canAssignTier && dialog === 'tier' && (
        <AssignTierDialog member={member} onClose={() => setDialog(null)} />
      )}
      {canErase && dialog === 'erase' && <EraseDialog member={member} onClose={() => setDialog(null)} />}
    </Space>
  );
}

interface TierFields {
  tier: string;
  until: Dayjs;
  reason: string;
}

/** Assign a tier until a date: the confirmation says what the member will be, and until when. */
function AssignTierDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const { message } = App.useApp();
  const [form] = Form.useForm<TierFields>();
  const tiers = useTierConfig(useCanDo('members', 'readProgram'));
  const assign = useAssignTier(member.memberId);
  const [formError, setFormError] = useState<string | null>(null);
  const tier = Form.useWatch('tier', form);
  const until = Form.useWatch('until', form);
  const tierName = (code: string) => {
    const found = tiers.data?.config.tiers.find((item) => item.code === code);
    return found ? localized(found.name) : code;
  };

  const submit = (fields: TierFields) => {
    setFormError(null);
    assign.mutate(
      { tier: fields.tier, until: fields.until.toISOString(), reason: fields.reason.trim() },
      {
        onSuccess: (answer) => {
          message.success(isApproval(answer) ? t('members.assignTier.held') : t('members.assignTier.done'));
          onClose();
        },
        onError: (error) => {
          showProblemOnForm(form, error);
          setFormError(problemMessage(t, error));
        },
      },
    );
  };

  return (
    <Modal
      open
      title={t('members.assignTier.title', { memberId: member.memberId })}
      okText={t('members.assignTier.submit')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={assign.isPending}
      maskClosable={false}
    >
      <FormError message={formError} />
      <Form<TierFields> form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="tier"
          label={t('members.assignTier.tier')}
          rules={[{ required: true, message: t('members.assignTier.tierRequired') }]}
        >
          <Select
            loading={tiers.isPending}
            options={(tiers.data?.config.tiers ?? []).map((item) => ({
              value: item.code,
              label: localized(item.name),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="until"
          label={t('members.assignTier.until')}
          rules={[
            { required: true, message: t('members.assignTier.untilRequired') },
            {
              validator: (_, value: Dayjs | undefined) =>
                !value || value.valueOf() > Date.now()
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('members.assignTier.untilFuture'))),
            },
          ]}
        >
          <DatePicker
            showTime
            style={{ width: 260 }}
            disabledDate={(day) => day.valueOf() < Date.now() - 86_400_000}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('members.assignTier.reason')}
          rules={[
            { required: true, whitespace: true, message: t('members.assignTier.reasonRequired') },
            { max: 500, message: t('members.assignTier.reasonLength') },
          ]}
        >
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </Form>
      {tier && until && (
        <Alert
          type="info"
          showIcon
          message={t('members.assignTier.confirm', {
            memberId: member.memberId,
            tier: tierName(tier),
            until: formatDateTime(until.toISOString()),
          })}
        />
      )}
    </Modal>
  );
}

/** Erase personal data: says what goes and what stays, and asks for the member id typed out. */
function EraseDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const erase = useErase(member.memberId);
  const [typed, setTyped] = useState('');
  const [forget, setForget] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const blocked =
    error instanceof JifenError &&
    error.code === 'erasure_blocked' &&
    Array.isArray(error.problem.redemptions)
      ? (error.problem.redemptions as { id: string; status: string }[])
      : null;

  const submit = () => {
    setError(null);
    erase.mutate(forget, {
      onSuccess: (answer) => {
        message.success(
          answer.memberIdForgotten
            ? t('members.erase.doneForgotten', { memberId: answer.memberId })
            : t('members.erase.done'),
        );
        onClose();
      },
      onError: setError,
    });
  };

  return (
    <Modal
      open
      title={t('members.erase.title', { memberId: member.memberId })}
      okText={t('members.erase.submit')}
      okButtonProps={
        { danger: true, disabled: typed !== member.memberId, 'data-testid': 'erase-confirm' } as ButtonProps
      }
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={erase.isPending}
      maskClosable={false}
    >
      <Typography.Paragraph>{t('members.erase.body')}</Typography.Paragraph>
      {error !== null && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="erase-error"
          message={problemMessage(t, error)}
          description={
            blocked && (
              <>
                {t('members.erase.blocked')}
                <ul style={{ margin: 0 }}>
                  {blocked.map((row) => (
                    <li key={row.id}>
                      {t('members.erase.blockedRow', {
                        id: row.id,
                        status: t(
                          `members.redemptions.statuses.${row.status}` as 'members.redemptions.statuses.shipped',
                          {
                            defaultValue: row.status,
                          },
                        ),
                      })}
                    </li>
                  ))}
                </ul>
              </>
            )
          }
        />
      )}
      <Checkbox
        checked={forget}
        onChange={(event) => setForget(event.target.checked)}
        style={{ marginBottom: 4 }}
      >
        {t('members.erase.forget')}
      </Checkbox>
      <Typography.Paragraph type="secondary" style={{ marginLeft: 24 }}>
        {t('members.erase.forgetHelp')}
      </Typography.Paragraph>
      <Typography.Paragraph>{t('members.erase.typeId', { memberId: member.memberId })}</Typography.Paragraph>
      <Input
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        status={typed && typed !== member.memberId ? 'error' : undefined}
        data-testid="erase-type-id"
        autoComplete="off"
      />
      {typed && typed !== member.memberId && (
        <Typography.Text type="danger">{t('members.erase.typeMismatch')}</Typography.Text>
      )}
    </Modal>
  );
}
