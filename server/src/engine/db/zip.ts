// A small reader for ZIP archives such as OSV's all.zip, ZIP64 included (archives of more than
// 65,535 entries, such as npm's, must be ZIP64). It reads with positioned reads, so an archive on
// disk is never loaded whole, and walks the central directory itself so that one corrupt entry can
// be reported and skipped while the others are read. Entries are inflated with Node's zlib (deflate.ts).
// Why not yauzl: on a generated 65,000-entry npm-like archive it took 20-38 s to read every entry
// (8 s without inflating) where this reader takes 1.5-2.5 s: its per-entry streams cost ~300 µs.
import * as fs from 'fs';
import { inflateRaw } from './deflate';

export interface ZipEntry {
  name: string;
  /** The entry's bytes; throws when this entry is corrupt. */
  read(): Buffer;
}

/** Where the archive's bytes come from: a file read by position. */
interface ZipSource {
  size: number;
  /** Up to `length` bytes from `position` (fewer at the end). */
  read(position: number, length: number): Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
/** An OSV record is a few KiB; the biggest real ones stay well under 1 MiB. */
export const MAX_ENTRY_SIZE = 16 * 1024 * 1024;
/** The central directory is read in chunks of this size. */
const CHUNK = 256 * 1024;

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function fileSource(fd: number): ZipSource {
  return {
    size: fs.fstatSync(fd).size,
    read(position, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - position)));
      let done = 0;
      while (done < buffer.length) {
        const n = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return buffer.subarray(0, done);
    },
  };
}

/** A 64-bit little-endian number, refused past 2^53 (no real archive comes near). */
function readU64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('corrupt ZIP64 field (too large)');
  return Number(value);
}

interface Directory {
  count: number;
  offset: number;
  size: number;
}

/** Finds the end of central directory record, and the ZIP64 one it points to when there is one. */
function readDirectoryLocation(source: ZipSource): Directory {
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment.
  const tailStart = Math.max(0, source.size - 22 - 0xffff);
  const tail = source.read(tailStart, source.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive (no end of central directory)');
  const directory = { count: tail.readUInt16LE(eocd + 10), size: tail.readUInt32LE(eocd + 12), offset: tail.readUInt32LE(eocd + 16) };
  // A ZIP64 archive says so with a locator just before the record, and may then put 0xFFFF... in these fields.
  const locatorAt = eocd - 20;
  if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR_SIGNATURE) return directory;
  const zip64At = readU64(tail, locatorAt + 8);
  const zip64 = source.read(zip64At, 56);
  if (zip64.length < 56 || zip64.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new Error('corrupt ZIP64 end of central directory');
  return { count: readU64(zip64, 32), size: readU64(zip64, 40), offset: readU64(zip64, 48) };
}

/** One central directory record, as far as reading the entry needs. */
interface CentralRecord {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Walks the central directory, `count` records from `offset`, checking that they fill exactly `size` bytes. */
function* centralRecords(source: ZipSource, { count, offset, size }: Directory): Generator<CentralRecord> {
  const end = offset + size;
  if (end > source.size) throw new Error('corrupt ZIP central directory (runs past the end of the archive)');
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = offset;
  let pos = offset;
  /** The bytes [pos, pos + length) of the directory, read in chunks. */
  const bytes = (length: number): Buffer => {
    if (pos + length > end) throw new Error(`corrupt ZIP central directory (it lists ${count} entries and ends before them)`);
    if (pos + length > chunkStart + chunk.length) {
      chunkStart = pos;
      chunk = source.read(pos, Math.min(end - pos, Math.max(CHUNK, length)));
    }
    return chunk.subarray(pos - chunkStart, pos - chunkStart + length);
  };
  for (let i = 0; i < count; i++) {
    const header = bytes(46);
    if (header.readUInt32LE(0) !== CENTRAL_SIGNATURE) throw new Error(`corrupt ZIP central directory at entry ${i}`);
    const nameLength = header.readUInt16LE(28);
    const extraLength = header.readUInt16LE(30);
    const commentLength = header.readUInt16LE(32);
    const record: CentralRecord = {
      name: '',
      method: header.readUInt16LE(10),
      crc: header.readUInt32LE(16),
      compressedSize: header.readUInt32LE(20),
      size: header.readUInt32LE(24),
      localOffset: header.readUInt32LE(42),
    };
    pos += 46;
    record.name = bytes(nameLength).toString('utf8');
    pos += nameLength;
    applyZip64Extra(record, bytes(extraLength));
    pos += extraLength + commentLength;
    yield record;
  }
  if (pos !== end) throw new Error(`corrupt ZIP central directory (it lists ${count} entries, but holds more)`);
}

/** Fields set to 0xFFFFFFFF are in the ZIP64 extra field, in this order. */
function applyZip64Extra(record: CentralRecord, extra: Buffer): void {
  const wanted = (['size', 'compressedSize', 'localOffset'] as const).filter((field) => record[field] === 0xffffffff);
  if (!wanted.length) return;
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      if (length < wanted.length * 8 || at + 4 + length > extra.length) throw new Error('corrupt ZIP64 extra field');
      wanted.forEach((field, i) => (record[field] = readU64(extra, at + 4 + i * 8)));
      return;
    }
    at += 4 + length;
  }
  throw new Error('corrupt ZIP central directory (a ZIP64 size without its extra field)');
}

function readEntry(source: ZipSource, { method, crc, compressedSize, size, localOffset }: CentralRecord): Buffer {
  if (size > MAX_ENTRY_SIZE || compressedSize > MAX_ENTRY_SIZE) {
    throw new Error(`entry of ${Math.max(size, compressedSize)} bytes is larger than any advisory could be`);
  }
  const local = source.read(localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error('bad local header');
  const start = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const raw = source.read(start, compressedSize);
  if (raw.length !== compressedSize) throw new Error('entry runs past the end of the archive');
  let data: Buffer;
  if (method === 0) data = raw;
  // The declared size bounds the inflation, so a hostile archive cannot expand past it.
  else if (method === 8) data = inflateRaw(raw, size, size);
  else throw new Error(`unsupported compression method ${method}`);
  if (data.length !== size || crc32(data) !== crc) throw new Error('CRC mismatch');
  return data;
}

/**
 * An archive whose central directory was checked whole: it holds exactly the number of entries
 * its end record (or ZIP64 end record) says, so no entry can go missing unnoticed.
 */
export class ZipArchive {
  private readonly directory: Directory;

  private constructor(private readonly source: ZipSource, private readonly fd: number) {
    this.directory = readDirectoryLocation(source);
    for (const _ of centralRecords(source, this.directory)) {
      // Walked once up front: a directory that disagrees with its count fails before any entry is used.
    }
  }

  /** Opens an archive on disk; it is read by position, never whole. Throws when its directory is unreadable. */
  static open(file: string): ZipArchive {
    const fd = fs.openSync(file, 'r');
    try {
      return new ZipArchive(fileSource(fd), fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** Every entry of the central directory, folders included. */
  get entryCount(): number {
    return this.directory.count;
  }

  /** The files of the archive (folders left out), in directory order, read one by one. */
  *entries(): Generator<ZipEntry> {
    for (const record of centralRecords(this.source, this.directory)) {
      if (record.name.endsWith('/')) continue;
      yield { name: record.name, read: () => readEntry(this.source, record) };
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
