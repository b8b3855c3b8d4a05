/**
 * The typed arrays of a syntax copy (`SyntaxTree`), carved out of one buffer per copy, and that
 * buffer handed to a later copy once the copy that held it has been collected.
 *
 * Why: a keystroke makes a new copy of the whole file's facts (about 25 bytes per node: 7 MB at
 * 20k lines), and a buffer that large is memory the allocator maps afresh and gives back to the
 * system when freed. Writing it then costs a page fault per 4 KB: little on a desktop (about a
 * millisecond at 20k lines), but most of the copy's time on a virtual machine whose host takes
 * freed pages back (measured on this project's machine: filling 1.2 MB of fresh memory took 8 to
 * 30 ms, the same writes into memory already touched 0.3 ms). A buffer kept here is memory that
 * was touched already.
 *
 * Why it is exact: a buffer is reused only after the copy that held it was collected (its
 * `FinalizationRegistry` callback ran); the arrays are reachable only
 * through their copy (nothing outside `syntaxTree.ts` holds them, and that module keeps no view of
 * them apart from the copy's fields and the per-type order it keeps on the copy itself), so no
 * reader, however old its model, can see a reused buffer's new contents. A new copy writes every
 * fact of every id below its size before reading it (the stale contents past that are never read).
 */

/** Bytes per node: four Int32 arrays (starts, ends, parents, subtree ends), the per-type order (Int32), two Uint16 (kinds, fields), one Uint8 (flags). */
const BYTES_PER_NODE = 4 * 5 + 2 * 2 + 1;
/** Below this many nodes a copy's arrays are small enough that the allocator keeps and reuses their memory itself. */
const POOLED_FROM = 8192;
/**
 * At most this many buffers wait for a copy, and this many bytes in all. Copies die one per
 * keystroke but are collected in bursts (a full collection every several keystrokes frees all
 * those that died since), so the pool holds a burst's worth for the keystrokes that follow.
 */
const MAX_FREE = 12;
const MAX_FREE_BYTES = 64 << 20;
/** The waiting buffers are let go when none was taken for this long (typing stopped: the memory goes back). */
const IDLE_MS = 10_000;

export interface FactArrays {
  kinds: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  subtreeEnds: Int32Array;
  fields: Uint16Array;
  flags: Uint8Array;
  /** Room for the per-type order of the nodes (`SyntaxTree.idsOfKind`), as long as the others. */
  order: Int32Array;
}

/**
 * Buffers whose copy was collected, newest last. Filled by the registry's callback, which runs as a
 * task of its own after a collection (a `WeakRef` looked up here instead would keep every copy it
 * finds alive to the end of the current task, and those that died meanwhile with it).
 */
const free: ArrayBuffer[] = [];
const freed = new FinalizationRegistry<ArrayBuffer>((buffer) => {
  free.push(buffer);
  factArrayStats.freed++;
  // The oldest go first when over the bounds (they are then freed as they would have been without the pool).
  let bytes = free.reduce((sum, b) => sum + b.byteLength, 0);
  while (free.length > MAX_FREE || bytes > MAX_FREE_BYTES) bytes -= free.shift()!.byteLength;
  idle ??= setTimeout(letGoWhenIdle, IDLE_MS).unref();
});
let lastTaken = 0;
let idle: ReturnType<typeof setTimeout> | undefined;

function letGoWhenIdle(): void {
  idle = undefined;
  const since = Date.now() - lastTaken;
  if (since >= IDLE_MS) free.length = 0;
  else if (free.length) idle = setTimeout(letGoWhenIdle, IDLE_MS - since).unref();
}

/** How many copies got a buffer from the pool, and how many a new one (tests; benches). */
export const factArrayStats = { reused: 0, made: 0, freed: 0 };

/** Arrays for `capacity` nodes for `owner` (a copy), from a buffer whose previous copy was collected when there is one. */
export function factArraysFor(owner: object, capacity: number): FactArrays {
  if (capacity < POOLED_FROM) return carve(new ArrayBuffer(capacity * BYTES_PER_NODE), capacity);
  const need = capacity * BYTES_PER_NODE;
  let best = -1;
  // The smallest free buffer that fits and is not more than twice the need (a small copy does not pin a large buffer).
  for (let i = 0; i < free.length; i++) {
    const size = free[i].byteLength;
    if (size >= need && size <= 2 * need && (best < 0 || size < free[best].byteLength)) best = i;
  }
  let buffer: ArrayBuffer;
  if (best >= 0) {
    buffer = free.splice(best, 1)[0];
    factArrayStats.reused++;
    lastTaken = Date.now();
  } else {
    // Room for a few more nodes than asked: the next version of the document is about the same size.
    buffer = new ArrayBuffer(Math.ceil((capacity * 17) / 16 / 1024) * 1024 * BYTES_PER_NODE);
    factArrayStats.made++;
  }
  freed.register(owner, buffer);
  return carve(buffer, Math.floor(buffer.byteLength / BYTES_PER_NODE));
}

function carve(buffer: ArrayBuffer, n: number): FactArrays {
  let at = 0;
  const int32 = () => {
    const a = new Int32Array(buffer, at, n);
    at += 4 * n;
    return a;
  };
  const starts = int32();
  const ends = int32();
  const parents = int32();
  const subtreeEnds = int32();
  const order = int32();
  const kinds = new Uint16Array(buffer, at, n);
  at += 2 * n;
  const fields = new Uint16Array(buffer, at, n);
  at += 2 * n;
  const flags = new Uint8Array(buffer, at, n);
  return { kinds, starts, ends, parents, subtreeEnds, fields, flags, order };
}

/** @internal Whether `buffer` waits in the pool for a later copy (tests: only once the copy that held it was collected). */
export function waitsForReuse(buffer: ArrayBufferLike): boolean {
  return free.includes(buffer as ArrayBuffer);
}
