import type { Approval } from '@jifen/sdk';
import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { describeApproval } from './approval-description.tsx';
import { useApprove, useReject } from './approvals-queries.ts';

const MAX_COMMENT = 1000;

/**
 * Approve or reject one request: says exactly what will happen, asks for a comment (required to
 * reject: the maker reads it), and keeps it when the API refuses (its message shown in the dialog,
 * e.g. a maker approving their own request).
 */
export function DecisionDialog({
  approval,
  decision,
  onClose,
  onDone,
}: {
  approval: Approval | null;
  decision: 'approve' | 'reject';
  onClose: () => void;
  onDone: (decided: Approval) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ comment?: string }>();
  const approve = useApprove();
  const reject = useReject();
  const [error, setError] = useState<string | null>(null);
  const pending = approve.isPending || reject.isPending;
  const what = approval ? describeApproval(t, approval) : '';

  const close = () => {
    setError(null);
    form.resetFields();
    onClose();
  };

  const submit = ({ comment }: { comment?: string }) => {
    if (!approval) return;
    setError(null);
    const text = comment?.trim() ? comment.trim() : undefined;
    const done = (decided: Approval) => {
      form.resetFields();
      onDone(decided);
    };
    const failed = (failure: unknown) => {
      showProblemOnForm(form, failure);
      setError(problemMessage(t, failure));
    };
    if (decision === 'approve') {
      approve.mutate(
        { approvalId: approval.id, ...(text ? { comment: text } : {}) },
        { onSuccess: done, onError: failed },
      );
    } else {
      reject.mutate({ approvalId: approval.id, comment: text ?? '' }, { onSuccess: done, onError: failed });
    }
  };

  return (
    <Modal
      open={approval !== null}
      title={t(decision === 'approve' ? 'approvals.approveTitle' : 'approvals.rejectTitle')}
      okText={t(decision === 'approve' ? 'approvals.approve' : 'approvals.reject')}
      okButtonProps={{ danger: decision === 'reject' }}
      cancelText={t('common.cancel')}
      onCancel={close}
      onOk={() => form.submit()}
      confirmLoading={pending}
      destroyOnHidden
    >
      <Typography.Paragraph data-testid="decision-consequence">
        {t(decision === 'approve' ? 'approvals.approveBody' : 'approvals.rejectBody', { what })}
      </Typography.Paragraph>
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          style={{ marginBottom: 16 }}
          data-testid="decision-error"
        />
      )}
      <Form form={form} name="decision" layout="vertical" onFinish={submit}>
        <Form.Item
          name="comment"
          label={t(decision === 'approve' ? 'approvals.approveComment' : 'approvals.rejectComment')}
          rules={[
            ...(decision === 'reject'
              ? [{ required: true, whitespace: true, message: t('approvals.rejectCommentRequired') }]
              : []),
            { max: MAX_COMMENT, message: t('approvals.commentLength') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={MAX_COMMENT} showCount data-testid="decision-comment" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
