/**
 * Spark data source options are case-insensitive (`checkpointlocation` works like
 * `checkpointLocation`): so is this map's lookup. Keys iterate lowercased.
 */
export class OptionMap<V> extends Map<string, V> {
  constructor(entries?: Iterable<readonly [string, V]> | null) {
    super();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  override get(key: string): V | undefined {
    return super.get(key.toLowerCase());
  }

  override set(key: string, value: V): this {
    return super.set(key.toLowerCase(), value);
  }

  override has(key: string): boolean {
    return super.has(key.toLowerCase());
  }

  override delete(key: string): boolean {
    return super.delete(key.toLowerCase());
  }
}
