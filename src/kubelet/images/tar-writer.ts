// Writes POSIX ustar archives in memory: regular files, directories and symlinks, byte-for-byte reproducible.

/** One archive member. Directories' names may end in "/" (added if missing). */
export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** permission bits, e.g. 0o755 */
  mode: number;
  data?: Uint8Array;
  /** symlink target */
  linkname?: string;
  uid?: number;
  gid?: number;
  /** seconds since the epoch; default 0 (reproducible) */
  mtime?: number;
}

const BLOCK = 512;

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit in ${length} bytes`);
  bytes.copy(buf, offset);
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  const text = value.toString(8);
  if (text.length > length - 1) throw new Error(`tar: ${value} does not fit in a ${length}-byte field`);
  writeString(buf, offset, length, text.padStart(length - 1, '0'));
}

/** Splits a long path into ustar's prefix (≤155) and name (≤100) at a slash. */
function splitName(name: string): [prefix: string, name: string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return [prefix, rest];
  }
  throw new Error(`tar: path too long for ustar: ${name}`);
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = entry.name.replace(/^\/+/, '');
  if (entry.type === 'dir' && !name.endsWith('/')) name += '/';
  const [prefix, short] = splitName(name);
  writeString(h, 0, 100, short);
  writeOctal(h, 100, 8, entry.mode & 0o7777);
  writeOctal(h, 108, 8, entry.uid ?? 0);
  writeOctal(h, 116, 8, entry.gid ?? 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, entry.mtime ?? 0);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h[156] = { file: 0x30, dir: 0x35, symlink: 0x32 }[entry.type];
  if (entry.type === 'symlink') writeString(h, 157, 100, entry.linkname ?? '');
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, (entry.uid ?? 0) === 0 ? 'root' : '');
  writeString(h, 297, 32, (entry.gid ?? 0) === 0 ? 'root' : '');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** The archive of `entries`, in the given order, with the two closing zero blocks. */
export function tarArchive(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? Buffer.from(e.data ?? new Uint8Array()) : Buffer.alloc(0);
    parts.push(header(e, data.length), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
