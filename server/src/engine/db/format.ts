// The on-disk generation file (see FORMAT.md). One file holds one complete, immutable DB.
// Readers keep an fd and read the parts they need with positioned reads; nothing is loaded whole.
import * as fs from 'fs';
import { deflateRaw, inflateRaw } from './deflate';
import { FileAppender } from './spill';

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

export function aliasKey(cve: string): string {
  return `a\0${cve}`;
}

export function packageKey(ecosystem: string, normalizedName: string): string {
  return `p\0${ecosystem}\0${normalizedName}`;
}
/**
 * What an alias list holds for each record that names the CVE and has a severity of its own, so
 * that an advisory without one can take it from a record of the same CVE in any ecosystem.
 */
export type AliasEntry = [id: string, severity: RecordPayload['severity'], severitySource: string, cvss: RecordPayload['cvss']];

export function idKey(id: string): string {
  return `i\0${id}`;
}

/**
 * Stored records at least this long are deflated. They are read only by `get`, by an update and
 * when a finding uses a descriptive field, so the zlib call rarely matters.
 */
export const DEFLATE_ABOVE = 1024;

/** More than any stored record can hold (records are cut to RECORD_LIMITS when imported). */
const MAX_STORED_SIZE = 1 << 30;

export function encodeStored(payload: RecordPayload): { stored: Uint8Array; deflated: boolean } {
  const json = Buffer.from(JSON.stringify(payload));
  const deflated = json.length >= DEFLATE_ABOVE;
  return { stored: deflated ? deflateRaw(json) : json, deflated };
}

