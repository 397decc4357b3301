// The on-disk vulnerability DB: open it for lookups, build it from OSV files, update it from a mirror.
import { escapeControl } from '../text';
import * as fs from 'fs';
import * as path from 'path';
import { normalizePackageName } from '../ecosystems';
import { SEVERITIES, type AdvisoryLookup, type CveSeverity, type Ecosystem, type StoredAdvisory } from '../types';
import { builderFromCurrent, ImportProblem, MergeCounts, ProgressListener, readAdvisoryPath } from './build';
import { DbMissingError, openCurrent } from './current';
import { aliasKey, DbMetadata, GenerationReader, idKey, packageKey, PackageEntry, Ref, SourceInfo } from './format';
import { acquireLock, defaultCacheDir, LockOptions } from './store';
import { validStoredRecord } from './validate';

export { defaultCacheDir, DbLockedError } from './store';
export { DbMissingError } from './current';
export type { LockOptions } from './store';
export { SCHEMA_VERSION } from './format';
export type { DbMetadata, SourceInfo } from './format';
export type { ImportProblem, MergeCounts, ProgressListener, ProgressStage } from './build';
export { computeSeverity, severityFromScore } from './severity';
export { updateDb, DbUpdateError } from './update';
export type { EcosystemUpdate, UpdateOptions, UpdateReport } from './update';

/**
 * An advisory as this DB hands it out; `source` names the import source it came from.
 * A looked-up advisory's `osv` holds the match fields only; `full()` reads the whole record.
 */
export interface DbAdvisory extends StoredAdvisory {
  source: string;
}

/** The most advisories the cache of parsed lookups and records holds. */
const CACHE_SIZE = 1024;

/**
 * One open generation. It keeps its fd, so it goes on seeing the same data while updates swap
 * in newer generations. Returned advisories are shared with a small cache: treat them as read-only.
 */
export class VulnDb implements AdvisoryLookup {
  /** Parsed advisories by the file position they were read from, oldest use first. */
  private readonly cache = new Map<number, DbAdvisory[]>();
  private cachedAdvisories = 0;
  private meta?: DbMetadata;
  private closed = false;

  constructor(private readonly reader: GenerationReader, readonly generation: string) {}

  /**
   * Advisories with an `affected` entry for this package, withdrawn ones excluded, in ID order.
   * Their `osv` holds the match fields, with only this package's `affected` entries (without their
   * vendor payloads); `full()` reads the whole record, while the DB is open.
   */
  lookup(ecosystem: Ecosystem, name: string): DbAdvisory[] {
    const ref = this.reader.find(packageKey(ecosystem, normalizePackageName(ecosystem, name)));
    if (!ref) return [];
    return this.cached(ref, () => {
      const entries: unknown = this.reader.packageEntries(ref);
      return Array.isArray(entries) ? entries.flatMap((entry) => this.advisoryOf(entry)) : [];
    });
  }

  /**
   * One advisory by its ID, withdrawn ones included: the whole record, every `affected` entry.
   * Undefined too when the stored record is no valid OSV record (a DB built before the importer checked them).
   */
  get(id: string): DbAdvisory | undefined {
    const ref = this.reader.find(idKey(id));
    return ref && this.storedAdvisory(ref);
  }

  /**
   * The records of every ecosystem that name this CVE and have a severity of their own (withdrawn
   * ones excluded), in ID order. Entries that fail the checks are left out: the file is not trusted.
   */
  severitiesOfCve(cve: string): CveSeverity[] {
    const ref = this.reader.find(aliasKey(cve));
    if (!ref) return [];
    const entries = this.reader.aliasEntries(ref);
    if (!Array.isArray(entries)) return [];
    return entries.flatMap((entry: unknown): CveSeverity[] => {
      if (!Array.isArray(entry) || entry.length !== 4) return [];
      const [id, severity, severitySource, cvss] = entry as unknown[];
      if (typeof id !== 'string' || typeof severitySource !== 'string' || typeof cvss !== 'object' || cvss === null) return [];
      if (!SEVERITIES.includes(severity as CveSeverity['severity']) || severity === 'UNKNOWN') return [];
      return [{ id, severity: severity as CveSeverity['severity'], severitySource, cvss: cvss as CveSeverity['cvss'] }];
    });
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
    this.closed = true;
    this.cache.clear();
    this.cachedAdvisories = 0;
  }

