// Share links: the playground's state, deflated into the URL fragment
// (after #, which browsers do not send), and read back within bounds.

import { LINK_LIMIT_CHARS, LINK_STATE_LIMIT_BYTES, PAYLOAD_LIMIT_BYTES } from './limits.mjs';
import { mib } from './show.mjs';
import { isCELName } from './names.mjs';

// pack writes a state's JSON (UTF-8 bytes) deflate-raw compressed in
// base64url, for a URL fragment; unpack reads it back.
export async function pack(json) {
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// shareLink makes a link to this page that holds state (its payload only
// where the reader ticked it), shows it in field, puts it in the address
// bar and copies it; it answers what to tell the reader. A state larger
// than a link takes makes no link, as the page would refuse to open it:
// heldBy says what would hold it ("it", "with the payload it").
export async function shareLink(state, field, heldBy) {
  const json = new TextEncoder().encode(JSON.stringify(state));
  if (json.length > LINK_STATE_LIMIT_BYTES) {
    return `No link made: ${heldBy} would hold ${mib(json.length)}, more than a link takes (${mib(LINK_STATE_LIMIT_BYTES)}).`;
  }
  const url = `${location.origin}${location.pathname}#s=${await pack(json)}`;
  field.value = url;
  history.replaceState(null, '', url);
  try {
    await navigator.clipboard.writeText(url);
    return state.payload === undefined ? 'Link copied, without the payload' : 'Link copied, with the payload';
  } catch {
    field.select();
    return 'Link made: copy it from the box';
  }
}

// LinkRefused is a link the page will not open, with what to tell the
// reader.
export class LinkRefused extends Error {}

export async function unpack(text) {
  if (text.length > LINK_LIMIT_CHARS) {
    throw new LinkRefused(`This link is ${mib(text.length)} long, longer than any the playground makes: it was not opened.`);
  }
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const json = await inflateBounded(bytes, LINK_STATE_LIMIT_BYTES);
  if (json === null) {
    throw new LinkRefused(`This link holds more than ${mib(LINK_STATE_LIMIT_BYTES)}, more than the playground takes (a payload of at most ${mib(PAYLOAD_LIMIT_BYTES)}): it was not opened.`);
  }
  return JSON.parse(json);
}

// inflateBounded decompresses deflate-raw bytes into UTF-8 text, chunk by
// chunk, and stops as soon as the text passes max bytes, answering null: a
// link of a few hundred KB can hold gigabytes. The compressed bytes go in
// 4 KiB at a time, as the decompressor turns each piece it is given into
// all of its output at once (at most about 4 MiB for 4 KiB).
async function inflateBounded(bytes, max) {
  const inflater = new DecompressionStream('deflate-raw');
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  const feeding = (async () => {
    for (let i = 0; i < bytes.length; i += 4096) await writer.write(bytes.subarray(i, i + 4096));
    await writer.close();
  })();
  feeding.catch(() => {}); // broken input fails the reader too, which reports it
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

// stateProblem says what is wrong with the shape of a share link's state,
// or '' when nothing is.
export function stateProblem(state, { dialects, schemas }) {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    return 'what it holds is not an object';
  }
  if (state.v !== undefined && state.v !== 1) {
    return `it is of version ${JSON.stringify(state.v).slice(0, 20)}, and this page reads version 1`;
  }
  for (const key of ['schema', 'dialect', 'event', 'payload', 'now', 'key']) {
    if (state[key] !== undefined && typeof state[key] !== 'string') return `its ${key} is not a string`;
  }
  if (state.expressions !== undefined && !(Array.isArray(state.expressions) && state.expressions.every((e) => typeof e === 'string'))) {
    return 'its expressions are not a list of strings';
  }
  if (state.dialect !== undefined && !dialects.includes(state.dialect)) {
    return `its dialect, ${JSON.stringify(state.dialect.slice(0, 40))}, is not one the playground has`;
  }
  if (state.key !== undefined && !isCELName(state.key)) {
    return `its result key, ${JSON.stringify(state.key.slice(0, 40))}, is not a name CEL can read`;
  }
  if (state.schema !== undefined && schemas && !schemas.includes(state.schema)) {
    return `its schema, ${JSON.stringify(state.schema.slice(0, 60))}, is not one this site has`;
  }
  return '';
}
