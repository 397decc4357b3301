// The on-disk vulnerability DB: open it for lookups, build it from OSV files, update it from a mirror.
import * as fs from 'fs';
import * as path from 'path';
import { normalizePackageName } from '../ecosystems';
import type { OsvRecord } from '../osv';
import type { AdvisoryLookup, Ecosystem, StoredAdvisory } from '../types';
import { GenerationBuilder, ImportProblem, MergeCounts, ProgressListener, readAdvisoryPath } from './build';
import { DbMissingError, openCurrent, openPrevious } from './current';
import { DbMetadata, decodeMatch, FLAG_WITHDRAWN, GenerationReader, idKey, packageKey, RecordFrame, RecordRef, SourceInfo } from './format';
import { acquireLock, defaultCacheDir, LockOptions } from './store';

export { defaultCacheDir, DbLockedError } from './store';
export { DbMissingError } from './current';
export type { LockOptions } from './store';
export { SCHEMA_VERSION } from './format';
export type { DbMetadata, SourceInfo } from './format';
export type { ImportProblem, MergeCounts, ProgressListener, ProgressStage } from './build';
export { computeSeverity, severityFromScore } from './severity';
export { updateDb, DbUpdateError } from './update';
export type { UpdateOptions, UpdateReport } from './update';

/** An advisory as this DB hands it out; `source` names the import source it came from. */
export interface DbAdvisory extends StoredAdvisory {
  source: string;
}

const CACHE_SIZE = 512;

/**
 * One open generation. It keeps its fd, so it goes on seeing the same data while updates swap
 * in newer generations. Returned advisories are shared with a small cache: treat them as read-only.
 * An advisory's descriptive OSV fields (summary, details, references...) are read from the file the
 * first time one is used, so use them before close().
 */
export class VulnDb implements AdvisoryLookup {
  private readonly parsed = new Map<number, DbAdvisory>();
  private meta?: DbMetadata;

  constructor(private readonly reader: GenerationReader, readonly generation: string) {}

  /** Advisories with an `affected` entry for this package, withdrawn ones excluded, in ID order. */
  lookup(ecosystem: Ecosystem, name: string): DbAdvisory[] {
    const refs = this.reader.refs(packageKey(ecosystem, normalizePackageName(ecosystem, name)));
    return this.load(refs.filter((ref) => (ref.flags & FLAG_WITHDRAWN) === 0));
  }

  /** One advisory by its ID, withdrawn ones included. */
  get(id: string): DbAdvisory | undefined {
    return this.load(this.reader.refs(idKey(id)).slice(0, 1))[0];
  }

  metadata(): DbMetadata {
    this.meta ??= this.reader.metadata();
    return this.meta;
  }

  /** Base ecosystems with at least one (not withdrawn) advisory. */
  ecosystems(): string[] {
    return Object.keys(this.metadata().counts).sort();
  }

  close(): void {
    this.reader.close();
    this.parsed.clear();
  }

  /** The advisories of `refs`, from the cache or read in as few calls as the file layout allows. */
  private load(refs: RecordRef[]): DbAdvisory[] {
    const advisories: (DbAdvisory | undefined)[] = refs.map((ref) => {
      const cached = this.parsed.get(ref.position);
      // Refresh its place in the LRU order.
      if (cached) this.parsed.delete(ref.position);
      return cached;
    });
    const missing = refs.filter((_, i) => !advisories[i]);
    const frames = missing.length ? this.reader.frames(missing) : [];
    let next = 0;
    return refs.map((ref, i) => {
      const advisory = advisories[i] ?? this.advisoryOf(frames[next++]);
      if (this.parsed.size >= CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value as number);
      this.parsed.set(ref.position, advisory);
      return advisory;
    });
  }

  private advisoryOf(frame: RecordFrame): DbAdvisory {
    const part = decodeMatch(frame.match);
    const osv = part.osv;
    detailsSources.set(osv, { reader: this.reader, frame, keys: part.detailKeys });
    Object.defineProperties(osv, detailAccessors(part.detailKeys));
    return { osv, severity: part.severity, severitySource: part.severitySource, cvss: part.cvss, source: part.source };
  }
}

/** Where the details part of a record with lazy fields is (kept aside, so the record has only OSV fields). */
const detailsSources = new WeakMap<OsvRecord, { reader: GenerationReader; frame: RecordFrame; keys: string[] }>();

