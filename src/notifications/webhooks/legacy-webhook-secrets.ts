import type { Database } from '../../db/database.ts';
import { isSealed, sealText } from '../../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../../vault/legacy-plaintext.ts';
import { PREVIOUS_SECRET_FIELD, SECRET_FIELD } from './webhook-endpoint-store.ts';

interface PlainRow {
  program_id: string;
  id: string;
  secret: string;
  previous_secret: string | null;
}

/**
 * Seals the signing secrets stored in plain text before the vault (registered in src/wiring.ts,
 * run by `jifen serve` at start): rows whose secret or previous secret lacks the `enc:v1:` prefix,
 * 500 at a time, each batch in its own transaction, so an interrupted start leaves the rest for the
 * next. Answers how many values it sealed (0 once nothing is plain, at the cost of one query).
 */
export async function sealLegacyWebhookSecrets(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<PlainRow>(
      `select program_id, id, secret, previous_secret from webhook_endpoints
          where secret not like 'enc:v1:%' or previous_secret not like 'enc:v1:%'
          order by program_id, id limit $1 for update`,
      [LEGACY_BATCH],
    );
    let count = 0;
    const secrets: string[] = [];
    const previous: (string | null)[] = [];
    for (const row of rows) {
      if (isSealed(row.secret)) secrets.push(row.secret);
      else {
        secrets.push(await sealText(tx, row.program_id, SECRET_FIELD, row.secret));
        count += 1;
      }
      if (row.previous_secret === null || isSealed(row.previous_secret)) previous.push(row.previous_secret);
      else {
        previous.push(await sealText(tx, row.program_id, PREVIOUS_SECRET_FIELD, row.previous_secret));
        count += 1;
      }
    }
    if (rows.length > 0) {
      await tx.query(
        `update webhook_endpoints e set secret = v.secret, previous_secret = v.previous_secret
             from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as v(program_id, id, secret, previous_secret)
            where e.program_id = v.program_id and e.id = v.id`,
        [rows.map((row) => row.program_id), rows.map((row) => row.id), secrets, previous],
      );
    }
    return { rows: rows.length, sealed: count };
  });
}
