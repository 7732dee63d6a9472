import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrorsOf, namePathOf } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo, useSession } from '../../api/session.tsx';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { formatDateTime } from '../../format.ts';
import { currentLanguage } from '../../i18n/index.ts';
import {
  describeChanges,
  humanDuration,
  pointValueExamples,
  type SettingChange,
} from './settings-describe.ts';
import {
  type ApprovalPolicyView,
  CURRENCY_PATTERN,
  fieldOfError,
  fieldsOf,
  LIMITS,
  minorDigits,
  POLICY_FIELD_OF,
  PROGRAM_FIELD_OF,
  type ProgramView,
  policyChangeOf,
  programPatchOf,
  type SettingsFields,
  toMinor,
} from './settings-model.ts';
import {
  useApprovalPolicy,
  useProgram,
  useReadiness,
  useRereadSettings,
  useSetApprovalPolicy,
  useUpdateProgram,
} from './settings-queries.ts';

/**
 * Program settings (计划设置): every setting of GET /v1/program and the approval thresholds of
 * GET /v1/approval-policy in one form, grouped by what they govern. A save shows what changes and
 * what it affects, sends only what changed, and reads the saved settings back from the API. The
 * API's field errors appear next to their fields; what was typed stays. Read-only without
 * program:manage, and for an archived program.
 */
export default function SettingsScreen() {
  const { t } = useTranslation();
  const program = useProgram();
  const policy = useApprovalPolicy();
  const failed = program.isError ? program : policy.isError ? policy : null;

  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('settings.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('settings.intro')}</Typography.Text>
        </div>
      </div>
      {failed ? (
        <Card>
          <ErrorState error={failed.error} onRetry={() => failed.refetch()} />
        </Card>
      ) : program.data && policy.data ? (
        <SettingsForm program={program.data} policy={policy.data} />
      ) : (
        <Card>
          <LoadingState />
        </Card>
      )}
    </>
  );
}

/** Fields of the form that the diff compares (all of them; the hidden expiry ones are kept). */
function changedCount(values: SettingsFields | undefined, program: ProgramView, policy: ApprovalPolicyView) {
  if (!values) return 0;
  try {
    const patch = programPatchOf(values, program);
    const change = policyChangeOf(values, policy);
    const policyKeys = change
      ? (['pointsAbove', 'bulk', 'tierAssignments', 'expiresAfterHours'] as const).filter(
          (key) => (change[key] ?? null) !== policy[key],
        ).length
      : 0;
    return Object.keys(patch).length + policyKeys;
  } catch {
    return 0;
  }
}

/** The program's part of the form's fields (not the approval thresholds). */
function programFieldsOf(fields: SettingsFields): Partial<SettingsFields> {
  const policyFields = new Set<string>(Object.values(POLICY_FIELD_OF));
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !policyFields.has(key)));
}

