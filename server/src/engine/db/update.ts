// Downloading advisories from an OSV mirror (default: OSV's public bucket).
// First time per ecosystem: <base>/<Ecosystem>/all.zip. Later: <base>/<Ecosystem>/modified_id.csv
// (lines `<RFC 3339 modified>,<ID>`, newest first) and only the records modified since the last run,
// each from <base>/<Ecosystem>/<ID>.json. An incremental update cannot see records removed upstream;
// a full download (first time, a mirror without the list, or `full`) drops them.
import * as fs from 'fs';
import { supportedEcosystems } from '../analyzers';
import type { OsvRecord } from '../osv';
import { builderFromCurrent, GenerationBuilder, ImportProblem, MergeCounts, ProgressListener } from './build';
import type { DbMetadata, SourceInfo } from './format';
import { writeMirrorState } from './mirror-state';
import { acquireLock, LockOptions, tempPath } from './store';
import { checkOsvRecord } from './validate';
import { ZipArchive } from './zip';

export const DEFAULT_MIRROR = 'https://osv-vulnerabilities.storage.googleapis.com';

export interface UpdateOptions {
  /** Base URL of the mirror. Default: OSV's public bucket. */
  mirror?: string;
  /**
   * OSV ecosystem names to fetch, e.g. `['npm', 'PyPI']`. Only these are touched. Default: the
   * ecosystems the DB has from a mirror, and those the analyzers report packages in that it holds
   * records of; on a DB without either, every ecosystem the analyzers report packages in.
   */
  ecosystems?: string[];
  /** Download all.zip again even where an incremental update is possible. */
  full?: boolean;
  /** Per request, including the body. Default 120 s. */
  timeoutMs?: number;
  /** Retries after a network error, timeout, 5xx or 429. Default 3. */
  retries?: number;
  /** Wait before the first retry; doubles each time. Default 500 ms. */
  backoffMs?: number;
  /** Parallel record downloads in an incremental update. Default 8. */
  concurrency?: number;
  lock?: LockOptions;
  onProgress?: ProgressListener;
}

export interface EcosystemUpdate {
  /**
   * `full`: all.zip downloaded; `incremental`: changed records fetched; `unchanged`: the mirror said
   * 304 / nothing newer; `failed`: nothing of it could be used, its previous records are kept (`error`).
   */
  mode: 'full' | 'incremental' | 'unchanged' | 'failed';
  /** Records downloaded. */
  records: number;
  /** `full` only, when not 0: records this mirror source held before that its all.zip no longer has, dropped. */
  removed?: number;
  /** `failed` only: why. */
  error?: string;
}

export interface UpdateReport extends MergeCounts {
  /** False when nothing changed: then no new generation was written. */
  changed: boolean;
  /**
   * One line for the user, e.g. `npm: 12 records (incremental); Go: unchanged`, with
   * `PyPI: FAILED, kept its previous records (cannot download ...)` for a failed ecosystem.
   */
  message: string;
  generation?: string;
  /** The outcome of every asked ecosystem. */
  ecosystems: Record<string, EcosystemUpdate>;
  /** The asked ecosystems that failed (see `ecosystems[name].error`); the others were updated. */
  failed: string[];
  problems: ImportProblem[];
  /** Records cut to the record limits (validate.ts): what was cut, per record. */
  warnings: ImportProblem[];
  metadata?: DbMetadata;
}

/** The update failed; the DB that was there before, if any, is left as it was. */
export class DbUpdateError extends Error {
  constructor(message: string, readonly cacheDir: string, readonly hadDb: boolean) {
    super(`${message}. ${hadDb ? 'The existing vulnerability DB was left unchanged.' : `No vulnerability DB exists in ${cacheDir} yet.`}`);
    this.name = 'DbUpdateError';
  }
}

/** One ecosystem could not be fetched. */
class FetchError extends Error {}

