// The keyword matcher against a plain search: every occurrence of every keyword, case-insensitive,
// overlapping ones too, in texts and in bytes, including at the seams between the quarters that the
// byte search runs side by side.
import assert from 'node:assert/strict';
import { seededRandom } from '../../../../bench/stats';
import { KeywordMatcher, type KeywordHits } from './keywords';

/** Every occurrence, as `start:keyword`, found by indexOf on the lowercased text. */
function plainSearch(keywords: readonly string[], text: string): Set<string> {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  keywords.forEach((keyword, index) => {
    for (let at = lower.indexOf(keyword.toLowerCase()); at !== -1; at = lower.indexOf(keyword.toLowerCase(), at + 1)) found.add(`${at}:${index}`);
  });
  return found;
}

const asSet = (hits: KeywordHits) => new Set(hits.starts.map((start, i) => `${start}:${hits.keywords[i]}`));

/** Hits in the order the matcher promises: by where each ends. */
function endsInOrder(keywords: readonly string[], hits: KeywordHits): boolean {
  const ends = hits.starts.map((start, i) => start + keywords[hits.keywords[i]].length);
  return ends.every((end, i) => i === 0 || ends[i - 1] <= end);
}

describe('keyword matcher', () => {
  const keywords = ['key', 'AccountKey', 'sk', 'ghp_', '-----', 'eyJrIjoi', 'sk_live_', 'k'];
  const matcher = new KeywordMatcher(keywords);

  it('finds every occurrence, overlapping ones and any case, in text and in bytes', () => {
    const text = 'x AccountKEY=1 sK_LiVe_ ghp_ ------ eyjrijoi key';
    assert.deepEqual(asSet(matcher.find(text)), plainSearch(keywords, text));
    assert.deepEqual(asSet(matcher.findInBytes(Buffer.from(text))), plainSearch(keywords, text));
  });

  it('finds in bytes what a plain search finds, at the seams between quarters and across them, for many lengths', () => {
    const random = seededRandom(11);
    const alphabet = 'aceghijkloprsuyKSEY_-= \n\u00e9';
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(random() * 3000);
      let text = '';
      while (text.length < length) {
        text += random() < 0.08 ? keywords[Math.floor(random() * keywords.length)] : alphabet[Math.floor(random() * alphabet.length)];
      }
      // A keyword across each quarter's start.
      const bytes = Buffer.from(text, 'latin1');
      for (const seam of [1, 2, 3].map(k => Math.floor((bytes.length * k) / 4))) {
        bytes.write('accountkey'.slice(0, Math.max(0, bytes.length - seam + 5)), Math.max(0, seam - 5), 'latin1');
      }
      const written = bytes.toString('latin1');
      const hits = matcher.findInBytes(bytes);
      assert.deepEqual(asSet(hits), plainSearch(keywords, written), `round ${round}, ${bytes.length} bytes`);
      assert.ok(endsInOrder(keywords, hits), `round ${round}: hits out of order`);
    }
  });
});
