import { i18n } from '../i18n/index.ts';

/**
 * The API words a field error the way ajv does, in English ("must NOT have more than 100
 * characters"). The console shows the common ones in its own language; a message of the product's
 * own (a timezone that does not exist, a rule that does not compile) is shown as the API wrote it.
 */
const KNOWN: readonly [RegExp, string][] = [
  [/^is required$/, 'required'],
  [/^is not a known field$/, 'unknownField'],
  [/^must NOT have more than (\d+) characters$/, 'maxLength'],
  [/^must NOT have fewer than (\d+) characters$/, 'minLength'],
  [/^must NOT have more than (\d+) items$/, 'maxItems'],
  [/^must NOT have fewer than (\d+) items$/, 'minItems'],
  [/^must be >= (\S+)$/, 'minimum'],
  [/^must be <= (\S+)$/, 'maximum'],
  [/^must be > (\S+)$/, 'exclusiveMinimum'],
  [/^must be < (\S+)$/, 'exclusiveMaximum'],
  [/^must be integer$/, 'integer'],
  [/^must be number$/, 'number'],
  [/^must be string$/, 'string'],
  [/^must be boolean$/, 'boolean'],
  [/^must be equal to one of the allowed values$/, 'oneOf'],
  [/^must match pattern /, 'pattern'],
  [/^must match format "(.+)"$/, 'format'],
  [/^matches none of the accepted forms/, 'noForm'],
];

export function localizedFieldMessage(message: string): string {
  for (const [pattern, key] of KNOWN) {
    const match = pattern.exec(message);
    if (match) return i18n.t(`fieldErrors.${key}` as 'fieldErrors.required', { value: match[1] });
  }
  return message;
}
