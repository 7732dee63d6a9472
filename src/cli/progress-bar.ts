/**
 * A progress line for long commands: a bar redrawn in place on a terminal (as `jifen demo` draws
 * its own), a line per quarter otherwise (logs, pipes).
 */
export function progressBar(label: string, unit: string): (done: number, total: number) => void {
  const tty = process.stdout.isTTY === true;
  const width = 30;
  let lastQuarter = 0;
  let lastDrawn = 0;
  return (done, total) => {
    const share = total > 0 ? Math.min(done / total, 1) : 1;
    const percent = Math.floor(share * 100);
    const text = `${label}: ${done.toLocaleString('en-US')}${total > 0 ? `/${total.toLocaleString('en-US')}` : ''} ${unit} (${percent}%)`;
    if (tty) {
      const now = Date.now();
      // At most ten redraws a second: a million rows must not cost a million writes.
      if (now - lastDrawn < 100 && share < 1) return;
      lastDrawn = now;
      const filled = Math.round(share * width);
      process.stdout.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}${share >= 1 ? '\n' : ''}`,
      );
      return;
    }
    const quarter = Math.floor(percent / 25);
    if (quarter > lastQuarter || share >= 1) {
      if (share >= 1 && lastQuarter === 4) return;
      lastQuarter = share >= 1 ? 4 : quarter;
      console.log(text);
    }
  };
}
