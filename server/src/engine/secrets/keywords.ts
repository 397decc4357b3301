// Finds every occurrence of a set of keywords in one pass over a text or its UTF-8 bytes
// (Aho-Corasick, compiled to a full transition table), ASCII case-insensitive as Trivy compares
// keywords. Overlapping occurrences are all reported (`accountkey` holds both `accountkey` and
// `key`).
//
// Keywords are ASCII, and in UTF-8 every byte of a non-ASCII character is above 127, so the
// occurrences in a file's bytes are those in its decoded text, at byte offsets: a file can be
// searched before, and often instead of, being decoded.
//
// The table is small and its inner loop does two lookups per character: each input unit maps to
// a class (the keyword characters, case folded, and one class for every other character, which
// leads back to the root), and states are numbered with the accepting ones last and stored
// premultiplied by the row width, so a step is `state = next[state | class]` and the accepting
// test a comparison.
//
// Each step waits for the load of the step before it, so one pass over bytes is bound by the
// load latency, not by the work: the byte search runs four passes side by side, one per quarter
// of the input, which the processor overlaps (some 1.5 to 2 times faster than one pass). A state
// stands for at most the last `maxLength` characters read (the longest keyword), so a quarter's
// pass that starts `maxLength` bytes before its quarter is in the one-pass state when it gets
// there; it reports only from there on.

/** Input units at or above this are no keyword's. */
const ALPHABET = 128;

/** Keyword occurrences as two parallel arrays (cheap to allocate for many hits). */
export interface KeywordHits {
  /** Offset of each occurrence's first character (or byte). */
  starts: number[];
  /** Index of each occurrence's keyword in the list the matcher was built from. */
  keywords: number[];
}

export class KeywordMatcher {
  /** The class of each byte value; 0 for a character in no keyword. */
  private readonly classes = new Uint8Array(256);
  /** next[state + class] = the state after reading a character of that class (states premultiplied). */
  private readonly next: Int32Array;
  /** States at or above this one end a keyword. */
  private readonly firstAccepting: number;
  /** log2 of the row width. */
  private readonly shift: number;
  /** Keywords that end at each accepting state (its own and its suffixes'), by state number (not premultiplied). */
  private readonly outputs: number[][];
  private readonly lengths: number[];
  /** The longest keyword's length. */
  private readonly maxLength: number;

  constructor(keywords: readonly string[]) {
    this.lengths = keywords.map(k => k.length);
    this.maxLength = Math.max(1, ...this.lengths);
    const folded = keywords.map(keyword => {
      const lower = keyword.toLowerCase();
      for (const char of lower) {
        if (char.length !== 1 || char.charCodeAt(0) >= ALPHABET) throw new Error(`keyword ${JSON.stringify(keyword)} is not ASCII`);
      }
      return lower;
    });
    let classCount = 1;
    for (const keyword of folded) {
      for (let i = 0; i < keyword.length; i++) {
        const code = keyword.charCodeAt(i);
        if (this.classes[code] === 0) this.classes[code] = classCount++;
      }
    }
    for (let code = 65; code <= 90; code++) this.classes[code] = this.classes[code + 32];
    this.shift = Math.max(1, Math.ceil(Math.log2(classCount)));
    const width = 1 << this.shift;
    // The trie, one row per state, over classes.
    const rows: Int32Array[] = [new Int32Array(width).fill(-1)];
    const outputs: (number[] | undefined)[] = [undefined];
    folded.forEach((keyword, index) => {
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const cls = this.classes[keyword.charCodeAt(i)];
        if (rows[state][cls] === -1) {
          rows[state][cls] = rows.length;
          rows.push(new Int32Array(width).fill(-1));
          outputs.push(undefined);
        }
        state = rows[state][cls];
      }
      (outputs[state] ??= []).push(index);
    });
    // Breadth-first: fill the missing transitions from the failure links, and inherit outputs.
    const fail = new Int32Array(rows.length);
    const queue: number[] = [];
    for (let cls = 0; cls < width; cls++) {
      const child = rows[0][cls];
      if (child === -1) rows[0][cls] = 0;
      else queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      const inherited = outputs[fail[state]];
      if (inherited) outputs[state] = [...(outputs[state] ?? []), ...inherited];
      for (let cls = 0; cls < width; cls++) {
        const child = rows[state][cls];
        if (child === -1) {
          rows[state][cls] = rows[fail[state]][cls];
        } else {
          fail[child] = rows[fail[state]][cls];
          queue.push(child);
        }
      }
    }
    // Number the states: the root first, the accepting ones last.
    const order = [0];
    for (let state = 1; state < rows.length; state++) if (!outputs[state]) order.push(state);
    this.firstAccepting = order.length << this.shift;
    for (let state = 1; state < rows.length; state++) if (outputs[state]) order.push(state);
    const numbered = new Int32Array(rows.length);
    order.forEach((state, number) => { numbered[state] = number; });
    this.next = new Int32Array(rows.length << this.shift);
    order.forEach((state, number) => {
      for (let cls = 0; cls < width; cls++) this.next[(number << this.shift) | cls] = numbered[rows[state][cls]] << this.shift;
    });
    this.outputs = order.map(state => outputs[state] ?? []);
  }

  /** Every occurrence in a text, in order of where it ends. */
  find(text: string): KeywordHits {
    return this.hits(acceptedInText(this.next, this.classes, this.firstAccepting, text));
  }

  /** Every occurrence in UTF-8 bytes, at byte offsets, in order of where it ends. */
  findInBytes(bytes: Uint8Array): KeywordHits {
    return this.hits(acceptedInBytes(this.next, this.classes, this.firstAccepting, this.maxLength, bytes));
  }

  /** The keywords that end at each accepting step. */
  private hits(accepted: number[]): KeywordHits {
    const starts: number[] = [];
    const keywords: number[] = [];
    for (let i = 0; i < accepted.length; i += 2) {
      for (const keyword of this.outputs[accepted[i + 1] >>> this.shift]) {
        starts.push(accepted[i] - this.lengths[keyword] + 1);
        keywords.push(keyword);
      }
    }
    return { starts, keywords };
  }

  /** Which keywords occur at all: one pass, and no list of occurrences (custom rules ask only that). */
  present(text: string): Uint8Array {
    const found = new Uint8Array(this.lengths.length);
    const { next, classes, firstAccepting } = this;
    let state = 0;
    let missing = found.length;
    for (let i = 0, length = text.length; i < length && missing > 0; i++) {
      const code = text.charCodeAt(i);
      state = next[state | (code < ALPHABET ? classes[code] : 0)];
      if (state >= firstAccepting) {
        for (const keyword of this.outputs[state >>> this.shift]) {
          if (found[keyword] === 0) missing--;
          found[keyword] = 1;
        }
      }
    }
    return found;
  }
}

