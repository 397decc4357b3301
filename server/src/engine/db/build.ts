// Building the next generation: the previous generation's records plus incoming ones, merged by ID.
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { normalizePackageName } from '../ecosystems';
import type { OsvAffected, OsvRecord } from '../osv';
import type { Ecosystem } from '../types';
import {
  AliasEntry,
  DbMetadata,
  encodeStored,
  decodeStored,
  FLAG_DEFLATED,
  GenerationReader,
  MATCH_FIELDS,
  packageKey,
  PreparedRecord,
  RecordPayload,
  SCHEMA_VERSION,
  SourceInfo,
  writeGeneration,
} from './format';
import { openPrevious } from './current';
import { readMirrorState, removeMirrorState } from './mirror-state';
import { commitGeneration, removeOldGenerations, tempGenerationPath } from './store';
import { computeSeverity } from './severity';
import { MAX_ENTRY_SIZE, ZipArchive } from './zip';
import { versionsBeyondRanges } from '../match/affected';
import { checkOsvRecord, idForMessages, validStoredRecord } from './validate';

export interface ImportProblem {
  /** The file (or `zip!entry`) that could not be used. */
  file: string;
  message: string;
}

export type ProgressStage = 'reading' | 'downloading' | 'writing' | 'written' | 'committed';
/** Progress for a CLI to print: a sentence, and the stage for code that reacts to it. */
export type ProgressListener = (message: string, stage: ProgressStage) => void;

/** The key an affected entry is indexed under: its base ecosystem (`Alpine:v3.10` -> `Alpine`) and normalized name. */
function affectedKey(affected: OsvAffected): string | undefined {
  const pkg = affected.package;
  if (!pkg || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') return undefined;
  const base = pkg.ecosystem.split(':')[0];
  return packageKey(base, normalizePackageName(base as Ecosystem, pkg.name));
}

/**
 * Splits a record into what gets written: its package keys and, unless it is withdrawn, one match
 * part per package whose `affected` holds only that package's entries, so a lookup parses no more
 * than matching the package needs. `stored` is the record as already written by a previous generation.
 */
function prepareRecord(payload: RecordPayload, stored?: { stored: Uint8Array; deflated: boolean }): PreparedRecord {
  const { osv } = payload;
  const withdrawn = typeof osv.withdrawn === 'string' && osv.withdrawn !== '';
  const entriesByKey = new Map<string, OsvAffected[]>();
  for (const affected of osv.affected ?? []) {
    const key = affectedKey(affected);
    if (!key) continue;
    const entries = entriesByKey.get(key);
    if (entries) entries.push(affected);
    else entriesByKey.set(key, [affected]);
  }
  const matchParts = new Map<string, string>();
  if (!withdrawn) {
    const matchOsv: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(osv)) {
      if (MATCH_FIELDS.has(field)) matchOsv[field] = value;
    }
    const { severity, severitySource, cvss, source } = payload;
    // PackageEntry items after the frame's place (see PreparedRecord.matchParts).
    const computed = JSON.stringify([severity, severitySource, cvss, source]).slice(1, -1);
    for (const [key, entries] of entriesByKey) {
      // Matching reads package, ranges and the listed versions its ranges miss; the vendor payloads
      // and the full lists stay in the whole record (`get`, `full`).
      const matchable = entries.map(({ database_specific, ecosystem_specific, ...rest }) => rest);
      const affected = versionsBeyondRanges(matchable, key.split('\0')[1] as Ecosystem);
      matchParts.set(key, `${computed},${JSON.stringify({ ...matchOsv, affected })}`);
    }
  }
  const hasSeverity = !withdrawn && payload.severity !== 'UNKNOWN';
  const cves = hasSeverity ? [...new Set([osv.id, ...(osv.aliases ?? [])].filter((id) => id.startsWith('CVE-')))] : [];
  const aliasEntry: AliasEntry = [osv.id, payload.severity, payload.severitySource, payload.cvss];
  return {
    id: osv.id,
    modified: osv.modified,
    cves,
    ...(cves.length ? { aliasEntry: JSON.stringify(aliasEntry) } : {}),
    source: payload.source,
    sources: payload.sources ?? [payload.source],
    withdrawn,
    keys: [...entriesByKey.keys()],
    matchParts,
    ...(stored ?? encodeStored(payload)),
  };
}

function ecosystemOfKey(key: string): string {
  return key.split('\0')[1];
}

function isNewer(candidate: string, stored: string): boolean {
  const a = Date.parse(candidate);
  const b = Date.parse(stored);
  return Number.isNaN(a) || Number.isNaN(b) ? candidate > stored : a > b;
}

const isCustom = (source: string) => source.startsWith('custom:');

