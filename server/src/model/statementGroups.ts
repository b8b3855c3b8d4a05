import type { Node } from '../parsing/pythonParser';

/**
 * A model's groups of nodes (by name, by scope, ...) joined from groups each top-level statement
 * keeps on its node object (`perStatement`), so that after an edit only the statements the syntax
 * copy made again are walked (issue 18). The statements are read in document order and each
 * statement's lists are in document order, so each joined list is too: the same nodes, in the same
 * order, as grouping the whole file's nodes at once.
 *
 * A model's joined lists are kept with the statements they were joined from (`Joined`), and the next
 * model of the same document starts from them (`joinCarried`): the statements both copies start with
 * and end with as the same objects (the prefix the copy took over, the statements after the edit it
 * adopted) keep their place in every list, so only the statements between are read.
 */

/** How many top-level statements `before` and `now` start with as the same objects. */
export function sharedHead(before: readonly Node[], now: readonly Node[]): number {
  let k = 0;
  while (k < now.length && k < before.length && now[k] === before[k]) k++;
  return k;
}

/**
 * How many top-level statements `before` and `now` end with as the same objects, none of them among
 * the `head` statements both start with (a statement is at one place in each copy).
 */
export function sharedTail(before: readonly Node[], now: readonly Node[], head: number): number {
  let s = 0;
  while (s < now.length - head && s < before.length - head && now[now.length - 1 - s] === before[before.length - 1 - s]) s++;
  return s;
}

