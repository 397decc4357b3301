// Where the shared corpus is, when it is there: ../shared/corpus beside the repository.
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');

/** The corpus path, or undefined after skipping the test with a message that says why. */
export function corpusOrSkip(context: Mocha.Context, ...parts: string[]): string | undefined {
  const dir = path.join(CORPUS_DIR, ...parts);
  if (fs.existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`shared corpus missing under CI: ${dir}`);
  console.log(`      (skipped: shared corpus not found at ${dir})`);
  context.skip();
}
