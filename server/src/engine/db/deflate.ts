// Raw deflate and inflate of many small buffers, each a complete stream of its own, with one zlib
// stream per direction that is reset between buffers. Node's one-shot functions (deflateRawSync...)
// build a stream object and zlib's state on every call, which costs more than the work on a record
// of a few KiB: an import spent about a quarter of its time there. Node has no public way to reuse a
// stream synchronously, so this drives the stream's native handle as Node's own one-shot path does
// (lib/zlib.js, processChunkSync: handle.writeSync into a given output, the stream's _writeState).
import * as zlib from 'zlib';

/** The native zlib handle under a zlib stream, as lib/zlib.js uses it. */
interface NativeZlib {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

class ReusedStream {
  private readonly handle: NativeZlib;
  /** After each write: [output bytes left, input bytes left]. */
  private readonly state: Uint32Array;
  private error?: string;

  constructor(stream: zlib.DeflateRaw | zlib.InflateRaw) {
    const internals = stream as unknown as { _handle?: NativeZlib; _writeState?: Uint32Array };
    if (!internals._handle || !(internals._writeState instanceof Uint32Array) || typeof internals._handle.writeSync !== 'function') {
      throw new Error(`this Node.js (${process.version}) has no zlib handle as lib/zlib.js had one up to now`);
    }
    this.handle = internals._handle;
    this.state = internals._writeState;
    // Called from within writeSync on a zlib error; the stream's own handler would destroy it.
    this.handle.onerror = (message) => (this.error = message);
  }

  /**
   * Runs all of `input` through a fresh stream (Z_FINISH), growing the output up to `limit` bytes.
   * Returns the output, or throws on a zlib error or when the output would pass `limit`.
   */
  run(input: Uint8Array, firstSize: number, limit: number): Buffer {
    this.handle.reset();
    this.error = undefined;
    // One byte more than the limit: a full buffer then means the output did not fit.
    let output = Buffer.allocUnsafe(Math.min(firstSize, limit + 1));
    let written = 0;
    let consumed = 0;
    for (;;) {
      this.handle.writeSync(zlib.constants.Z_FINISH, input, consumed, input.length - consumed, output, written, output.length - written);
      if (this.error !== undefined) throw new Error(this.error);
      written = output.length - this.state[0];
      consumed = input.length - this.state[1];
      if (written < output.length) return output.subarray(0, written);
      if (output.length > limit) throw new Error(`its data is larger than ${limit} bytes`);
      const grown = Buffer.allocUnsafe(Math.min(output.length * 2, limit + 1));
      output.copy(grown, 0, 0, written);
      output = grown;
    }
  }
}

let deflater: ReusedStream | undefined;
let inflater: ReusedStream | undefined;

/** `data` raw-deflated at level 1, as deflateRawSync(data, { level: 1 }). */
export function deflateRaw(data: Uint8Array): Buffer {
  deflater ??= new ReusedStream(zlib.createDeflateRaw({ level: 1 }));
  // Raw deflate grows incompressible data by a few bytes per 16 KiB block at most.
  return deflater.run(data, data.length + (data.length >> 10) + 64, Number.MAX_SAFE_INTEGER);
}

/** Raw-deflated `data` inflated; throws when it is corrupt or inflates past `limit` bytes. */
export function inflateRaw(data: Uint8Array, limit: number, expectedSize = data.length * 4 + 1024): Buffer {
  inflater ??= new ReusedStream(zlib.createInflateRaw());
  return inflater.run(data, expectedSize + 1, limit);
}
