import { Space, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A table cell's second line: small and grey (an id, a detail, a change). */
export function SmallNote({ children }: { children: ReactNode }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {children}
    </Typography.Text>
  );
}

/** A table cell of two lines: what it shows, and under it a small note. */
export function WithNote({ children, note }: { children: ReactNode; note: ReactNode }) {
  return (
    <Space direction="vertical" size={0}>
      {children}
      <SmallNote>{note}</SmallNote>
    </Space>
  );
}
