// The two edits scripts/split-wasm.mjs makes to wasm-split's output, made on the binary:
// binaryen's text round trip cannot read back a module whose names wasm-split kept (-g),
// and the names are what the second split goes by.
//
// Only the export and import sections are parsed and written again; every other byte of
// the module is copied as it is.

const IMPORT_SECTION = 2;
const TABLE_SECTION = 4;
const EXPORT_SECTION = 7;
const KIND_FUNC = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

function readName(bytes, at) {
  const [length, start] = readU32(bytes, at);
  return [Buffer.from(bytes.subarray(start, start + length)).toString('utf8'), start + length];
}

/** The module's sections as { id, start, end } (payload bounds) after the 8-byte header. */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    out.push({ id, start, end: start + size, from: at });
    at = start + size;
  }
  return out;
}

/** `bytes` with section `id`'s payload rewritten entry by entry: `edit(bytes, at)` reads
 *  one entry and returns [its new bytes, where the next one starts]. */
function rewriteSection(bytes, id, edit) {
  const section = sections(bytes).find((s) => s.id === id);
  if (!section) throw new Error(`the module has no section ${id}`);
  const [count, first] = readU32(bytes, section.start);
  const payload = [...u32(count)];
  let at = first;
  for (let i = 0; i < count; i++) {
    const [entry, next] = edit(bytes, at);
    payload.push(...entry);
    at = next;
  }
  return Buffer.concat([
    bytes.subarray(0, section.from),
    Buffer.from([id, ...u32(payload.length), ...payload]),
    bytes.subarray(section.end),
  ]);
}

/** `bytes` with the table export named `name` pointing at table `index`. */
export function withTableExport(bytes, name, index) {
  let found = false;
  const out = rewriteSection(bytes, EXPORT_SECTION, (b, at) => {
    const [exported, kindAt] = readName(b, at);
    const kind = b[kindAt];
    const [, next] = readU32(b, kindAt + 1);
    if (exported !== name || kind !== KIND_TABLE) return [[...b.subarray(at, next)], next];
    found = true;
    return [[...b.subarray(at, kindAt + 1), ...u32(index)], next];
  });
  if (!found) throw new Error(`no table export named ${name}`);
  return out;
}

/** Where an import's description ends, from its kind byte at `at`. */
function importEnd(b, at) {
  const kind = b[at];
  if (kind === KIND_FUNC) return readU32(b, at + 1)[1];
  if (kind === KIND_GLOBAL) return at + 3;
  const limitsAt = kind === KIND_TABLE ? at + 2 : at + 1;
  if (kind !== KIND_TABLE && kind !== KIND_MEMORY) throw new Error(`an import of unknown kind ${kind}`);
  const flags = b[limitsAt];
  let [, next] = readU32(b, limitsAt + 1);
  if (flags & 1) [, next] = readU32(b, next);
  return next;
}

/** `bytes` with the table imported as `module`.`field` declared with limits min..max. */
export function withTableImport(bytes, module, field, { min, max }) {
  let found = false;
  const out = rewriteSection(bytes, IMPORT_SECTION, (b, at) => {
    const [from, fieldAt] = readName(b, at);
    const [name, kindAt] = readName(b, fieldAt);
    const next = importEnd(b, kindAt);
    if (from !== module || name !== field || b[kindAt] !== KIND_TABLE) return [[...b.subarray(at, next)], next];
    found = true;
    return [[...b.subarray(at, kindAt + 2), 1, ...u32(min), ...u32(max)], next];
  });
  if (!found) throw new Error(`no table import ${module}.${field}`);
  return out;
}

/** The module's defined tables: [{ index, type, min, max }], `type` 'funcref' or
 *  'externref' (no table is imported by the modules this edits). */
function definedTables(bytes) {
  const section = sections(bytes).find((s) => s.id === TABLE_SECTION);
  if (!section) return [];
  let [count, at] = readU32(bytes, section.start);
  const tables = [];
  for (let index = 0; index < count; index++) {
    const type = { 0x70: 'funcref', 0x6f: 'externref' }[bytes[at]] ?? 'other';
    const flags = bytes[at + 1];
    let min;
    let max;
    [min, at] = readU32(bytes, at + 2);
    if (flags & 1) [max, at] = readU32(bytes, at);
    tables.push({ index, type, min, max });
  }
  return tables;
}

/** The module's one defined table of `type` ('funcref' or 'externref'). */
export function table(bytes, type) {
  const found = definedTables(bytes).filter((t) => t.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} table, found ${found.length}`);
  return found[0];
}
