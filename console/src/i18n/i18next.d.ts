import 'i18next';
import type { zhCN } from './zh-CN.ts';

// Keys given to t() are checked against the catalogue.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}
