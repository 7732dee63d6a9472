/**
 * The headless Chromium the browser tests and the bench's `console-load` scenario drive: Debian's
 * (`apt-get install chromium`; .ci/run installs it when missing), or JIFEN_CHROMIUM.
 */
export const CHROMIUM = process.env.JIFEN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
