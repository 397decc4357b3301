import assert from 'node:assert/strict';
import { base64Hashes, sriHashes } from './hashes';

describe('sriHashes', () => {
  it('turns npm integrity strings into hex digests', () => {
    const digest = Buffer.alloc(64, 0xab).toString('base64');
    assert.deepEqual(sriHashes(`sha512-${digest}`), [{ algorithm: 'SHA-512', value: 'ab'.repeat(64) }]);
    assert.deepEqual(sriHashes(`sha1-${Buffer.alloc(20, 1).toString('base64')} sha512-${digest}?opt`), [
      { algorithm: 'SHA-1', value: '01'.repeat(20) }, { algorithm: 'SHA-512', value: 'ab'.repeat(64) },
    ]);
  });

  it('decodes every byte of a digest, whatever its length and padding, as Node does', () => {
    const bytes = Buffer.from(Array.from({ length: 66 }, (_, i) => (i * 97 + 13) & 0xff));
    for (const [algorithm, length] of [['SHA-1', 20], ['SHA-256', 32], ['SHA-384', 48], ['SHA-512', 64]] as const) {
      for (let size = length - 2; size <= length + 2; size++) {
        const digest = bytes.subarray(0, size);
        const expected = size === length ? [{ algorithm, value: digest.toString('hex') }] : undefined;
        for (const text of [digest.toString('base64'), digest.toString('base64').replace(/=+$/, '')]) {
          assert.deepEqual(base64Hashes(algorithm, text), expected, `${algorithm} ${size} ${text}`);
          assert.deepEqual(sriHashes(`${algorithm.replace('-', '').toLowerCase()}-${text}`), expected, `${algorithm} ${size} ${text}`);
        }
      }
    }
    assert.equal(base64Hashes('SHA-512', `${bytes.subarray(0, 64).toString('base64').slice(0, 40)}!${'A'.repeat(45)}`), undefined);
  });

  it('gives nothing for what is not one', () => {
    for (const value of [undefined, 42, '', 'md5-abc', 'sha512-not base64!', 'sha512']) assert.equal(sriHashes(value), undefined, String(value));
  });
});
