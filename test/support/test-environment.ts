// Runs before every test file (vitest `setupFiles`): the environment a deployment would have. The
// master key that encrypts personal data is fixed for the tests (processes the tests start inherit
// it); tests of a missing or wrong key, or of the embedded key file, start processes without it.
process.env.JIFEN_MASTER_KEY ??= TEST_MASTER_KEY();

function TEST_MASTER_KEY(): string {
  return Buffer.alloc(32, 'jifen test master key').toString('base64');
}