/** The first index of `list` whose `key` is at least `value` (`list` sorted by `key`), by binary search. */
export function firstAtLeast<T>(list: readonly T[], key: (item: T) => number, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many nodes of `list` (in document order, so by id) are below `end`: they come first. */
export function countBelow(list: readonly { id: number }[], end: number): number {
  return firstAtLeast(list, (n) => n.id, end);
}

/** One list joined from the statements' own lists, and those statements (the root's children then). */
export interface JoinedList<T> {
  readonly list: readonly T[];
  readonly statements: readonly Node[];
}

/** Groups joined from the statements' own groups, and those statements. */
export interface Joined<K> {
  readonly groups: ReadonlyMap<K, readonly Node[]>;
  readonly statements: readonly Node[];
}

/**
 * The statements of `previous` and `now` split as a carry reads them: `head` statements both start
 * with and `tail` both end with (the same objects: `sharedHead`, `sharedTail`), the rest of each
 * between them; `below` is the first node id after the head's (in both copies: the head statements
 * are the same subtrees at the same ids). Undefined when they share no statement (nothing to carry).
 *
 * Why a previous list splits at the same places: a joined list is its statements' own lists in turn,
 * so the previous list is the head's nodes, then those of the previous statements between, then the
 * tail's. The head's nodes are the ones with an id below `below` (ids are preorder numbers); every
 * other node of the previous list has an id of at least `below`: a node of a previous statement the
 * newer copy did not take over keeps its id in the previous copy, after the head there; one the newer
 * copy adopted (a tail statement, or one between) has its id in the newer copy, after the head too.
 * How many nodes the previous statements between gave is read from their own lists (kept on them).
 */
interface Split {
  head: number;
  tail: number;
  below: number;
  gone: readonly Node[];
  between: readonly Node[];
}

function split(previous: readonly Node[], now: readonly Node[]): Split | undefined {
  const head = sharedHead(previous, now);
  const tail = sharedTail(previous, now, head);
  if (head === 0 && tail === 0) return undefined;
  return {
    head,
    tail,
    below: head === 0 ? 1 : now[head - 1].subtreeEnd,
    gone: previous.slice(head, previous.length - tail),
    between: now.slice(head, now.length - tail),
  };
}

/**
 * The statements' own lists (`listOf`, kept on each statement) joined in document order, starting
 * from `previous` (the list of an earlier model of the same document) when there is one: its head's
 * items and its tail's kept in place, the items of the statements between read from those. `idOf`
 * gives an item's node id (for the head's end). The list returned is new, or `previous`'s own when
 * the statements between (previous and now) hold no item; no list, returned or a statement's own,
 * is ever written to. The statements read are counted in `counts` (none for a
 * second list joined from the same statements); the tail's statements are counted as read and kept
 * (`tail`): their lists are not looked at.
 */
export function joinListCarried<T>(
  statements: readonly Node[],
  previous: JoinedList<T> | undefined,
  listOf: (statement: Node) => readonly T[],
  idOf: (item: T) => number,
  counts: { read: number; tail: number } | undefined = statementGroupCounts,
): readonly T[] {
  const count = counts ?? { read: 0, tail: 0 };
  const parts = previous && split(previous.statements, statements);
  if (!previous || !parts) {
    const out: T[] = [];
    for (const s of statements) {
      count.read++;
      for (const item of listOf(s)) out.push(item);
    }
    return out;
  }
  const old = previous.list;
  count.read += parts.between.length + parts.tail;
  count.tail += parts.tail;
  let gone = 0;
  for (const s of parts.gone) gone += listOf(s).length;
  let added = 0;
  for (const s of parts.between) added += listOf(s).length;
  // Neither the previous statements between nor the new ones hold an item: the list is the previous
  // one (head, then tail), kept as it is (most types an edit does not touch).
  if (gone === 0 && added === 0) return old;
  // The items (in document order) whose node id is below the first changed statement's come first.
  const keep = firstAtLeast(old, idOf, parts.below);
  const out = old.slice(0, keep);
  for (const s of parts.between) for (const item of listOf(s)) out.push(item);
  for (let i = keep + gone; i < old.length; i++) out.push(old[i]);
  return out;
}

/**
 * The statements' own groups (`groupsOf`, kept on each statement) joined key by key in
 * document order, keyed by `keyNow` (a key that does not move with the statement: a text), starting
 * from `previous` when there is one: only the keys the statements between (previous and now) hold
 * are joined again, each from its previous list as `joinListCarried` does; the other keys' lists are
 * the previous lists themselves (the same nodes: none of theirs lies between). The map is new, and so
 * is every list written; a list is never written to once joined. Keys come in no particular order.
 */
export function joinGroupsCarried<S, K>(
  statements: readonly Node[],
  previous: Joined<K> | undefined,
  groupsOf: (statement: Node) => ReadonlyMap<S, readonly Node[]>,
  keyNow: (key: S) => K,
): Map<K, readonly Node[]> {
  const parts = previous && split(previous.statements, statements);
  if (!previous || !parts) {
    const groups = new Map<K, Node[]>();
    for (const s of statements) {
      statementGroupCounts.read++;
      for (const [key, nodes] of groupsOf(s)) appendAll(groups, keyNow(key), nodes);
    }
    return groups;
  }
  // Per key the statements between touch: how many nodes the previous ones gave, and the new ones' lists.
  const touched = new Map<K, { gone: number; lists: (readonly Node[])[] }>();
  const entry = (key: K) => {
    let e = touched.get(key);
    if (!e) touched.set(key, (e = { gone: 0, lists: [] }));
    return e;
  };
  for (const s of parts.gone) for (const [key, nodes] of groupsOf(s)) entry(keyNow(key)).gone += nodes.length;
  for (const s of parts.between) {
    statementGroupCounts.read++;
    for (const [key, nodes] of groupsOf(s)) entry(keyNow(key)).lists.push(nodes);
  }
  const groups = new Map<K, readonly Node[]>(previous.groups);
  for (const [key, { gone, lists }] of touched) {
    const old = previous.groups.get(key) ?? NO_NODES;
    const keep = countBelow(old, parts.below);
    const out = old.slice(0, keep);
    for (const nodes of lists) for (const n of nodes) out.push(n);
    for (let i = keep + gone; i < old.length; i++) out.push(old[i]);
    if (out.length) groups.set(key, out);
    else groups.delete(key);
  }
  statementGroupCounts.read += parts.tail;
  statementGroupCounts.tail += parts.tail;
  return groups;
}

const NO_NODES: readonly Node[] = [];

/** Appends `nodes` to the list of `key` in `groups`, starting the list with a copy of them when there is none. */
export function appendAll<K>(groups: Map<K, Node[]>, key: K, nodes: readonly Node[]): void {
  const list = groups.get(key);
  if (list) for (const n of nodes) list.push(n);
  else groups.set(key, nodes.slice());
}

/** A statement's groups with nothing in them, shared (most statements call nothing, assign nothing, ...). */
export function noGroups<K>(): ReadonlyMap<K, readonly Node[]> {
  return NO_GROUPS as ReadonlyMap<K, readonly Node[]>;
}
const NO_GROUPS: ReadonlyMap<unknown, readonly Node[]> = new Map();

/**
 * Statements whose groups a model's join read (those between the carried head and tail, or all of
 * them), of them the ones whose groups were made (the rest were kept), and the carried tails'
 * statements (counted as read, kept): for the tests' floors on reuse.
 */
export const statementGroupCounts = { read: 0, made: 0, tail: 0 };
