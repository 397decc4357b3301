// Building the next generation: the previous generation's records plus incoming ones, merged by ID.
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, YAMLError } from 'yaml';
import { normalizePackageName } from '../ecosystems';
import type { OsvAffected, OsvRecord } from '../osv';
import type { Ecosystem } from '../types';
import {
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
import { listZipEntries } from './zip';
import { versionsBeyondRanges } from '../match/affected';

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
  return {
    id: osv.id,
    modified: osv.modified,
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

/** Throws unless the value looks like an OSV record: an object with a string id and modified time. */
export function checkRecord(value: unknown): OsvRecord {
  const record = value as OsvRecord;
  if (!record || typeof record !== 'object' || Array.isArray(record)) throw new Error('not an OSV record (not an object)');
  if (typeof record.id !== 'string' || !record.id) throw new Error('not an OSV record (no id)');
  if (typeof record.modified !== 'string') throw new Error(`${record.id}: no "modified" time`);
  if (record.affected !== undefined && !Array.isArray(record.affected)) throw new Error(`${record.id}: "affected" is not a list`);
  return record;
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

  /** Starts from the previous generation, reusing its stored records as written. */
  constructor(previous?: GenerationReader) {
    if (!previous) return;
    for (const source of previous.metadata().sources) this.sourceInfo.set(source.name, source);
    for (const { payload, flags, stored } of previous.allRecords()) {
      this.records.set(payload.osv.id, prepareRecord(payload, { stored, deflated: (flags & FLAG_DEFLATED) !== 0 }));
    }
  }

  /**
   * Merges one record: a newer `modified` wins; on a tie a custom feed's record beats a public one.
   * Either way `source` joins the sources that hold the ID.
   */
  add(record: OsvRecord, source: string): void {
    const stored = this.records.get(record.id);
    const sources = !stored ? [source] : stored.sources.includes(source) ? stored.sources : [...stored.sources, source];
    if (stored) {
      const wins =
        isNewer(record.modified, stored.modified) ||
        (record.modified === stored.modified && isCustom(source) && !isCustom(stored.source));
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

/** One parsed file of an import, or the reason it could not be used. */
export type ReadResult = { file: string; records: OsvRecord[] } | { file: string; error: string };

function parseRecordFile(file: string, text: string): OsvRecord[] {
  const value: unknown = /\.ya?ml$/i.test(file) ? parseYamlText(text) : parseJsonText(text);
  return (Array.isArray(value) ? value : [value]).map(checkRecord);
}

/**
 * JSON.parse, with an error that gives the position only: V8's message quotes the text, and an
 * import may be pointed at any file (`db import --custom /etc/shadow`).
 */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const position = /at position (\d+)/.exec((err as Error).message);
    throw new Error(position ? `not valid JSON at ${lineAndColumn(text, Number(position[1]))}` : 'not valid JSON');
  }
}

/** The YAML parser's message quotes the text around the fault: keep its code and position only. */
function parseYamlText(text: string): unknown {
  try {
    // prettyErrors would rescan the text for every error: quadratic in a file of many errors.
    return parseYaml(text, { prettyErrors: false });
  } catch (err) {
    if (!(err instanceof YAMLError)) throw err; // e.g. the parser's own alias-bomb refusal, which quotes nothing
    throw new Error(`not valid YAML (${err.code}) at ${lineAndColumn(text, err.pos[0])}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function* readZip(file: string): Generator<ReadResult> {
  let entries;
  try {
    entries = listZipEntries(fs.readFileSync(file));
  } catch (err) {
    yield { file, error: (err as Error).message };
    return;
  }
  for (const entry of entries) {
    const label = `${file}!${entry.name}`;
    if (!/\.(json|ya?ml)$/i.test(entry.name)) continue;
    try {
      yield { file: label, records: parseRecordFile(entry.name, Buffer.from(entry.read()).toString('utf8')) };
    } catch (err) {
      yield { file: label, error: (err as Error).message };
    }
  }
}

function* readFolder(dir: string): Generator<ReadResult> {
  const names = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of names) {
    if (entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* readFolder(file);
    else if (/\.zip$/i.test(entry.name)) yield* readZip(file);
    else if (/\.(json|ya?ml)$/i.test(entry.name)) {
      try {
        yield { file, records: parseRecordFile(file, fs.readFileSync(file, 'utf8')) };
      } catch (err) {
        yield { file, error: (err as Error).message };
      }
    }
  }
}

/** Reads a zip, a record file or a folder of them (recursively, zips included). */
export function* readAdvisoryPath(target: string): Generator<ReadResult> {
  const stat = fs.statSync(target);
  if (stat.isDirectory()) yield* readFolder(target);
  else if (/\.zip$/i.test(target)) yield* readZip(target);
  else {
    try {
      yield { file: target, records: parseRecordFile(target, fs.readFileSync(target, 'utf8')) };
    } catch (err) {
      yield { file: target, error: (err as Error).message };
    }
  }
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