// The inner loops, as plain functions of the tables (V8 compiles these tighter than methods).

/** Each step that reaches an accepting state, as pairs: the offset, the state. */
function acceptedInText(next: Int32Array, classes: Uint8Array, firstAccepting: number, text: string): number[] {
  const accepted: number[] = [];
  let state = 0;
  for (let i = 0, length = text.length; i < length; i++) {
    const code = text.charCodeAt(i);
    state = next[state | (code < ALPHABET ? classes[code] : 0)];
    if (state >= firstAccepting) accepted.push(i, state);
  }
  return accepted;
}

function acceptedInBytes(next: Int32Array, classes: Uint8Array, firstAccepting: number, maxLength: number, bytes: Uint8Array): number[] {
  const length = bytes.length;
  // Short inputs: one pass (the lead-ins would cost more than they save).
  if (length < 16 * maxLength) return acceptedInOnePass(next, classes, firstAccepting, bytes);
  const quarter = length >>> 2;
  const second = quarter;
  const third = 2 * quarter;
  const fourth = 3 * quarter;
  const first: number[] = [];
  const seconds: number[] = [];
  const thirds: number[] = [];
  const fourths: number[] = [];
  // Bytes above 127 have class 0, as characters above 127 do.
  let state1 = 0;
  let state2 = leadIn(next, classes, bytes, second - maxLength, second);
  let state3 = leadIn(next, classes, bytes, third - maxLength, third);
  let state4 = leadIn(next, classes, bytes, fourth - maxLength, fourth);
  for (let i = 0; i < quarter; i++) {
    state1 = next[state1 | classes[bytes[i]]];
    state2 = next[state2 | classes[bytes[second + i]]];
    state3 = next[state3 | classes[bytes[third + i]]];
    state4 = next[state4 | classes[bytes[fourth + i]]];
    if (state1 >= firstAccepting) first.push(i, state1);
    if (state2 >= firstAccepting) seconds.push(second + i, state2);
    if (state3 >= firstAccepting) thirds.push(third + i, state3);
    if (state4 >= firstAccepting) fourths.push(fourth + i, state4);
  }
  // The last quarter's pass reads the bytes the division left over.
  for (let i = fourth + quarter; i < length; i++) {
    state4 = next[state4 | classes[bytes[i]]];
    if (state4 >= firstAccepting) fourths.push(i, state4);
  }
  return first.concat(seconds, thirds, fourths);
}

/** The state after reading bytes [from, to) from the root. */
function leadIn(next: Int32Array, classes: Uint8Array, bytes: Uint8Array, from: number, to: number): number {
  let state = 0;
  for (let i = from; i < to; i++) state = next[state | classes[bytes[i]]];
  return state;
}

function acceptedInOnePass(next: Int32Array, classes: Uint8Array, firstAccepting: number, bytes: Uint8Array): number[] {
  const accepted: number[] = [];
  let state = 0;
  for (let i = 0, length = bytes.length; i < length; i++) {
    state = next[state | classes[bytes[i]]];
    if (state >= firstAccepting) accepted.push(i, state);
  }
  return accepted;
}
