import type { Approval } from '@jifen/sdk';
import { Alert, Button, Form, Input, InputNumber, Modal, Radio, Result, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { FormError } from '../../components/form-error.tsx';
import { formatNumber } from '../../format.ts';
import { type AdjustmentInput, isApproval } from './members-queries.ts';

/** The API's limits (POST /v1/members/:memberId/adjustments). */
const MAX_POINTS = 1_000_000_000_000;
const MAX_REASON = 500;
const MAX_OPERATOR = 128;

export interface AdjustFields {
  direction: 'add' | 'subtract';
  points: number;
  reason: { 'zh-CN': string; en?: string };
  operator: string;
}

export interface AdjustDialogProps {
  open: boolean;
  memberId: string;
  /** The member's available points now (the confirmation says what they become). */
  available: number;
  /** Adjustments above this wait for a checker (the approval policy); null: none do, undefined: unknown. */
  threshold: number | null | undefined;
  /** Who the entry names as its operator, unless changed (the signed-in staff member). */
  operator: string;
  onClose: () => void;
  /** Sends the adjustment: the entries, or an approval request (202) when held for a checker. */
  adjust: (body: AdjustmentInput) => Promise<unknown>;
  /** Said once the points moved. */
  onDone?: (points: number) => void;
}

/**
 * Adjust a member's points (+/−): checked as the API checks, then a confirmation saying what will
 * happen to the balance (and that it will wait for approval above the threshold). A 202 answer
 * shows "sent for approval", never success; a refusal returns to the form with what was typed and
 * the API's field errors next to the fields.
 */
export function AdjustDialog({
  open,
  memberId,
  available,
  threshold,
  operator,
  onClose,
  adjust,
  onDone,
}: AdjustDialogProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AdjustFields>();
  const [step, setStep] = useState<'form' | 'confirm' | 'held'>('form');
  const [fields, setFields] = useState<AdjustFields | null>(null);
  const [approval, setApproval] = useState<Approval | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const close = () => {
    form.resetFields();
    setStep('form');
    setFields(null);
    setApproval(null);
    setFormError(null);
    onClose();
  };

  const signed = fields ? (fields.direction === 'subtract' ? -fields.points : fields.points) : 0;
  const overThreshold = typeof threshold === 'number' && fields !== null && fields.points > threshold;

  const send = async () => {
    if (!fields) return;
    setSending(true);
    setFormError(null);
    const en = fields.reason.en?.trim();
    const body: AdjustmentInput = {
      points: signed,
      reason: en ? { 'zh-CN': fields.reason['zh-CN'].trim(), en } : fields.reason['zh-CN'].trim(),
      operator: fields.operator.trim(),
    };
    try {
      const answer = await adjust(body);
      if (isApproval(answer)) {
        setApproval(answer);
        setStep('held');
      } else {
        onDone?.(signed);
        close();
      }
    } catch (error) {
      setStep('form');
      showProblemOnForm(form, error);
      setFormError(problemMessage(t, error));
    } finally {
      setSending(false);
    }
  };

  if (step === 'held') {
    return (
      <Modal
        open={open}
        title={t('members.adjust.title', { memberId })}
        onCancel={close}
        footer={<Button onClick={close}>{t('common.close')}</Button>}
      >
        <div data-testid="adjust-held">
          <Result
            status="info"
            title={t('members.adjust.held')}
            subTitle={t('members.adjust.heldBody', { points: formatNumber(Math.abs(signed)) })}
            extra={
              <Link to="/approvals" data-testid="adjust-held-link" onClick={close}>
                {t('members.adjust.heldLink')}
                {approval ? ` (${approval.id})` : ''}
              </Link>
            }
          />
        </div>
      </Modal>
    );
  }

  const confirming = step === 'confirm' && fields !== null;
  return (
    <Modal
      open={open}
      title={confirming ? t('members.adjust.confirmTitle') : t('members.adjust.title', { memberId })}
      onCancel={close}
      width={600}
      maskClosable={false}
      footer={
        confirming
          ? [
              <Button key="back" onClick={() => setStep('form')} disabled={sending}>
                {t('members.adjust.back')}
              </Button>,
              <Button
                key="confirm"
                type="primary"
                danger={signed < 0}
                loading={sending}
                onClick={send}
                data-testid="adjust-confirm"
              >
                {t('members.adjust.confirm')}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={close}>
                {t('common.cancel')}
              </Button>,
              <Button key="next" type="primary" onClick={() => form.submit()} data-testid="adjust-next">
                {t('members.adjust.next')}
              </Button>,
            ]
      }
    >
      {confirming && (
        <div data-testid="adjust-confirmation">
          <Typography.Paragraph strong>
            {t(signed < 0 ? 'members.adjust.confirmSubtract' : 'members.adjust.confirmAdd', {
              memberId,
              points: formatNumber(fields.points),
              before: formatNumber(available),
              after: formatNumber(available + signed),
            })}
          </Typography.Paragraph>
          <Typography.Paragraph>
            {t('members.adjust.confirmReason', { reason: fields.reason['zh-CN'] })}
            {fields.reason.en ? ` / ${fields.reason.en}` : ''}
          </Typography.Paragraph>
          {overThreshold && (
            <Alert
              type="warning"
              showIcon
              message={t('members.adjust.confirmApproval', { threshold: formatNumber(threshold) })}
            />
          )}
        </div>
      )}
      <div style={confirming ? { display: 'none' } : undefined}>
        <FormError message={formError} testId="form-error" />
        <Typography.Paragraph type="secondary">
          {t('members.adjust.current', { points: formatNumber(available) })}
          {typeof threshold === 'number' && (
            <>
              <br />
              {t('members.adjust.threshold', { points: formatNumber(threshold) })}
            </>
          )}
        </Typography.Paragraph>
        <Form<AdjustFields>
          form={form}
          layout="vertical"
          initialValues={{ direction: 'add', operator }}
          onFinish={(values) => {
            setFormError(null);
            setFields(values);
            setStep('confirm');
          }}
          data-testid="adjust-form"
        >
          <Form.Item name="direction" label={t('members.adjust.direction')}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={[
                { value: 'add', label: t('members.adjust.add') },
                { value: 'subtract', label: t('members.adjust.subtract') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="points"
            label={t('members.adjust.points')}
            rules={[
              { required: true, message: t('members.adjust.pointsRequired') },
              { type: 'integer', min: 1, max: MAX_POINTS, message: t('members.adjust.pointsRange') },
            ]}
          >
            <InputNumber min={1} max={MAX_POINTS} precision={0} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item
            name={['reason', 'zh-CN']}
            label={t('members.adjust.reasonZh')}
            extra={t('members.adjust.reasonHelp')}
            rules={[
              { required: true, whitespace: true, message: t('members.adjust.reasonRequired') },
              { max: MAX_REASON, message: t('members.adjust.reasonLength') },
            ]}
          >
            <Input.TextArea rows={2} maxLength={MAX_REASON} showCount />
          </Form.Item>
          <Form.Item
            name={['reason', 'en']}
            label={t('members.adjust.reasonEn')}
            rules={[{ max: MAX_REASON, message: t('members.adjust.reasonLength') }]}
          >
            <Input.TextArea rows={2} maxLength={MAX_REASON} showCount />
          </Form.Item>
          <Form.Item
            name="operator"
            label={t('members.adjust.operator')}
            extra={t('members.adjust.operatorHelp')}
            rules={[
              { required: true, whitespace: true, message: t('members.adjust.operatorRequired') },
              { max: MAX_OPERATOR, message: t('members.adjust.operatorLength') },
            ]}
          >
            <Input maxLength={MAX_OPERATOR} style={{ width: 260 }} />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}
