// Opening the generation the pointer names.
import * as fs from 'fs';
import * as path from 'path';
import { FormatError, GenerationReader, SCHEMA_VERSION } from './format';
import { dbDir, readPointer } from './store';

const HOW_TO_GET_ONE = 'Run `vigil db update` to download one, or `vigil db import PATH` to build one from OSV files.';

/** There is no usable DB in the cache folder. The message says how to get one. */
export class DbMissingError extends Error {
  /** No DB was ever made there, as opposed to one that cannot be used. */
  readonly absent: boolean;

  constructor(readonly cacheDir: string, reason?: string) {
    super(`${reason ?? 'No vulnerability DB found'} in ${dbDir(cacheDir)}. ${HOW_TO_GET_ONE}`);
    this.name = 'DbMissingError';
    this.absent = reason === undefined;
  }
}

export function openCurrent(cacheDir: string): { reader: GenerationReader; generation: string } {
  // An update may remove the generation between reading the pointer and opening it; read again then.
  for (let attempt = 0; ; attempt++) {
    let pointer;
    try {
      pointer = readPointer(cacheDir);
    } catch (err) {
      throw new DbMissingError(cacheDir, `The DB pointer is unreadable (${(err as Error).message})`);
    }
    if (!pointer) throw new DbMissingError(cacheDir);
    if (pointer.schemaVersion !== SCHEMA_VERSION) {
      throw new DbMissingError(cacheDir, `The DB has schema ${pointer.schemaVersion}, this Vigil reads schema ${SCHEMA_VERSION}`);
    }
    const file = path.join(dbDir(cacheDir), pointer.generation);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 5) continue;
      throw new DbMissingError(cacheDir, `The DB file ${pointer.generation} cannot be opened (${(err as Error).message})`);
    }
    try {
      return { reader: new GenerationReader(fd, file), generation: pointer.generation };
    } catch (err) {
      fs.closeSync(fd);
      if (err instanceof FormatError) throw new DbMissingError(cacheDir, err.message);
      throw err;
    }
  }
}

/** The current generation for an updater to build on; undefined when there is none or it is unusable (start afresh). */
export function openPrevious(cacheDir: string): { reader: GenerationReader; generation: string } | undefined {
  try {
    return openCurrent(cacheDir);
  } catch (err) {
    if (err instanceof DbMissingError) return undefined;
    throw err;
  }
}
