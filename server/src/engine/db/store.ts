// Where the DB lives on disk and how a new generation replaces the old one.
//
// <cacheDir>/db/current          pointer: JSON naming the current generation file
// <cacheDir>/db/gen-*.vdb        generations (immutable once renamed into place)
// <cacheDir>/db/update.lock/     held by the one running updater (owner.json: pid, thread, host, time)
// <cacheDir>/db/*.tmp-*          temp files of an update (generation, spill, download); leftovers of an
//                                interrupted one are removed by the next
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { threadId } from 'worker_threads';

/** `$VIGIL_CACHE_DIR`, else `$XDG_CACHE_HOME/vigil`, else `~/.cache/vigil`. */
export function defaultCacheDir(): string {
  if (process.env.VIGIL_CACHE_DIR) return path.resolve(process.env.VIGIL_CACHE_DIR);
  if (process.env.XDG_CACHE_HOME) return path.join(path.resolve(process.env.XDG_CACHE_HOME), 'vigil');
  return path.join(os.homedir(), '.cache', 'vigil');
}

export function dbDir(cacheDir: string): string {
  return path.join(cacheDir, 'db');
}

const POINTER = 'current';
const LOCK = 'update.lock';

export interface Pointer {
  generation: string;
  schemaVersion: number;
}

/** The current pointer, or undefined when no DB has been built yet. */
export function readPointer(cacheDir: string): Pointer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dbDir(cacheDir), POINTER), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pointer = JSON.parse(text) as Pointer;
  if (typeof pointer.generation !== 'string' || pointer.generation.includes('/')) {
    throw new Error(`malformed DB pointer file in ${dbDir(cacheDir)}`);
  }
  return pointer;
}

