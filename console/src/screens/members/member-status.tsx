import type { Member } from '@jifen/sdk';
import { Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

const COLORS = { active: 'green', frozen: 'blue', blocked: 'red' } as const;

/** A member's status as a badge (frozen / blocked stand out), with what it means on hover. */
export function MemberStatusTag({ member }: { member: Pick<Member, 'status' | 'erasedAt'> }) {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <Tooltip title={t(`members.statusHelp.${member.status}`)}>
        <Tag color={COLORS[member.status]} data-testid="member-status">
          {t(`members.status.${member.status}`)}
        </Tag>
      </Tooltip>
      {member.erasedAt && <Tag>{t('members.erased')}</Tag>}
    </Space>
  );
}
