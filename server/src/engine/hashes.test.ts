import assert from 'node:assert/strict';
import { sriHashes } from './hashes';

describe('sriHashes', () => {
  it('turns npm integrity strings into hex digests', () => {
    const digest = Buffer.alloc(64, 0xab).toString('base64');
    assert.deepEqual(sriHashes(`sha512-${digest}`), [{ algorithm: 'SHA-512', value: 'ab'.repeat(64) }]);
    assert.deepEqual(sriHashes(`sha1-${Buffer.alloc(20, 1).toString('base64')} sha512-${digest}?opt`), [
      { algorithm: 'SHA-1', value: '01'.repeat(20) }, { algorithm: 'SHA-512', value: 'ab'.repeat(64) },
    ]);
  });

  it('gives nothing for what is not one', () => {
    for (const value of [undefined, 42, '', 'md5-abc', 'sha512-not base64!', 'sha512']) assert.equal(sriHashes(value), undefined, String(value));
  });
});
