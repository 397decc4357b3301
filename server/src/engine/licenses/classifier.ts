// The license text classifier: which SPDX licenses a LICENSE/COPYING/NOTICE file (or a source
// file's header) holds, each with a confidence. A file below the threshold gets no license: it is
// reported as unknown, never guessed.
//
// How: texts are normalised to word tokens (lower case, punctuation, Markdown and comment markers
// dropped, "licence" read as "license", copyright lines left out), and compared as sets of word
// pairs (bigrams). A license is found when most of its bigrams occur in the file (containment).
// Licenses are picked greedily, best fit first, and a further license must explain text the ones
// already picked do not, so a file holding two licenses gets both, and a GPL text does not also
// count as the AGPL it resembles. A license whose own text names it repeatedly ("Mozilla Public
// License") is only found in a file that names it too, so a renamed derivative stays unknown.
// What no full text explains is searched for explicit statements ("licensed under the Apache
// License, Version 2.0", `SPDX-License-Identifier:`, license URLs), which are read as names.
//
// Every step is one pass over the file's tokens with bounded work per token (each bigram has at
// most one posting per license), so the time is linear in the file's size.
import { normalizeLicense } from './normalize';

export interface ReferenceText {
  id: string;
  /** The license's full name, e.g. "Mozilla Public License 2.0". */
  name: string;
  text: string;
}

export interface LicenseMatch {
  /** SPDX ID. */
  id: string;
  /** 0..1: the share of the license's text found (1 for an explicit identifier). */
  confidence: number;
  /** `text` (its full text), `reference` (named in a sentence or URL) or `tag` (SPDX-License-Identifier). */
  kind: 'text' | 'reference' | 'tag';
  /** Token span in the file: first and last offsets (for the location). */
  start: number;
  end: number;
}

/** A license counts as found when at least this share of its text occurs in the file. */
export const TEXT_THRESHOLD = 0.75;
/** A further license must bring at least this share of its own text that the ones found do not explain. */
const NEW_TEXT_SHARE = 0.5;
/** Statements read per file: a file repeating "licensed under" a million times costs no more. */
const MAX_STATEMENTS = 32;
/** The longest name a statement is read for, in words. */
const MAX_NAME_WORDS = 8;
/** Confidence given to a license named in a statement (no text to measure). */
export const STATEMENT_CONFIDENCE = 0.9;

/** Words read as the same word. */
const SYNONYMS: ReadonlyMap<string, string> = new Map([
  ['licence', 'license'], ['licences', 'licenses'], ['licenced', 'licensed'], ['licencing', 'licensing'],
  ['organisation', 'organization'], ['authorised', 'authorized'], ['favour', 'favor'],
]);

