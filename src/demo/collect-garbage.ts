import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, for a bulk load between its steps. V8 lets the old generation grow to
 * several times what is live before it collects: the demo's live heap stays near 60 MB, but it
 * peaked at 210–260 MB of heap (480–590 MB RSS, target 500) as each week's batch objects outlived
 * the young generation. Collecting every eight weeks of the year keeps the peak near what is live,
 * for about a second of CPU.
 * `gc` is exposed for this process only when asked (the flag is read when a context is made).
 */
let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null; // a runtime without it collects on its own schedule
    }
  }
  collect?.();
}
