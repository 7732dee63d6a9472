import { JifenError } from '@jifen/sdk';
import type { FormInstance } from 'antd';
import { localizedFieldMessage } from './field-message.ts';

/** One field's error in a validation_failed problem: `field` is e.g. "body/name" or "body/scopes/0". */
export interface ProblemFieldError {
  field: string;
  message: string;
}

export type NamePath = (string | number)[];

/** The field errors of a problem+json answer (validation_failed's `errors`), or none. */
export function fieldErrorsOf(error: unknown): ProblemFieldError[] {
  if (!(error instanceof JifenError)) return [];
  const errors = error.problem.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (item): item is ProblemFieldError =>
      typeof item === 'object' &&
      item !== null &&
      typeof item.field === 'string' &&
      typeof item.message === 'string',
  );
}

/** "body/scopes/0" → ['scopes', 0]: the body's part of the path, numbers as list indexes. */
export function namePathOf(field: string): NamePath {
  const parts = field.split('/').filter((part) => part.length > 0);
  if (parts[0] === 'body' || parts[0] === 'querystring' || parts[0] === 'params') parts.shift();
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Which of the form's fields an error belongs to: the longest field name the path starts with
 * ("body/scopes/0" belongs to the field `scopes`). Null when no field of the form matches.
 */
export function matchField(field: string, formFields: readonly NamePath[]): NamePath | null {
  const path = namePathOf(field);
  let best: NamePath | null = null;
  for (const name of formFields) {
    const prefix = name.every((part, i) => path[i] === part);
    if (prefix && name.length <= path.length && (best === null || name.length > best.length)) best = name;
  }
  return best;
}

/**
 * Shows a failed save's problem+json field errors next to their fields of an antd form (what
 * was typed stays; the common messages in the console's language), and answers the errors no field of the form shows, for a form-level alert.
 *
 *   onError: (error) => { const rest = showProblemOnForm(form, error); setFormError(rest) }
 */
export function showProblemOnForm(form: FormInstance, error: unknown): ProblemFieldError[] {
  const formFields = form.getFieldsError().map(({ name }) => name as NamePath);
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const unmatched: ProblemFieldError[] = [];
  for (const item of fieldErrorsOf(error)) {
    const name = matchField(item.field, formFields);
    if (!name) {
      unmatched.push(item);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(localizedFieldMessage(item.message));
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return unmatched;
}
