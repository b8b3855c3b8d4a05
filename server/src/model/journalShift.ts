import { SyntaxNode } from '../parsing/syntaxTree';
import { ColumnMap } from './columnMap';
import type { FunctionJournal } from './functionJournal';
import type { StatementJournal } from './statementJournal';
import type { Frame } from './types';
import type { Scope, Value } from './values';

/**
 * A journal replayed at another first free frame id (issue 18). A journaled run (a module function's
 * pending analysis, a top-level statement) gives the frames it makes the ids from the first free one
 * on: `[j.nextId, j.nextId + j.ids)`. An edit before it that makes more or fewer frames (typing
 * `df_1 = df.filter(...)` into an earlier function) moves that first id, and a replay that required
 * it unchanged ran every later function again although nothing it reads changed.
 *
 * Why a run at another first id is the recorded one with its own frames renumbered: the interpreter
 * uses a frame id only as a name (memo keys `f<id>`, `definitions` and `seen` sets keyed by it, its
 * equality), never in arithmetic; every frame the run did not make is older, so its id is below the
 * first free id in either run, and the order of any two ids is the same after adding the difference
 * to the run's own. Its reads are then the same reads with its own frames' ids moved (the ones that
 * name its own frames, memo keys and definitions, answer "absent" in both runs: those ids are not yet
 * taken); so the run makes the same objects with the run's frames' ids moved and every object that
 * holds one of those frames holding the moved frame instead. `shiftedJournal` builds exactly that:
 * each of the run's frames copied with its id moved, and every object of the journal's additions that
 * reaches one of them (a parent, an action's frame, a memo value's, a frame name's, a module write's)
 * copied with the copies in their place; objects that reach none are kept (they hold only nodes,
 * strings and older frames, the same in both runs); identity is kept (one copy per object), so
 * objects shared in the run are shared in the copy. The copies are new objects: the model the
 * journal came from may still answer hovers with its own.
 *
 * A journal whose reads hold only through the objects and ids copied earlier in the same build (the
 * cascade: an orchestrator reading a shifted pipeline's memo entry) is copied the same way, those
 * copies in place of what it read (`Translation`).
 *
 * What it does not know how to copy, it refuses (the caller then runs the function or statement):
 * a scope other than the module's (a nested function value holding a local scope), an object of a
 * class other than plain objects, arrays, `Map`, `SyntaxNode` and `ColumnMap` that holds one of the
 * run's frames (or any such object it would have to walk: a `Set`), nesting past `MAX_NESTING`, a
 * memo key it cannot read.
 */

/** Objects nested deeper than this in a journal's additions are not walked (the journal is refused). */
const MAX_NESTING = 2_000;

/** Thrown inside the walk when the journal cannot be copied; caught by `shiftedJournal`. */
const REFUSED = new Error('journal not shifted');

/**
 * What one model's build has copied so far (issue 18: the cascade after a shifted replay), in the
 * numbering of the model it resumed from (`previous`): each object of `previous` a replay copied, and
 * its copy; each frame id a replay moved, and the new id. A journal in that numbering (the pending
 * analyses `previous` replayed or ran, the statement journals it used) reads through it: where its
 * run read an object that is now copied (`a` after `a = ...` replayed at a moved id, the memo entry of
 * a pipeline an orchestrator calls), the read holds when the state holds the copy, and its memo keys
 * and definitions name the moved ids. Such a replay is then copied like a shifted one, the copies in
 * place of what it read, and what it copies is added here for the replays after it.
 *
 * Why that is exact. Let phi send each object of `previous` to its copy when the build copied it and
 * to itself otherwise, and each frame id to the moved id or itself. (1) The state the build has made
 * so far holds no object the build copied, only its copies: a copy is made for every object of a
 * replayed journal's additions that reaches a moved frame or a copied object (what an object reaches
 * is older than it or its run's own, so it was decided before it, and each object is decided once
 * per build: the table below answers it again); a run that ran reads only the state; a statement
 * resumed before the first edited one is older than every copied object. (2) So when every read of
 * the journaled run, mapped by phi, is what the state answers now, the run from this state reads the
 * images under phi of what it read then. phi is one-to-one (copies are new objects, moved ids are
 * those of the copies, never taken by another frame) and keeps every field but frame ids, which the
 * interpreter uses only as names (memo keys, the definitions map, the walks' seen sets), never in
 * arithmetic or an order; a key names only frames the run held, reached through a read (whose image
 * is in the state with the image's id) or made by it (moved by the difference). The run therefore
 * makes the images of what it made, which is what the copy builds. (3) Ids: a frame of `previous`
 * whose id lies in a copied journal's range was made by that journal's run (ids are unique in one
 * model), so it was copied and its id moved the same way: phi on ids agrees with phi on frames. A
 * journal in another model's numbering (a statement journal recorded by a model built from the same
 * previous one and then lost) could name other frames by the same ids: it is read without the
 * translation, by identity as before. One translation per build, never carried to another: the next
 * build's `previous` is this model, whose objects are the copies.
 */