interface Tokens {
  /** Lower-cased words. */
  words: string[];
  /** Offsets of each word in the text. */
  starts: number[];
  ends: number[];
  /** Whether each word is on a copyright line: read for statements, left out of the comparison. */
  copyright: boolean[];
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code > 0x7f && code !== 0xa9 && code !== 0xfeff
    && !(code >= 0x2000 && code <= 0x206f) && code !== 0xa0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The words of a text, one pass. Words on lines that state a copyright ("Copyright (c) 2020 Jane")
 * are marked: they differ in every file. Single letters (list markers, "a)") are dropped; digits
 * are kept (version numbers).
 */
export function tokenize(text: string): Tokens {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const copyright: boolean[] = [];
  let i = 0;
  const n = text.length;
  let lineStart = true;
  let onCopyrightLine = false;
  while (i < n) {
    if (lineStart) {
      onCopyrightLine = isCopyrightLine(text, i);
      lineStart = false;
    }
    const code = text.charCodeAt(i);
    if (code === 10) {
      lineStart = true;
      i++;
      continue;
    }
    if (!isWordChar(code)) {
      if (code === 38) pushWord('and', i, i + 1); // &
      i++;
      continue;
    }
    const start = i;
    while (i < n && isWordChar(text.charCodeAt(i))) i++;
    const word = text.slice(start, i).toLowerCase();
    if (word.length === 1 && !isDigit(word.charCodeAt(0))) continue;
    pushWord(SYNONYMS.get(word) ?? word, start, i);
  }
  return { words, starts, ends, copyright };

  function pushWord(word: string, start: number, end: number) {
    words.push(word);
    starts.push(start);
    ends.push(end);
    copyright.push(onCopyrightLine);
  }
}

/** A line whose first word is "copyright" and that holds a year or a (c): a copyright statement. Looks at most 200 characters. */
function isCopyrightLine(text: string, lineStart: number): boolean {
  let i = lineStart;
  const limit = Math.min(text.length, lineStart + 200);
  while (i < limit && !isWordChar(text.charCodeAt(i)) && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 0xa9) i++;
  if (text.charCodeAt(i) === 0xa9) return true;
  if (text.slice(i, i + 9).toLowerCase() !== 'copyright') return false;
  for (let j = i + 9; j < limit && text.charCodeAt(j) !== 10; j++) {
    const code = text.charCodeAt(j);
    if (isDigit(code) || code === 0xa9 || code === 60 /* <year> */ || (code === 40 && (text[j + 1] === 'c' || text[j + 1] === 'C'))) return true;
  }
  return false;
}

interface IndexedLicense {
  id: string;
  /** Its distinct bigrams. */
  shingles: Set<number>;
  /** Words of its name that the file must hold too, when its text repeats them; else undefined. */
  requiredName?: string[];
  /** In Trivy's category lists: preferred over a rare variant that fits almost as well. */
  wellKnown: boolean;
}

/** Licenses whose whole text other SPDX texts append (checked by content, not assumed). */
const APPENDED_TEXTS = ['GPL-3.0-only', 'GPL-2.0-only'];
/**
 * A well-known license found at this share wins over rare variants that fit better (Trivy names a
 * text by the licenses its classifier knows: Apache-2.0 without its appendix is not Pixar's variant).
 */
const WELL_KNOWN_SHARE = 0.9;

/** Vocabulary ids fit 16 bits. */
const WORD_BITS = 65536;

/** The SPDX texts, indexed for matching. Built once (a few hundred milliseconds) and reused. */
export class LicenseIndex {
  private readonly vocabulary = new Map<string, number>();
  private readonly licenses: IndexedLicense[] = [];
  /** Bigram -> indexes of the licenses whose text holds it. */
  private readonly postings = new Map<number, number[]>();
  /** Words of license names and IDs: a statement's name must hold one ("licensed under the terms below" names none). */
  private readonly nameWords = new Set<string>();

  constructor(texts: readonly ReferenceText[], wellKnown: ReadonlySet<string> = new Set()) {
    const seen = new Set<string>();
    const ordered = [...texts].sort((a, b) => preference(a.id) - preference(b.id) || a.id.length - b.id.length || (a.id < b.id ? -1 : 1));
    for (const reference of ordered) {
      const tokens = tokenize(reference.text);
      const words = tokens.words.filter((_, k) => !tokens.copyright[k]);
      if (words.length < 4) continue;
      // Texts that are the same words (GFDL-1.3-only and its -invariants forms) are one license: the preferred ID.
      const fingerprint = words.join(' ');
      if (seen.has(fingerprint)) continue;
      seen.add(fingerprint);
      const ids = words.map(word => this.wordId(word));
      const shingles = new Set<number>();
      for (let k = 1; k < ids.length; k++) shingles.add(ids[k - 1] * WORD_BITS + ids[k]);
      for (const word of tokenize(`${reference.name} ${reference.id}`).words) if (!/^\d+$/.test(word)) this.nameWords.add(word);
      this.licenses.push({
        id: reference.id, shingles, requiredName: requiredName(reference.name, words), wellKnown: wellKnown.has(reference.id),
      });
    }
    this.dropAppendedTexts();
    this.licenses.forEach((license, index) => {
      for (const shingle of license.shingles) {
        let list = this.postings.get(shingle);
        if (!list) this.postings.set(shingle, (list = []));
        list.push(index);
      }
    });
  }

  /**
   * Some SPDX texts append another license whole (LGPL-3.0's text ends with the GPL-3.0 it
   * amends), which a file holding only the first part would never reach. Such a license is
   * matched on its own part: its bigrams less those of the license it appends.
   */
  private dropAppendedTexts(): void {
    const byId = new Map(this.licenses.map(license => [license.id, license]));
    for (const appendedId of APPENDED_TEXTS) {
      const appended = byId.get(appendedId);
      if (!appended) continue;
      for (const license of this.licenses) {
        if (license === appended || license.shingles.size <= appended.shingles.size) continue;
        let shared = 0;
        for (const shingle of appended.shingles) if (license.shingles.has(shingle)) shared++;
        // Whole: a license that only resembles it (the AGPL rewords the GPL throughout) shares far less.
        if (shared < 0.97 * appended.shingles.size) continue;
        for (const shingle of appended.shingles) license.shingles.delete(shingle);
      }
    }
  }

