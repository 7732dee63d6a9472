import { ClockCircleOutlined } from '@ant-design/icons';
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ScreenId } from '../access.ts';

/** A screen of this release not built yet: says so plainly (used only until its screen lands). */
export function ComingSoon({ screen }: { screen: ScreenId }) {
  const { t } = useTranslation();
  return (
    <div data-testid="coming-soon">
      <Result
        icon={<ClockCircleOutlined />}
        title={t('comingSoon.title')}
        subTitle={t('comingSoon.body', { screen: t(`nav.${screen}`) })}
      />
    </div>
  );
}
