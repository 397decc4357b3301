// `vigil fs --output FILE`: its folder is made when missing, and the report appears whole or not at all.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './options';

function reason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** Makes FILE's folder, before the scan, so that a report that cannot be written fails before the work. */
export function prepareOutput(file: string): void {
  const folder = path.dirname(path.resolve(file));
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : reason(error);
    throw new Error(`cannot write the report to ${file}: cannot create the folder ${folder} (${why})`);
  }
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--output ${file} is a folder: name a file`);
}

/**
 * Writes the report to a temp file beside FILE and renames it over FILE, so that a failed write
 * leaves no empty or partial report. A symlink, device or pipe (`--output /dev/stdout`) is
 * written through as it is.
 */
export function writeOutput(file: string, report: string): void {
  const existing = fs.lstatSync(file, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    fs.writeFileSync(file, report);
    return;
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, report, { flag: 'wx' });
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new Error(`cannot write the report to ${file}: ${reason(error)}`);
  }
}