interface Fetched<Body> {
  status: number;
  headers: Headers;
  body: Body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function causeOf(err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return 'timed out';
  return error.cause?.code ?? error.cause?.message ?? error.message;
}

/**
 * GET with a timeout (body included), retrying network errors, 5xx and 429 with exponential backoff.
 * `readBody` reads a 200 answer's body; other bodies are dropped.
 */
async function request<Body>(
  url: string,
  headers: Record<string, string>,
  options: UpdateOptions,
  readBody: (response: Response) => Promise<Body>,
): Promise<Fetched<Body | undefined>> {
  const retries = options.retries ?? 3;
  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep((options.backoffMs ?? 500) * 2 ** (attempt - 1));
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
      if (response.status >= 500 || response.status === 429) {
        lastError = `HTTP ${response.status}`;
        await response.body?.cancel();
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return { status: response.status, headers: response.headers, body: undefined };
      }
      return { status: response.status, headers: response.headers, body: await readBody(response) };
    } catch (err) {
      lastError = causeOf(err);
    }
  }
  throw new FetchError(`cannot download ${url} (${lastError}, ${retries + 1} attempts)`);
}

/** A small file (a record, the list of changes), read into memory. */
function get(url: string, headers: Record<string, string>, options: UpdateOptions): Promise<Fetched<Buffer | undefined>> {
  return request(url, headers, options, async (response) => Buffer.from(await response.arrayBuffer()));
}

/** A big file (all.zip), streamed to `file` (each attempt starts it afresh). */
function download(url: string, headers: Record<string, string>, options: UpdateOptions, file: string): Promise<Fetched<unknown>> {
  return request(url, headers, options, async (response) => {
    const out = await fs.promises.open(file, 'w', 0o600);
    try {
      for await (const chunk of response.body ?? []) await out.write(chunk);
    } finally {
      await out.close();
    }
  });
}

function validators(etag?: string, lastModified?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (etag) headers['If-None-Match'] = etag;
  if (lastModified) headers['If-Modified-Since'] = lastModified;
  return headers;
}

function newest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) > Date.parse(a) ? b : a;
}

/** Parses modified_id.csv: `<modified>,<ID>` per line. */
export function parseModifiedIds(text: string): { modified: string; id: string }[] {
  const rows: { modified: string; id: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const comma = line.indexOf(',');
    if (comma <= 0) continue;
    const modified = line.slice(0, comma).trim();
    const id = line.slice(comma + 1).trim();
    if (id && !Number.isNaN(Date.parse(modified))) rows.push({ modified, id });
  }
  return rows;
}

async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Applies what was downloaded to the builder; cannot fail for a network or mirror reason. */
type Apply = () => EcosystemUpdate;

/**
 * One ecosystem: `fetch` downloads everything it needs without touching the builder, so a failure
 * leaves that ecosystem's records and source info as they were; the returned Apply merges them.
 */
class EcosystemUpdater {
  private readonly base: string;
  private readonly sourceName: string;

  constructor(
    ecosystem: string,
    mirror: string,
    private readonly cacheDir: string,
    private readonly builder: GenerationBuilder,
    private readonly problems: ImportProblem[],
    private readonly warnings: ImportProblem[],
    private readonly options: UpdateOptions,
  ) {
    this.base = `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}`;
    this.sourceName = `mirror:${ecosystem}`;
  }

  async fetch(): Promise<Apply> {
    const state = this.builder.source(this.sourceName);
    const sameMirror = state?.location === this.base;
    if (sameMirror && state?.newestModified && !this.options.full) {
      const incremental = await this.incremental(state);
      if (incremental) return incremental;
    }
    // --full is a resync: no validators, so all.zip comes whatever the mirror thinks we have.
    return this.full(sameMirror && !this.options.full ? state : undefined, sameMirror ? state : undefined);
  }

  /** The check found nothing new: only the time of the check changes. */
  private unchanged(state: SourceInfo | undefined, extra: Partial<SourceInfo> = {}): Apply {
    return () => {
      if (state) this.builder.setSource({ ...state, ...extra, fetchedAt: new Date().toISOString() });
      return { mode: 'unchanged', records: 0 };
    };
  }

