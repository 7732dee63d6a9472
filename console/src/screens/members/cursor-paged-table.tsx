import { Button, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { type MemberPagedOp, useMemberPages } from './members-queries.ts';

/** One of the member's lists: a table paged by cursor ("load more"), with its loading, error and empty states. */
export function CursorPagedTable<T extends object>({
  operationId,
  memberId,
  query,
  rowKey,
  columns,
  empty,
  emptyHint,
  testId,
}: {
  operationId: MemberPagedOp;
  memberId: string;
  query?: Record<string, unknown>;
  rowKey: keyof T & string;
  columns: TableColumnsType<T>;
  empty: string;
  emptyHint?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const pages = useMemberPages(operationId, memberId, query);
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => pages.refetch()} />;
  const rows = (pages.data?.pages ?? []).flatMap((page) => (page as unknown as { data: T[] }).data);
  if (!pages.isPending && rows.length === 0) return <EmptyState title={empty} hint={emptyHint} />;
  return (
    <>
      <Table<T>
        rowKey={rowKey}
        loading={pages.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 860 }}
        size="middle"
        columns={columns}
        data-testid={testId}
      />
      {pages.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
            {t('members.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
