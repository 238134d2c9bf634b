/** git's own test for binary content: a NUL in the first 8000 bytes. */
const PROBE = 8000;

/**
 * The bytes to search for keys. Text (nearly every file) is returned as it is after one look for
 * a NUL. UTF-16, marked by a byte-order mark or seen as NULs in every other byte, is decoded to
 * UTF-8, so a key reads as it does in any text file. Anything else with a NUL (binary) is returned
 * as it is too: the prefilter and the rules work on raw bytes, so a key prefix is found wherever
 * it sits (a NUL before it, an image's metadata, a compiled file's strings).
 */
export function searchableBytes(bytes: Uint8Array): Uint8Array {
  const probe = bytes.subarray(0, PROBE);
  if (!probe.includes(0)) return bytes;
  // A mark alone is not enough: 0xff 0xfe also opens files of stray bytes; UTF-16 with ASCII in it has NULs too.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decode('utf-16le', bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decode('utf-16be', bytes.subarray(2));
  const order = utf16Order(probe);
  return order ? decode(order, bytes) : bytes;
}

/**
 * UTF-16 without a byte-order mark: ASCII-heavy text has a NUL as the high byte of most characters,
 * so NULs fill one parity of positions and (almost) none of the other.
 */
function utf16Order(probe: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < probe.length; i += 1) {
    if (probe[i] !== 0) continue;
    if (i % 2 === 0) even += 1;
    else odd += 1;
  }
  const half = probe.length / 2;
  if (odd >= half * 0.5 && even <= half * 0.02) return 'utf-16le';
  if (even >= half * 0.5 && odd <= half * 0.02) return 'utf-16be';
  return null;
}

function decode(encoding: 'utf-16le' | 'utf-16be', bytes: Uint8Array): Uint8Array {
  return Buffer.from(new TextDecoder(encoding).decode(bytes), 'utf8');
}
