import * as assert from 'assert';
import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { deflateRaw, inflateRaw } from './deflate';

describe('db/deflate: one reused zlib stream per direction', () => {
  const samples = [
    Buffer.alloc(0),
    Buffer.from('{"id":"GHSA-1"}'),
    Buffer.from(JSON.stringify({ details: 'x'.repeat(5000), list: Array.from({ length: 300 }, (_, i) => i) })),
    crypto.randomBytes(70_000), // incompressible, several deflate blocks
    Buffer.alloc(3 * 1024 * 1024, 'a'),
  ];

  it("gives zlib's one-shot results, call after call", () => {
    for (let round = 0; round < 2; round++) {
      for (const sample of samples) {
        const deflated = deflateRaw(sample);
        assert.deepStrictEqual(deflated, zlib.deflateRawSync(sample, { level: 1 }));
        assert.deepStrictEqual(inflateRaw(deflated, sample.length, sample.length), sample);
        // Output that outgrows its first guess.
        assert.deepStrictEqual(inflateRaw(deflated, sample.length, 1), sample);
        assert.deepStrictEqual(inflateRaw(deflated, 1 << 30), sample);
      }
    }
  });

  it('stops inflating at the limit, reports corrupt and truncated data, and works again after each', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    assert.throws(() => inflateRaw(bomb, 1000, 1000), /larger than 1000 bytes/);
    assert.throws(() => inflateRaw(bomb, 100_000), /larger than 100000 bytes/);
    assert.throws(() => inflateRaw(Buffer.from('not deflate data at all'), 1000), /invalid/);
    const record = deflateRaw(samples[2]);
    assert.throws(() => inflateRaw(record.subarray(0, record.length >> 1), 1 << 20), /unexpected end of file/);
    assert.deepStrictEqual(inflateRaw(record, 1 << 20), samples[2]);
  });
});