  /** The advisories read from `ref`, from the LRU cache or by `read`. */
  private cached(ref: Ref, read: () => DbAdvisory[]): DbAdvisory[] {
    let advisories = this.cache.get(ref.position);
    if (advisories) {
      // Refresh its place in the LRU order.
      this.cache.delete(ref.position);
    } else {
      advisories = read();
      this.cachedAdvisories += advisories.length;
      for (const [position, old] of this.cache) {
        if (this.cachedAdvisories <= CACHE_SIZE) break;
        this.cache.delete(position);
        this.cachedAdvisories -= old.length;
      }
    }
    this.cache.set(ref.position, advisories);
    return advisories;
  }

  /** The whole stored record whose frame `ref` points at (cached like lookups), if it is a valid OSV record. */
  private storedAdvisory(ref: Ref): DbAdvisory | undefined {
    return this.cached(ref, () => {
      const { payload } = this.reader.record(ref);
      const osv = validStoredRecord(payload.osv);
      return osv ? [{ osv, severity: payload.severity, severitySource: payload.severitySource, cvss: payload.cvss, source: payload.source }] : [];
    })[0];
  }

  /**
   * The advisory of one package entry, none when the entry's record is no valid OSV record (only a
   * DB built before the importer checked records can hold one): a stored record never makes a scan throw.
   */
  private advisoryOf(entry: unknown): DbAdvisory[] {
    if (!Array.isArray(entry) || entry.length !== 7) return [];
    const [position, length, severity, severitySource, cvss, source] = entry as PackageEntry;
    const osv = validStoredRecord(entry[6]);
    if (!osv || typeof position !== 'number' || typeof length !== 'number') return [];
    if (!SEVERITIES.includes(severity) || typeof cvss !== 'object' || cvss === null) return [];
    const full = () => {
      if (this.closed) throw new Error(`${osv.id}: its whole record is read from the DB, which was closed; call full() before close()`);
      // The match part stands in for a whole record that fails the checks.
      return this.storedAdvisory({ position, length })?.osv ?? osv;
    };
    return [{ osv, severity, severitySource, cvss, source, full }];
  }
}

/** Opens the current DB generation of `cacheDir` (see defaultCacheDir()). Throws DbMissingError. */
export function openDb(cacheDir: string = defaultCacheDir()): VulnDb {
  const { reader, generation } = openCurrent(cacheDir);
  return new VulnDb(reader, generation);
}

export interface ImportOptions {
  /** Folders or files of an organisation's own advisories. They win over public records of the same ID, whichever is newer. */
  custom?: string[];
  lock?: LockOptions;
  onProgress?: ProgressListener;
}

export interface ImportReport extends MergeCounts {
  generation: string;
  /** Records read from the given paths. */
  read: number;
  /** Files, zip entries or records that were skipped, with the reason. */
  problems: ImportProblem[];
  /** Records cut to the record limits (validate.ts): what was cut, per record. */
  warnings: ImportProblem[];
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
    const { builder, previousGeneration } = builderFromCurrent(cacheDir);
    try {
      const problems: ImportProblem[] = [...builder.dropped];
      const warnings: ImportProblem[] = [];
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
          for (const message of result.cuts) warnings.push({ file: result.file, message });
          records += result.records.length;
        }
        read += records;
        builder.setSource({ ...source, records, fetchedAt: new Date().toISOString() });
      }
      const { generation, metadata } = builder.commit(cacheDir, previousGeneration, options.onProgress);
      return { generation, read, problems, warnings, metadata, ...builder.counts };
    } finally {
      builder.discard();
    }
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
  // Source locations and names come from the command line and the feeds: printed escaped.
  return lines.map(escapeControl).join('\n') + '\n';
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
