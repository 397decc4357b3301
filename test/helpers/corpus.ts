// Where the shared corpus is, when it is there: ../shared/corpus beside the repository.
import fs from 'node:fs';
import path from 'node:path';
import { skipOrFail } from './skip';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');

/** The corpus path; where it is missing, skips the test (fails it under CI=true) saying so. */
export function corpusOrSkip(context: Mocha.Context, ...parts: string[]): string {
  const dir = path.join(CORPUS_DIR, ...parts);
  if (fs.existsSync(dir)) return dir;
  skipOrFail(context, `shared corpus not found at ${dir}`);
}
