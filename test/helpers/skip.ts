// The one way a test skips: it says why, and under CI=true a missing component is a failure.
export const inCi = process.env.CI === 'true';

/**
 * Skips the test (or, from a hook, its suite) with the reason printed; under CI=true throws instead,
 * so that CI cannot pass with a part of the suite not run. `allowedInCi` is for the documented
 * exception alone (desktop VS Code, which cannot be downloaded where CI runs): it names why.
 */
export function skipOrFail(context: Mocha.Context, reason: string, allowedInCi?: string): never {
  if (inCi && !allowedInCi) throw new Error(`${reason} (CI=true, so this fails instead of skipping)`);
  console.log(`      skipped: ${reason}${inCi ? ` (allowed under CI: ${allowedInCi})` : ''}`);
  context.skip();
}
