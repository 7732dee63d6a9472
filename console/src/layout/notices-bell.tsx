import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { canSee } from '../access.ts';
import { useJifen } from '../api/jifen.tsx';
import { useSession } from '../api/session.tsx';

/**
 * The header's bell: how many of the staff member's notices (a request waiting for them, a decision
 * on theirs) are unread, checked every minute; it opens Approvals, where they are listed and read.
 * The query key shares the Approvals screen's prefix, so marking them read there clears the badge.
 */
export function NoticesBell() {
  const { t } = useTranslation();
  const jifen = useJifen();
  const navigate = useNavigate();
  const { permissions } = useSession();
  const unread = useQuery({
    queryKey: ['staffNotices', 'count'],
    queryFn: () => jifen.call('getStaffNoticesUnreadCount', {}),
    refetchInterval: 60_000,
  });
  const count = unread.data?.unread ?? 0;
  const opensApprovals = canSee(permissions, 'approvals');
  return (
    <Tooltip title={t('shell.notices', { count })}>
      <Badge count={count} size="small" offset={[-6, 6]}>
        <Button
          type="text"
          icon={<BellOutlined />}
          data-testid="notices-bell"
          aria-label={t('shell.notices', { count })}
          disabled={!opensApprovals}
          onClick={() => navigate('/approvals')}
        />
      </Badge>
    </Tooltip>
  );
}
