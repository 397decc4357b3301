// What a generation file answers, as canonical text: every stored record (inflated), every index key
// and package list (frame positions replaced by the IDs they point at), the package-key hash set and
// the metadata without times and paths. Two DBs with the same dump give the same answers to every
// lookup and get(), whatever zlib's output or the order of the bytes. Read by the layout in
// server/src/engine/db/FORMAT.md, without the reader's code, so that a reader bug cannot hide.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { inflateRawSync } from 'zlib';

const u48 = (buffer: Buffer, at: number) => buffer.readUIntLE(at, 6);

export function dumpGeneration(file: string): string {
  const bytes = fs.readFileSync(file);
  const header = {
    recordsStart: u48(bytes, 16),
    recordsEnd: u48(bytes, 22),
    metaOffset: u48(bytes, 28),
    metaLength: bytes.readUInt32LE(34),
    bucketsOffset: u48(bytes, 38),
    entriesOffset: u48(bytes, 44),
    entriesLength: bytes.readUInt32LE(50),
    hashSetOffset: u48(bytes, 54),
    hashSetCount: bytes.readUInt32LE(60),
  };
  const lines: string[] = [`schema ${bytes.readUInt32LE(8)}`];

  const idAtFrame = new Map<number, string>();
  for (let position = header.recordsStart; position < header.recordsEnd; ) {
    const length = bytes.readUInt32LE(position);
    const flags = bytes[position + 4];
    const stored = bytes.subarray(position + 5, position + 5 + length);
    const json = (flags & 2 ? inflateRawSync(stored) : stored).toString('utf8');
    const id: string = JSON.parse(json).osv.id;
    idAtFrame.set(position, `${id} ${5 + length}`);
    lines.push(`record ${flags} ${json}`);
    position += 5 + length;
  }

  const keyLines: string[] = [];
  const entries = bytes.subarray(header.entriesOffset, header.entriesOffset + header.entriesLength);
  for (let p = 0; p < entries.length; ) {
    const keyLength = entries.readUInt16LE(p);
    const key = entries.toString('utf8', p + 2, p + 2 + keyLength);
    const position = u48(entries, p + 2 + keyLength);
    const length = entries.readUInt32LE(p + 2 + keyLength + 6);
    p += 2 + keyLength + 10;
    if (key.startsWith('i\0')) {
      keyLines.push(`id ${JSON.stringify(key)} -> ${idAtFrame.get(position)} (${length})`);
    } else {
      const list: unknown[][] = JSON.parse(bytes.toString('utf8', position, position + length));
      const named = list.map(([framePosition, frameLength, ...rest]) => [idAtFrame.get(framePosition as number), frameLength, ...rest]);
      keyLines.push(`package ${JSON.stringify(key)} ${JSON.stringify(named)}`);
    }
  }
  lines.push(...keyLines.sort());

  const hashes = bytes.subarray(header.hashSetOffset, header.hashSetOffset + header.hashSetCount * 4);
  lines.push(`hash set ${crypto.createHash('sha256').update(hashes).digest('hex')}`);

  const meta = JSON.parse(bytes.toString('utf8', header.metaOffset, header.metaOffset + header.metaLength));
  delete meta.builtAt;
  for (const source of meta.sources) {
    delete source.fetchedAt;
    delete source.location;
  }
  lines.push(`meta ${JSON.stringify(meta)}`);
  return lines.join('\n') + '\n';
}

/** The dump of the current generation of `cacheDir`, as a SHA-256. */
export function currentDigest(cacheDir: string): string {
  const pointer = JSON.parse(fs.readFileSync(path.join(cacheDir, 'db', 'current'), 'utf8'));
  return crypto.createHash('sha256').update(dumpGeneration(path.join(cacheDir, 'db', pointer.generation))).digest('hex');
}