export class Translation {
  readonly objects = new Map<object, object>();
  readonly ids = new Map<number, number>();

  object<T>(x: T): T {
    return typeof x === 'object' && x !== null ? ((this.objects.get(x) as T | undefined) ?? x) : x;
  }

  id(x: number): number {
    return this.ids.get(x) ?? x;
  }

  get empty(): boolean {
    return this.objects.size === 0;
  }
}

/** What the copies of one build walked (counters for the trace and the benches: work per analysis). */
export interface CopyCounts {
  /** Objects of journals' additions walked (each once per copy of a journal). */
  walked: number;
  /** Of those, the ones copied (they reached a moved frame or a copied object). */
  copied: number;
}

/** A frame id of journal `j` read from a run at `nextId`: its own frames' moved by the difference, another frame's as `t` moved it. */
export function journalIds(j: { nextId: number; ids: number }, nextId: number, t: Translation | undefined): (id: number) => number {
  const from = j.nextId;
  const to = j.nextId + j.ids;
  const shift = nextId - j.nextId;
  return (id) => (id >= from && id < to ? id + shift : t ? t.id(id) : id);
}

/**
 * The journal `j` as a run starting at `nextId` would have recorded it; undefined when it cannot be
 * copied (see above). With `t` (a journal in the numbering `t` translates: see `Translation`), the
 * objects of the previous model it read and the ids of their frames are `t`'s copies and moved ids,
 * in its reads and in what it added, and what it copies is added to `t`; `translated` says some read
 * did hold only so (else, at the same first id, `j` is kept as it is).
 */
export function shiftedJournal<J extends FunctionJournal>(
  j: J,
  nextId: number,
  moduleScope: Scope,
  t?: Translation,
  translated = false,
  counts?: CopyCounts,
): J | undefined {
  const shift = nextId - j.nextId;
  if (shift === 0 && !translated) return j;
  const frames = (j.added.get('frames') ?? []) as Frame[];
  // Every frame the run made is in the model's frame list, with the ids it took: nothing else is moved.
  if (frames.length !== j.ids) return undefined;
  const ids = journalIds(j, nextId, t);
  const copier = new Copier(shift, new Set(frames), moduleScope, t, counts);
  try {
    const added = new Map<string, unknown[]>();
    for (const [key, items] of j.added) added.set(key, copier.list(items));
    const movedKey = (k: string) => mapMemoKey(k, ids) ?? fail();
    // The reads: objects older than the run, the same in both runs unless `t` copied them (then the copy is what holds now).
    const read = <T>(x: T): T => (t ? t.object(x) : x);
    const journal: J = {
      ...j,
      nextId,
      names: t ? mapValues(j.names, read) : j.names,
      memo: mapValues(mapKeys(j.memo, movedKey), read),
      refs: t ? mapValues(j.refs, (ref) => ref && { frame: read(ref.frame), others: ref.others.map(read) }) : j.refs,
      definitions: mapKeys(j.definitions, ids),
      added,
      memoWrites: j.memoWrites.map(([k, v]) => [movedKey(k), copier.value(v) as Value]),
      definitionWrites: j.definitionWrites.map(([id, entry]) => [ids(id), entry]),
      newRefs: j.newRefs.map((ref) => copier.value(ref) as typeof ref),
      refPushes: j.refPushes.map(([start, frame]) => [start, copier.value(frame) as Frame]),
    };
    if ('varWrites' in j) {
      const s = j as unknown as StatementJournal;
      Object.assign(journal, {
        varWrites: s.varWrites.map(([name, v]) => [name, v && (copier.value(v) as Value)]),
        defined: s.defined.map(([def, v]) => [def, copier.value(v) as Value]),
      });
    }
    copier.commit();
    return journal;
  } catch (e) {
    if (e === REFUSED) return undefined;
    throw e;
  }
}

