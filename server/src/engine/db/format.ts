// The on-disk generation file (see FORMAT.md). One file holds one complete, immutable DB.
// Readers keep an fd and read the parts they need with positioned reads; nothing is loaded whole.
import * as fs from 'fs';
import { deflateRawSync, inflateRawSync } from 'zlib';
import { compareStrings } from '../text';

export const SCHEMA_VERSION = 5;
export const MAGIC = 'VIGILDB\n';
const FIXED_HEADER_SIZE = 128;
/** u32 length of the stored record, u8 flags. */
const FRAME_HEADER_SIZE = 5;
/** Where an index key's data is: 6-byte position, 4-byte length. */
const REF_SIZE = 10;
export const FLAG_WITHDRAWN = 1;
/** The stored record is raw-deflated JSON (else plain UTF-8 JSON). */
export const FLAG_DEFLATED = 2;

/** Where the data of one import source came from, and how to ask for it again. */
export interface SourceInfo {
  /** e.g. `osv:PyPI`, `mirror:PyPI`, `custom:acme-feed`. */
  name: string;
  kind: 'zip' | 'folder' | 'custom' | 'mirror';
  /** A path or URL. */
  location: string;
  fetchedAt: string;
  /** Records this source brought in the last time it was read. */
  records: number;
  etag?: string;
  lastModified?: string;
  /** Mirror only: the newest `modified` time seen, from which incremental updates continue. */
  newestModified?: string;
  /** Mirror only: validators of modified_id.csv. */
  listEtag?: string;
  listLastModified?: string;
}

export interface DbMetadata {
  schemaVersion: number;
  builtAt: string;
  sources: SourceInfo[];
  /** Advisories per base ecosystem (withdrawn ones excluded). A record that affects two ecosystems counts in both. */
  counts: Record<string, number>;
  totalRecords: number;
  withdrawnRecords: number;
}

/** An advisory as the importer hands it to the writer. */
export interface RecordPayload {
  osv: import('../osv').OsvRecord;
  severity: import('../types').Severity;
  severitySource: string;
  cvss: Record<string, import('../types').CvssScore>;
  /** Name of the SourceInfo the record came from. */
  source: string;
  /**
   * Every source that currently holds this ID (the record's own `source` among them, unless that
   * source dropped it since), when that is not just `[source]`. Absent: `[source]`.
   */
  sources?: string[];
}

/**
 * The OSV fields kept in a match part: what matching needs. The other fields (summary, details,
 * references...) are read from the stored record only when someone asks.
 */
export const MATCH_FIELDS = new Set(['schema_version', 'id', 'modified', 'published', 'withdrawn', 'aliases', 'affected']);

/**
 * What a lookup parses for one advisory of one package, as one JSON array (property names are not
 * repeated, so a package's list parses faster): where its stored record's frame is, the names of
 * the OSV fields left in the stored record (comma-separated; readers do not need them), what the
 * importer computed, and the match fields of the record, with `affected` holding only that
 * package's entries.
 */
export type PackageEntry = [
  framePosition: number,
  frameLength: number,
  severity: RecordPayload['severity'],
  severitySource: string,
  cvss: RecordPayload['cvss'],
  source: string,
  osv: import('../osv').OsvRecord,
];

/**
 * What an alias list holds for each record that names the CVE and has a severity of its own, so
 * that an advisory without one can take it from a record of the same CVE in any ecosystem.
 */
export type AliasEntry = [id: string, severity: RecordPayload['severity'], severitySource: string, cvss: RecordPayload['cvss']];