function SettingsForm({ program, policy }: { program: ProgramView; policy: ApprovalPolicyView }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { modal, message } = App.useApp();
  const { session } = useSession();
  const canManage = useCanDo('settings', 'manage');
  const archived = program.archivedAt !== null;
  const editable = canManage && !archived;
  const [form] = Form.useForm<SettingsFields>();
  const initial = useMemo(() => fieldsOf(program, policy), [program, policy]);
  const values = Form.useWatch([], { form, preserve: true }) as SettingsFields | undefined;
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const updateProgram = useUpdateProgram();
  const setPolicy = useSetApprovalPolicy();
  const reread = useRereadSettings();
  const changes = changedCount(values, program, policy);

  /** The API's field errors next to their fields; the rest in the form's alert. */
  const showProblem = (error: unknown, table: Record<string, keyof SettingsFields>) => {
    const byField = new Map<keyof SettingsFields, string[]>();
    const unmatched: string[] = [];
    for (const item of fieldErrorsOf(error)) {
      const field = fieldOfError(namePathOf(item.field), table);
      if (field) byField.set(field, [...(byField.get(field) ?? []), item.message]);
      else unmatched.push(`${item.field}: ${item.message}`);
    }
    form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
    setFormError([problemMessage(t, error), ...unmatched].join(' '));
  };

  const save = async (
    patch: ReturnType<typeof programPatchOf>,
    change: ReturnType<typeof policyChangeOf>,
  ) => {
    setSaving(true);
    setFormError(null);
    let programSaved = false;
    try {
      if (Object.keys(patch).length > 0) {
        try {
          await updateProgram.mutateAsync(patch);
          programSaved = true;
        } catch (error) {
          showProblem(error, PROGRAM_FIELD_OF);
          return;
        }
      }
      if (change) {
        try {
          await setPolicy.mutateAsync(change);
        } catch (error) {
          showProblem(error, POLICY_FIELD_OF);
          if (programSaved) {
            // What was saved is read back; the thresholds typed stay as typed.
            const saved = await reread();
            if (saved.program) form.setFieldsValue(programFieldsOf(fieldsOf(saved.program, policy)));
            message.warning(t('settings.savedPartly'));
          }
          return;
        }
      }
      const saved = await reread();
      if (saved.program && saved.policy) form.setFieldsValue(fieldsOf(saved.program, saved.policy));
      message.success(t('settings.saved'));
    } finally {
      setSaving(false);
    }
  };

  const confirmSave = async () => {
    setFormError(null);
    try {
      await form.validateFields();
    } catch {
      setFormError(t('settings.invalid'));
      return;
    }
    const fields = form.getFieldsValue(true) as SettingsFields;
    const patch = programPatchOf(fields, program);
    const change = policyChangeOf(fields, policy);
    const list = describeChanges(t, language, program, patch, policy, change);
    if (list.length === 0) {
      message.info(t('settings.noChanges'));
      return;
    }
    modal.confirm({
      title: t('settings.confirm.title'),
      width: 760,
      icon: null,
      content: <ChangeList changes={list} />,
      okText: t('settings.confirm.ok'),
      cancelText: t('common.cancel'),
      onOk: () => save(patch, change),
    });
  };

  const resetForm = () => {
    form.resetFields();
    setFormError(null);
  };

  const actions = editable && (
    <Space wrap>
      {changes > 0 && <Tag color="orange">{t('settings.unsaved', { count: changes })}</Tag>}
      <Button icon={<UndoOutlined />} onClick={resetForm} disabled={changes === 0 || saving}>
        {t('settings.reset')}
      </Button>
      <Button
        type="primary"
        icon={<SaveOutlined />}
        onClick={confirmSave}
        loading={saving}
        data-testid="settings-save"
      >
        {t('settings.save')}
      </Button>
    </Space>
  );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="settings">
      {!canManage && (
        <Alert
          type="info"
          showIcon
          message={t('settings.readOnly', { role: session.role })}
          data-testid="settings-read-only"
        />
      )}
      {archived && (
        <Alert
          type="warning"
          showIcon
          message={t('settings.archived', { at: formatDateTime(program.archivedAt) })}
        />
      )}
      {formError && <Alert type="error" showIcon message={formError} data-testid="form-error" />}
      <Form<SettingsFields>
        form={form}
        layout="vertical"
        initialValues={initial}
        disabled={!editable}
        onFinish={confirmSave}
        data-testid="settings-form"
      >
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <BasicsSection form={form} values={values ?? initial} />
          <TimezoneSection values={values ?? initial} />
          <ExpirySection values={values ?? initial} />
          <NegativeSection />
          <TransfersSection />
          <OperationsSection values={values ?? initial} />
          <ThresholdsSection />
        </Space>
      </Form>
      {actions && (
        // Kept in sight at the bottom of the window while the long form scrolls.
        <div
          style={{
            position: 'sticky',
            bottom: 0,
            zIndex: 10,
            display: 'flex',
            justifyContent: 'flex-end',
            padding: '12px 16px',
            background: '#fff',
            borderTop: '1px solid #f0f0f0',
            boxShadow: '0 -2px 8px rgba(0, 0, 0, 0.06)',
            borderRadius: 8,
          }}
        >
          {actions}
        </div>
      )}
      <AboutSection program={program} policy={policy} />
    </Space>
  );
}

