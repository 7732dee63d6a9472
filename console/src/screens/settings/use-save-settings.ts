import { App, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrorsOf, namePathOf } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import {
  type ApprovalPolicyView,
  fieldOfError,
  fieldsOf,
  POLICY_FIELD_OF,
  PROGRAM_FIELD_OF,
  type policyChangeOf,
  type programPatchOf,
  type SettingsFields,
} from './settings-model.ts';
import { useRereadSettings, useSetApprovalPolicy, useUpdateProgram } from './settings-queries.ts';

/** The program's part of the form's fields (not the approval thresholds). */
function programFieldsOf(fields: SettingsFields): Partial<SettingsFields> {
  const policyFields = new Set<string>(Object.values(POLICY_FIELD_OF));
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !policyFields.has(key)));
}

/**
 * Saving the settings form: the program's patch, then the approval policy, then the saved settings read
 * back into the form. The API's field errors go next to their fields, the rest into `formError`.
 */
export function useSaveSettings(form: FormInstance<SettingsFields>, policy: ApprovalPolicyView) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const updateProgram = useUpdateProgram();
  const setPolicy = useSetApprovalPolicy();
  const reread = useRereadSettings();

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

  return { save, saving, formError, setFormError };
}
