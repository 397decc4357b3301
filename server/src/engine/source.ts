// The one read-only view of files that the walker and the analyzers read through. Paths are
// relative to the source's root, with forward slashes ('' is the root itself). Implementations:
// a folder on disk, the editor's open buffers over a folder, and later an image's merged layers.
// Text is decoded here and nowhere else.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from './text';

export type EntryKind = 'file' | 'directory' | 'other';

export interface SourceEntry {
  name: string;
  kind: EntryKind;
  /** Bytes, for files. */
  size?: number;
  /**
   * For links: the root-relative path of what the link points at, so that each directory is read
   * once however many links lead to it.
   */
  identity?: string;
  /** A symbolic link: followed inside the root; `outside` ones are reported and never read. */
  link?: 'inside' | 'outside';
}

export interface FileSource {
  /** What the root is, for messages (a folder's path). */
  readonly root: string;
  /** The entries of a folder, in no particular order. Throws when the folder cannot be read. */
  list(dir: string): Promise<SourceEntry[]>;
  /** The kind and size of a path, or undefined when nothing readable is there. */
  stat(file: string): Promise<{ kind: EntryKind; size: number } | undefined>;
  /** Throws a FileTooLargeError, without reading it all, for a file over `maxBytes`. */
  readBytes(file: string, maxBytes?: number): Promise<Uint8Array>;
  /** The decoded text (see decodeText). Throws on binary content, and as readBytes does on size. */
  readText(file: string, maxBytes?: number): Promise<string>;
  /**
   * The file read once for analyzers of its bytes and of its text alike: each is what readBytes
   * and readText give, made from the other on first use. Throws as readBytes does.
   */
  readFile(file: string, maxBytes?: number): Promise<FileContent>;
}

/** One read of a file, as bytes and as text. */
export interface FileContent {
  bytes(): Uint8Array;
  /** Throws a BinaryContentError on binary content, as readText does. */
  text(): string;
}

/** Bytes read from disk; their text decoded once, when first asked for. */
function contentOfBytes(bytes: Uint8Array): FileContent {
  let text: string | undefined;
  return { bytes: () => bytes, text: () => (text ??= decodeText(bytes)) };
}

/** Text held in memory; its UTF-8 bytes made once, when first asked for. */
function contentOfText(text: string): FileContent {
  let bytes: Uint8Array | undefined;
  return { bytes: () => (bytes ??= Buffer.from(text, 'utf8')), text: () => text };
}

/** A file over the size a reader would take: not read. */
export class FileTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`larger than the ${maxBytes / 2 ** 20} MiB limit for one file: not analyzed`);
  }
}

/** Refuses text held in memory that is over `maxBytes` as UTF-8, as a disk read would. */
function checkSize(text: string, maxBytes: number | undefined): string {
  if (maxBytes !== undefined && text.length > maxBytes / 3 && Buffer.byteLength(text) > maxBytes) throw new FileTooLargeError(maxBytes);
  return text;
}

/** The path of `name` in the folder that holds `file`. */
export function siblingPath(file: string, name: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? name : `${file.slice(0, slash + 1)}${name}`;
}

/**
 * The root-relative path that `relative` names from the folder of `file` (`../pom.xml`,
 * `parent/pom.xml`), or undefined when it leaves the root or is absolute.
 */
