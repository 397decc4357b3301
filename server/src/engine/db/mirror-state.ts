// <cacheDir>/db/mirror-state.json: the mirror validators and times of a check that found nothing new,
// so wrote no generation. Written and read under the update lock; applies only on top of the
// generation it names (a later generation carries the state in its own metadata).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { SourceInfo } from './format';
import { dbDir } from './store';

const FILE = 'mirror-state.json';

export interface MirrorState {
  /** The generation these sources are newer than. */
  generation: string;
  /** Mirror sources (`mirror:<Ecosystem>`), as the generation's metadata would hold them. */
  sources: SourceInfo[];
}

/** The mirror sources saved on top of `generation`; none when there is no such file or it is for another generation. */
export function readMirrorState(cacheDir: string, generation: string | undefined): SourceInfo[] {
  if (!generation) return [];
  try {
    const state = JSON.parse(fs.readFileSync(path.join(dbDir(cacheDir), FILE), 'utf8')) as MirrorState;
    if (state.generation !== generation || !Array.isArray(state.sources)) return [];
    return state.sources.filter((s) => s && s.kind === 'mirror' && typeof s.name === 'string' && s.name.startsWith('mirror:'));
  } catch {
    // Missing or unreadable: the generation's own metadata is the state.
    return [];
  }
}

/** Writes the file atomically: a temp file in the same folder, fsynced, renamed over the old one. */
export function writeMirrorState(cacheDir: string, state: MirrorState): void {
  const dir = dbDir(cacheDir);
  const temp = path.join(dir, `${FILE}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    fs.writeSync(fd, JSON.stringify(state));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, path.join(dir, FILE));
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** Once a new generation is current, its metadata holds the state. */
export function removeMirrorState(cacheDir: string): void {
  fs.rmSync(path.join(dbDir(cacheDir), FILE), { force: true });
}