function defineValue(osv: OsvRecord, key: string, value: unknown): void {
  Object.defineProperty(osv, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Replaces the record's lazy fields by the values of its details part. */
function fillDetails(osv: OsvRecord): void {
  const source = detailsSources.get(osv)!;
  const details = source.reader.details(source.frame);
  for (const key of source.keys) {
    if (Object.getOwnPropertyDescriptor(osv, key)?.get) defineValue(osv, key, details[key]);
  }
  detailsSources.delete(osv);
}

/**
 * Accessors for the OSV fields kept in the details part: own and enumerable, so spreading or
 * serializing the record gives the whole of it; the first use of any reads and parses the part.
 * Shared by every record with the same set of fields.
 */
const accessorsByKeys = new Map<string, PropertyDescriptorMap>();
function detailAccessors(keys: string[]): PropertyDescriptorMap {
  const signature = keys.join('\0');
  let accessors = accessorsByKeys.get(signature);
  if (!accessors) {
    accessors = {};
    for (const key of keys) {
      accessors[key] = {
        enumerable: true,
        configurable: true,
        get(this: OsvRecord) {
          fillDetails(this);
          return (this as unknown as Record<string, unknown>)[key];
        },
        set(this: OsvRecord, value: unknown) {
          defineValue(this, key, value);
        },
      };
    }
    accessorsByKeys.set(signature, accessors);
  }
  return accessors;
}

/** Opens the current DB generation of `cacheDir` (see defaultCacheDir()). Throws DbMissingError. */
export function openDb(cacheDir: string = defaultCacheDir()): VulnDb {
  const { reader, generation } = openCurrent(cacheDir);
  return new VulnDb(reader, generation);
}

export interface ImportOptions {
  /** Folders or files of an organisation's own advisories. On an ID tie they win over public ones. */
  custom?: string[];
  lock?: LockOptions;
  onProgress?: ProgressListener;
}

export interface ImportReport extends MergeCounts {
  generation: string;
  /** Records read from the given paths. */
  read: number;
  /** Records added or replaced (added + updated). */
  imported: number;
  /** Records in the new generation. */
  total: number;
  /** Files or zip entries that were skipped, with the reason. */
  problems: ImportProblem[];
  metadata: DbMetadata;
}

function sourceFor(target: string, custom: boolean): Omit<SourceInfo, 'records' | 'fetchedAt'> {
  const resolved = path.resolve(target);
  const base = path.basename(resolved);
  if (custom) return { name: `custom:${base}`, kind: 'custom', location: resolved };
  if (/\.zip$/i.test(base)) {
    // OSV's layout is <Ecosystem>/all.zip: name the source after the ecosystem folder.
    const label = base.toLowerCase() === 'all.zip' ? path.basename(path.dirname(resolved)) : base.replace(/\.zip$/i, '');
    return { name: `osv:${label}`, kind: 'zip', location: resolved };
  }
  return { name: `osv:${base}`, kind: 'folder', location: resolved };
}

/**
 * Builds a new generation from the current one plus the advisories in `paths` (OSV all.zip files,
 * folders of OSV .json/.yaml files) and `options.custom`. Bad files are reported and skipped.
 */
export async function importAdvisories(
  cacheDir: string,
  paths: string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const targets = [
    ...paths.map((p) => ({ path: p, custom: false })),
    ...(options.custom ?? []).map((p) => ({ path: p, custom: true })),
  ];
  for (const target of targets) {
    if (!fs.existsSync(target.path)) throw new Error(`no such file or folder: ${target.path}`);
  }
  const release = await acquireLock(cacheDir, options.lock);
  try {
    const previous = openPrevious(cacheDir);
    const builder = new GenerationBuilder(previous?.reader);
    previous?.reader.close();
    const problems: ImportProblem[] = [];
    let read = 0;
    for (const target of targets) {
      const source = sourceFor(target.path, target.custom);
      options.onProgress?.(`reading ${target.path}`, 'reading');
      let records = 0;
      for (const result of readAdvisoryPath(target.path)) {
        if ('error' in result) {
          problems.push({ file: result.file, message: result.error });
          continue;
        }
        for (const record of result.records) builder.add(record, source.name);
        records += result.records.length;
      }
      read += records;
      builder.setSource({ ...source, records, fetchedAt: new Date().toISOString() });
    }
    const { generation, metadata } = builder.commit(cacheDir, previous?.generation, options.onProgress);
    const { added, updated } = builder.counts;
    return { generation, read, imported: added + updated, total: metadata.totalRecords, problems, metadata, ...builder.counts };
  } finally {
    release();
  }
}

export type DbStatus =
  | { present: false; cacheDir: string; message: string; text: string }
  | ({ present: true; cacheDir: string; generation: string; ageMs: number; text: string } & DbMetadata);

function formatAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} days`;
}

function statusText(dir: string, generation: string, ageMs: number, meta: DbMetadata): string {
  const lines = [
    `DB: ${path.join(dir, 'db', generation)} (schema ${meta.schemaVersion})`,
    `built ${meta.builtAt} (${formatAge(ageMs)} ago); ${meta.totalRecords} advisories, ${meta.withdrawnRecords} withdrawn`,
    'sources:',
    ...meta.sources.map((s) => `  ${s.name}  ${s.location}  fetched ${s.fetchedAt}  ${s.records} records`),
    'advisories per ecosystem:',
    ...Object.entries(meta.counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([ecosystem, count]) => `  ${ecosystem}: ${count}`),
  ];
  return lines.join('\n') + '\n';
}

/** What the CLI prints for `vigil db status`: age, sources and per-ecosystem counts (`text` is ready to print). */
export function dbStatus(cacheDir: string = defaultCacheDir()): DbStatus {
  let db: VulnDb;
  try {
    db = openDb(cacheDir);
  } catch (err) {
    if (err instanceof DbMissingError) return { present: false, cacheDir, message: err.message, text: `${err.message}\n` };
    throw err;
  }
  try {
    const metadata = db.metadata();
    const ageMs = Date.now() - Date.parse(metadata.builtAt);
    return { present: true, cacheDir, generation: db.generation, ageMs, text: statusText(cacheDir, db.generation, ageMs, metadata), ...metadata };
  } finally {
    db.close();
  }
}
