/** The members screen's name for the shared helper (i18n/localized-text.ts). */
export { type Localized, useLocalized } from '../../i18n/localized-text.ts';
