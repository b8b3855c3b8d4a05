import type { DataFrameModel } from '../../server/src/model/types';
import { escapeRegExp, literalString } from '../../server/src/parsing/syntax';
import { literalValue, type SessionSetting } from '../../server/src/rules/helpers/sessionConf';

/**
 * What `sessionSettings(model, key)` must answer, the way it was first written: the conf sets of the
 * key, then every string of the file that mentions it, found by walking the whole tree (no index,
 * no per-head or per-statement list), in document order. The reference of sessionSettings.test.ts
 * (one analysis) and carriedIndexes.test.ts (after every edit).
 */
export function settingsByScan(model: DataFrameModel, key: string): SessionSetting[] {
  const out: SessionSetting[] = [];
  const keyNodes = new Set<number>();
  for (const c of model.confSets) {
    if (c.key !== key) continue;
    keyNodes.add(c.keyNode.id);
    out.push({ value: literalValue(c.valueNode), confSet: c });
  }
  const needle = key.toLowerCase();
  for (const s of model.root.descendantsOfType('string')) {
    if (keyNodes.has(s.id) || !s.text.toLowerCase().includes(needle)) continue;
    const sql = literalString(s);
    const m = sql !== undefined ? new RegExp(`^\\s*set\\s+${escapeRegExp(key)}\\s*=\\s*([^\\s;]+)\\s*;?\\s*$`, 'i').exec(sql) : null;
    out.push({ value: m ? m[1] : undefined });
  }
  return out;
}
