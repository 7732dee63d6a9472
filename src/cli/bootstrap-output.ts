import type { Bootstrapped } from '../programs/bootstrap.ts';

/** The keys bootstrap made, each shown once (unless it came from the environment). */
export function printBootstrapKeys(created: Bootstrapped, show: { owner: boolean; admin: boolean }): void {
  if (show.owner) {
    console.log(`\n  Owner API key (shown only this once; store it now):\n\n    ${created.secret}\n`);
  }
  if (show.admin) {
    console.log(
      `  Admin key: creates and archives programs, nothing else (shown only this once; store it now):\n\n    ${created.adminSecret}\n`,
    );
  }
}