export function resolveRelative(file: string, relative: string): string | undefined {
  if (relative.startsWith('/') || /^[A-Za-z]:/.test(relative)) return undefined;
  const segments = file.split('/').slice(0, -1);
  for (const segment of relative.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return segments.length === 0 ? undefined : segments.join('/');
}

/** The last segment of a root-relative path. */
export function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/** A folder on disk. Reads never leave it: a path whose real location is outside is refused. */
export class DiskSource implements FileSource {
  readonly root: string;
  private realRoot: string | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private absolute(file: string): string {
    return file === '' ? this.root : path.join(this.root, ...file.split('/'));
  }

  private async rootReal(): Promise<string> {
    return (this.realRoot ??= await fs.realpath(this.root));
  }

  private inside(real: string, realRoot: string): boolean {
    return real === realRoot || real.startsWith(realRoot + path.sep);
  }

  async list(dir: string): Promise<SourceEntry[]> {
    const absoluteDir = this.absolute(dir);
    const realRoot = await this.rootReal();
    const entries: SourceEntry[] = [];
    for (const dirent of await fs.readdir(absoluteDir, { withFileTypes: true })) {
      const absolute = path.join(absoluteDir, dirent.name);
      if (!dirent.isSymbolicLink()) {
        entries.push({ name: dirent.name, kind: dirent.isDirectory() ? 'directory' : dirent.isFile() ? 'file' : 'other' });
        continue;
      }
      let real: string;
      try {
        real = await fs.realpath(absolute);
      } catch {
        continue; // a dangling link, or a loop the OS refuses to resolve
      }
      if (!this.inside(real, realRoot)) {
        entries.push({ name: dirent.name, kind: 'other', link: 'outside' });
        continue;
      }
      const stat = await fs.stat(real).catch(() => undefined);
      if (!stat) continue;
      entries.push({
        name: dirent.name, kind: stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other',
        size: stat.size, identity: path.relative(realRoot, real).split(path.sep).join('/'), link: 'inside',
      });
    }
    return entries;
  }

  async stat(file: string): Promise<{ kind: EntryKind; size: number } | undefined> {
    const real = await this.realInside(file).catch(() => undefined);
    const stat = real && await fs.stat(real).catch(() => undefined);
    if (!stat) return undefined;
    return { kind: stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other', size: stat.size };
  }

  async readBytes(file: string, maxBytes?: number): Promise<Uint8Array> {
    const real = await this.realInside(file);
    // Opened before checked, so a FIFO cannot block and a device cannot be read without end.
    const handle = await fs.open(real, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('not a regular file');
      if (maxBytes !== undefined && stat.size > maxBytes) throw new FileTooLargeError(maxBytes);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readText(file: string, maxBytes?: number): Promise<string> {
    return decodeText(await this.readBytes(file, maxBytes));
  }

  async readFile(file: string, maxBytes?: number): Promise<FileContent> {
    return contentOfBytes(await this.readBytes(file, maxBytes));
  }

  /** The real path of a file, refusing one whose real location is outside the root. */
  private async realInside(file: string): Promise<string> {
    const real = await fs.realpath(this.absolute(file));
    if (!this.inside(real, await this.rootReal())) throw new Error('a symlink that leaves the scan root: not read');
    return real;
  }
}

/** Text that replaces what a base source holds, as an editor's unsaved buffers replace the disk. */
export class OverlaySource implements FileSource {
  constructor(
    private readonly base: FileSource,
    /** The overlaid text of a root-relative path, or undefined to read the base. */
    private readonly overlay: (file: string) => string | undefined,
  ) {}

  get root(): string {
    return this.base.root;
  }

  list(dir: string): Promise<SourceEntry[]> {
    return this.base.list(dir);
  }

  async stat(file: string): Promise<{ kind: EntryKind; size: number } | undefined> {
    const text = this.overlay(file);
    return text === undefined ? this.base.stat(file) : { kind: 'file', size: Buffer.byteLength(text) };
  }

  async readBytes(file: string, maxBytes?: number): Promise<Uint8Array> {
    const text = this.overlay(file);
    return text === undefined ? this.base.readBytes(file, maxBytes) : Buffer.from(checkSize(text, maxBytes), 'utf8');
  }

  async readText(file: string, maxBytes?: number): Promise<string> {
    const text = this.overlay(file);
    return text === undefined ? this.base.readText(file, maxBytes) : checkSize(text, maxBytes);
  }

  async readFile(file: string, maxBytes?: number): Promise<FileContent> {
    const text = this.overlay(file);
    return text === undefined ? this.base.readFile(file, maxBytes) : contentOfText(checkSize(text, maxBytes));
  }
}

/** Files held in memory, by root-relative path: tests, and scan requests that carry their files. */
export class MemorySource implements FileSource {
  private readonly files: Map<string, string>;

  constructor(files: Record<string, string>, readonly root = '.') {
    this.files = new Map(Object.entries(files));
  }

  async list(dir: string): Promise<SourceEntry[]> {
    const prefix = dir === '' ? '' : `${dir}/`;
    const entries = new Map<string, SourceEntry>();
    for (const [file, text] of this.files) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) entries.set(rest, { name: rest, kind: 'file', size: Buffer.byteLength(text) });
      else entries.set(rest.slice(0, slash), { name: rest.slice(0, slash), kind: 'directory' });
    }
    if (entries.size === 0 && dir !== '') throw new Error(`no folder ${dir}`);
    return [...entries.values()];
  }

  async stat(file: string): Promise<{ kind: EntryKind; size: number } | undefined> {
    const text = this.files.get(file);
    if (text !== undefined) return { kind: 'file', size: Buffer.byteLength(text) };
    // A folder is there when a file is in it, as on disk.
    const prefix = `${file}/`;
    return [...this.files.keys()].some(path => path.startsWith(prefix)) ? { kind: 'directory', size: 0 } : undefined;
  }

  async readBytes(file: string, maxBytes?: number): Promise<Uint8Array> {
    return Buffer.from(await this.readText(file, maxBytes), 'utf8');
  }

  async readText(file: string, maxBytes?: number): Promise<string> {
    const text = this.files.get(file);
    if (text === undefined) throw new Error(`no file ${file}`);
    return checkSize(text, maxBytes);
  }

  async readFile(file: string, maxBytes?: number): Promise<FileContent> {
    return contentOfText(await this.readText(file, maxBytes));
  }
}