export interface MergeCounts {
  added: number;
  updated: number;
  /** Incoming records that were not newer than the stored ones. */
  unchanged: number;
  /** Records dropped because the only sources that held them no longer do (a mirror's all.zip). */
  removed: number;
}

/** The payload with its `sources`, written only when they are not just `[source]`. */
function withSources(payload: RecordPayload, sources: string[]): RecordPayload {
  const { sources: _old, ...rest } = payload;
  return sources.length === 1 && sources[0] === payload.source ? rest : { ...rest, sources };
}

/** Holds the records of the next generation while it is assembled. */
export class GenerationBuilder {
  private readonly records = new Map<string, PreparedRecord>();
  private readonly sourceInfo = new Map<string, SourceInfo>();
  readonly counts: MergeCounts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
  /** Some record's list of sources changed (its content may not have). */
  private sourcesChanged = false;

  /** Stored records of the previous generation that fail today's checks (a DB built before them): dropped. */
  readonly dropped: ImportProblem[] = [];

  /** Starts from the previous generation, reusing its stored records as written. */
  constructor(previous?: GenerationReader) {
    if (!previous) return;
    for (const source of previous.metadata().sources) this.sourceInfo.set(source.name, source);
    for (const { payload, flags, stored } of previous.allRecords()) {
      const osv = validStoredRecord(payload.osv);
      if (!osv) {
        this.dropped.push({ file: previous.file, message: `${idForMessages(payload.osv?.id)}: dropped from the DB, it is no valid OSV record` });
        continue;
      }
      this.records.set(osv.id, prepareRecord({ ...payload, osv }, { stored, deflated: (flags & FLAG_DEFLATED) !== 0 }));
    }
  }

  /**
   * Merges one record: a custom feed's record beats a public one whatever their `modified` times
   * (a team's own triage is what a custom feed is for); between two of the same kind the newer
   * `modified` wins. Either way `source` joins the sources that hold the ID.
   */
  add(record: OsvRecord, source: string): void {
    const stored = this.records.get(record.id);
    const sources = !stored ? [source] : stored.sources.includes(source) ? stored.sources : [...stored.sources, source];
    if (stored) {
      const wins = isCustom(source) !== isCustom(stored.source) ? isCustom(source) : isNewer(record.modified, stored.modified);
      if (!wins) {
        this.counts.unchanged++;
        // The stored version stays; only who holds the ID changes.
        if (sources !== stored.sources) this.setRecordSources(stored, sources);
        return;
      }
      this.counts.updated++;
    } else {
      this.counts.added++;
    }
    this.records.set(record.id, prepareRecord(withSources({ osv: record, ...computeSeverity(record), source }, sources)));
  }

  /**
   * `source` (a mirror's all.zip, read again in full) now holds exactly the IDs in `kept`: the
   * records it held before and no longer does stop naming it, and those no other source holds are
   * dropped. Returns how many were dropped.
   */
  forget(source: string, kept: Set<string>): number {
    let removed = 0;
    for (const [id, record] of this.records) {
      if (kept.has(id) || !record.sources.includes(source)) continue;
      const sources = record.sources.filter((s) => s !== source);
      if (sources.length) {
        this.setRecordSources(record, sources);
      } else {
        this.records.delete(id);
        removed++;
      }
    }
    this.counts.removed += removed;
    return removed;
  }

  private setRecordSources(record: PreparedRecord, sources: string[]): void {
    const payload = decodeStored(record.stored, record.deflated ? FLAG_DEFLATED : 0);
    Object.assign(record, encodeStored(withSources(payload, sources)), { sources });
    this.sourcesChanged = true;
  }

  setSource(info: SourceInfo): void {
    this.sourceInfo.set(info.name, info);
  }

  source(name: string): SourceInfo | undefined {
    return this.sourceInfo.get(name);
  }

  sources(): SourceInfo[] {
    return [...this.sourceInfo.values()];
  }

  get changed(): boolean {
    return this.counts.added + this.counts.updated + this.counts.removed > 0 || this.sourcesChanged;
  }

  metadata(): DbMetadata {
    const counts: Record<string, number> = {};
    let withdrawnRecords = 0;
    for (const record of this.records.values()) {
      if (record.withdrawn) {
        withdrawnRecords++;
        continue;
      }
      for (const ecosystem of new Set(record.keys.map(ecosystemOfKey))) counts[ecosystem] = (counts[ecosystem] ?? 0) + 1;
    }
    return {
      schemaVersion: SCHEMA_VERSION,
      builtAt: new Date().toISOString(),
      sources: [...this.sourceInfo.values()],
      counts,
      totalRecords: this.records.size,
      withdrawnRecords,
    };
  }

