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
  GenerationWriter,
  type AliasEntry,
  MATCH_FIELDS,
  packageKey,
  RecordPayload,
  SCHEMA_VERSION,
  SourceInfo,
} from './format';
import { openPrevious } from './current';
import { readMirrorState, removeMirrorState } from './mirror-state';
import { commitGeneration, removeOldGenerations, tempGenerationPath } from './store';
import { computeSeverity } from './severity';
import { SpillFile } from './spill';
import { MAX_ENTRY_SIZE, ZipArchive } from './zip';
import { versionsBeyondRanges } from '../match/affected';
import { compareStrings } from '../text';
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

/** A record as the builder spills it: the whole record, and its match part for each package it affects. */
interface PreparedRecord {
  withdrawn: boolean;
  /** UTF-8 JSON of the RecordPayload, raw-deflated when `deflated`. */
  stored: Uint8Array;
  deflated: boolean;
  /**
   * Package key -> the record's PackageEntry for that package as JSON items without the brackets and
   * the first two (the frame's place is known only when writing). Empty for withdrawn records (lookups skip them).
   */
  matchParts: Map<string, string>;
  /**
   * The CVE IDs among the record's ID and aliases, when the record has a severity of its own and is
   * not withdrawn: it is listed under each in the alias index (see AliasEntry).
   */
  cves: string[];
  /** The record's AliasEntry as JSON, when `cves` is not empty. */
  aliasEntry?: string;
}

/**
 * Splits a record into what gets written: unless it is withdrawn, one match part per package whose
 * `affected` holds only that package's entries, so a lookup parses no more than matching the
 * package needs. `stored` is the record as already written by a previous generation.
 */
