import { useTranslation } from 'react-i18next';

/** A text the API gives in both languages (`{ "zh-CN", en }`). */
export interface Localized {
  'zh-CN': string;
  en: string;
}

/** The text in a language: English for en, Chinese otherwise, the other one when empty. */
export function localizedText(text: Localized | null | undefined, language: string): string {
  if (!text) return '';
  return (language === 'en' ? text.en : text['zh-CN']) || text['zh-CN'] || text.en;
}

/** The console language's text of a `{ "zh-CN", en }`: `const localized = useLocalized(); localized(tier.name)`. */
export function useLocalized(): (text: Localized | null | undefined) => string {
  const { i18n } = useTranslation();
  return (text) => localizedText(text, i18n.language);
}
