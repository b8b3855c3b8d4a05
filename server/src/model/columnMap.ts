import { OrderedMap } from 'immutable';
import type { ColumnInfo } from './types';

/** The edits `ColumnMap.edit` allows: a `Map`'s own, on a private draft. */
export interface ColumnEdits {
  get(name: string): ColumnInfo | undefined;
  has(name: string): boolean;
  set(name: string, column: ColumnInfo): void;
  delete(name: string): void;
}

/** Up to this many columns a map is a plain `Map`, copied per change: cheaper than a tree at that size. */
export const SMALL_COLUMN_MAP = 32;

type Columns = Map<string, ColumnInfo> | OrderedMap<string, ColumnInfo>;

/**
 * A frame's known columns, by name, in the order Spark would list them: a persistent map.
 *
 * Each `withColumn` / `withColumnRenamed` / `drop` makes a frame whose columns are its parent's with
 * one change. With a plain `Map` that change copied the whole map, so a lineage that gains a column
 * per statement cost 1 + 2 + ... + n copies: a notebook adding a few thousand columns to one frame
 * took seconds (issue 18, problem 5). Past `SMALL_COLUMN_MAP` columns the map is Immutable's
 * OrderedMap, which shares structure between versions, so a change costs O(log n) and every earlier
 * frame keeps its own view; below it, a copied `Map` (a copy of at most 32 entries is a bounded cost,
 * and most frames have fewer columns than that). Both keep a `Map`'s order exactly: a new name goes
 * last, setting a name already there keeps its place, a deleted name leaves.
 *
 * Readers see a read-only `Map` (`get`, `has`, `size`, `keys`, `values`, `entries`, `for...of`);
 * writers get a new map from `edit` or `with`, never a changed one, so a frame derived from another
 * can hold its parent's map as it is.
 */
export class ColumnMap implements Iterable<[string, ColumnInfo]> {
  static readonly EMPTY = new ColumnMap(new Map());

  private constructor(private readonly map: Columns) {}

  /** The columns of `entries`, in their order (a later entry of a name replaces an earlier one in place). */
  static of(entries: Iterable<readonly [string, ColumnInfo]>): ColumnMap {
    return ColumnMap.EMPTY.edit((m) => {
      for (const [name, column] of entries) m.set(name, column);
    });
  }

  get size(): number {
    return this.map.size;
  }

  get(name: string): ColumnInfo | undefined {
    return this.map.get(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  values(): IterableIterator<ColumnInfo> {
    return this.map.values();
  }

  entries(): IterableIterator<[string, ColumnInfo]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, ColumnInfo]> {
    return this.map.entries();
  }

  /**
   * This map with the edits `change` makes; this one is left as it was. Several edits share one
   * draft (a copied `Map`, or the tree's `withMutations`), so a select of twenty columns is one new
   * map, not twenty.
   */
  edit(change: (edits: ColumnEdits) => void): ColumnMap {
    let changed = false;
    if (this.map instanceof Map) {
      let draft: Columns = new Map(this.map);
      const edits: ColumnEdits = {
        get: (name) => draft.get(name),
        has: (name) => draft.has(name),
        set: (name, column) => {
          changed = true;
          // Grown past the small size inside one edit: the rest of the edit goes to a tree.
          if (draft instanceof Map) {
            draft.set(name, column);
            if (draft.size > SMALL_COLUMN_MAP) draft = OrderedMap(draft).asMutable();
          } else draft.set(name, column);
        },
        delete: (name) => {
          if (!draft.has(name)) return;
          changed = true;
          draft.delete(name);
        },
      };
      change(edits);
      if (!changed) return this;
      const made = draft as Columns; // reassigned by the edits above
      return new ColumnMap(made instanceof Map ? made : made.asImmutable());
    }
    const next = this.map.withMutations((draft) => {
      change({
        get: (name) => draft.get(name),
        has: (name) => draft.has(name),
        set: (name, column) => void draft.set(name, column),
        delete: (name) => void draft.delete(name),
      });
    });
    if (next === this.map) return this;
    // Shrunk back to a small size (a select or drops): a plain Map again.
    return new ColumnMap(next.size <= SMALL_COLUMN_MAP ? new Map(next) : next);
  }

  /** This map with `name` set to `column`. */
  with(name: string, column: ColumnInfo): ColumnMap {
    if (this.map instanceof Map) return this.edit((m) => m.set(name, column));
    return new ColumnMap(this.map.set(name, column));
  }
}
