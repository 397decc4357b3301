// The on-disk generation file (see FORMAT.md). One file holds one complete, immutable DB.
// Readers keep an fd and read the parts they need with positioned reads; nothing is loaded whole.
import * as fs from 'fs';
import { deflateRawSync, inflateRawSync } from 'zlib';

export const SCHEMA_VERSION = 2;
export const MAGIC = 'VIGILDB\n';
const FIXED_HEADER_SIZE = 128;
/** u32 matchLength, u8 flags, u48 detailsPosition, u32 detailsLength. */
const FRAME_HEADER_SIZE = 15;
/** A reference to a record's frame: 6-byte position, 4-byte length (header + match part), 1 flag byte. */
const REF_SIZE = 11;
export const FLAG_WITHDRAWN = 1;
/** The record's details part is raw-deflated JSON (else plain UTF-8 JSON). */
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
}

/**
 * The OSV fields kept in a record's match part: what matching, merging and indexing need. The other
 * fields (summary, details, references...) go to the details part, read only when someone asks.
 */
const MATCH_FIELDS = new Set(['schema_version', 'id', 'modified', 'published', 'withdrawn', 'aliases', 'affected']);

/** The part of a record a lookup parses. `detailKeys` names the OSV fields stored in the details part. */
export interface MatchPart extends Omit<RecordPayload, 'osv'> {
  osv: import('../osv').OsvRecord;
  detailKeys: string[];
}

/** A record ready to be written: its two parts and the index keys that point at it. */
export interface PreparedRecord {
  id: string;
  modified: string;
  source: string;
  withdrawn: boolean;
  /** The details part is deflated. */
  deflated: boolean;
  /** Package keys, see packageKey(). */
  keys: string[];
  /** UTF-8 JSON of the MatchPart. */
  match: Uint8Array;
  /** UTF-8 JSON (deflated when `deflated`) of the other OSV fields. */
  details: Uint8Array;
}

export function packageKey(ecosystem: string, normalizedName: string): string {
  return `p\0${ecosystem}\0${normalizedName}`;
}
export function idKey(id: string): string {
  return `i\0${id}`;
}

/**
 * Details parts at least this long are deflated. Details are read only for findings and `get`, so
 * the zlib call rarely matters; match parts are never deflated (lookups parse them).
 */
export const DEFLATE_ABOVE = 8192;

export function encodeRecord(payload: RecordPayload): { match: Uint8Array; details: Uint8Array; deflated: boolean } {
  const matchOsv: Record<string, unknown> = {};
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload.osv)) {
    if (MATCH_FIELDS.has(key)) matchOsv[key] = value;
    else details[key] = value;
  }
  const part: MatchPart = { ...payload, osv: matchOsv as unknown as MatchPart['osv'], detailKeys: Object.keys(details) };
  const json = Buffer.from(JSON.stringify(details));
  const deflated = json.length >= DEFLATE_ABOVE;
  return { match: Buffer.from(JSON.stringify(part)), details: deflated ? deflateRawSync(json, { level: 1 }) : json, deflated };
}

export function decodeMatch(bytes: Uint8Array): MatchPart {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
}

export function decodeDetails(bytes: Uint8Array, flags: number): Record<string, unknown> {
  const json = flags & FLAG_DEFLATED ? inflateRawSync(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return JSON.parse(json.toString('utf8'));
}

/** FNV-1a over the key's UTF-8 bytes. */
function hashKey(key: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
  return h >>> 0;
}

/** Where a record's frame (header + match part) is. */
export interface RecordRef {
  position: number;
  length: number;
  flags: number;
}

/** A record's frame as read: its match part and where its details part is. */
export interface RecordFrame {
  match: Buffer;
  flags: number;
  detailsPosition: number;
  detailsLength: number;
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, position + done);
}