/** A record ready to be written: the whole record, and its match part for each package it affects. */
export interface PreparedRecord {
  id: string;
  modified: string;
  source: string;
  /** The sources that hold this ID (see RecordPayload.sources), never empty. */
  sources: string[];
  withdrawn: boolean;
  /** `stored` is deflated. */
  deflated: boolean;
  /** Package keys, see packageKey(). */
  keys: string[];
  /** UTF-8 JSON of the RecordPayload, raw-deflated when `deflated`. */
  stored: Uint8Array;
  /**
   * The CVE IDs among the record's ID and aliases, when the record has a severity of its own and is
   * not withdrawn: it is listed under each in the alias index (see AliasEntry).
   */
  cves: string[];
  /** The record's AliasEntry as JSON, when `cves` is not empty. */
  aliasEntry?: string;
  /**
   * Package key -> the record's PackageEntry for that package as JSON items without the brackets and
   * the first two (the frame's place is known only when writing). Empty for withdrawn records (lookups skip them).
   */
  matchParts: Map<string, string>;
}

export function packageKey(ecosystem: string, normalizedName: string): string {
  return `p\0${ecosystem}\0${normalizedName}`;
}
export function idKey(id: string): string {
  return `i\0${id}`;
}
export function aliasKey(cve: string): string {
  return `a\0${cve}`;
}

/**
 * Stored records at least this long are deflated. They are read only by `get`, by an update and
 * when a finding uses a descriptive field, so the zlib call rarely matters.
 */
export const DEFLATE_ABOVE = 1024;

export function encodeStored(payload: RecordPayload): { stored: Uint8Array; deflated: boolean } {
  const json = Buffer.from(JSON.stringify(payload));
  const deflated = json.length >= DEFLATE_ABOVE;
  return { stored: deflated ? deflateRawSync(json, { level: 1 }) : json, deflated };
}

export function decodeStored(bytes: Uint8Array, flags: number): RecordPayload {
  const json = flags & FLAG_DEFLATED ? inflateRawSync(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return JSON.parse(json.toString('utf8'));
}

/** FNV-1a over the key's UTF-8 bytes. */
function hashKey(key: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
  return h >>> 0;
}

/** Where the data of an index key is: a record's frame, or a package's list of match parts. */
export interface Ref {
  position: number;
  length: number;
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, position + done);
}


/**
 * Writes a complete generation to `file` (which must not exist) and fsyncs it.
 * Stored records in ID order, then each package's list of match parts, then the index.
 */
