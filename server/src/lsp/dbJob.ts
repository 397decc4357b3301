// DB updates and imports run in a worker thread: building a generation is seconds of synchronous
// work (unzip, JSON.parse, deflate, writing) that would otherwise stall hovers, code actions and edits.
// The worker runs the server's own entry script (main.ts / dist/server.js), which sees it is not the
// main thread and calls runDbJobOfWorker: no second bundle.
import { createRequire } from 'node:module';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { importAdvisories, updateDb, type ImportReport, type UpdateReport } from '../engine';
import { releaseLockOfEndedThread } from '../engine/db/store';

export type DbJob =
  | { kind: 'update'; cacheDir: string; mirror?: string; ecosystems: string[] }
  | { kind: 'import'; cacheDir: string; paths: string[] };

type ReportOf<J extends DbJob> = J extends { kind: 'update' } ? UpdateReport : ImportReport;

/** What the worker posts: progress lines, then the report or the error (as plain data). */
type JobMessage =
  | { type: 'progress'; message: string }
  | { type: 'done'; report: UpdateReport | ImportReport }
  | { type: 'failed'; name: string; message: string };

export interface RunningDbJob<R> {
  readonly result: Promise<R>;
  /** Terminates the worker. The DB's lock and atomic pointer swap keep the current DB intact. */
  cancel(): void;
}

export class DbJobCancelledError extends Error {
  constructor() {
    super('Cancelled; the vulnerability DB was left as it was.');
    this.name = 'DbJobCancelledError';
  }
}

/** Worker side: runs the job in workerData and posts its progress and outcome to the server. */
export function runDbJobOfWorker(): void {
  const job = workerData as DbJob;
  const post = (message: JobMessage) => parentPort!.postMessage(message);
  const onProgress = (message: string) => post({ type: 'progress', message });
  const run: Promise<UpdateReport | ImportReport> = job.kind === 'update'
    ? updateDb(job.cacheDir, { mirror: job.mirror, ecosystems: job.ecosystems, onProgress })
    : importAdvisories(job.cacheDir, job.paths, { onProgress });
  run.then(
    report => post({ type: 'done', report }),
    (error: unknown) => post(error instanceof Error
      ? { type: 'failed', name: error.name, message: error.message }
      : { type: 'failed', name: 'Error', message: String(error) }),
  );
}

/**
 * From source (`node --import tsx …/main.ts`) the worker needs tsx's require hook: on Node 20 tsx's
 * --import loader does not register itself in worker threads. The bundle needs no flags.
 */
function execArgvFor(entry: string): string[] | undefined {
  return entry.endsWith('.ts') ? ['--require', createRequire(entry).resolve('tsx/cjs')] : undefined;
}

/** Server side: starts `job` in a worker thread running `entry`; progress lines go to `onProgress`. */
export function startDbJob<J extends DbJob>(entry: string, job: J, onProgress: (message: string) => void): RunningDbJob<ReportOf<J>> {
  const worker = new Worker(entry, { workerData: job, execArgv: execArgvFor(entry) });
  // worker.threadId reads -1 once the worker has exited.
  const thread = worker.threadId;
  let outcome: Exclude<JobMessage, { type: 'progress' }> | undefined;
  let cancelled = false;
  const result = new Promise<ReportOf<J>>((resolve, reject) => {
    worker.on('message', (message: JobMessage) => {
      if (message.type === 'progress') return onProgress(message.message);
      outcome = message;
      // Done: its lock is released. A keep-alive socket must not hold the thread a few more seconds.
      void worker.terminate();
    });
    worker.on('error', error => {
      outcome ??= { type: 'failed', name: error.name, message: error.message };
    });
    worker.on('exit', code => {
      // Terminated mid-job, the worker never ran its `finally`: free the lock for the next job.
      releaseLockOfEndedThread(job.cacheDir, thread);
      if (outcome?.type === 'done') resolve(outcome.report as ReportOf<J>);
      else if (outcome?.type === 'failed') reject(Object.assign(new Error(outcome.message), { name: outcome.name }));
      else reject(cancelled ? new DbJobCancelledError() : new Error(`the DB worker stopped unexpectedly (exit code ${code})`));
    });
  });
  return {
    result,
    cancel: () => {
      if (outcome) return;
      cancelled = true;
      void worker.terminate();
    },
  };
}
