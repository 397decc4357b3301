// The on-disk generation file (see FORMAT.md). One file holds one complete, immutable DB.
// Readers keep an fd and read the parts they need with positioned reads; nothing is loaded whole.
import * as fs from 'fs';
import { deflateRawSync, inflateRawSync } from 'zlib';

export const SCHEMA_VERSION = 1;
export const MAGIC = 'VIGILDB\n';
const FIXED_HEADER_SIZE = 64;
const FRAME_HEADER_SIZE = 5;
/** A reference to a record: 6-byte position, 4-byte length, 1 flag byte. */
const REF_SIZE = 11;
export const FLAG_WITHDRAWN = 1;
/** The record's payload is raw-deflated JSON (else plain UTF-8 JSON). */
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

/** What is stored per advisory (deflated JSON). */
export interface RecordPayload {
  osv: import('../osv').OsvRecord;
  severity: import('../types').Severity;
  severitySource: string;
  cvss: Record<string, import('../types').CvssScore>;
  /** Name of the SourceInfo the record came from. */
  source: string;
}

/** A record ready to be written: its compressed payload and the index keys that point at it. */
export interface PreparedRecord {
  id: string;
  modified: string;
  source: string;
  withdrawn: boolean;
  deflated: boolean;
  /** Package keys, see packageKey(). */
  keys: string[];
  blob: Uint8Array;
}

export function packageKey(ecosystem: string, normalizedName: string): string {
  return `p\0${ecosystem}\0${normalizedName}`;
}
export function idKey(id: string): string {
  return `i\0${id}`;
}

/**
 * Payloads at least this long are deflated. Decoding a deflated record costs a zlib call (~10-20 us
 * each, Node's zlib rather than fflate: 2-5x faster on the corpus), which dominates lookups of
 * packages with many advisories; small records are left plain.
 */
export const DEFLATE_ABOVE = 8192;

export function encodePayload(payload: RecordPayload): { blob: Uint8Array; deflated: boolean } {
  const json = Buffer.from(JSON.stringify(payload));
  if (json.length < DEFLATE_ABOVE) return { blob: json, deflated: false };
  return { blob: deflateRawSync(json, { level: 1 }), deflated: true };
}
export function decodePayload(blob: Uint8Array, flags: number): RecordPayload {
  const json = flags & FLAG_DEFLATED ? inflateRawSync(blob) : Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  return JSON.parse(json.toString('utf8'));
}

/** FNV-1a over the key's UTF-8 bytes. */
function hashKey(key: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
  return h >>> 0;
}

export interface RecordRef {
  position: number;
  length: number;
  flags: number;
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, position + done);
}

/**
 * Writes a complete generation to `file` (which must not exist) and fsyncs it.
 * Records are written in ID order; the index follows them.
 */
export function writeGeneration(file: string, records: PreparedRecord[], metadata: DbMetadata): void {
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    const index = new Map<string, RecordRef[]>();
    const addRef = (key: string, ref: RecordRef) => {
      const refs = index.get(key);
      if (refs) refs.push(ref);
      else index.set(key, [ref]);
    };
    let position = FIXED_HEADER_SIZE;
    const frameHeader = Buffer.alloc(FRAME_HEADER_SIZE);
    for (const record of sorted) {
      const flags = (record.withdrawn ? FLAG_WITHDRAWN : 0) | (record.deflated ? FLAG_DEFLATED : 0);
      frameHeader.writeUInt32LE(record.blob.length, 0);
      frameHeader.writeUInt8(flags, 4);
      writeAll(fd, frameHeader, position);
      const ref = { position: position + FRAME_HEADER_SIZE, length: record.blob.length, flags };
      writeAll(fd, record.blob, ref.position);
      position = ref.position + record.blob.length;
      addRef(idKey(record.id), ref);
      for (const key of new Set(record.keys)) addRef(key, ref);
    }
    const recordsEnd = position;

    const meta = Buffer.from(JSON.stringify(metadata));
    const metaOffset = position;
    writeAll(fd, meta, metaOffset);
    position += meta.length;

    // Hash table: bucketCount slots of (u32 offset, u32 length) into the bucket area.
    let bucketCount = 1;
    while (bucketCount < index.size) bucketCount *= 2;
    const buckets: Buffer[][] = Array.from({ length: bucketCount }, () => []);
    for (const [key, refs] of index) {
      const keyBytes = Buffer.from(key);
      const entry = Buffer.alloc(2 + keyBytes.length + 4 + refs.length * REF_SIZE);
      let p = entry.writeUInt16LE(keyBytes.length, 0);
      p += keyBytes.copy(entry, p);
      p = entry.writeUInt32LE(refs.length, p);
      for (const ref of refs) {
        p = entry.writeUIntLE(ref.position, p, 6);
        p = entry.writeUInt32LE(ref.length, p);
        p = entry.writeUInt8(ref.flags, p);
      }
      buckets[hashKey(keyBytes) & (bucketCount - 1)].push(entry);
    }
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
}

