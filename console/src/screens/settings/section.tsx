import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/** One group of the settings form: a card with its title and an optional line on what it governs. */
export function Section({ title, help, children }: { title: string; help?: string; children: ReactNode }) {
  return (
    <Card title={title} styles={{ body: { paddingBottom: 0 } }}>
      {help && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {help}
        </Typography.Paragraph>
      )}
      {children}
    </Card>
  );
}
