// The temp directory an LSP test works in: a cache with the demo's real OSV records imported,
// and room for the test's workspace, removed again after the test.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { importAdvisories } from '../../server/src/engine';
import { REPO_ROOT } from './client';

export interface TestDirectory {
  root: string;
  /** The cache directory with the demo DB, for the `vigil.cacheDir` setting. */
  cacheDir: string;
  /** The path of `relative` inside the directory. */
  file(relative: string): string;
  /** Copies a folder or file of `examples/` to `relative` inside the directory. */
  copyExample(example: string, relative: string): void;
  remove(): void;
}

export async function demoDbDirectory(prefix: string): Promise<TestDirectory> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const cacheDir = path.join(root, 'cache');
  await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
  const file = (relative: string) => path.join(root, relative);
  return {
    root, cacheDir, file,
    copyExample(example, relative) {
      fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
      fs.cpSync(path.join(REPO_ROOT, 'examples', example), file(relative), { recursive: true });
    },
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** A diagnostic's message as text. */
export const messageOf = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
