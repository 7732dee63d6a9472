import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** The console's languages: zh-CN (the default) and en, one message catalogue each. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'jifen.console.language';

function storedLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return LANGUAGES.find((language) => language === stored) ?? 'zh-CN';
}

/** Changes the language and remembers it in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  dayjs.locale(dayjsLocale(language));
  await i18n.changeLanguage(language);
}

/** Date pickers and relative times follow the console's language (month and weekday names). */
function dayjsLocale(language: Language): string {
  return language === 'en' ? 'en' : 'zh-cn';
}

export function currentLanguage(): Language {
  return LANGUAGES.find((language) => language === i18n.language) ?? 'zh-CN';
}

const initial = storedLanguage();
document.documentElement.lang = initial;
dayjs.locale(dayjsLocale(initial));
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'zh-CN',
  // Keys hold colons (scope names such as members:read): no namespaces in keys.
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export { i18n };