/** The key a record is filed under on disk, so that one package's records sit side by side. */
function primaryKey(record: PreparedRecord): string {
  let min = '';
  for (const key of record.keys) if (!min || key < min) min = key;
  return min;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Writes a complete generation to `file` (which must not exist) and fsyncs it.
 * Match parts are written grouped by package, then all details parts, then the index.
 */
export function writeGeneration(file: string, records: PreparedRecord[], metadata: DbMetadata): void {
  const filed = records.map((record) => ({ record, primary: primaryKey(record) }));
  filed.sort((a, b) => byString(a.primary, b.primary) || byString(a.record.id, b.record.id));
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    const refOf = new Map<PreparedRecord, RecordRef>();
    const matchEnd = filed.reduce((end, { record }) => end + FRAME_HEADER_SIZE + record.match.length, FIXED_HEADER_SIZE);
    let position = FIXED_HEADER_SIZE;
    let detailsPosition = matchEnd;
    const frameHeader = Buffer.alloc(FRAME_HEADER_SIZE);
    for (const { record } of filed) {
      const flags = (record.withdrawn ? FLAG_WITHDRAWN : 0) | (record.deflated ? FLAG_DEFLATED : 0);
      frameHeader.writeUInt32LE(record.match.length, 0);
      frameHeader.writeUInt8(flags, 4);
      frameHeader.writeUIntLE(detailsPosition, 5, 6);
      frameHeader.writeUInt32LE(record.details.length, 11);
      writeAll(fd, frameHeader, position);
      writeAll(fd, record.match, position + FRAME_HEADER_SIZE);
      writeAll(fd, record.details, detailsPosition);
      refOf.set(record, { position, length: FRAME_HEADER_SIZE + record.match.length, flags });
      position += FRAME_HEADER_SIZE + record.match.length;
      detailsPosition += record.details.length;
    }
    position = detailsPosition;

    // Refs are listed in ID order, whatever the file order, so lookups return records in ID order.
    const index = new Map<string, RecordRef[]>();
    const addRef = (key: string, ref: RecordRef) => {
      const refs = index.get(key);
      if (refs) refs.push(ref);
      else index.set(key, [ref]);
    };
    for (const record of [...records].sort((a, b) => byString(a.id, b.id))) {
      const ref = refOf.get(record)!;
      addRef(idKey(record.id), ref);
      for (const key of new Set(record.keys)) addRef(key, ref);
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
    header.writeUIntLE(matchEnd, 22, 6);
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

/** Refs closer than this are read with one call (the bytes between are read and dropped). */
const READ_GAP = 4096;
/** The most one coalesced read may cover. */
const READ_SPAN = 1 << 20;

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

  /** The references stored under one index key. */
  refs(key: string): RecordRef[] {
    const keyBytes = Buffer.from(key);
    const hash = hashKey(keyBytes);
    if (key.startsWith('p\0') && !this.hasPackageHash(hash)) return [];
    const slot = hash & (this.header.bucketCount - 1);
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

  /** The frames of `refs`, in the same order; refs that lie close together are read with one call. */
  frames(refs: RecordRef[]): RecordFrame[] {
    const order = refs.map((_, i) => i).sort((a, b) => refs[a].position - refs[b].position);
    const frames: RecordFrame[] = new Array(refs.length);
    for (let i = 0; i < order.length; ) {
      const start = refs[order[i]].position;
      let end = start + refs[order[i]].length;
      let j = i + 1;
      for (; j < order.length; j++) {
        const next = refs[order[j]];
        if (next.position > end + READ_GAP || next.position + next.length - start > READ_SPAN) break;
        end = Math.max(end, next.position + next.length);
      }
      const span = this.read(start, end - start);
      for (; i < j; i++) {
        const ref = refs[order[i]];
        frames[order[i]] = parseFrame(span.subarray(ref.position - start, ref.position - start + ref.length));
      }
    }
    return frames;
  }

  details(frame: RecordFrame): Record<string, unknown> {
    return decodeDetails(this.read(frame.detailsPosition, frame.detailsLength), frame.flags);
  }

  /** Every record's frame and details part, in file order (used to build the next generation). */
  *allRecords(): Generator<{ frame: RecordFrame; details: Buffer }> {
    let position = this.header.recordsStart;
    while (position < this.header.recordsEnd) {
      const length = FRAME_HEADER_SIZE + this.read(position, 4).readUInt32LE(0);
      const frame = parseFrame(this.read(position, length));
      yield { frame, details: this.read(frame.detailsPosition, frame.detailsLength) };
      position += length;
    }
  }

  close(): void {
    if (!this.closed) fs.closeSync(this.fd);
    this.closed = true;
  }
}

function parseFrame(bytes: Buffer): RecordFrame {
  return {
    match: bytes.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + bytes.readUInt32LE(0)),
    flags: bytes[4],
    detailsPosition: bytes.readUIntLE(5, 6),
    detailsLength: bytes.readUInt32LE(11),
  };
}