export function writeGeneration(file: string, records: PreparedRecord[], metadata: DbMetadata): void {
  const sorted = [...records].sort((a, b) => compareStrings(a.id, b.id));
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    const index = new Map<string, Ref>();
    // Per package key, its PackageEntry JSON texts in record ID order.
    const packageEntries = new Map<string, string[]>();
    // Per CVE, the AliasEntry JSON texts of the records that name it, in record ID order.
    const aliasEntries = new Map<string, string[]>();
    let position = FIXED_HEADER_SIZE;
    const frameHeader = Buffer.alloc(FRAME_HEADER_SIZE);
    for (const record of sorted) {
      frameHeader.writeUInt32LE(record.stored.length, 0);
      frameHeader.writeUInt8((record.withdrawn ? FLAG_WITHDRAWN : 0) | (record.deflated ? FLAG_DEFLATED : 0), 4);
      writeAll(fd, frameHeader, position);
      writeAll(fd, record.stored, position + FRAME_HEADER_SIZE);
      const length = FRAME_HEADER_SIZE + record.stored.length;
      index.set(idKey(record.id), { position, length });
      for (const [key, part] of record.matchParts) {
        const entry = `[${position},${length},${part}]`;
        const entries = packageEntries.get(key);
        if (entries) entries.push(entry);
        else packageEntries.set(key, [entry]);
      }
      for (const cve of record.aliasEntry ? record.cves : []) {
        const entries = aliasEntries.get(cve);
        if (entries) entries.push(record.aliasEntry!);
        else aliasEntries.set(cve, [record.aliasEntry!]);
      }
      position += length;
    }
    const recordsEnd = position;

    for (const key of [...packageEntries.keys()].sort(compareStrings)) {
      const list = Buffer.from(`[${packageEntries.get(key)!.join(',')}]`);
      writeAll(fd, list, position);
      index.set(key, { position, length: list.length });
      position += list.length;
    }
    for (const cve of [...aliasEntries.keys()].sort(compareStrings)) {
      const list = Buffer.from(`[${aliasEntries.get(cve)!.join(',')}]`);
      writeAll(fd, list, position);
      index.set(aliasKey(cve), { position, length: list.length });
      position += list.length;
    }

    const meta = Buffer.from(JSON.stringify(metadata));
    const metaOffset = position;
    writeAll(fd, meta, metaOffset);
    position += meta.length;

    // Hash table: bucketCount slots of (u32 offset, u32 length) into the bucket area.
    let bucketCount = 1;
    while (bucketCount < index.size) bucketCount *= 2;
    const buckets: Buffer[][] = Array.from({ length: bucketCount }, () => []);
    const packageHashes: number[] = [];
    for (const [key, ref] of index) {
      const keyBytes = Buffer.from(key);
      const entry = Buffer.alloc(2 + keyBytes.length + REF_SIZE);
      let p = entry.writeUInt16LE(keyBytes.length, 0);
      p += keyBytes.copy(entry, p);
      p = entry.writeUIntLE(ref.position, p, 6);
      entry.writeUInt32LE(ref.length, p);
      const hash = hashKey(keyBytes);
      buckets[hash & (bucketCount - 1)].push(entry);
      if (key.startsWith('p\0')) packageHashes.push(hash);
    }
    const hashSet = Buffer.from(Uint32Array.from(new Set(packageHashes)).sort().buffer);
    const hashSetOffset = position;
    writeAll(fd, hashSet, hashSetOffset);
    position += hashSet.length;

    const table = Buffer.alloc(bucketCount * 8);
    const bucketsOffset = position;
    const entriesOffset = bucketsOffset + table.length;
    let entriesLength = 0;
    const entryChunks: Buffer[] = [];
    buckets.forEach((entries, slot) => {
      const chunk = Buffer.concat(entries);
      table.writeUInt32LE(entriesLength, slot * 8);
      table.writeUInt32LE(chunk.length, slot * 8 + 4);
      entriesLength += chunk.length;
      if (chunk.length) entryChunks.push(chunk);
    });
    writeAll(fd, table, bucketsOffset);
    writeAll(fd, Buffer.concat(entryChunks), entriesOffset);

    const header = Buffer.alloc(FIXED_HEADER_SIZE);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(SCHEMA_VERSION, 8);
    header.writeUInt32LE(bucketCount, 12);
    header.writeUIntLE(FIXED_HEADER_SIZE, 16, 6); // records start
    header.writeUIntLE(recordsEnd, 22, 6);
    header.writeUIntLE(metaOffset, 28, 6);
    header.writeUInt32LE(meta.length, 34);
    header.writeUIntLE(bucketsOffset, 38, 6);
    header.writeUIntLE(entriesOffset, 44, 6);
    header.writeUInt32LE(entriesLength, 50);
    header.writeUIntLE(hashSetOffset, 54, 6);
    header.writeUInt32LE(hashSet.length / 4, 60);
    writeAll(fd, header, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class FormatError extends Error {}

interface FixedHeader {
  schemaVersion: number;
  bucketCount: number;
  recordsStart: number;
  recordsEnd: number;
  metaOffset: number;
  metaLength: number;
  bucketsOffset: number;
  entriesOffset: number;
  entriesLength: number;
  hashSetOffset: number;
  hashSetCount: number;
}

/** A stored record as read back, with the flags of its frame. */
export interface StoredRecord {
  payload: RecordPayload;
  flags: number;
  /** The frame's body as written (JSON, deflated when flags say so), to copy into the next generation. */
  stored: Buffer;
}

/** Positioned reads over one open generation file. */
export class GenerationReader {
  private readonly header: FixedHeader;
  private closed = false;
  /** Sorted FNV hashes of every package key: a lookup of an unknown package stops here. Read at the first lookup. */
  private packageHashes?: Uint32Array;

  constructor(readonly fd: number, readonly file: string) {
    const raw = this.read(0, FIXED_HEADER_SIZE);
    if (raw.length < 12 || raw.toString('latin1', 0, 8) !== MAGIC) {
      throw new FormatError(`${file} is not a Vigil DB file`);
    }
    const schemaVersion = raw.readUInt32LE(8);
    if (schemaVersion !== SCHEMA_VERSION || raw.length < FIXED_HEADER_SIZE) {
      throw new FormatError(`${file} has DB schema ${schemaVersion}, this Vigil reads schema ${SCHEMA_VERSION}`);
    }
    this.header = {
      schemaVersion,
      bucketCount: raw.readUInt32LE(12),
      recordsStart: raw.readUIntLE(16, 6),
      recordsEnd: raw.readUIntLE(22, 6),
      metaOffset: raw.readUIntLE(28, 6),
      metaLength: raw.readUInt32LE(34),
      bucketsOffset: raw.readUIntLE(38, 6),
      entriesOffset: raw.readUIntLE(44, 6),
      entriesLength: raw.readUInt32LE(50),
      hashSetOffset: raw.readUIntLE(54, 6),
      hashSetCount: raw.readUInt32LE(60),
    };
  }

  private read(position: number, length: number): Buffer {
    if (this.closed) throw new Error(`the DB ${this.file} was closed`);
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buffer, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? buffer : buffer.subarray(0, done);
  }

  metadata(): DbMetadata {
    return JSON.parse(this.read(this.header.metaOffset, this.header.metaLength).toString('utf8'));
  }

  /** Where the data of one index key is, if the key is there. */
  find(key: string): Ref | undefined {
    const keyBytes = Buffer.from(key);
    const hash = hashKey(keyBytes);
    if (key.startsWith('p\0') && !this.hasPackageHash(hash)) return undefined;
    const slot = hash & (this.header.bucketCount - 1);
    const slotInfo = this.read(this.header.bucketsOffset + slot * 8, 8);
    const length = slotInfo.readUInt32LE(4);
    if (length === 0) return undefined;
    const bucket = this.read(this.header.entriesOffset + slotInfo.readUInt32LE(0), length);
    for (let p = 0; p < bucket.length; ) {
      const keyLength = bucket.readUInt16LE(p);
      p += 2;
      if (keyLength === keyBytes.length && bucket.compare(keyBytes, 0, keyLength, p, p + keyLength) === 0) {
        return { position: bucket.readUIntLE(p + keyLength, 6), length: bucket.readUInt32LE(p + keyLength + 6) };
      }
      p += keyLength + REF_SIZE;
    }
    return undefined;
  }

  private hasPackageHash(hash: number): boolean {
    const hashes = (this.packageHashes ??= new Uint32Array(
      Uint8Array.from(this.read(this.header.hashSetOffset, this.header.hashSetCount * 4)).buffer,
    ));
    let low = 0;
    let high = hashes.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (hashes[middle] === hash) return true;
      if (hashes[middle] < hash) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** A package's match parts (one read, one JSON.parse). */
  packageEntries(ref: Ref): PackageEntry[] {
    return JSON.parse(this.read(ref.position, ref.length).toString('utf8'));
  }

  /** A CVE's alias list (one read, one JSON.parse); unchecked, the caller checks each entry. */
  aliasEntries(ref: Ref): unknown {
    return JSON.parse(this.read(ref.position, ref.length).toString('utf8'));
  }

  /** The stored record whose frame `ref` points at. */
  record(ref: Ref): StoredRecord {
    return parseFrame(this.read(ref.position, ref.length));
  }

  /** Every stored record, in file order (used to build the next generation). */
  *allRecords(): Generator<StoredRecord> {
    let position = this.header.recordsStart;
    while (position < this.header.recordsEnd) {
      const length = FRAME_HEADER_SIZE + this.read(position, 4).readUInt32LE(0);
      yield this.record({ position, length });
      position += length;
    }
  }

  close(): void {
    if (!this.closed) fs.closeSync(this.fd);
    this.closed = true;
  }
}

function parseFrame(bytes: Buffer): StoredRecord {
  const flags = bytes[4];
  const stored = bytes.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + bytes.readUInt32LE(0));
  return { payload: decodeStored(stored, flags), flags, stored };
}
