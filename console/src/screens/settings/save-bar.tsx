import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { Button, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** The form's unsaved count, reset and save, kept in sight at the bottom of the window while the long form scrolls. */
export function SaveBar({
  changes,
  saving,
  onReset,
  onSave,
}: {
  changes: number;
  saving: boolean;
  onReset: () => void;
  onSave: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div
      style={{
        position: 'sticky',
        bottom: 0,
        zIndex: 10,
        display: 'flex',
        justifyContent: 'flex-end',
        padding: '12px 16px',
        background: '#fff',
        borderTop: '1px solid #f0f0f0',
        boxShadow: '0 -2px 8px rgba(0, 0, 0, 0.06)',
        borderRadius: 8,
      }}
    >
      <Space wrap>
        {changes > 0 && <Tag color="orange">{t('settings.unsaved', { count: changes })}</Tag>}
        <Button icon={<UndoOutlined />} onClick={onReset} disabled={changes === 0 || saving}>
          {t('settings.reset')}
        </Button>
        <Button
          type="primary"
          icon={<SaveOutlined />}
          onClick={onSave}
          loading={saving}
          data-testid="settings-save"
        >
          {t('settings.save')}
        </Button>
      </Space>
    </div>
  );
}
