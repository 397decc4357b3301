// The vulnerability DBs in use, one per cache dir: opened lazily, reopened when another process swaps
// in a new generation, and rebuilt by update/import jobs in a worker thread (see dbJob.ts). A missing
// DB is not fatal: scans go on and list packages only.
import * as fs from 'node:fs';
import { supportedEcosystems } from '../engine/analyzers';
import * as path from 'node:path';
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import { DbMissingError, openDb, type VulnDb } from '../engine';
import { dbDir, readPointer } from '../engine/db/store';
import { startDbJob, type RunningDbJob } from './dbJob';
import type { DbCommandResult, StatusParams } from './protocol';
import type { VigilSettings } from './settings';
import type { Log } from './workspace';

/** How often the DB pointer's stat is polled for updates made by another process (the CLI). */
const DB_POLL_MS = 1000;
/** How long a DB that failed to open is left alone before it is looked for again. */
const RETRY_OPEN_MS = 30_000;

interface DbState {
  db?: VulnDb;
  status: StatusParams['db'];
  /** When opening last failed, so a missing DB is looked for again later without hammering the disk. */
  failedAt?: number;
  warned?: boolean;
}

export interface DbHooks {
  log: Log;
  /** A DB's status changed: the server sends vigil/status. */
  statusChanged(): void;
  /** Another process replaced the DB of this cache dir: re-analyze what uses it. */
  reloaded(cacheDir: string): Promise<void>;
}

export class Databases {
  private readonly dbs = new Map<string, DbState>();
  private readonly watchedPointers = new Map<string, string>();
  private readonly jobs = new Set<RunningDbJob<string>>();
  private shuttingDown = false;

  constructor(private readonly connection: Connection, private readonly hooks: DbHooks) {}

  /** The DB of a cache dir, opened on first use; undefined while it is missing or broken. */
  dbFor(cacheDir: string): VulnDb | undefined {
    let state = this.dbs.get(cacheDir);
    const retry = state && !state.db && state.status.state !== 'updating' && Date.now() - (state.failedAt ?? 0) > RETRY_OPEN_MS;
    if (!state || retry) {
      state = this.open(cacheDir, state);
      this.dbs.set(cacheDir, state);
      this.watchPointer(cacheDir);
      this.hooks.statusChanged();
    }
    return state.db;
  }

  /** The status to show: the first DB that is not ready, else the first one. */
  status(): StatusParams['db'] {
    const states = [...this.dbs.values()];
    return states.find(s => s.status.state !== 'ready')?.status ?? states[0]?.status ?? { state: 'loading' };
  }

  /** Tries again, now, every DB that failed to open (the user asked for a rescan). */
  reopenFailed(): void {
    for (const [cacheDir, state] of this.dbs) if (!state.db) this.reopen(cacheDir);
  }

  /**
   * Runs a DB job with cancellable progress, then reopens the DB and calls `afterReload` (the
   * rescan) before the progress ends. The previous DB stays open and in use until then.
   */
  async runJob(cacheDir: string, what: string, start: (onProgress: (message: string) => void) => RunningDbJob<string>, afterReload: () => Promise<void>): Promise<DbCommandResult> {
    const previous = this.dbs.get(cacheDir);
    this.dbs.set(cacheDir, { ...(previous ?? {}), status: { state: 'updating', path: cacheDir } });
    this.hooks.statusChanged();
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin(`Vigil: ${what}`, undefined, undefined, true);
    let job: RunningDbJob<string> | undefined;
    try {
      job = start(message => progress.report(message));
      this.jobs.add(job);
      progress.token.onCancellationRequested(job.cancel);
      const message = await job.result;
      this.reopen(cacheDir);
      await afterReload();
      return { ok: true, message };
    } catch (error) {
      this.dbs.set(cacheDir, previous ?? { status: { state: 'error', message: (error as Error).message } });
      this.hooks.statusChanged();
      // A job stopped at the last moment may have made its generation current all the same.
      if (generationOnDisk(cacheDir) !== previous?.db?.generation) await this.pointerChanged(cacheDir);
      return { ok: false, message: (error as Error).message };
    } finally {
      if (job) this.jobs.delete(job);
      progress.done();
    }
  }

  dispose(): void {
    this.shuttingDown = true;
    for (const job of this.jobs) job.cancel();
    for (const state of this.dbs.values()) state.db?.close();
    for (const pointer of this.watchedPointers.values()) fs.unwatchFile(pointer);
  }