  /** Fetches only what modified_id.csv lists as newer; undefined when the mirror has no such list. */
  private async incremental(state: SourceInfo): Promise<Apply | undefined> {
    const listUrl = `${this.base}/modified_id.csv`;
    this.options.onProgress?.(`downloading ${listUrl}`, 'downloading');
    const list = await get(listUrl, validators(state.listEtag, state.listLastModified), this.options);
    if (list.status === 304) return this.unchanged(state);
    if (list.status === 404) return undefined;
    if (list.status !== 200) throw new FetchError(`${listUrl} answered HTTP ${list.status}`);
    const listValidators = {
      listEtag: list.headers.get('etag') ?? undefined,
      listLastModified: list.headers.get('last-modified') ?? undefined,
    };

    const rows = parseModifiedIds(list.body!.toString('utf8'));
    const changed = rows.filter((row) => Date.parse(row.modified) > Date.parse(state.newestModified!));
    let newestModified = state.newestModified;
    for (const row of rows) newestModified = newest(newestModified, row.modified);
    if (!changed.length) return this.unchanged(state, { newestModified, ...listValidators });

    const problems: ImportProblem[] = [];
    const warnings: ImportProblem[] = [];
    const downloaded: OsvRecord[] = [];
    await inPool(changed, this.options.concurrency ?? 8, async (row) => {
      const url = `${this.base}/${encodeURIComponent(row.id)}.json`;
      const response = await get(url, {}, this.options);
      if (response.status !== 200) {
        problems.push({ file: url, message: `HTTP ${response.status}` });
        return;
      }
      try {
        const checked = checkOsvRecord(JSON.parse(response.body!.toString('utf8')));
        downloaded.push(checked.record);
        warnings.push(...checked.cuts.map((message) => ({ file: url, message })));
      } catch (err) {
        problems.push({ file: url, message: (err as Error).message });
      }
    });
    return () => {
      this.problems.push(...problems);
      this.warnings.push(...warnings);
      for (const record of downloaded) this.builder.add(record, this.sourceName);
      this.builder.setSource({ ...state, fetchedAt: new Date().toISOString(), records: downloaded.length, newestModified, ...listValidators });
      return { mode: 'incremental', records: downloaded.length };
    };
  }

  /** Downloads all.zip to a temp file in the DB folder, read by position from there; the Apply removes it. */
  private async full(conditional: SourceInfo | undefined, state: SourceInfo | undefined): Promise<Apply> {
    const url = `${this.base}/all.zip`;
    this.options.onProgress?.(`downloading ${url}`, 'downloading');
    const zipFile = tempPath(this.cacheDir, 'download');
    let archive: ZipArchive | undefined;
    let apply: Apply | undefined;
    try {
      const response = await download(url, validators(conditional?.etag, conditional?.lastModified), this.options, zipFile);
      if (response.status === 304) return this.unchanged(state);
      if (response.status !== 200) throw new FetchError(`${url} answered HTTP ${response.status}`);
      try {
        archive = ZipArchive.open(zipFile);
      } catch (err) {
        throw new FetchError(`${url} is not a readable ZIP archive (${(err as Error).message})`);
      }
      // An empty archive is far likelier a broken mirror than an ecosystem without advisories:
      // taking it would drop every record this source brought.
      if (!hasJsonEntry(archive)) throw new FetchError(`${url} holds no OSV records`);
      const opened = archive;
      apply = () => {
        try {
          return this.applyArchive(url, response.headers, opened);
        } finally {
          opened.close();
          fs.rmSync(zipFile, { force: true });
        }
      };
      return apply;
    } finally {
      if (!apply) {
        archive?.close();
        fs.rmSync(zipFile, { force: true });
      }
    }
  }

  /** Merges every record of a downloaded all.zip, and drops those this source held before that it no longer has. */
  private applyArchive(url: string, headers: Headers, archive: ZipArchive): EcosystemUpdate {
    // The IDs this all.zip holds, by file name too, so that an entry that cannot be read does
    // not count as removed upstream.
    const held = new Set<string>();
    let records = 0;
    let newestModified: string | undefined;
    for (const entry of archive.entries()) {
      if (!entry.name.endsWith('.json')) continue;
      held.add(entry.name.slice(entry.name.lastIndexOf('/') + 1, -'.json'.length));
      let record: OsvRecord;
      try {
        const checked = checkOsvRecord(JSON.parse(entry.read().toString('utf8')));
        record = checked.record;
        this.warnings.push(...checked.cuts.map((message) => ({ file: `${url}!${entry.name}`, message })));
      } catch (err) {
        this.problems.push({ file: `${url}!${entry.name}`, message: (err as Error).message });
        continue;
      }
      held.add(record.id);
      this.builder.add(record, this.sourceName);
      newestModified = newest(newestModified, record.modified);
      records++;
    }
    const removed = this.builder.forget(this.sourceName, held);
    this.builder.setSource({
      name: this.sourceName,
      kind: 'mirror',
      location: this.base,
      fetchedAt: new Date().toISOString(),
      records,
      etag: headers.get('etag') ?? undefined,
      lastModified: headers.get('last-modified') ?? undefined,
      newestModified,
    });
    return removed ? { mode: 'full', records, removed } : { mode: 'full', records };
  }
}