function Section({ title, help, children }: { title: string; help?: string; children: ReactNode }) {
  return (
    <Card title={title} styles={{ body: { paddingBottom: 0 } }}>
      {help && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {help}
        </Typography.Paragraph>
      )}
      {children}
    </Card>
  );
}

const integer = (min: number, max: number, message: string) => ({
  type: 'integer' as const,
  min,
  max,
  message,
});

function BasicsSection({ form, values }: { form: FormInstance<SettingsFields>; values: SettingsFields }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const currency = CURRENCY_PATTERN.test(values.currency ?? '') ? values.currency : 'CNY';
  const digits = minorDigits(currency);
  const maxAmount = LIMITS.amountMinor / 10 ** digits;
  const points = values.pointValuePoints;
  const amount = values.pointValueAmount;
  const valid =
    Number.isInteger(points) &&
    points >= 1 &&
    typeof amount === 'number' &&
    amount >= 0 &&
    Number.isInteger(toMinor(amount, currency));
  return (
    <Section title={t('settings.sections.basics')} help={t('settings.sections.basicsHelp')}>
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Form.Item
            name="name"
            label={t('settings.fields.name')}
            rules={[
              { required: true, whitespace: true, message: t('settings.fields.nameRequired') },
              { max: LIMITS.name, message: t('settings.fields.nameLength') },
            ]}
          >
            <Input maxLength={LIMITS.name} showCount />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item
            name="currency"
            label={t('settings.fields.currency')}
            extra={t('settings.fields.currencyHelp')}
            normalize={(value: string) => value?.toUpperCase()}
            rules={[
              { required: true, pattern: CURRENCY_PATTERN, message: t('settings.fields.currencyInvalid') },
            ]}
          >
            <AutoComplete
              options={['CNY', 'HKD', 'MOP', 'TWD', 'USD', 'EUR', 'JPY', 'SGD'].map((value) => ({ value }))}
              maxLength={3}
              style={{ width: 160 }}
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        label={t('settings.fields.pointValue')}
        extra={
          <>
            <div>{t('settings.fields.pointValueHelp')}</div>
            {valid && (
              <div data-testid="point-value-example" style={{ color: 'rgba(0,0,0,0.75)' }}>
                {t('settings.fields.example', {
                  examples: pointValueExamples(
                    t,
                    { points, amountMinor: toMinor(amount, currency) },
                    currency,
                    language,
                  ),
                })}
              </div>
            )}
          </>
        }
        required
      >
        <Space align="start" wrap>
          <Form.Item
            name="pointValuePoints"
            noStyle
            rules={[
              { required: true, message: t('settings.fields.pointsRange') },
              integer(1, LIMITS.pointValuePoints, t('settings.fields.pointsRange')),
            ]}
          >
            <InputNumber
              min={1}
              max={LIMITS.pointValuePoints}
              precision={0}
              style={{ width: 160 }}
              aria-label={t('settings.fields.points')}
            />
          </Form.Item>
          <span style={{ lineHeight: '32px' }}>{t('settings.fields.pointsUnit')}</span>
          <Form.Item
            name="pointValueAmount"
            noStyle
            rules={[
              { required: true, message: t('settings.fields.amountRange', { max: maxAmount, digits }) },
              {
                validator: (_, value: number | null) =>
                  value == null ||
                  (value >= 0 &&
                    value <= maxAmount &&
                    Math.abs(toMinor(value, currency) - value * 10 ** digits) < 1e-6)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('settings.fields.amountRange', { max: maxAmount, digits }))),
              },
            ]}
          >
            <InputNumber
              min={0}
              max={maxAmount}
              step={1 / 10 ** digits}
              addonAfter={currency}
              style={{ width: 200 }}
              aria-label={t('settings.fields.amount')}
              onChange={() => form.validateFields(['pointValueAmount']).catch(() => {})}
            />
          </Form.Item>
        </Space>
      </Form.Item>
    </Section>
  );
}

