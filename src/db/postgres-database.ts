import { createHash } from 'node:crypto';
import pg from 'pg';
import { beginTransaction, discardAfterCommit, runAfterCommit } from './after-commit.ts';
import { withArrayLiterals } from './array-literal.ts';
import { openCommitPipeline, settleCommitPipeline } from './commit-pipeline.ts';
import type { Database, Queryable } from './database.ts';

// int8 and numeric come back as strings by default; every bigint we store is bounded far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  connectionString: string;
  maxConnections?: number;
  /** Schema to put first on the search path (tests use one schema per test file). */
  schema?: string;
}

const MAX_PREPARED = 1000;
const statementNames = new Map<string, string>();

/**
 * Parameterised statements are prepared once per connection under a name derived from their text:
 * PostgreSQL then skips parsing and planning, which was ~40% of its time per credit. Jifen's SQL
 * texts are a bounded set (values are always parameters), but past MAX_PREPARED distinct texts the
 * rest run unnamed rather than grow every connection's statement cache.
 */
function toQuery(sql: string, params: readonly unknown[]): pg.QueryConfig {
  if (params.length === 0) return { text: sql };
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `j_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  const values = withArrayLiterals(params);
  return name === undefined ? { text: sql, values } : { name, text: sql, values };
}

export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 16,
    // Statements go out as they are issued, in order, without waiting for the one before: `begin`
    // travels with the transaction's first statement, and intake sends a part of its writes while
    // it decides the next. Results still come back in order, one per statement.
    pipeline: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  pool.on('error', () => {
    // An idle client lost its connection (e.g. the server restarted); the pool replaces it.
  });
  const db: Database = {
    engine: 'postgres',
    background: () => db,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query(toQuery(sql, params));
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const send = (config: string | pg.QueryConfig) => client.query(config);
      const tx: Queryable = {
        async query<Row>(sql: string, params: readonly unknown[] = []) {
          const result = await send(toQuery(sql, params));
          return result.rows as Row[];
        },
        async exec(sql: string) {
          await send(sql);
        },
      };
      let broken = false;
      let ended = false;
      beginTransaction(tx);
      openCommitPipeline(tx);
      try {
        // Not awaited: the first statement follows it on the wire, and fails with it if it fails.
        const begun = send('begin');
        begun.catch(() => {});
        const value = await work(tx);
        await begun;
        // Sent behind the writes left to `awaitAtCommit` (see commit-pipeline.ts), before their answers.
        const committed = send('commit');
        committed.catch(() => {});
        const failed = await settleCommitPipeline(tx);
        const { command } = await committed;
        ended = true;
        if (failed !== undefined) throw failed;
        if (command !== 'COMMIT') throw new Error(`the transaction ended with ${command} instead of COMMIT`);
        runAfterCommit(tx);
        return value;
      } catch (thrown) {
        discardAfterCommit(tx);
        // A write sent earlier and failed is the cause; what failed after it only saw an aborted transaction.
        const error = (await settleCommitPipeline(tx)) ?? thrown;
        if (!ended) {
          try {
            await send('rollback');
          } catch {
            broken = true;
          }
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    poolUsage() {
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}