function fail(): never {
  throw REFUSED;
}

/** `m` with its keys mapped by `f`: `m` itself when no key changes (a journal's maps are never written once made). */
function mapKeys<K, V>(m: Map<K, V>, f: (k: K) => K): Map<K, V> {
  let changed = false;
  for (const k of m.keys()) {
    if (f(k) !== k) {
      changed = true;
      break;
    }
  }
  if (!changed) return m;
  const out = new Map<K, V>();
  for (const [k, v] of m) out.set(f(k), v);
  return out;
}

/** `m` with its values mapped by `f`: `m` itself when no value changes. */
function mapValues<K, V>(m: Map<K, V>, f: (v: V) => V): Map<K, V> {
  let out: Map<K, V> | undefined;
  for (const [k, v] of m) {
    const w = f(v);
    if (w !== v) (out ??= new Map(m)).set(k, w);
  }
  return out ?? m;
}

/** Copies objects that reach one of the run's frames, once each (see the module's comment). */
class Copier {
  /** Each object walked: its copy, or itself when it reaches none of the run's frames. */
  private readonly done = new Map<object, object>();
  private depth = 0;

  /** The copies made (object, copy; frame id, new id), added to the build's translation only when the whole journal is copied. */
  private readonly made: [object, object][] = [];
  private readonly movedIds: [number, number][] = [];

  constructor(
    private readonly shift: number,
    private readonly own: ReadonlySet<Frame>,
    private readonly moduleScope: Scope,
    /** The build's translation: objects it copied are answered with their copies (and this copier's copies go in it). */
    private readonly t: Translation | undefined,
    private readonly counts: CopyCounts | undefined,
  ) {}

  /** What was copied, into the build's translation (a refused journal adds nothing: its copies are never seen). */
  commit(): void {
    if (!this.t) return;
    for (const [x, copy] of this.made) this.t.objects.set(x, copy);
    for (const [id, moved] of this.movedIds) this.t.ids.set(id, moved);
  }

  /** A list of the journal's additions (always a new array: the journal's own list is the previous model's). */
  list(items: readonly unknown[]): unknown[] {
    return items.map((x) => this.value(x));
  }

  value(x: unknown): unknown {
    // Syntax nodes and column maps hold no frame (a column is a name, flags and nodes): most fields are
    // nodes, so they are answered before the table of objects walked, and not put in it.
    if (typeof x !== 'object' || x === null || x instanceof SyntaxNode || x instanceof ColumnMap) return x;
    const known = this.done.get(x) ?? this.t?.objects.get(x);
    if (known) return known;
    if (++this.depth > MAX_NESTING) fail();
    if (this.counts) this.counts.walked++;
    try {
      const out = this.walk(x);
      this.done.set(x, out);
      if (out !== x) {
        this.made.push([x, out]);
        if (this.counts) this.counts.copied++;
      }
      return out;
    } finally {
      this.depth--;
    }
  }