  /**
   * Writes the generation to a temp file, makes it current, and removes generations older than the
   * one it replaces. Must be called while holding the update lock.
   */
  commit(cacheDir: string, previousGeneration: string | undefined, onProgress?: ProgressListener): {
    generation: string;
    metadata: DbMetadata;
  } {
    const metadata = this.metadata();
    const temp = tempGenerationPath(cacheDir);
    onProgress?.(`writing a DB of ${this.records.size} advisories`, 'writing');
    try {
      writeGeneration(temp, [...this.records.values()], metadata);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw err;
    }
    onProgress?.('written; making it current', 'written');
    const generation = commitGeneration(cacheDir, temp, SCHEMA_VERSION);
    // The new generation's metadata holds what a no-change update saved beside the old one.
    try {
      removeMirrorState(cacheDir);
    } catch {
      // Harmless: it names the old generation, so nobody applies it.
    }
    onProgress?.(`DB ${generation} is current`, 'committed');
    removeOldGenerations(cacheDir, previousGeneration ? [generation, previousGeneration] : [generation]);
    return { generation, metadata };
  }
}

/**
 * What one file (or zip entry) of an import gave: its usable records and what was cut from them to
 * fit the record limits, or the reason the file, or one record in it, could not be used.
 */
export type ReadResult = { file: string; records: OsvRecord[]; cuts: string[] } | { file: string; error: string };

function parseRecordFile(file: string, text: string): unknown[] {
  const value: unknown = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  return Array.isArray(value) ? value : [value];
}

/** Checks each record of a file: the bad ones become errors naming the file and ID, the others are kept. */
function* checkedRecords(file: string, values: unknown[]): Generator<ReadResult> {
  const records: OsvRecord[] = [];
  const cuts: string[] = [];
  for (const value of values) {
    try {
      const checked = checkOsvRecord(value);
      records.push(checked.record);
      cuts.push(...checked.cuts);
    } catch (err) {
      yield { file, error: (err as Error).message };
    }
  }
  if (records.length || !values.length) yield { file, records, cuts };
}

function* readRecordFile(file: string, read: () => string): Generator<ReadResult> {
  let values: unknown[];
  try {
    values = parseRecordFile(file, read());
  } catch (err) {
    yield { file, error: (err as Error).message };
    return;
  }
  yield* checkedRecords(file, values);
}

function* readZip(file: string): Generator<ReadResult> {
  let archive: ZipArchive;
  try {
    archive = ZipArchive.open(file);
  } catch (err) {
    yield { file, error: (err as Error).message };
    return;
  }
  try {
    for (const entry of archive.entries()) {
      if (!/\.(json|ya?ml)$/i.test(entry.name)) continue;
      yield* readRecordFile(`${file}!${entry.name}`, () => Buffer.from(entry.read()).toString('utf8'));
    }
  } finally {
    archive.close();
  }
}

/** A record file's text; refuses what is not a regular file (a FIFO, a device) or is too big for advisories. */
function readSmallFile(file: string): string {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new Error('not a regular file');
  if (stat.size > MAX_ENTRY_SIZE) throw new Error(`file of ${stat.size} bytes is larger than any advisory feed file may be (${MAX_ENTRY_SIZE})`);
  return fs.readFileSync(file, 'utf8');
}

/**
 * A record file the user named: a regular file, or a pipe (`vigil db import <(curl …)`), read to
 * its end but never past the size any advisory file may have. Devices and sockets are refused.
 */
function readNamedFile(file: string): string {
  const stat = fs.statSync(file);
  if (!stat.isFIFO()) return readSmallFile(file);
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > MAX_ENTRY_SIZE) throw new Error(`more than ${MAX_ENTRY_SIZE} bytes: larger than any advisory feed file may be`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function* readFolder(dir: string): Generator<ReadResult> {
  const names = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of names) {
    if (entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* readFolder(file);
    else if (/\.zip$/i.test(entry.name)) yield* readZip(file);
    else if (/\.(json|ya?ml)$/i.test(entry.name)) yield* readRecordFile(file, () => readSmallFile(file));
  }
}

/** Reads a zip, a record file or a folder of them (recursively, zips included). */
export function* readAdvisoryPath(target: string): Generator<ReadResult> {
  const stat = fs.statSync(target);
  if (stat.isDirectory()) yield* readFolder(target);
  else if (/\.zip$/i.test(target)) yield* readZip(target);
  else yield* readRecordFile(target, () => readNamedFile(target));
}

/**
 * A builder holding the current generation of `cacheDir` (if any), with the mirror validators a
 * no-change update saved beside it: where every import and update starts, under the lock.
 */
export function builderFromCurrent(cacheDir: string): { builder: GenerationBuilder; previousGeneration?: string } {
  const previous = openPrevious(cacheDir);
  const builder = new GenerationBuilder(previous?.reader);
  previous?.reader.close();
  for (const source of readMirrorState(cacheDir, previous?.generation)) builder.setSource(source);
  return { builder, previousGeneration: previous?.generation };
}
