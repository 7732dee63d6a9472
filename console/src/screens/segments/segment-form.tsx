import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Row, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { localizedFieldMessage } from '../../api/field-message.ts';
import { fieldErrorsOf, showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import {
  ConditionBuilder,
  type ConditionProblem,
} from '../../components/condition-builder/condition-builder.tsx';
import {
  conditionOf,
  draftOf,
  emptyGroup,
  type GroupDraft,
} from '../../components/condition-builder/condition-draft.ts';
import type { FieldSpec } from '../../components/condition-builder/condition-types.ts';
import { FormError } from '../../components/form-error.tsx';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { SegmentPreview } from './segment-preview.tsx';
import type { Segment } from './segment-types.ts';
import { useSaveSegment, useSegment, useSegmentFields, useSegmentPreview } from './segments-queries.ts';
import { useValueOptions } from './value-options.ts';

/** The API's limits (POST /v1/segments). */
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const STAGE_PREFIX = 'stage_';
const MAX_NAME = 200;
const MAX_DESCRIPTION = 1000;

interface Fields {
  id: string;
  name: { 'zh-CN': string; en: string };
  description?: string;
  condition: GroupDraft;
}

/** A new segment (/segments/new) or a change to one (/segments/:segmentId/edit). */
export function SegmentForm() {
  const segmentId = useParams().segmentId ?? null;
  const fields = useSegmentFields();
  const segment = useSegment(segmentId ?? '');
  if (fields.isError) return <ErrorState error={fields.error} onRetry={() => fields.refetch()} />;
  if (segmentId !== null && segment.isError)
    return <ErrorState error={segment.error} onRetry={() => segment.refetch()} />;
  if (fields.isPending || (segmentId !== null && segment.isPending)) return <LoadingState />;
  return <SegmentEditor fields={fields.data} segment={segmentId === null ? null : (segment.data ?? null)} />;
}

function SegmentEditor({ fields, segment }: { fields: FieldSpec[]; segment: Segment | null }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Fields>();
  const save = useSaveSegment(segment?.id ?? null);
  const valueOptions = useValueOptions();
  const [formError, setFormError] = useState<string | null>(null);
  const [problems, setProblems] = useState<ConditionProblem[]>([]);
  const initial = useMemo<Fields>(
    () => ({
      id: segment?.id ?? '',
      name: segment?.name ?? { 'zh-CN': '', en: '' },
      description: segment?.description ?? '',
      condition: segment?.condition ? draftOf(segment.condition, fields) : emptyGroup(),
    }),
    [segment, fields],
  );
  const draft = Form.useWatch('condition', form) ?? initial.condition;
  const condition = conditionOf(draft, fields);
  const preview = useSegmentPreview(condition);
  const backTo = segment ? `/segments/${encodeURIComponent(segment.id)}` : '/segments';

  const submit = (values: Fields) => {
    setFormError(null);
    const made = conditionOf(values.condition, fields);
    if (made === null) {
      form.setFields([{ name: 'condition', errors: [t('conditionBuilder.incomplete')] }]);
      return;
    }
    const description = values.description?.trim() ?? '';
    save.mutate(
      {
        ...(segment ? {} : { id: values.id.trim() }),
        name: { 'zh-CN': values.name['zh-CN'].trim(), en: values.name.en.trim() },
        description: description.length > 0 ? description : null,
        condition: made,
      },
      {
        onSuccess: (saved) => {
          message.success(t(segment ? 'segments.form.updated' : 'segments.form.created', { id: saved.id }));
          navigate(`/segments/${encodeURIComponent(saved.id)}`);
        },
        onError: (error) => {
          showProblemOnForm(form, error);
          setProblems(
            fieldErrorsOf(error)
              .filter((item) => item.field.startsWith('body/condition/'))
              .map((item) => ({
                path: item.field.slice('body/condition'.length),
                message: localizedFieldMessage(item.message),
              })),
          );
          setFormError(problemMessage(t, error));
        },
      },
    );
  };

  return (
    <>
      <Link to={backTo}>
        <ArrowLeftOutlined /> {segment ? t('segments.form.backToSegment') : t('segments.detail.back')}
      </Link>
      <div className="screen-header" style={{ marginTop: 12 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {segment ? t('segments.form.editTitle', { id: segment.id }) : t('segments.form.createTitle')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('segments.form.intro')}</Typography.Text>
        </div>
      </div>
      <Form<Fields>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
        data-testid="segment-form"
      >
        <Card style={{ marginBottom: 16 }}>
          <FormError message={formError} testId="form-error" />
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item
                name="id"
                label={t('segments.form.id')}
                extra={segment ? undefined : t('segments.form.idHelp')}
                rules={
                  segment
                    ? []
                    : [
                        { required: true, message: t('segments.form.idRequired') },
                        { pattern: ID_PATTERN, message: t('segments.form.idPattern') },
                        {
                          validator: (_, value: string | undefined) =>
                            value?.startsWith(STAGE_PREFIX)
                              ? Promise.reject(new Error(t('segments.form.idReserved')))
                              : Promise.resolve(),
                        },
                      ]
                }
              >
                <Input disabled={segment !== null} maxLength={64} placeholder="vip-spenders" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['name', 'zh-CN']}
                label={t('segments.form.nameZh')}
                rules={[
                  { required: true, whitespace: true, message: t('segments.form.nameRequired') },
                  { max: MAX_NAME, message: t('segments.form.nameLength', { max: MAX_NAME }) },
                ]}
              >
                <Input maxLength={MAX_NAME} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['name', 'en']}
                label={t('segments.form.nameEn')}
                rules={[
                  { required: true, whitespace: true, message: t('segments.form.nameRequired') },
                  { max: MAX_NAME, message: t('segments.form.nameLength', { max: MAX_NAME }) },
                ]}
              >
                <Input maxLength={MAX_NAME} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="description"
            label={t('segments.form.description')}
            rules={[
              { max: MAX_DESCRIPTION, message: t('segments.form.nameLength', { max: MAX_DESCRIPTION }) },
            ]}
          >
            <Input.TextArea rows={2} maxLength={MAX_DESCRIPTION} showCount />
          </Form.Item>
          <Form.Item
            name="condition"
            label={t('segments.form.condition')}
            extra={t('segments.form.conditionHelp')}
          >
            <BuilderField
              fields={fields}
              valueOptions={valueOptions}
              problems={problems}
              onEdited={() => setProblems([])}
            />
          </Form.Item>
          <SegmentPreview condition={condition} preview={preview} />
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="segment-save">
            {segment ? t('segments.form.save') : t('segments.form.create')}
          </Button>
          <Button onClick={() => navigate(backTo)}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}

/** The builder as a form control (Form.Item gives it value and onChange). */
function BuilderField({
  value,
  onChange,
  onEdited,
  ...props
}: {
  value?: GroupDraft;
  onChange?: (next: GroupDraft) => void;
  /** Said at each change (the API's errors about the previous condition no longer apply). */
  onEdited: () => void;
} & Omit<React.ComponentProps<typeof ConditionBuilder>, 'value' | 'onChange'>) {
  if (!value) return null;
  return (
    <ConditionBuilder
      value={value}
      onChange={(next) => {
        onEdited();
        onChange?.(next);
      }}
      {...props}
    />
  );
}