  get size(): number {
    return this.licenses.length;
  }

  private wordId(word: string): number {
    let id = this.vocabulary.get(word);
    if (id === undefined) {
      id = this.vocabulary.size;
      if (id >= WORD_BITS - 1) throw new Error('license vocabulary too large');
      this.vocabulary.set(word, id);
    }
    return id;
  }

  /** Every license the text holds, best first, with the statements found in what they leave unexplained. */
  classify(text: string): LicenseMatch[] {
    const tokens = tokenize(text);
    const keys = new Array<number>(tokens.words.length);
    const docShingles = new Set<number>();
    let previous = -1;
    for (let k = 0; k < tokens.words.length; k++) {
      if (tokens.copyright[k]) {
        keys[k] = -1;
        continue;
      }
      const id = this.vocabulary.get(tokens.words[k]) ?? -1;
      keys[k] = previous >= 0 && id >= 0 ? previous * WORD_BITS + id : -1;
      if (keys[k] >= 0) docShingles.add(keys[k]);
      previous = id;
    }
    const counts = new Int32Array(this.licenses.length);
    for (const shingle of docShingles) {
      const postings = this.postings.get(shingle);
      if (postings) for (let p = 0; p < postings.length; p++) counts[postings[p]]++;
    }
    const words = new Set(tokens.words);
    const candidates: number[] = [];
    counts.forEach((count, license) => {
      const { shingles, requiredName } = this.licenses[license];
      if (count >= TEXT_THRESHOLD * shingles.size && (requiredName?.every(word => words.has(word)) ?? true)) candidates.push(license);
    });

    const matches: LicenseMatch[] = [];
    const explained = new Set<number>();
    const remaining = new Set(candidates);
    while (remaining.size > 0) {
      let best = -1;
      let bestTier = -1;
      let bestScore = -Infinity;
      let bestNew = 0;
      for (const license of remaining) {
        const { shingles, wellKnown } = this.licenses[license];
        let found = 0;
        let fresh = 0;
        for (const shingle of shingles) {
          if (!docShingles.has(shingle)) continue;
          found++;
          if (!explained.has(shingle)) fresh++;
        }
        const tier = wellKnown && found >= WELL_KNOWN_SHARE * shingles.size ? 1 : 0;
        // The best fit: most of the file's new text explained, least of the license's text missing.
        const score = 2 * fresh - shingles.size - (found - fresh);
        if (tier > bestTier || (tier === bestTier && (score > bestScore || (score === bestScore && license < best)))) {
          best = license;
          bestTier = tier;
          bestScore = score;
          bestNew = fresh;
        }
      }
      remaining.delete(best);
      const license = this.licenses[best];
      if (matches.length > 0 && bestNew / license.shingles.size < NEW_TEXT_SHARE) continue;
      let found = 0;
      for (const shingle of license.shingles) if (docShingles.has(shingle)) found++;
      for (const shingle of license.shingles) if (docShingles.has(shingle)) explained.add(shingle);
      const span = spanOf(keys, tokens, license.shingles);
      matches.push({ id: license.id, confidence: round(found / license.shingles.size), kind: 'text', ...span });
    }
    for (const statement of statements(text, tokens, keys, explained, matches.length > 0, this.nameWords)) {
      if (!matches.some(match => match.id === statement.id)) matches.push(statement);
    }
    return matches;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Where a license's bigrams occur in the file: the first and last offsets. */
function spanOf(keys: number[], tokens: Tokens, shingles: Set<number>): { start: number; end: number } {
  let first = -1;
  let last = -1;
  for (let k = 0; k < keys.length; k++) {
    if (keys[k] < 0 || !shingles.has(keys[k])) continue;
    if (first < 0) first = k - 1;
    last = k;
  }
  return { start: tokens.starts[Math.max(first, 0)] ?? 0, end: tokens.ends[Math.max(last, 0)] ?? 0 };
}

/** `-or-later` forms lose to the plain and `-only` ones when texts are the same. */
function preference(id: string): number {
  if (id.endsWith('-only')) return 0;
  if (id.endsWith('-or-later') || id.endsWith('+')) return 2;
  return 1;
}

const NAME_NOISE = new Set(['only', 'or', 'later', 'version', 'the', 'license', 'international', 'generic', 'unported']);

/** The distinctive words of a license's name, when its text repeats the name: a file must hold them to be that license. */
function requiredName(name: string, words: readonly string[]): string[] | undefined {
  const nameWords = tokenize(name).words.filter(word => !NAME_NOISE.has(word) && !/\d/.test(word) && !/^v\d/.test(word));
  if (nameWords.length === 0) return undefined;
  // The name's words in a row, at least twice.
  let occurrences = 0;
  for (let k = 0; k + nameWords.length <= words.length && occurrences < 2; k++) {
    let all = true;
    for (let j = 0; j < nameWords.length && all; j++) all = words[k + j] === nameWords[j];
    if (all) occurrences++;
  }
  return occurrences >= 2 ? nameWords : undefined;
}

/** A run of this many bigrams of a found license's text is that text, not a statement about a license. */
const MIN_TEXT_RUN = 10;

/** For each word: whether it lies in a long run of bigrams of the licenses found (copyright lines neither count nor break a run). */
function explainedRuns(keys: readonly number[], explained: ReadonlySet<number>, copyright: readonly boolean[]): boolean[] {
  const inText = new Array<boolean>(keys.length).fill(false);
  let runStart = 0;
  let runLength = 0;
  for (let k = 0; k <= keys.length; k++) {
    if (k < keys.length && copyright[k]) continue;
    if (k < keys.length && keys[k] >= 0 && explained.has(keys[k])) {
      runLength++;
      continue;
    }
    // Words runStart-1 .. k-1 are joined by explained bigrams.
    if (runLength >= MIN_TEXT_RUN) inText.fill(true, Math.max(runStart - 1, 0), k);
    runStart = k + 1;
    runLength = 0;
  }
  return inText;
}

/** Words after which a license is named ("licensed under the ..."). */
const STATEMENT_VERBS = new Set(['licensed', 'released', 'distributed', 'available', 'covered', 'provided']);
/** Words skipped between the statement and the name. */
const FILLER = new Set(['under', 'the', 'terms', 'of', 'and', 'conditions', 'a', 'an', 'this', 'is', 'are', 'by']);

/** License URLs and the IDs they name, by the URL's words. */
function urlLicense(words: readonly string[], k: number): { id: string; length: number } | undefined {
  const at = (offset: number) => words[k + offset] ?? '';
  if (at(0) === 'creativecommons' && at(1) === 'org') {
    if (at(2) === 'publicdomain' && at(3) === 'zero') return { id: `CC0-${at(4)}.${at(5)}`, length: 6 };
    if (at(2) !== 'licenses') return undefined;
    const parts: string[] = [];
    let j = 3;
    while (j < 7 && /^(by|nc|nd|sa)$/.test(at(j))) parts.push(at(j++).toUpperCase());
    if (!parts.length || !/^\d$/.test(at(j)) || !/^\d$/.test(at(j + 1))) return undefined;
    return { id: `CC-${parts.join('-')}-${at(j)}.${at(j + 1)}`, length: j + 2 };
  }
  if (at(0) === 'apache' && at(1) === 'org' && at(2) === 'licenses' && at(3) === 'license' && at(4) === '2' && at(5) === '0') return { id: 'Apache-2.0', length: 6 };
  if (at(0) === 'mozilla' && at(1) === 'org' && at(2) === 'mpl' && /^\d$/.test(at(3)) && /^\d$/.test(at(4))) return { id: `MPL-${at(3)}.${at(4)}`, length: 5 };
  if (at(0) === 'gnu' && at(1) === 'org' && at(2) === 'licenses' && /^(a|l)?gpl$/.test(at(3)) && /^\d$/.test(at(4)) && /^\d$/.test(at(5))) {
    return { id: `${at(3).toUpperCase()}-${at(4)}.${at(5)}-only`, length: 6 };
  }
  return undefined;
}

/**
 * Licenses named outright in the text the full texts leave unexplained: an SPDX tag, a license URL,
 * or a name after "licensed/released/distributed under". A name must carry its version when the
 * license has versions ("the GPL" names no license).
 */
function statements(
  text: string, tokens: Tokens, keys: number[], explained: Set<number>, hasText: boolean, nameWords: ReadonlySet<string>,
): LicenseMatch[] {
  const found: LicenseMatch[] = [];
  const { words } = tokens;
  const inText = explainedRuns(keys, explained, tokens.copyright);
  let read = 0;
  for (let k = 0; k < words.length && read < MAX_STATEMENTS; k++) {
    const word = words[k];
    // "This product includes the following software": what follows are the licenses of bundled
    // components, not of the project.
    if (isThirdPartySection(words, k)) break;
    if (word === 'spdx' && words[k + 1] === 'license' && words[k + 2] === 'identifier') {
      read++;
      const lineEnd = text.indexOf('\n', tokens.ends[k + 2]);
      const value = text.slice(tokens.ends[k + 2], lineEnd < 0 ? Math.min(text.length, tokens.ends[k + 2] + 200) : lineEnd)
        .replace(/^\s*:\s*/, '').replace(/\s*(\*\/|-->|#}|\*\)).*$/, '').trim();
      const normalized = value && normalizeLicense(value);
      if (normalized && normalized.spdx) {
        found.push({ id: normalized.name, confidence: 1, kind: 'tag', start: tokens.starts[k], end: tokens.ends[k + 2] });
      }
      continue;
    }
    if (inText[k]) continue;
    // A URL beside a full text is a cross-reference (CC legal codes point at CC0); alone it names the license.
    const url = hasText ? undefined : urlLicense(words, k);
    if (url) {
      read++;
      found.push({ id: url.id, confidence: STATEMENT_CONFIDENCE, kind: 'reference', start: tokens.starts[k], end: tokens.ends[k + url.length - 1] });
      k += url.length - 1;
      continue;
    }
    if (!STATEMENT_VERBS.has(word) || words[k + 1] !== 'under') continue;
    read++;
    let first = k + 1;
    while (first < words.length && first < k + 6 && FILLER.has(words[first])) first++;
    const named = nameAt(text, tokens, first, nameWords);
    if (named) found.push({ id: named.id, confidence: STATEMENT_CONFIDENCE, kind: 'reference', start: tokens.starts[k], end: named.end });
  }
  return found;
}

/** "(also) include(s) the following (third-party) software/components" or "third-party notices/licenses". */
function isThirdPartySection(words: readonly string[], k: number): boolean {
  const word = words[k];
  if (word === 'third' && words[k + 1] === 'party' && /^(notices?|licenses|software|components)$/.test(words[k + 2] ?? '')) return true;
  if (word !== 'includes' && word !== 'include') return false;
  let j = k + 1;
  if (words[j] === 'the') j++;
  if (words[j] !== 'following') return false;
  j++;
  if (words[j] === 'third' && words[j + 1] === 'party') j += 2;
  return /^(software|components|libraries|packages|projects|works)$/.test(words[j] ?? '');
}

/** Version numbers in a text: "2.0", "3". */
function versionsIn(text: string): string[] {
  return text.match(/\d+(?:\.\d+)*/g) ?? [];
}

/** A name's versions agree with the ID's: "Python 2.1.1" is not Python-2.0.1; "GPL v3" is GPL-3.0. */
function versionsAgree(phrase: string, id: string): boolean {
  const idVersions = versionsIn(id);
  if (idVersions.length === 0) return true;
  const phraseVersions = versionsIn(phrase);
  return idVersions.some(iv => phraseVersions.some(pv => iv === pv || iv.startsWith(`${pv}.`) || pv.startsWith(`${iv}.`)));
}

/** The longest run of up to MAX_NAME_WORDS words from `first`, within one sentence, that names a license. */
function nameAt(text: string, tokens: Tokens, first: number, nameWords: ReadonlySet<string>): { id: string; end: number } | undefined {
  if (first >= tokens.words.length || !nameWords.has(tokens.words[first])) return undefined;
  let last = first;
  // The sentence ends at a period, semicolon, colon or bracket between words.
  while (last + 1 < tokens.words.length && last + 1 < first + MAX_NAME_WORDS) {
    const gap = text.slice(tokens.ends[last], tokens.starts[last + 1]);
    if (/[;:()"]|\.\s|\n\s*\n/.test(gap)) break;
    last++;
  }
  for (let end = last; end >= first; end--) {
    // spdx-correct is slow (a fraction of a millisecond a call): only phrases that end on a name's word or a version.
    if (!nameWords.has(tokens.words[end]) && !/^\d+$/.test(tokens.words[end])) continue;
    const phrase = text.slice(tokens.starts[first], tokens.ends[end]).replace(/\s+/g, ' ');
    const normalized = normalizeLicense(phrase);
    if (!normalized?.spdx || normalized.name.includes(' ')) continue;
    // A versioned license named without its version is a guess ("the GPL", "a BSD license").
    if (!versionsAgree(phrase, normalized.name)) continue;
    return { id: normalized.name, end: tokens.ends[end] };
  }
  return undefined;
}
