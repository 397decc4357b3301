// Appending many small pieces to a file through one buffer, and reading them back by position:
// the writer of a generation, and the spill file where the builder keeps the records of the next
// generation until it is written, so that memory holds only their IDs, places and index keys.
import * as fs from 'fs';
import { tempPath } from './store';

const BUFFER_SIZE = 1 << 20;

export class FileAppender {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private buffered = 0;
  /** File position of the first buffered byte. */
  private flushedTo: number;

  constructor(readonly fd: number, start = 0) {
    this.flushedTo = start;
  }

  /** Where the next appended byte goes. */
  get position(): number {
    return this.flushedTo + this.buffered;
  }

  append(data: Uint8Array): void {
    if (this.buffered + data.length > BUFFER_SIZE) this.flush();
    if (data.length > BUFFER_SIZE) {
      this.writeOut(data);
      return;
    }
    this.buffer.set(data, this.buffered);
    this.buffered += data.length;
  }

  /** Appends `text` as UTF-8. */
  appendText(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (text.length * 3 > BUFFER_SIZE - this.buffered) {
      this.flush();
      if (text.length * 3 > BUFFER_SIZE) {
        this.writeOut(Buffer.from(text));
        return;
      }
    }
    this.buffered += this.buffer.write(text, this.buffered);
  }

  flush(): void {
    if (!this.buffered) return;
    this.writeOut(this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }

  /** Bytes appended before, at `position` (flushing them first if they are still buffered). */
  read(position: number, length: number): Buffer {
    if (position + length > this.flushedTo) this.flush();
    const data = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, data, done, length - done, position + done);
      if (n === 0) throw new Error(`${length} bytes at ${position} were never written`);
      done += n;
    }
    return data;
  }

  private writeOut(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += fs.writeSync(this.fd, data, done, data.length - done, this.flushedTo + done);
    this.flushedTo += data.length;
  }
}

/**
 * A temp file in the DB folder (`build.tmp-*`), removed by `remove()`; one left by a killed process
 * is removed with the other `*.tmp-*` leftovers by the next update.
 */
export class SpillFile extends FileAppender {
  private removed = false;

  private constructor(readonly file: string) {
    super(fs.openSync(file, 'wx+', 0o600));
  }

  static create(cacheDir: string): SpillFile {
    return new SpillFile(tempPath(cacheDir, 'build'));
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
  }
}
