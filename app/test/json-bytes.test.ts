import { describe, expect, it } from 'vitest';
import {
  jsonStringMaxBytes,
  NUMBER_MAX_BYTES,
  writeJsonString,
  writeNumber,
} from '../src/json-bytes.js';

/** What a writer put in a fresh buffer, checking it wrote nothing past the offset it returned. */
function written(write: (buf: Buffer, at: number) => number, max: number): Buffer {
  const buf = Buffer.alloc(max + 10, 0xee);
  const end = write(buf, 3);
  expect(buf.subarray(0, 3).every((b) => b === 0xee)).toBe(true);
  expect(buf.subarray(end).every((b) => b === 0xee)).toBe(true);
  return buf.subarray(3, end);
}

const HOSTILE_STRINGS = [
  '',
  '/',
  '0cfb8c7c-6b5c-46b7-8eea-927786c153c3',
  'a"b',
  'back\\slash',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  '\u007f\u0080\u00e9\u00ff',
  '\u2028\u2029',
  '\u{1f600} pair',
  'lone \ud800 high',
  'lone \udfff low',
  'ends high \ud83d',
  '"'.repeat(300),
  '\u0000'.repeat(300),
  '€'.repeat(300),
  `/${'x'.repeat(256)}…`,
  '</script><script>alert(1)</script>',
];

describe('writeJsonString', () => {
  it.each(HOSTILE_STRINGS.map((s) => [JSON.stringify(s).slice(0, 40), s]))(
    'writes the UTF-8 bytes of JSON.stringify for %s, within its bound',
    (_name, text) => {
      const bytes = written(
        (buf, at) => writeJsonString(buf, at, text),
        jsonStringMaxBytes(text.length),
      );
      expect(bytes.equals(Buffer.from(JSON.stringify(text), 'utf8'))).toBe(true);
    },
  );
});

describe('writeNumber', () => {
  const values = [
    0,
    -0,
    1,
    7,
    10,
    99,
    200,
    499,
    1_796_573_770_102,
    0.001,
    0.01,
    0.1,
    0.125,
    0.5,
    1.5,
    12.34,
    1234.5,
    60_000.999,
    999_999_999_999.999,
    1e12,
    1e21,
    0.0005,
    1e-7,
    1 / 3,
    -1,
    -0.125,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER,
    -Number.MIN_VALUE,
  ];
  it.each(values.map((v) => [String(v), v]))('writes String(%s)', (_name, value) => {
    const bytes = written((buf, at) => writeNumber(buf, at, value), NUMBER_MAX_BYTES);
    expect(bytes.toString('latin1')).toBe(String(value));
  });

  it('writes String(x) for every duration rounded to the microsecond, as the access log has them', () => {
    const buf = Buffer.alloc(NUMBER_MAX_BYTES);
    const wrong: number[] = [];
    const check = (ms: number) => {
      if (buf.toString('latin1', 0, writeNumber(buf, 0, ms)) !== String(ms)) wrong.push(ms);
    };
    for (let us = 0; us < 200_000; us++) check(us / 1000);
    for (let i = 0; i < 200_000; i++) {
      check(Math.round(Math.random() * 10 ** (3 + Math.floor(Math.random() * 12))) / 1000);
    }
    expect(wrong).toEqual([]);
  });
});
