import type { Queryable } from './database.ts';
import { type SqlParam, sqlParams } from './sql-params.ts';

/**
 * Several areas' writes (or reads) as one statement, so a transaction costs one round trip to
 * write whatever it decided and one to read what it needs, however many tables are involved: on a
 * loaded machine each statement's round trip costs both processes a system call and a wake-up, and
 * a small group-committed transaction spent more on those than on its rows. Each area adds its own
 * SQL (the table owners stay the only ones naming their tables); `$1` is always the program id.
 */

/**
 * Data-modifying CTEs run as `with w0 as (…), w1 as (…) select $1::text`: the final select names
 * the program id, so a statement whose parts all bind their own (an audit record of the admin key)
 * still gives `$1` a type.
 */
export class WriteStatement {
  readonly params: unknown[];
  readonly param: SqlParam;
  private readonly parts: string[] = [];

  constructor(programId: string) {
    ({ params: this.params, param: this.param } = sqlParams(programId));
  }

  /**
   * Adds writes. They all see the snapshot the statement started with and none sees another's rows,
   * so no two may change the same row; foreign keys between them are checked when all have run.
   */
  add(...parts: readonly string[]): void {
    this.parts.push(...parts);
  }

  get size(): number {
    return this.parts.length;
  }

  async run(tx: Queryable): Promise<void> {
    if (this.parts.length === 0) return;
    const ctes = this.parts.map((part, index) => `w${index} as (${part})`).join(',\n');
    await tx.query(`with ${ctes} select $1::text`, this.params);
  }
}

/**
 * Reads as one `select`: each query's rows come back as one JSON array column, so values arrive as
 * JSON (numbers for int8, ISO strings for timestamps). Take the rows after `run` with the function
 * `add` returned.
 */
export class ReadStatement {
  readonly params: unknown[];
  readonly param: SqlParam;
  private readonly queries: string[] = [];
  private result: Record<string, unknown[]> | null = null;

  constructor(programId: string) {
    ({ params: this.params, param: this.param } = sqlParams(programId));
  }

  /** Adds a query; the returned function gives its rows once the statement has run. */
  add<Row>(query: string): () => Row[] {
    const column = `r${this.queries.length}`;
    this.queries.push(`coalesce((select json_agg(q) from (${query}) q), '[]') as ${column}`);
    return () => {
      if (!this.result) throw new Error('ReadStatement: rows taken before run()');
      return this.result[column] as Row[];
    };
  }

  async run(tx: Queryable): Promise<void> {
    if (this.queries.length === 0) {
      this.result = {};
      return;
    }
    const [row] = await tx.query<Record<string, unknown[]>>(
      `select ${this.queries.join(',\n')}`,
      this.params,
    );
    this.result = row!;
  }
}