function timezones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

function nowIn(timezone: string, language: string): string | null {
  try {
    return new Intl.DateTimeFormat(language, {
      timeZone: timezone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date());
  } catch {
    return null;
  }
}

function TimezoneSection({ values }: { values: SettingsFields }) {
  const { t } = useTranslation();
  const all = useMemo(timezones, []);
  const typed = values.timezone ?? '';
  const options = all
    .filter((zone) => zone.toLowerCase().includes(typed.toLowerCase()))
    .slice(0, 50)
    .map((value) => ({ value }));
  const now = typed ? nowIn(typed, currentLanguage()) : null;
  return (
    <Section title={t('settings.sections.timezone')} help={t('settings.sections.timezoneHelp')}>
      <Form.Item
        name="timezone"
        label={t('settings.fields.timezone')}
        extra={
          <>
            <div>{t('settings.fields.timezoneHelp')}</div>
            {now && <div data-testid="timezone-now">{t('settings.fields.timezoneNow', { time: now })}</div>}
          </>
        }
        rules={[
          { required: true, whitespace: true, message: t('settings.fields.timezoneRequired') },
          { max: LIMITS.timezone, message: t('settings.fields.timezoneLength') },
        ]}
      >
        <AutoComplete options={options} style={{ maxWidth: 360 }} maxLength={LIMITS.timezone} />
      </Form.Item>
    </Section>
  );
}

function ExpirySection({ values }: { values: SettingsFields }) {
  const { t } = useTranslation();
  const kind = values.expiryKind;
  return (
    <Section title={t('settings.sections.expiry')} help={t('settings.sections.expiryHelp')}>
      <Form.Item name="expiryKind" label={t('settings.fields.expiryKind')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          options={(['never', 'rolling', 'end_of_period', 'fixed_date'] as const).map((value) => ({
            value,
            label: t(`settings.fields.expiryKinds.${value}`),
          }))}
        />
      </Form.Item>
      {kind === 'rolling' && (
        <Form.Item label={t('settings.fields.rollingCount')} required>
          <Space wrap>
            <Form.Item
              name="rollingCount"
              noStyle
              rules={[
                { required: true, message: t('settings.fields.rollingRange') },
                integer(1, LIMITS.rollingCount, t('settings.fields.rollingRange')),
              ]}
            >
              <InputNumber
                min={1}
                max={LIMITS.rollingCount}
                precision={0}
                style={{ width: 120 }}
                aria-label={t('settings.fields.rollingCount')}
              />
            </Form.Item>
            <Form.Item name="rollingUnit" noStyle>
              <Select
                style={{ width: 120 }}
                options={(['days', 'months'] as const).map((value) => ({
                  value,
                  label: t(`settings.fields.rollingUnits.${value}`),
                }))}
              />
            </Form.Item>
          </Space>
        </Form.Item>
      )}
      {kind === 'end_of_period' && (
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="periodUnit" label={t('settings.fields.periodUnit')}>
              <Select
                options={(['year', 'quarter', 'month'] as const).map((value) => ({
                  value,
                  label: t(`settings.fields.periodUnits.${value}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item
              name="plusPeriods"
              label={t('settings.fields.plusPeriods')}
              extra={t('settings.fields.plusPeriodsHelp')}
              rules={[
                { required: true, message: t('settings.fields.plusPeriodsRange') },
                integer(0, LIMITS.plusPeriods, t('settings.fields.plusPeriodsRange')),
              ]}
            >
              <InputNumber min={0} max={LIMITS.plusPeriods} precision={0} style={{ width: 120 }} />
            </Form.Item>
          </Col>
        </Row>
      )}
      {kind === 'fixed_date' && (
        <Form.Item
          name="fixedDate"
          label={t('settings.fields.fixedDate')}
          rules={[
            { required: true, message: t('settings.fields.fixedDateRequired') },
            { pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('settings.fields.fixedDateRequired') },
            {
              validator: (_, value: string) =>
                !value || value <= LIMITS.fixedDateMax
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('settings.fields.fixedDateRange'))),
            },
          ]}
        >
          <Input type="date" max={LIMITS.fixedDateMax} style={{ width: 200 }} />
        </Form.Item>
      )}
      <Form.Item
        name="restoredLotGraceDays"
        label={t('settings.fields.graceDays')}
        extra={t('settings.fields.graceDaysHelp')}
        rules={[
          { required: true, message: t('settings.fields.graceDaysRange') },
          integer(0, LIMITS.graceDays, t('settings.fields.graceDaysRange')),
        ]}
      >
        <InputNumber min={0} max={LIMITS.graceDays} precision={0} style={{ width: 120 }} />
      </Form.Item>
    </Section>
  );
}

function NegativeSection() {
  const { t } = useTranslation();
  return (
    <Section title={t('settings.sections.negative')} help={t('settings.sections.negativeHelp')}>
      <Form.Item name="negativeBalance" label={t('settings.fields.negativeBalance')}>
        <Radio.Group>
          <Space direction="vertical">
            {(['allow_debt', 'cap_at_zero'] as const).map((value) => (
              <Radio key={value} value={value}>
                {t(`settings.fields.negativeKinds.${value}`)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
    </Section>
  );
}

function TransfersSection() {
  const { t } = useTranslation();
  const range = integer(1, LIMITS.transferPoints, t('settings.fields.transferRange'));
  const limit = (name: 'transferMin' | 'transferMax' | 'transferDailyMax', extraRules: object[] = []) => (
    <Form.Item
      name={name}
      label={t(`settings.fields.${name}`)}
      rules={[range, ...extraRules]}
      dependencies={name === 'transferMin' ? ['transferMax'] : []}
    >
      <InputNumber
        min={1}
        max={LIMITS.transferPoints}
        precision={0}
        placeholder={t('settings.fields.noLimit')}
        style={{ width: '100%' }}
      />
    </Form.Item>
  );
  return (
    <Section title={t('settings.sections.transfers')} help={t('settings.sections.transfersHelp')}>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          {limit('transferMin', [
            ({ getFieldValue }: FormInstance<SettingsFields>) => ({
              warningOnly: true,
              validator: (_: unknown, value: number | null) => {
                const max = getFieldValue('transferMax') as number | null;
                return value != null && max != null && value > max
                  ? Promise.reject(new Error(t('settings.fields.transferMinAboveMax')))
                  : Promise.resolve();
              },
            }),
          ])}
        </Col>
        <Col xs={24} md={8}>
          {limit('transferMax')}
        </Col>
        <Col xs={24} md={8}>
          {limit('transferDailyMax')}
        </Col>
      </Row>
    </Section>
  );
}

function OperationsSection({ values }: { values: SettingsFields }) {
  const { t } = useTranslation();
  const ttl = values.holdTtlSeconds;
  return (
    <Section title={t('settings.sections.operations')}>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="holdTtlSeconds"
            label={t('settings.fields.holdTtl')}
            extra={
              <>
                {t('settings.fields.holdTtlHelp')}
                {Number.isInteger(ttl) && ttl > 0 && ` (${humanDuration(t, ttl)})`}
              </>
            }
            rules={[
              { required: true, message: t('settings.fields.holdTtlRange') },
              integer(1, LIMITS.holdTtlSeconds, t('settings.fields.holdTtlRange')),
            ]}
          >
            <InputNumber min={1} max={LIMITS.holdTtlSeconds} precision={0} style={{ width: 180 }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="autoCreateMembers"
            label={t('settings.fields.autoCreateMembers')}
            extra={t('settings.fields.autoCreateMembersHelp')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </Section>
  );
}

function ThresholdsSection() {
  const { t } = useTranslation();
  return (
    <Section title={t('settings.sections.thresholds')} help={t('settings.sections.thresholdsHelp')}>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            name="approvalPointsAbove"
            label={t('settings.fields.pointsAbove')}
            extra={t('settings.fields.pointsAboveHelp')}
            rules={[integer(0, LIMITS.pointsAbove, t('settings.fields.pointsAboveRange'))]}
          >
            <InputNumber
              min={0}
              max={LIMITS.pointsAbove}
              precision={0}
              placeholder={t('settings.values.noThreshold')}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="approvalExpiresAfterHours"
            label={t('settings.fields.approvalHours')}
            extra={t('settings.fields.approvalHoursHelp')}
            rules={[
              { required: true, message: t('settings.fields.approvalHoursRange') },
              integer(1, LIMITS.approvalHours, t('settings.fields.approvalHoursRange')),
            ]}
          >
            <InputNumber min={1} max={LIMITS.approvalHours} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="approvalBulk"
            label={t('settings.fields.bulk')}
            extra={t('settings.fields.bulkHelp')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="approvalTierAssignments"
            label={t('settings.fields.tierAssignments')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </Section>
  );
}

function ChangeList({ changes }: { changes: SettingChange[] }) {
  const { t } = useTranslation();
  return (
    <div data-testid="settings-confirm">
      <Typography.Paragraph>{t('settings.confirm.intro', { count: changes.length })}</Typography.Paragraph>
      <Table<SettingChange>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={changes}
        scroll={{ x: 600 }}
        columns={[
          { title: t('settings.confirm.setting'), dataIndex: 'label', width: 140 },
          {
            title: t('settings.confirm.before'),
            dataIndex: 'before',
            render: (value: string) => <Typography.Text delete>{value}</Typography.Text>,
          },
          {
            title: t('settings.confirm.after'),
            dataIndex: 'after',
            render: (value: string) => <Typography.Text strong>{value}</Typography.Text>,
          },
        ]}
        expandable={{
          defaultExpandAllRows: true,
          showExpandColumn: false,
          expandedRowRender: (change) => (
            <Typography.Text type="secondary">
              {t('settings.confirm.consequences')}：{change.consequence}
            </Typography.Text>
          ),
          rowExpandable: (change) => change.consequence !== null,
        }}
      />
    </div>
  );
}

function AboutSection({ program, policy }: { program: ProgramView; policy: ApprovalPolicyView }) {
  const { t } = useTranslation();
  const ready = useReadiness();
  const engine = ready.data?.engine;
  return (
    <Card title={t('settings.sections.about')} data-testid="settings-about">
      <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small">
        <Descriptions.Item label={t('settings.about.programId')}>
          <Typography.Text
            code
            copyable={{ text: program.id, tooltips: [t('common.copy'), t('common.copied')] }}
          >
            {program.id}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.status')}>
          {program.archivedAt === null ? (
            <Tag color="green">{t('settings.about.live')}</Tag>
          ) : (
            <Tag>{t('settings.about.archivedAt', { at: formatDateTime(program.archivedAt) })}</Tag>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.createdAt')}>
          {formatDateTime(program.createdAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.updatedAt')}>
          <span data-testid="settings-updated-at">{formatDateTime(program.updatedAt)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.policyUpdatedAt')}>
          {policy.updatedAt ? formatDateTime(policy.updatedAt) : t('settings.about.never')}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.engine')}>
          {ready.isError
            ? t('settings.about.unavailable')
            : engine
              ? t(`settings.about.engines.${engine}` as 'settings.about.engines.pglite', {
                  defaultValue: engine,
                })
              : '…'}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.migration')}>
          {ready.data ? String(ready.data.migration) : ready.isError ? '—' : '…'}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
