// The findings table, the triage file and how they join: pure functions, unit-tested in
// test/unit/corpusTriage.test.ts. A triage row is keyed by repo + path + line + code; when a line
// moved (code above it changed), the trimmed source text of the line finds it again.

export const FINDING_COLUMNS = ['repo', 'path', 'line', 'col', 'code', 'message', 'text'];
export const TRIAGE_COLUMNS = ['repo', 'path', 'line', 'code', 'label', 'reason', 'text'];
export const LABELS = ['TP', 'FP', 'debatable'];

/** TSV cells hold any text: backslash, tab and line breaks are escaped. */
export function escapeCell(value) {
  return String(value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
}

export function unescapeCell(cell) {
  return cell.replace(/\\([\\tnr])/g, (_, c) => ({ '\\': '\\', t: '\t', n: '\n', r: '\r' })[c]);
}

export function formatTsv(columns, rows) {
  return [columns.join('\t'), ...rows.map((r) => columns.map((c) => escapeCell(r[c])).join('\t'))].join('\n') + '\n';
}

/** Rows as objects by the header's column names; blank lines and lines starting with # are skipped. */
export function parseTsv(text, required = []) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (!lines.length) return [];
  const header = lines[0].split('\t');
  const absent = required.filter((c) => !header.includes(c));
  if (absent.length) throw new Error(`missing column(s) ${absent.join(', ')} in header "${lines[0]}"`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    const row = { rowNumber: i + 2 };
    header.forEach((c, j) => (row[c] = unescapeCell(cells[j] ?? '')));
    return row;
  });
}

/** Whitespace-insensitive form of a source line, for matching a line that moved. */
export function normText(text) {
  return String(text ?? '')
    .trim()
    .replace(/\s+/g, ' ');
}

export function findingKey(f) {
  return `${f.repo}\u0000${f.path}\u0000${Number(f.line)}\u0000${f.code}`;
}

function textKey(f) {
  return `${f.repo}\u0000${f.path}\u0000${f.code}\u0000${normText(f.text)}`;
}

/** Triage rows with an unknown label or no line, which the join ignores. */
export function triageProblems(triage) {
  const problems = [];
  const seen = new Map();
  const where = (t) => (t.file ? `${t.file}:${t.rowNumber}` : `row ${t.rowNumber}`);
  for (const t of triage) {
    if (!LABELS.includes(t.label)) problems.push(`${where(t)}: label "${t.label}" is not one of ${LABELS.join(', ')}`);
    if (!Number.isInteger(Number(t.line)) || Number(t.line) < 1) problems.push(`${where(t)}: line "${t.line}" is not a line number`);
    const k = findingKey(t);
    if (seen.has(k)) problems.push(`${where(t)}: same repo, path, line and code as ${where(seen.get(k))}`);
    else seen.set(k, t);
  }
  return problems;
}

/**
 * Labels each finding from the triage. A triage row matches the findings at its key (several
 * findings of one rule on one line share a label); a finding without one takes an unused row of
 * the same repo, path, code and source text, the nearest by line. Triaged true positives that no
 * finding matches are lost recall; other unmatched rows are findings that went away.
 */
export function joinTriage(findings, triage) {
  const valid = triage.filter((t) => LABELS.includes(t.label) && Number(t.line) >= 1);
  const byKey = new Map(valid.map((t) => [findingKey(t), t]));
  const used = new Set();
  const labelled = findings.map((f) => {
    const t = byKey.get(findingKey(f));
    if (t) used.add(t);
    return { finding: f, triage: t, moved: false };
  });
  const byText = new Map();
  for (const t of valid) {
    if (used.has(t) || !normText(t.text)) continue;
    const k = textKey(t);
    byText.set(k, [...(byText.get(k) ?? []), t]);
  }
  for (const l of labelled) {
    if (l.triage || !normText(l.finding.text)) continue;
    const candidates = (byText.get(textKey(l.finding)) ?? []).filter((t) => !used.has(t));
    if (!candidates.length) continue;
    const line = Number(l.finding.line);
    const nearest = candidates.reduce((a, b) => (Math.abs(Number(b.line) - line) < Math.abs(Number(a.line) - line) ? b : a));
    used.add(nearest);
    l.triage = nearest;
    l.moved = true;
  }
  const unmatched = valid.filter((t) => !used.has(t));
  return {
    labelled,
    untriaged: labelled.filter((l) => !l.triage).map((l) => l.finding),
    lostTruePositives: unmatched.filter((t) => t.label === 'TP'),
    gone: unmatched.filter((t) => t.label !== 'TP'),
  };
}

function ratio(n, d) {
  return d > 0 ? n / d : null;
}

function tally(code, items) {
  const count = (label) => items.filter((l) => l.triage?.label === label).length;
  const tp = count('TP');
  const fp = count('FP');
  const debatable = count('debatable');
  return {
    code,
    findings: items.length,
    tp,
    fp,
    debatable,
    untriaged: items.filter((l) => !l.triage).length,
    // Debatable findings are left out of precision, and count as false in the strict figure.
    precision: ratio(tp, tp + fp),
    strict: ratio(tp, tp + fp + debatable),
  };
}

/** Per-rule and overall counts and precision of a join. */
export function precisionTable(joined) {
  const byCode = new Map();
  for (const l of joined.labelled) byCode.set(l.finding.code, [...(byCode.get(l.finding.code) ?? []), l]);
  const rules = [...byCode.keys()].sort().map((code) => tally(code, byCode.get(code)));
  return { rules, overall: tally('overall', joined.labelled) };
}

function fmt(p) {
  return p === null ? '-' : p.toFixed(2);
}

/** The table as Markdown, for docs/accuracy.md. */
export function formatPrecisionMarkdown(table) {
  const head = '| Rule | Findings | TP | FP | Debatable | Untriaged | Precision | Strict |\n|---|---:|---:|---:|---:|---:|---:|---:|';
  const row = (r) => `| ${r.code} | ${r.findings} | ${r.tp} | ${r.fp} | ${r.debatable} | ${r.untriaged} | ${fmt(r.precision)} | ${fmt(r.strict)} |`;
  return [head, ...table.rules.map(row), row({ ...table.overall, code: '**overall**' })].join('\n');
}

export function formatPrecisionText(table) {
  const cols = ['rule', 'findings', 'TP', 'FP', 'debatable', 'untriaged', 'precision', 'strict'];
  const row = (r) => [r.code, r.findings, r.tp, r.fp, r.debatable, r.untriaged, fmt(r.precision), fmt(r.strict)];
  const rows = [cols, ...table.rules.map(row), row(table.overall)].map((r) => r.map(String));
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

/** Untriaged findings as triage rows with an empty label, to fill in and append to the triage file. */
export function triageTemplate(findings) {
  return formatTsv(
    TRIAGE_COLUMNS,
    findings.map((f) => ({ repo: f.repo, path: f.path, line: f.line, code: f.code, label: '', reason: '', text: normText(f.text) })),
  );
}

/**
 * What changed between two runs on the same corpus (its files are fixed, so a finding is its
 * repo, path, line, column and code): per rule, the findings added and removed.
 */
export function diffFindings(before, after) {
  const key = (f) => `${findingKey(f)}\u0000${Number(f.col)}`;
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  const added = after.filter((f) => !was.has(key(f)));
  const removed = before.filter((f) => !is.has(key(f)));
  const codes = [...new Set([...added, ...removed].map((f) => f.code))].sort();
  return {
    added,
    removed,
    rules: codes.map((code) => ({ code, added: added.filter((f) => f.code === code).length, removed: removed.filter((f) => f.code === code).length })),
  };
}