export function decodeStored(bytes: Uint8Array, flags: number): RecordPayload {
  const json = flags & FLAG_DEFLATED ? inflateRaw(bytes, MAX_STORED_SIZE) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
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

/**
 * Writes a generation file (which must not exist) piece by piece, so that neither the records nor
 * the package lists are held in memory: first every record's frame, in ID order
 * (`writeRecord`), then every package's list, in key order (`writePackageList`), then `finish`
 * writes the metadata, the index and the header, and fsyncs. In memory: one place per index key.
 */
export class GenerationWriter {
  private readonly out: FileAppender;
  /**
   * Index keys in the order they were written: the records' IDs (their keys without the `i\0`,
   * which would double the memory they take), then the package keys.
   */
  private readonly keys: string[] = [];
  private recordKeys = 0;
  /** Keys written by writeAliasList, after every package list: not package keys. */
  private aliasKeys = 0;
  /** Per key, where its data is: position, length. */
  private readonly places: Float64Array;
  private recordsEnd?: number;
  private closed = false;

  /** `keyCount`: how many records, package lists and alias lists will be written. */
  constructor(readonly file: string, keyCount: number) {
    this.places = new Float64Array(2 * keyCount);
    this.out = new FileAppender(fs.openSync(file, 'wx', 0o644), FIXED_HEADER_SIZE);
  }

  /** Appends a record's frame: `stored` is its RecordPayload JSON, raw-deflated when `deflated`. */
  writeRecord(id: string, withdrawn: boolean, deflated: boolean, stored: Uint8Array): Ref {
    if (this.recordsEnd !== undefined) throw new Error('records come before the package lists');
    const frameHeader = Buffer.allocUnsafe(FRAME_HEADER_SIZE);
    frameHeader.writeUInt32LE(stored.length, 0);
    frameHeader.writeUInt8((withdrawn ? FLAG_WITHDRAWN : 0) | (deflated ? FLAG_DEFLATED : 0), 4);
    const ref = { position: this.out.position, length: FRAME_HEADER_SIZE + stored.length };
    this.out.append(frameHeader);
    this.out.append(stored);
    this.addKey(id, ref);
    this.recordKeys++;
    return ref;
  }

  /**
   * Appends one package's list: its entries in record ID order, each the record's frame and its
   * match part (the PackageEntry items after the frame's place, as UTF-8 JSON).
   */
  writePackageList(key: string, entries: Iterable<{ frame: Ref; part: Uint8Array }>): void {
    if (this.aliasKeys > 0) throw new Error('package lists come before the alias lists');
    this.recordsEnd ??= this.out.position;
    const position = this.out.position;
    let separator = '[';
    for (const { frame, part } of entries) {
      this.out.appendText(`${separator}[${frame.position},${frame.length},`);
      this.out.append(part);
      this.out.appendText(']');
      separator = ',';
    }
    this.out.appendText(separator === '[' ? '[]' : ']');
    this.addKey(key, { position, length: this.out.position - position });
  }

  /** Appends one CVE's alias list: the AliasEntry JSON texts of the records that name it, in record ID order. */
  writeAliasList(cve: string, entries: readonly Uint8Array[]): void {
    this.recordsEnd ??= this.out.position;
    const position = this.out.position;
    this.out.appendText('[');
    entries.forEach((entry, i) => {
      if (i > 0) this.out.appendText(',');
      this.out.append(entry);
    });
    this.out.appendText(']');
    this.addKey(aliasKey(cve), { position, length: this.out.position - position });
    this.aliasKeys++;
  }

  private addKey(key: string, ref: Ref): void {
    const i = this.keys.push(key) - 1;
    if (2 * i >= this.places.length) throw new Error('more records and package lists than announced');
    this.places[2 * i] = ref.position;
    this.places[2 * i + 1] = ref.length;
  }

  /** Writes key `i` as UTF-8 to `buffer` from `at`; returns its length. */
  private writeKey(i: number, buffer: Buffer, at: number): number {
    if (i >= this.recordKeys) return buffer.write(this.keys[i], at);
    buffer.write('i\0', at, 'latin1');
    return 2 + buffer.write(this.keys[i], at + 2);
  }

  /** Writes the metadata, the package-key hash set and the index, then the header; fsyncs and closes. */
  finish(metadata: DbMetadata): void {
    const out = this.out;
    const recordsEnd = (this.recordsEnd ??= out.position);
    const meta = Buffer.from(JSON.stringify(metadata));
    const metaOffset = out.position;
    out.append(meta);

    // Each key's bucket is its hash's low bits; a bucket holds its keys in the order they were written.
    let bucketCount = 1;
    while (bucketCount < this.keys.length) bucketCount *= 2;
    const scratch = Buffer.allocUnsafe(3 * 0xffff);
    const hashes = new Uint32Array(this.keys.length);
    const bucketBytes = new Uint32Array(bucketCount);
    const bucketKeys = new Uint32Array(bucketCount + 1);
    for (let i = 0; i < this.keys.length; i++) {
      const keyLength = this.writeKey(i, scratch, 0);
      const hash = hashKey(scratch.subarray(0, keyLength));
      hashes[i] = hash;
      const slot = hash & (bucketCount - 1);
      bucketBytes[slot] += 2 + keyLength + REF_SIZE;
      bucketKeys[slot + 1]++;
    }

    const packageHashes = hashes.slice(this.recordKeys, this.keys.length - this.aliasKeys).sort();
    let distinct = 0;
    for (let i = 0; i < packageHashes.length; i++) {
      if (i === 0 || packageHashes[i] !== packageHashes[i - 1]) packageHashes[distinct++] = packageHashes[i];
    }
    const hashSetOffset = out.position;
    out.append(new Uint8Array(packageHashes.buffer, 0, distinct * 4));

    const table = Buffer.alloc(bucketCount * 8);
    let entriesLength = 0;
    for (let slot = 0; slot < bucketCount; slot++) {
      table.writeUInt32LE(entriesLength, slot * 8);
      table.writeUInt32LE(bucketBytes[slot], slot * 8 + 4);
      entriesLength += bucketBytes[slot];
    }
    const bucketsOffset = out.position;
    out.append(table);

    // Keys by bucket, in the order they were written (a counting sort).
    for (let slot = 0; slot < bucketCount; slot++) bucketKeys[slot + 1] += bucketKeys[slot];
    const order = new Uint32Array(this.keys.length);
    for (let i = 0; i < this.keys.length; i++) order[bucketKeys[hashes[i] & (bucketCount - 1)]++] = i;
    const entriesOffset = out.position;
    const ref = Buffer.allocUnsafe(REF_SIZE);
    for (const i of order) {
      const keyLength = this.writeKey(i, scratch, 2);
      scratch.writeUInt16LE(keyLength, 0);
      out.append(scratch.subarray(0, 2 + keyLength));
      ref.writeUIntLE(this.places[2 * i], 0, 6);
      ref.writeUInt32LE(this.places[2 * i + 1], 6);
      out.append(ref);
    }
    out.flush();

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
    header.writeUInt32LE(distinct, 60);
    fs.writeSync(out.fd, header, 0, header.length, 0);
    fs.fsyncSync(out.fd);
    this.close();
  }

  /** Closes the file (finished or not); the caller removes an unfinished one. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.out.fd);
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
