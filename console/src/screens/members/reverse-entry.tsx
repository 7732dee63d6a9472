import type { Entry } from '@jifen/sdk';
import { App, Button, type ButtonProps, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { useSession } from '../../api/session.tsx';
import { FormError } from '../../components/form-error.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { isApproval, useReverse } from './members-queries.ts';

/** What the API refuses to reverse (src/ledger/commands/reverse.ts): no button for them. */
const NOT_REVERSIBLE = new Set([
  'reverse',
  'hold',
  'hold_release',
  'void',
  'hold_timeout',
  'pending_release',
  'expire',
]);

/** Reverse an entry: a confirmation naming the entry and what will happen, with a reason. */
export function ReverseButton({ memberId, entry }: { memberId: string; entry: Entry }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const reverse = useReverse(memberId);
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  if (NOT_REVERSIBLE.has(entry.type) || entry.reversesEntryId) return null;

  const close = () => {
    setOpen(false);
    setFormError(null);
    form.resetFields();
  };
  const submit = ({ reason }: { reason: string }) => {
    setFormError(null);
    reverse.mutate(
      { entryId: entry.id, body: { reason: reason.trim(), operator: session.name } },
      {
        onSuccess: (answer) => {
          if (isApproval(answer)) message.info(t('members.reverse.held'));
          else message.success(t('members.reverse.done'));
          close();
        },
        onError: (error) => {
          showProblemOnForm(form, error);
          setFormError(problemMessage(t, error));
        },
      },
    );
  };

  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)} data-testid={`reverse-${entry.id}`}>
        {t('members.journal.reverse')}
      </Button>
      <Modal
        open={open}
        title={t('members.reverse.title')}
        okText={t('members.reverse.confirm')}
        okButtonProps={{ danger: true, 'data-testid': 'reverse-confirm' } as ButtonProps}
        cancelText={t('common.cancel')}
        onCancel={close}
        onOk={() => form.submit()}
        confirmLoading={reverse.isPending}
        destroyOnHidden
      >
        <Typography.Paragraph>
          {t('members.reverse.body', {
            at: formatDateTime(entry.createdAt),
            type: t(`members.entryTypes.${entry.type}` as 'members.entryTypes.earn', {
              defaultValue: entry.type,
            }),
            points: formatNumber(entry.points),
          })}
        </Typography.Paragraph>
        <FormError message={formError} />
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item
            name="reason"
            label={t('members.reverse.reason')}
            rules={[
              { required: true, whitespace: true, message: t('members.reverse.reasonRequired') },
              { max: 500, message: t('members.adjust.reasonLength') },
            ]}
          >
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