function hasJsonEntry(archive: ZipArchive): boolean {
  for (const entry of archive.entries()) if (entry.name.endsWith('.json')) return true;
  return false;
}

/**
 * With no ecosystems asked for: those the DB has from a mirror, and those it holds that the
 * analyzers need (a record imported for one ecosystem often lists others too); on a DB without
 * either, every ecosystem the analyzers need.
 */
function defaultEcosystems(builder: GenerationBuilder): string[] {
  const supported: string[] = supportedEcosystems();
  const counts = builder.metadata().counts;
  const held = new Set([
    ...builder.sources().filter((s) => s.kind === 'mirror').map((s) => s.name.slice('mirror:'.length)),
    ...supported.filter((ecosystem) => counts[ecosystem] > 0),
  ]);
  return held.size ? [...held] : supported;
}

function describe(name: string, e: EcosystemUpdate): string {
  switch (e.mode) {
    case 'unchanged':
      return `${name}: unchanged`;
    case 'failed':
      return `${name}: FAILED, kept its previous records (${e.error})`;
    default:
      return `${name}: ${e.records} records (${e.mode})${e.removed ? `, ${e.removed} removed upstream` : ''}`;
  }
}

/**
 * Brings the DB in `cacheDir` up to date with the mirror for the given ecosystems, under the update
 * lock. Each ecosystem succeeds or fails on its own: a failed one keeps its previous records and is
 * listed in `failed`. Only when every asked ecosystem fails does it throw DbUpdateError (the
 * previous DB stays current). A check that finds nothing new writes no generation; it saves the
 * mirror validators in mirror-state.json for the next check.
 */
export async function updateDb(cacheDir: string, options: UpdateOptions): Promise<UpdateReport> {
  const mirror = options.mirror ?? DEFAULT_MIRROR;
  const release = await acquireLock(cacheDir, options.lock);
  let hadDb = false;
  let builder: GenerationBuilder | undefined;
  try {
    const started = builderFromCurrent(cacheDir);
    builder = started.builder;
    const previousGeneration = started.previousGeneration;
    hadDb = previousGeneration !== undefined;
    const wanted = options.ecosystems ?? defaultEcosystems(builder);
    if (!wanted.length) throw new DbUpdateError('no ecosystems to update: name them (e.g. npm, PyPI)', cacheDir, hadDb);
    const problems: ImportProblem[] = [...builder.dropped];
    const warnings: ImportProblem[] = [];
    const ecosystems: Record<string, EcosystemUpdate> = {};
    for (const ecosystem of wanted) {
      let apply: Apply;
      try {
        apply = await new EcosystemUpdater(ecosystem, mirror, cacheDir, builder, problems, warnings, options).fetch();
      } catch (err) {
        ecosystems[ecosystem] = { mode: 'failed', records: 0, error: (err as Error).message };
        continue;
      }
      ecosystems[ecosystem] = apply();
    }
    const failed = wanted.filter((name) => ecosystems[name].mode === 'failed');
    if (failed.length === wanted.length) {
      throw new DbUpdateError(
        failed.length === 1 ? ecosystems[failed[0]].error! : failed.map((name) => `${name}: ${ecosystems[name].error}`).join('; '),
        cacheDir,
        hadDb,
      );
    }
    const message = wanted.map((name) => describe(name, ecosystems[name])).join('; ');
    const report = { ecosystems, failed, problems, warnings, message, ...builder.counts };
    if (!builder.changed && previousGeneration) {
      writeMirrorState(cacheDir, {
        generation: previousGeneration,
        sources: builder.sources().filter((s) => s.kind === 'mirror'),
      });
      return { changed: false, generation: previousGeneration, ...report };
    }
    const { generation, metadata } = builder.commit(cacheDir, previousGeneration, options.onProgress);
    return { changed: true, generation, metadata, ...report };
  } catch (err) {
    if (err instanceof DbUpdateError) throw err;
    throw new DbUpdateError(`cannot update the vulnerability DB from ${mirror}: ${(err as Error).message}`, cacheDir, hadDb);
  } finally {
    builder?.discard();
    release();
  }
}