/** Positioned reads over one open generation file. */
export class GenerationReader {
  private readonly header: FixedHeader;
  private closed = false;

  constructor(readonly fd: number, readonly file: string) {
    const raw = this.read(0, FIXED_HEADER_SIZE);
    if (raw.length < FIXED_HEADER_SIZE || raw.toString('latin1', 0, 8) !== MAGIC) {
      throw new FormatError(`${file} is not a Vigil DB file`);
    }
    this.header = {
      schemaVersion: raw.readUInt32LE(8),
      bucketCount: raw.readUInt32LE(12),
      recordsStart: raw.readUIntLE(16, 6),
      recordsEnd: raw.readUIntLE(22, 6),
      metaOffset: raw.readUIntLE(28, 6),
      metaLength: raw.readUInt32LE(34),
      bucketsOffset: raw.readUIntLE(38, 6),
      entriesOffset: raw.readUIntLE(44, 6),
      entriesLength: raw.readUInt32LE(50),
    };
    if (this.header.schemaVersion !== SCHEMA_VERSION) {
      throw new FormatError(
        `${file} has DB schema ${this.header.schemaVersion}, this Vigil reads schema ${SCHEMA_VERSION}`,
      );
    }
  }

  private read(position: number, length: number): Buffer {
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

  /** The references stored under one index key. */
  refs(key: string): RecordRef[] {
    const keyBytes = Buffer.from(key);
    const slot = hashKey(keyBytes) & (this.header.bucketCount - 1);
    const slotInfo = this.read(this.header.bucketsOffset + slot * 8, 8);
    const length = slotInfo.readUInt32LE(4);
    if (length === 0) return [];
    const bucket = this.read(this.header.entriesOffset + slotInfo.readUInt32LE(0), length);
    let p = 0;
    while (p < bucket.length) {
      const keyLength = bucket.readUInt16LE(p);
      const matches = keyLength === keyBytes.length && bucket.compare(keyBytes, 0, keyLength, p + 2, p + 2 + keyLength) === 0;
      p += 2 + keyLength;
      const count = bucket.readUInt32LE(p);
      p += 4;
      if (matches) {
        const refs: RecordRef[] = [];
        for (let i = 0; i < count; i++, p += REF_SIZE) {
          refs.push({ position: bucket.readUIntLE(p, 6), length: bucket.readUInt32LE(p + 6), flags: bucket[p + 10] });
        }
        return refs;
      }
      p += count * REF_SIZE;
    }
    return [];
  }

  payload(ref: RecordRef): RecordPayload {
    return decodePayload(this.read(ref.position, ref.length), ref.flags);
  }

  /** Every record's raw blob, in file order, read in chunks (used to build the next generation). */
  *frames(): Generator<{ blob: Uint8Array; flags: number }> {
    let position = this.header.recordsStart;
    while (position < this.header.recordsEnd) {
      const frame = this.read(position, FRAME_HEADER_SIZE);
      const length = frame.readUInt32LE(0);
      yield { blob: this.read(position + FRAME_HEADER_SIZE, length), flags: frame[4] };
      position += FRAME_HEADER_SIZE + length;
    }
  }

  close(): void {
    if (!this.closed) fs.closeSync(this.fd);
    this.closed = true;
  }
}
