// Files Vigil finds by their default names, without the user naming them: ignore files today,
// later secret configs, custom checks and VEX documents. Whoever wrote the repository wrote them,
// so such a file is read only when it is a regular file of modest size whose real path stays
// inside the folder it was found in. A repository that commits `.trivyignore` as a link to
// `/proc/self/environ` or `/etc/shadow` gets a refusal that names the file, and nothing is read.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Larger found files are refused: real ignore files are a few KiB. */
export const MAX_FOUND_FILE_SIZE = 1024 * 1024;

export type FoundFile =
  | { kind: 'absent' }
  /** `reason` names no content, only what the file is (a link out of the folder, a FIFO, ...). */
  | { kind: 'refused'; reason: string }
  /** `real` is the resolved path to read. */
  | { kind: 'readable'; real: string };

/** Whether `file`, found by its default name in `folder`, may be read. */
export function checkFoundFile(file: string, folder: string): FoundFile {
  try {
    fs.lstatSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'absent' } : { kind: 'refused', reason: `cannot be read (${code ?? 'error'})` };
  }
  let real: string;
  let realFolder: string;
  try {
    real = fs.realpathSync(file);
    realFolder = fs.realpathSync(folder);
  } catch {
    return { kind: 'refused', reason: 'is a broken or looping symlink; not read' };
  }
  if (!real.startsWith(realFolder + path.sep)) {
    return { kind: 'refused', reason: `is a symlink to ${real}, outside ${folder}; not read` };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(real);
  } catch (error) {
    return { kind: 'refused', reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!stat.isFile()) return { kind: 'refused', reason: 'is not a regular file; not read' };
  if (stat.size > MAX_FOUND_FILE_SIZE) {
    return { kind: 'refused', reason: `is over the ${MAX_FOUND_FILE_SIZE / 1024 / 1024} MiB limit for a file found by its name; not read` };
  }
  return { kind: 'readable', real };
}