function uniqueSuffix(): string {
  return `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

/** A fresh temp path in the DB folder (`<prefix>.tmp-*`): removed by the next update if its writer dies. */
export function tempPath(cacheDir: string, prefix: string): string {
  fs.mkdirSync(dbDir(cacheDir), { recursive: true });
  return path.join(dbDir(cacheDir), `${prefix}.tmp-${uniqueSuffix()}`);
}

/** A fresh temp path in the DB folder, for the writer to fill. */
export function tempGenerationPath(cacheDir: string): string {
  return tempPath(cacheDir, 'gen');
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the renames are still atomic.
  }
}

/**
 * Makes a fully written (and fsynced) temp generation current: rename it to its final name,
 * then swap the pointer by writing a temp pointer and renaming it over the old one.
 */
export function commitGeneration(cacheDir: string, tempFile: string, schemaVersion: number): string {
  const dir = dbDir(cacheDir);
  const generation = `gen-${new Date().toISOString().replace(/[:.]/g, '')}-${crypto.randomBytes(3).toString('hex')}.vdb`;
  fs.renameSync(tempFile, path.join(dir, generation));
  const pointerTemp = path.join(dir, `${POINTER}.tmp-${uniqueSuffix()}`);
  const fd = fs.openSync(pointerTemp, 'wx', 0o644);
  try {
    fs.writeSync(fd, JSON.stringify({ generation, schemaVersion } satisfies Pointer));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(pointerTemp, path.join(dir, POINTER));
  fsyncDir(dir);
  return generation;
}

/**
 * Removes what no reader can still be about to open: generations other than the current one and
 * the one it replaced (a reader may have read the old pointer a moment ago), and temp files left
 * by interrupted updates. Only called while holding the lock. Open fds survive the unlink on POSIX.
 */
export function removeOldGenerations(cacheDir: string, keep: string[]): void {
  const dir = dbDir(cacheDir);
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      const isOldGeneration = /^gen-.*\.vdb$/.test(name) && !keep.includes(name);
      // Another process may be building a lock candidate right now; leave young ones alone.
      const isLeftover =
        name.includes('.tmp-') && (!name.startsWith(`${LOCK}.tmp-`) || Date.now() - fs.statSync(file).mtimeMs > 60_000);
      if (isOldGeneration || isLeftover) fs.rmSync(file, { force: true, recursive: true });
    } catch {
      // Cleanup is best effort: the new generation is already current.
    }
  }
}

export class DbLockedError extends Error {}

interface LockOwner {
  pid: number;
  /** worker_threads.threadId of the holder (0: the main thread), so a terminated worker's lock can be told apart. */
  thread?: number;
  host: string;
  startedAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8');
  } catch {
    return undefined;
  }
}

/** A lock whose owner is gone: its pid is dead on this host, or it is unreadable or very old. */
function isStale(ownerText: string | undefined, staleAfterMs: number): boolean {
  if (ownerText === undefined) return true; // every lock is created with its owner file (see acquireLock)
  let owner: LockOwner;
  try {
    owner = JSON.parse(ownerText);
  } catch {
    return true;
  }
  if (owner.host === os.hostname() && !processAlive(owner.pid)) return true;
  return Date.now() - Date.parse(owner.startedAt) > staleAfterMs;
}

/**
 * Removes the lock if `ownerText` is still its owner file. The lock is moved aside first and checked:
 * another taker may have replaced it meanwhile, and then it goes back.
 */
function removeLockOwnedBy(dir: string, ownerText: string | undefined): void {
  const lockDir = path.join(dir, LOCK);
  const aside = path.join(dir, `${LOCK}.stale.tmp-${uniqueSuffix()}`);
  try {
    fs.renameSync(lockDir, aside);
  } catch {
    return; // gone already
  }
  if (readOwner(aside) === ownerText) {
    fs.rmSync(aside, { recursive: true, force: true });
  } else {
    try {
      fs.renameSync(aside, lockDir);
    } catch {
      // A third updater holds the lock now; the moved one is cleaned up as a leftover.
    }
  }
}

/**
 * Releases the lock left by a worker thread of this process that is gone (terminated mid-update:
 * its `finally` never ran). Its pid is ours and alive, so the lock would not look stale until it is
 * an hour old. Thread ids are never reused within a process, so no live holder can match.
 */
export function releaseLockOfEndedThread(cacheDir: string, endedThreadId: number): void {
  const dir = dbDir(cacheDir);
  const ownerText = readOwner(path.join(dir, LOCK));
  if (ownerText === undefined) return;
  let owner: LockOwner;
  try {
    owner = JSON.parse(ownerText);
  } catch {
    return; // left for the stale-lock takeover
  }
  if (owner.host === os.hostname() && owner.pid === process.pid && owner.thread === endedThreadId) removeLockOwnedBy(dir, ownerText);
}

export interface LockOptions {
  /** How long to wait for another updater to finish. Default 60 s. */
  waitMs?: number;
  /** A lock from another host (pid unknowable) counts as stale after this. Default 1 h. */
  staleAfterMs?: number;
}

/**
 * Takes the updater lock, waiting for a live holder and taking over a stale one.
 * The lock directory is built under a temp name with its owner file and renamed into place,
 * so a lock never exists without its owner.
 */
export async function acquireLock(cacheDir: string, options: LockOptions = {}): Promise<() => void> {
  const dir = dbDir(cacheDir);
  fs.mkdirSync(dir, { recursive: true });
  const lockDir = path.join(dir, LOCK);
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  const staleAfterMs = options.staleAfterMs ?? 3_600_000;
  for (;;) {
    const candidate = path.join(dir, `${LOCK}.tmp-${uniqueSuffix()}`);
    fs.mkdirSync(candidate);
    const owner: LockOwner = { pid: process.pid, thread: threadId, host: os.hostname(), startedAt: new Date().toISOString() };
    fs.writeFileSync(path.join(candidate, 'owner.json'), JSON.stringify(owner));
    try {
      fs.renameSync(candidate, lockDir);
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      fs.rmSync(candidate, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (!['ENOTEMPTY', 'EEXIST', 'EPERM', 'EACCES'].includes(code ?? '')) throw err;
    }
    const ownerText = readOwner(lockDir);
    if (isStale(ownerText, staleAfterMs)) {
      removeLockOwnedBy(dir, ownerText);
      continue;
    }
    if (Date.now() > deadline) {
      throw new DbLockedError(`another Vigil DB update is running (lock ${lockDir}); try again when it has finished`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
