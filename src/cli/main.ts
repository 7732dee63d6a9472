import { readFileSync } from 'node:fs';
import { JifenError } from '../shared/errors.ts';
import { VaultError } from '../vault/vault-error.ts';
import { UsageError } from './options.ts';

/**
 * `jifen`: every command's module is imported only when it runs, so `jifen --help` and
 * `jifen --version` load none of Fastify, PGlite or pg, and each command only what it needs.
 */

const DATABASE_HELP = `Database flags:
  --data DIR            Embedded database directory (JIFEN_DATA_DIR, default ./.jifen)
  --database-url URL    PostgreSQL instead of the embedded database (DATABASE_URL)`;

interface Command {
  /** One line for the command list. */
  summary: string;
  /** `jifen <command> --help`: usage and every flag. */
  help: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'Start the API and background sweeps (migrates first)',
    help: `Usage: jifen serve [flags]

Starts the API and the background sweeps; migrates the database first. On a database with no key it
creates the default program, its owner API key and the deployment's admin key, and prints both once
(JIFEN_BOOTSTRAP_KEY / JIFEN_ADMIN_KEY set them instead, for automation).

  --port N              API port (JIFEN_PORT, default 8080)
  --host HOST           Address to listen on (JIFEN_HOST, default 127.0.0.1)
  --role api|worker|both  What this process runs (JIFEN_ROLE, default both)
  --log-level LEVEL     fatal|error|warn|info|debug|trace|silent (JIFEN_LOG_LEVEL, default info)
  --metrics on|off      Prometheus metrics (JIFEN_METRICS, default on)
  --metrics-port N      Serve /metrics on this port instead of the API port (JIFEN_METRICS_PORT)
  --metrics-host HOST   Address of the metrics port (JIFEN_METRICS_HOST, default 127.0.0.1)
  --sweep-interval-ms N Pause between sweep passes (default 1000)
  --dispatch-interval-ms N  Notification dispatcher's idle poll (default 100)

${DATABASE_HELP}`,
    run: async (args) => (await import('./serve-command.ts')).serveCommand(args),
  },
  migrate: {
    summary: 'Apply database migrations',
    help: `Usage: jifen migrate [flags]\n\nApplies every migration not yet applied.\n\n${DATABASE_HELP}`,
    run: async (args) => (await import('./database-commands.ts')).migrateCommand(args),
  },
  verify: {
    summary: 'Check every ledger invariant; exits 1 naming any violation',
    help: `Usage: jifen verify [flags]\n\nChecks every ledger invariant and the audit log's chains; exits 0 when all hold, 1 naming each violation.\n\n${DATABASE_HELP}`,
    run: async (args) => (await import('./database-commands.ts')).verifyCommand(args),
  },
  expire: {
    summary: 'Expire due lots now, or list what would expire',
    help: `Usage: jifen expire [--dry-run] [flags]\n\n  --dry-run             List the lots that would expire, change nothing\n\n${DATABASE_HELP}`,
    run: async (args) => (await import('./database-commands.ts')).expireCommand(args),
  },
  programs: {
    summary: 'Create, list or archive programs (tenants)',
    help: `Usage: jifen programs create --name NAME [--currency CNY] [--timezone Asia/Shanghai] [flags]
       jifen programs list [flags]
       jifen programs archive PROGRAM_ID [flags]

  create                Creates a program and its owner API key (printed once)
    --name NAME         The program's name (required)
    --currency CODE     ISO 4217 currency (default CNY)
    --timezone ZONE     IANA timezone its days and expiry deadlines follow (default Asia/Shanghai)
  list                  Every program: id, name, currency, timezone, live or archived
  archive PROGRAM_ID    Archive a program: reads and exports keep working, writes answer 409

${DATABASE_HELP}`,
    run: async (args) => (await import('./programs-command.ts')).programsCommand(args),
  },
  keys: {
    summary: 'List, create or revoke API keys; keys create --admin makes an admin key',
    help: `Usage: jifen keys list [--program prg_...] [flags]
       jifen keys create --name NAME [--scopes a,b] [--rate-limit N] [--requires-approval]
                         [--program prg_...] [flags]
       jifen keys create --admin [--name NAME] [flags]
       jifen keys revoke KEY_ID [--program prg_...] [flags]

  --program ID          The program (needed when the database has several)
  --name NAME           The key's name
  --scopes a,b          Scopes (default *, every scope)
  --rate-limit N        Requests a minute for this key (default JIFEN_RATE_LIMIT_PER_MINUTE)
  --requires-approval   The key's points actions are held by the program's approval policy, as
                        staff's are (keys are integrations: not held by default)
  --admin               A deployment-level admin key: creates, lists and archives programs and mints
                        their first owner key, nothing else (printed once)

${DATABASE_HELP}`,
    run: async (args) => (await import('./database-commands.ts')).keysCommand(args),
  },
  audit: {
    summary: 'Verify the tamper-evident audit log: every record and every chain',
    help: `Usage: jifen audit verify [--program prg_...] [flags]

Seals what is final, then recomputes every audit record's hash and each program's chain. Prints
per chain the records, seals and head (seq and hash); exits 1 naming the first broken record
(edited, missing, reordered, unsealed, seal_tampered). \`jifen verify\` runs it too.

  --program prg_...     One program's chain only

${DATABASE_HELP}`,
    run: async (args) => (await import('./audit-command.ts')).auditCommand(args),
  },
  vault: {
    summary: 'The master key that encrypts personal data: status, rotation',
    help: `Usage: jifen vault status [flags]
       jifen vault rotate [flags]

Personal data is encrypted with data keys that the master key wraps (docs/privacy.md). The master
key is JIFEN_MASTER_KEY (or JIFEN_MASTER_KEY_FILE); the embedded database's default is the key file
beside its data directory (<data dir>.master-key), made on its first start.

  status    The configured master key's fingerprint and which key wraps the data keys; exits 1
            when some are wrapped by another key (a rotation to finish)
  rotate    Re-wraps every data key with the new master key; safe to run again if stopped.
            With JIFEN_MASTER_KEY: set the new key there and the old one in
            JIFEN_PREVIOUS_MASTER_KEY (on every process: they then read both), run this, then
            remove the old one. With the embedded key file (server stopped): makes a new key file
            and keeps the old one as <key file>.previous.

${DATABASE_HELP}`,
    run: async (args) => (await import('./vault-command.ts')).vaultCommand(args),
  },
  staff: {
    summary: 'Add staff (the first owner of a program), list them, set a forgotten password',
    help: `Usage: jifen staff create --role ROLE --login EMAIL_OR_PHONE [--name NAME] [--password PW] [--stores a,b] [--program prg_...] [flags]
       jifen staff list [--program prg_...] [flags]
       jifen staff password --login EMAIL_OR_PHONE [--password PW] [flags]

  create                Adds a staff member to the program (they sign in with POST /v1/auth/login)
    --role ROLE         owner, admin, operator, customer_service, finance, auditor, store_clerk, or a
                        custom role id
    --login LOGIN       An e-mail address or a phone number
    --name NAME         Shown in the console (default: the login)
    --password PW       At least 10 characters; asked on the terminal (not echoed) when left out.
                        A login already staff of another program keeps its own password
    --stores a,b        The stores a store_clerk works at (required for that role)
  list                  The program's staff: id, login, name, role, stores, status, last sign-in
  password              Sets a new password for a login (every session of theirs ends)
  --program ID          The program (needed when the database has several)

${DATABASE_HELP}`,
    run: async (args) => (await import('./staff-command.ts')).staffCommand(args),
  },
  demo: {
    summary: "Load a year of a real shop into its own program, 'demo'",
    help: `Usage: jifen demo [--csv PATH] [flags]

Loads a year of a real shop's orders, refunds and reviews into the program named "demo" (created,
with its owner key printed once, if missing; reused if present) with five example rules.

  --csv PATH            The data set (default ../shared/data/uci-online-retail-invoices.csv)

${DATABASE_HELP}`,
    run: async (args) => (await import('../demo/demo-command.ts')).demoCommand(args),
  },
  import: {
    summary: 'Import members, opening balances, historical events or tiers from a file (dry run by default)',
    help: `Usage: jifen import members|balances|events|tiers FILE [--commit [--skip-errors]] [flags]
       jifen import undo IMPORT_ID [flags]

Checks every row of FILE (CSV with a header row, or JSON lines: .jsonl/.ndjson) and reports the
counts, the errors by line and column with what to fix, and the points it would create; nothing is
applied unless --commit. Columns are named as the API's fields (docs/imports.md lists every one).
Balances and events count from their own dates (earnedAt, occurredAt): lots expire by the policy
from then. Rows whose id an earlier import applied are skipped. Exits 1 when rows have errors.

  --commit              Apply the file (all of it, or nothing if a row has errors)
  --skip-errors         With --commit: apply the valid rows and skip the others
  --mapping a=b,...     Rename the file's columns: fileColumn=field (e.g. 会员号=memberId,积分=points)
  --encoding gbk        The file's encoding: utf8 (default, a BOM is fine) or gbk
  --format csv|jsonl    Default: jsonl for .jsonl/.ndjson files, else csv
  --program ID          The program (needed when the database has several)
  undo IMPORT_ID        Reverse every entry a committed import made (refused if its points were spent)

${DATABASE_HELP}`,
    run: async (args) => (await import('./import-command.ts')).importCommand(args),
  },
  export: {
    summary: "Export the program's journal (entries with their postings) as CSV or JSON lines",
    help: `Usage: jifen export journal --from ISO --to ISO [--format csv|jsonl] [--out FILE] [--program prg_...] [flags]

Writes every entry whose effective date is within [--from, --to), in effective date then id order,
with its postings (the member's buckets and the system account), as GET /v1/finance/journal does
(docs/metrics.md names the columns). Streamed a page at a time, to standard output or FILE; the
count of entries goes to standard error.

  --from ISO            Start (inclusive), an instant with its offset: 2026-03-01T00:00:00+08:00
  --to ISO              End (exclusive), after --from
  --format csv|jsonl    Default: jsonl for a .jsonl/.ndjson --out, else csv
  --out FILE            Write to FILE instead of standard output (removed if the export fails)
  --program ID          The program (needed when the database has several)

${DATABASE_HELP}`,
    run: async (args) => (await import('./export-command.ts')).exportCommand(args),
  },
  backup: {
    summary: 'Snapshot the embedded database to a file',
    help: `Usage: jifen backup --out FILE [--data DIR]\n\nSnapshots the embedded database to FILE (asks the running server if one holds it).`,
    run: async (args) => (await import('./backup-command.ts')).backupCommand(args),
  },
  restore: {
    summary: 'Restore a backup into an empty --data directory',
    help: `Usage: jifen restore FILE --data DIR [--force]\n\nRestores a backup into DIR, which must be empty (--force replaces its database).`,
    run: async (args) => (await import('./backup-command.ts')).restoreCommand(args),
  },
  bench: {
    summary: 'Run the benchmarks (same as npm run bench)',
    help: 'Usage: jifen bench [flags]\n\nRuns the benchmarks of a repository checkout; jifen bench --help lists its flags.',
    // The harness lives in bench/ of a repository checkout, as TypeScript (never compiled): it runs
    // through tsx even when the CLI runs compiled, and answers --help itself.
    run: async (args) => {
      const { register } = await import('tsx/esm/api');
      register();
      const harness = new URL('bench/run.ts', packageRoot());
      const { benchMain } = (await import(harness.href)) as { benchMain(args: string[]): Promise<number> };
      return benchMain(args);
    },
  },
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}${command.summary}`,
  );
  return `jifen ${version()} — membership points platform

Usage: jifen <command> [flags]       jifen <command> --help for its flags

Commands:
${lines.join('\n')}

${DATABASE_HELP}
`;
}

/** The package's root: two levels above this file, from src/cli/ and from dist/cli/ alike. */
function packageRoot(): URL {
  return new URL('../../', import.meta.url);
}

function version(): string {
  const found = JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8')) as {
    version: string;
  };
  return found.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(version());
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic && COMMANDS[topic]) {
      console.log(COMMANDS[topic].help);
      return 0;
    }
    console.log(overview());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`jifen: unknown command "${name}". Run "jifen help" for the list.`);
    return 2;
  }
  if (name !== 'bench' && (args.includes('--help') || args.includes('-h'))) {
    console.log(command.help);
    return 0;
  }
  try {
    // Every command that touches the database needs the areas' commit hooks.
    (await import('../wiring.ts')).wireAreas();
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`jifen ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof JifenError) {
      console.error(`jifen ${name}: ${error.detail}`);
      return 1;
    }
    if (error instanceof VaultError) {
      console.error(`jifen ${name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