  private open(cacheDir: string, previous?: DbState): DbState {
    try {
      const db = openDb(cacheDir);
      this.hooks.log(`opened DB ${db.generation} in ${cacheDir}`);
      return { db, status: { state: 'ready', updatedAt: db.metadata().builtAt, path: cacheDir } };
    } catch (error) {
      const missing = error instanceof DbMissingError;
      const message = (error as Error).message;
      const state: DbState = { status: { state: missing ? 'missing' : 'error', message, path: cacheDir }, failedAt: Date.now(), warned: previous?.warned };
      // Warn once per cache dir, not at every retry.
      if (!state.warned) {
        state.warned = true;
        this.hooks.log(message);
        // A notification, not window/showMessageRequest: with nothing to choose, a request blocks
        // clients that prompt for an answer (headless Neovim hung on it).
        void this.connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Warning,
          message: `Vigil: ${message} Until then Vigil lists packages but cannot match vulnerabilities.`,
        });
      }
      return state;
    }
  }

  private reopen(cacheDir: string): void {
    this.dbs.get(cacheDir)?.db?.close();
    this.dbs.set(cacheDir, this.open(cacheDir, { status: { state: 'loading' }, warned: false }));
    this.hooks.statusChanged();
  }

  /**
   * Another process (`vigil db update` / `db import`) swaps in a new generation by renaming a new
   * pointer over `<cacheDir>/db/current`. A cheap stat poll notices (fs.watch loses a file that is
   * renamed over, and the folder may not exist yet); the DB is reopened and the known files rescanned.
   */
  private watchPointer(cacheDir: string): void {
    if (this.watchedPointers.has(cacheDir)) return;
    const pointer = path.join(dbDir(cacheDir), 'current');
    this.watchedPointers.set(cacheDir, pointer);
    fs.watchFile(pointer, { interval: DB_POLL_MS, persistent: false }, (now, before) => {
      if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
      void this.pointerChanged(cacheDir).catch(error => this.hooks.log(`reloading the DB of ${cacheDir} failed: ${(error as Error).stack ?? error}`));
    });
  }

  private async pointerChanged(cacheDir: string): Promise<void> {
    const state = this.dbs.get(cacheDir);
    // Our own update or import reopens the DB itself when it is done.
    if (this.shuttingDown || state?.status.state === 'updating') return;
    const generation = generationOnDisk(cacheDir);
    if (generation === null) return;
    if (generation !== undefined && generation === state?.db?.generation) return;
    this.hooks.log(`the DB in ${cacheDir} changed on disk${generation ? ` (now ${generation})` : ''}; reloading`);
    this.reopen(cacheDir);
    await this.hooks.reloaded(cacheDir);
  }
}

/** The current generation's name; undefined when there is no DB, null when the pointer is half-visible (look again later). */
function generationOnDisk(cacheDir: string): string | undefined | null {
  try {
    return readPointer(cacheDir)?.generation;
  } catch {
    return null;
  }
}

/** A running job whose report becomes the message for the user. */
function describedJob<R>(job: RunningDbJob<R>, describe: (report: R) => string): RunningDbJob<string> {
  return { result: job.result.then(describe), cancel: job.cancel };
}

/** `vigil/updateDb`: downloads advisories for the ecosystems seen so far (before any, every one Vigil scans). */
export function startUpdateJob(workerEntry: string, cacheDir: string, settings: VigilSettings, seenEcosystems: string[], onProgress: (message: string) => void): RunningDbJob<string> {
  if (settings.offline) throw new Error('Offline mode is on (vigil.offline): import a DB instead.');
  const ecosystems = [...new Set(seenEcosystems.length > 0 ? seenEcosystems : supportedEcosystems())];
  const job = startDbJob(workerEntry, { kind: 'update', cacheDir, mirror: settings.db.mirrorUrl || undefined, ecosystems }, onProgress);
  return describedJob(job, report => {
    // Some ecosystems failed while others were committed: the DB changed, but the user must hear why not all.
    if (report.failed.length > 0) throw new Error(`Vulnerability DB partly updated: ${report.message}`);
    return report.changed
      ? `Vulnerability DB updated (${ecosystems.join(', ')}): ${report.added} added, ${report.updated} updated.`
      : `Vulnerability DB already up to date (${ecosystems.join(', ')}).`;
  });
}

/** `vigil/importDb`: imports advisory files or zips the user picked. */
export function startImportJob(workerEntry: string, cacheDir: string, paths: string[], onProgress: (message: string) => void): RunningDbJob<string> {
  const job = startDbJob(workerEntry, { kind: 'import', cacheDir, paths }, onProgress);
  return describedJob(job, report => {
    const problems = report.problems.length > 0 ? `, ${report.problems.length} files skipped` : '';
    return `Imported ${report.read} advisories${problems}; the DB now holds ${report.metadata.totalRecords}.`;
  });
}