function prepareRecord(payload: RecordPayload, stored?: { stored: Uint8Array; deflated: boolean }): PreparedRecord {
  const { osv } = payload;
  const withdrawn = typeof osv.withdrawn === 'string' && osv.withdrawn !== '';
  const matchParts = new Map<string, string>();
  if (!withdrawn) {
    const entriesByKey = new Map<string, OsvAffected[]>();
    for (const affected of osv.affected ?? []) {
      const key = affectedKey(affected);
      if (!key) continue;
      const entries = entriesByKey.get(key);
      if (entries) entries.push(affected);
      else entriesByKey.set(key, [affected]);
    }
    const matchOsv: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(osv)) {
      if (MATCH_FIELDS.has(field)) matchOsv[field] = value;
    }
    const { severity, severitySource, cvss, source } = payload;
    // PackageEntry items after the frame's place.
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
  // A vendor's record of a CVE (UBUNTU-CVE-...) names it in `upstream` rather than in `aliases`.
  const upstream: unknown[] = Array.isArray(osv.upstream) ? osv.upstream : [];
  const named = [osv.id, ...(osv.aliases ?? []), ...upstream.filter((id): id is string => typeof id === 'string')];
  const cves = hasSeverity ? [...new Set(named.filter((id) => id.startsWith('CVE-')))] : [];
  const aliasEntry: AliasEntry = [osv.id, payload.severity, payload.severitySource, payload.cvss];
  return { withdrawn, matchParts, cves, ...(cves.length ? { aliasEntry: JSON.stringify(aliasEntry) } : {}), ...(stored ?? encodeStored(payload)) };
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

/** The source a record's version came from and every source that holds its ID; shared by the records that have the same. */
interface Holders {
  source: string;
  /** Never empty. */
  sources: string[];
}

/** One ID of the next generation: what merging needs, and where the rest is in the spill file. */
interface Slot {
  id: string;
  modified: string;
  holders: Holders;
  withdrawn: boolean;
  deflated: boolean;
  /** The stored record (see PreparedRecord.stored) in the spill file. */
  storedAt: number;
  storedLength: number;
  /** Its match parts: `partCount` entries of the builder's part table from `firstPart`. */
  firstPart: number;
  partCount: number;
  /** The CVEs it is listed under in the alias index, and its AliasEntry in the spill file. */
  cves?: string[];
  aliasAt?: number;
  aliasLength?: number;
}

/**
 * Assembles the next generation: the previous generation's records plus incoming ones, merged by ID.
 * Each record's stored bytes and match parts go to a spill file in the DB folder as they arrive;
 * memory holds only what merging and writing need (IDs, `modified`, sources, places in the spill,
 * package keys): some hundreds of bytes per record, whatever the records hold. `commit` or `discard` removes
 * the spill file; one left by a killed process is an `*.tmp-*` leftover, removed by the next update.
 */
export class GenerationBuilder {
  private readonly spill: SpillFile;
  private readonly slots = new Map<string, Slot>();
  private readonly holders = new Map<string, Holders>();
  /** Package keys by number, and their numbers. */
  private readonly packageKeys: string[] = [];
  private readonly packageKeyNumbers = new Map<string, number>();
  /** The part table: per match part, its package key's number and its place in the spill file. */
  private readonly partKeys: number[] = [];
  private readonly partPositions: number[] = [];
  private readonly partLengths: number[] = [];
  private readonly sourceInfo = new Map<string, SourceInfo>();
  readonly counts: MergeCounts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
  /** Some record's list of sources changed (its content may not have). */
  private sourcesChanged = false;

  /** Stored records of the previous generation that fail today's checks (a DB built before them): dropped. */
  readonly dropped: ImportProblem[] = [];

  /** Starts from the previous generation, reusing its stored records as written. */
  constructor(cacheDir: string, previous?: GenerationReader) {
    this.spill = SpillFile.create(cacheDir);
    if (!previous) return;
    try {
      for (const source of previous.metadata().sources) this.sourceInfo.set(source.name, source);
      for (const { payload, flags, stored } of previous.allRecords()) {
        const osv = validStoredRecord(payload.osv);
        if (!osv) {
          this.dropped.push({ file: previous.file, message: `${idForMessages(payload.osv?.id)}: dropped from the DB, it is no valid OSV record` });
          continue;
        }
        const prepared = prepareRecord({ ...payload, osv }, { stored, deflated: (flags & FLAG_DEFLATED) !== 0 });
        this.put(osv, payload.source, payload.sources ?? [payload.source], prepared);
      }
    } catch (err) {
      this.discard();
      throw err;
    }
  }

  /** Spills a prepared record and makes it the one of its ID. */
  private put(osv: OsvRecord, source: string, sources: string[], prepared: PreparedRecord): void {
    const storedAt = this.spill.position;
    this.spill.append(prepared.stored);
    const firstPart = this.partKeys.length;
    for (const [key, part] of prepared.matchParts) {
      let number = this.packageKeyNumbers.get(key);
      if (number === undefined) {
        number = this.packageKeys.push(key) - 1;
        this.packageKeyNumbers.set(key, number);
      }
      const position = this.spill.position;
      this.spill.appendText(part);
      this.partKeys.push(number);
      this.partPositions.push(position);
      this.partLengths.push(this.spill.position - position);
    }
    let alias: Pick<Slot, 'cves' | 'aliasAt' | 'aliasLength'> = {};
    if (prepared.aliasEntry) {
      const aliasAt = this.spill.position;
      this.spill.appendText(prepared.aliasEntry);
      alias = { cves: prepared.cves, aliasAt, aliasLength: this.spill.position - aliasAt };
    }
    this.slots.set(osv.id, {
      ...alias,
      id: osv.id,
      modified: osv.modified,
      holders: this.holdersOf(source, sources),
      withdrawn: prepared.withdrawn,
      deflated: prepared.deflated,
      storedAt,
      storedLength: prepared.stored.length,
      firstPart,
      partCount: prepared.matchParts.size,
    });
  }

  private holdersOf(source: string, sources: string[]): Holders {
    const key = JSON.stringify([source, ...sources]);
    let holders = this.holders.get(key);
    if (!holders) this.holders.set(key, (holders = { source, sources }));
    return holders;
  }

  /**
   * Merges one record: a custom feed's record beats a public one whatever their `modified` times
   * (a team's own triage is what a custom feed is for); between two of the same kind the newer
   * `modified` wins. Either way `source` joins the sources that hold the ID.
   */
  add(record: OsvRecord, source: string): void {
    const stored = this.slots.get(record.id);
    const storedSources = stored?.holders.sources;
    const sources = !storedSources ? [source] : storedSources.includes(source) ? storedSources : [...storedSources, source];
    if (stored) {
      const wins = isCustom(source) !== isCustom(stored.holders.source) ? isCustom(source) : isNewer(record.modified, stored.modified);
      if (!wins) {
        this.counts.unchanged++;
        // The stored version stays; only who holds the ID changes.
        if (sources !== storedSources) this.setRecordSources(stored, sources);
        return;
      }
      this.counts.updated++;
    } else {
      this.counts.added++;
    }
    this.put(record, source, sources, prepareRecord(withSources({ osv: record, ...computeSeverity(record), source }, sources)));
  }

  /**
   * `source` (a mirror's all.zip, read again in full) now holds exactly the IDs in `kept`: the
   * records it held before and no longer does stop naming it, and those no other source holds are
   * dropped. Returns how many were dropped.
   */
  forget(source: string, kept: Set<string>): number {
    let removed = 0;
    for (const [id, slot] of this.slots) {
      if (kept.has(id) || !slot.holders.sources.includes(source)) continue;
      const sources = slot.holders.sources.filter((s) => s !== source);
      if (sources.length) {
        this.setRecordSources(slot, sources);
      } else {
        this.slots.delete(id);
        removed++;
      }
    }
    this.counts.removed += removed;
    return removed;
  }

  /** Stores the record again with its new `sources`; its match parts stay as they are. */
  private setRecordSources(slot: Slot, sources: string[]): void {
    const payload = decodeStored(this.spill.read(slot.storedAt, slot.storedLength), slot.deflated ? FLAG_DEFLATED : 0);
    const { stored, deflated } = encodeStored(withSources(payload, sources));
    slot.storedAt = this.spill.position;
    this.spill.append(stored);
    slot.storedLength = stored.length;
    slot.deflated = deflated;
    slot.holders = this.holdersOf(slot.holders.source, sources);
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
    for (const slot of this.slots.values()) {
      if (slot.withdrawn) {
        withdrawnRecords++;
        continue;
      }
      const ecosystems = new Set<string>();
      for (let part = slot.firstPart; part < slot.firstPart + slot.partCount; part++) {
        ecosystems.add(ecosystemOfKey(this.packageKeys[this.partKeys[part]]));
      }
      for (const ecosystem of ecosystems) counts[ecosystem] = (counts[ecosystem] ?? 0) + 1;
    }
    return {
      schemaVersion: SCHEMA_VERSION,
      builtAt: new Date().toISOString(),
      sources: [...this.sourceInfo.values()],
      counts,
      totalRecords: this.slots.size,
      withdrawnRecords,
    };
  }

  /**
   * Writes the generation to a temp file, makes it current, and removes generations older than the
   * one it replaces. Must be called while holding the update lock. The builder is done with then.
   */
  commit(cacheDir: string, previousGeneration: string | undefined, onProgress?: ProgressListener): {
    generation: string;
    metadata: DbMetadata;
  } {
    const metadata = this.metadata();
    const temp = tempGenerationPath(cacheDir);
    onProgress?.(`writing a DB of ${this.slots.size} advisories`, 'writing');
    try {
      this.write(temp, metadata);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw err;
    } finally {
      this.discard();
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

  /** How many distinct CVEs the alias index lists. */
  private cveCount(): number {
    const cves = new Set<string>();
    for (const slot of this.slots.values()) for (const cve of slot.cves ?? []) cves.add(cve);
    return cves.size;
  }

  /** Removes the spill file. The builder cannot be used after this. */
  discard(): void {
    this.spill.remove();
  }

  /**
   * Writes the records in ID order from the spill file, then each package's list: its match parts
   * in record ID order (placed by a counting sort: counted per package, then filled in as the
   * records' frames are written), read back from the spill file.
   */
  private write(file: string, metadata: DbMetadata): void {
    const keyCount = this.packageKeys.length;
    const listStarts = new Uint32Array(keyCount + 1);
    for (const slot of this.slots.values()) {
      for (let part = slot.firstPart; part < slot.firstPart + slot.partCount; part++) listStarts[this.partKeys[part] + 1]++;
    }
    for (let key = 0; key < keyCount; key++) listStarts[key + 1] += listStarts[key];
    const listEnds = listStarts.slice(0, keyCount);
    // Per entry of a package list: the match part, and the frame of its record.
    const entryParts = new Uint32Array(listStarts[keyCount]);
    const entryFrames = new Float64Array(2 * listStarts[keyCount]);

    let lists = 0;
    for (let key = 0; key < keyCount; key++) if (listStarts[key] < listStarts[key + 1]) lists++;
    // Per CVE, the places of the AliasEntry texts of the records that name it, in record ID order.
    const aliasPlaces = new Map<string, number[]>();
    const writer = new GenerationWriter(file, this.slots.size + lists + this.cveCount());
    try {
      for (const id of [...this.slots.keys()].sort(compareStrings)) {
        const slot = this.slots.get(id)!;
        for (const cve of slot.cves ?? []) {
          const places = aliasPlaces.get(cve);
          if (places) places.push(slot.aliasAt!, slot.aliasLength!);
          else aliasPlaces.set(cve, [slot.aliasAt!, slot.aliasLength!]);
        }
        const frame = writer.writeRecord(id, slot.withdrawn, slot.deflated, this.spill.read(slot.storedAt, slot.storedLength));
        for (let part = slot.firstPart; part < slot.firstPart + slot.partCount; part++) {
          const entry = listEnds[this.partKeys[part]]++;
          entryParts[entry] = part;
          entryFrames[2 * entry] = frame.position;
          entryFrames[2 * entry + 1] = frame.length;
        }
      }
      // The builder is done with (see commit): what only merging needed goes before the lists and the index are written.
      this.slots.clear();
      this.packageKeyNumbers.clear();
      this.holders.clear();
      const spill = this.spill;
      const partPositions = this.partPositions;
      const partLengths = this.partLengths;
      function* entriesOf(key: number) {
        for (let entry = listStarts[key]; entry < listStarts[key + 1]; entry++) {
          const part = entryParts[entry];
          yield {
            frame: { position: entryFrames[2 * entry], length: entryFrames[2 * entry + 1] },
            part: spill.read(partPositions[part], partLengths[part]),
          };
        }
      }
      const keysInOrder = this.packageKeys.map((_, number) => number).sort((a, b) => compareStrings(this.packageKeys[a], this.packageKeys[b]));
      for (const key of keysInOrder) {
        if (listStarts[key] < listStarts[key + 1]) writer.writePackageList(this.packageKeys[key], entriesOf(key));
      }
      for (const cve of [...aliasPlaces.keys()].sort(compareStrings)) {
        const places = aliasPlaces.get(cve)!;
        const entries: Uint8Array[] = [];
        for (let i = 0; i < places.length; i += 2) entries.push(spill.read(places[i], places[i + 1]));
        writer.writeAliasList(cve, entries);
      }
      writer.finish(metadata);
    } finally {
      writer.close();
    }
  }
}

/**
 * What one file (or zip entry) of an import gave: its usable records and what was cut from them to
 * fit the record limits, or the reason the file, or one record in it, could not be used.
 */
export type ReadResult = { file: string; records: OsvRecord[]; cuts: string[] } | { file: string; error: string };

function parseRecordFile(file: string, text: string): unknown[] {
  const value: unknown = /\.ya?ml$/i.test(file) ? parseYamlText(text) : parseJsonText(text);
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
      yield* readRecordFile(`${file}!${entry.name}`, () => entry.read().toString('utf8'));
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
 * no-change update saved beside it: where every import and update starts, under the lock. The
 * caller commits it or discards it.
 */
export function builderFromCurrent(cacheDir: string): { builder: GenerationBuilder; previousGeneration?: string } {
  const previous = openPrevious(cacheDir);
  let builder: GenerationBuilder;
  try {
    builder = new GenerationBuilder(cacheDir, previous?.reader);
  } finally {
    previous?.reader.close();
  }
  for (const source of readMirrorState(cacheDir, previous?.generation)) builder.setSource(source);
  return { builder, previousGeneration: previous?.generation };
}