  private walk(x: object): object {
    const proto = Object.getPrototypeOf(x) as unknown;
    if (proto === Object.prototype) {
      if (isFrame(x)) return this.own.has(x) ? this.frame(x) : x;
      return this.fields(x);
    }
    if (proto === Array.prototype) {
      const a = x as unknown[];
      let out: unknown[] | undefined;
      for (let i = 0; i < a.length; i++) {
        const v = this.value(a[i]);
        if (v !== a[i]) (out ??= a.slice())[i] = v;
      }
      return out ?? a;
    }
    // The module scope is the run's too (its names are the run's reads, the same objects).
    if (x === this.moduleScope) return x;
    if (proto === Map.prototype) {
      const m = x as Map<unknown, unknown>;
      let out: Map<unknown, unknown> | undefined;
      for (const [k, v] of m) {
        const w = this.value(v);
        if (w !== v) (out ??= new Map(m)).set(k, w);
      }
      return out ?? m;
    }
    // A Map of another class (OptionMap) is kept when nothing in it moves; anything else is not walked.
    if (x instanceof Map) {
      for (const v of x.values()) if (this.value(v) !== v) fail();
      return x;
    }
    return fail();
  }

  /** A plain object: copied (the same shape: spread, then the fields that changed) when a field reaches one of the run's frames. */
  private fields(x: object): object {
    const o = x as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k in o) {
      const v = o[k];
      const w = this.value(v);
      if (w !== v) (out ??= { ...o })[k] = w;
    }
    return out ?? o;
  }

  /** One of the run's frames: a copy with its id moved and its fields (parents, source, ...) copied as they need. */
  private frame(f: Frame): Frame {
    const copy = { ...f };
    // Registered before its fields are walked, so a field that reached it again would find the copy.
    this.done.set(f, copy);
    if (this.shift !== 0) this.movedIds.push([f.id, f.id + this.shift]);
    const o = f as unknown as Record<string, unknown>;
    const c = copy as unknown as Record<string, unknown>;
    for (const k in o) if (k !== 'id') c[k] = this.value(o[k]);
    copy.id = f.id + this.shift;
    return copy;
  }
}

function isFrame(x: object): x is Frame {
  return 'parents' in x && 'op' in x && typeof (x as { id?: unknown }).id === 'number';
}

/**
 * A call memo key (`<def id>:<arguments>:<keyword arguments>`, `callFunction`'s, each value as
 * `valueKey` writes it: `f<frame id>`, `s<length>:<text>`, or a kind) with each frame id mapped by
 * `f` (`journalIds`); undefined when the key does not read as that.
 */
export function mapMemoKey(key: string, f: (id: number) => number): string | undefined {
  // Most keys name no frame: no `f` followed by a digit anywhere.
  if (!/f\d/.test(key)) return key;
  let i = key.indexOf(':');
  if (i < 0) return undefined;
  let out = key.slice(0, i + 1);
  i++;
  // The positional values, then the keyword ones (`name=value`).
  for (let section = 0; section < 2; section++) {
    let first = true;
    while (i < key.length && (section === 0 ? key[i] !== ':' : true)) {
      if (!first) {
        if (key[i] !== ',') return undefined;
        out += ',';
        i++;
      }
      first = false;
      if (section === 1) {
        const eq = key.indexOf('=', i);
        if (eq < 0) return undefined;
        out += key.slice(i, eq + 1);
        i = eq + 1;
      }
      const c = key[i];
      const digits = /^\d+/.exec(key.slice(i + 1, i + 21));
      if (c === 'f' && digits) {
        const id = Number(digits[0]);
        out += `f${f(id)}`;
        i += 1 + digits[0].length;
      } else if (c === 's' && digits && key[i + 1 + digits[0].length] === ':') {
        const end = i + 2 + digits[0].length + Number(digits[0]);
        if (end > key.length) return undefined;
        out += key.slice(i, end);
        i = end;
      } else {
        // A kind: letters up to the next separator.
        const kind = /^[A-Za-z]+/.exec(key.slice(i, i + 20));
        if (!kind) return undefined;
        out += kind[0];
        i += kind[0].length;
      }
    }
    if (section === 0) {
      if (key[i] !== ':') return undefined;
      out += ':';
      i++;
    }
  }
  return i === key.length ? out : undefined;
}
