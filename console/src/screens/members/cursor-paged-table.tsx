import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { Button, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { type MemberPagedOp, useMemberPages } from './members-queries.ts';

interface TableProps<T> {
  rowKey: keyof T & string;
  columns: TableColumnsType<T>;
  empty: string;
  emptyHint?: string;
  testId: string;
}

/** One of the member's lists: a table paged by cursor ("load more"), with its loading, error and empty states. */
export function CursorPagedTable<T extends object>({
  operationId,
  memberId,
  query,
  ...table
}: TableProps<T> & {
  operationId: MemberPagedOp;
  memberId: string;
  query?: Record<string, unknown>;
}) {
  const pages = useMemberPages(operationId, memberId, query);
  return <PagedTable<T> pages={pages as unknown as PagesOf<T>} {...table} />;
}

/** The pages of a list read by cursor: each with its rows in `data`. */
export type PagesOf<T> = UseInfiniteQueryResult<InfiniteData<{ data: T[] }, unknown>>;

/** Any list paged by cursor (an infinite query): its rows, "load more", and the loading, error and empty states. */
export function PagedTable<T extends object>({
  pages,
  rowKey,
  columns,
  empty,
  emptyHint,
  testId,
}: TableProps<T> & { pages: PagesOf<T> }) {
  const { t } = useTranslation();
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => pages.refetch()} />;
  const rows = (pages.data?.pages ?? []).flatMap((page) => page.data);
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
