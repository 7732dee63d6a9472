import { useTranslation } from 'react-i18next';

/** A text the API gives in both languages (`{ "zh-CN", en }`): the console language's one. */
export interface Localized {
  'zh-CN': string;
  en: string;
}

export function useLocalized(): (text: Localized | null | undefined) => string {
  const { i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (text) => (text ? text[language] || text['zh-CN'] || text.en : '');
}
