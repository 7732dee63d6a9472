import { type BrowserContext, chromium } from 'playwright-core';

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

/**
 * A headless Chromium with its own profile directory, at a desktop's size, in Chinese (the console's
 * default); `reducedMotion: 'reduce'` for the journeys, which must not click into an opening dialog.
 */
export function launchChromium(
  profile: string,
  options: { reducedMotion?: 'reduce' } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    ...options,
  });
}
