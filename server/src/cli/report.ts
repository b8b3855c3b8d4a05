import { docsUrl, type Finding } from '../findings';
import type { LineIndex } from '../lineIndex';
import { splitMessage } from '../messages';
import type { Rule } from '../rules/rule';

/** A finding of a file; in a notebook, its offsets are in the cell `cell` (0-based index in the notebook). */
export type ReportedFinding = Finding & { cell?: number };

export interface FileFindings {
  filename: string;
  findings: ReportedFinding[];
  lines: LineIndex;
  /** A Jupyter notebook: each code cell's lines, and where a cell position is in the file itself. */
  notebook?: {
    cellLines: Map<number, LineIndex>;
    /** The file's offset of a cell position (into the JSON string that holds that line). */
    fileOffset(cell: number, offset: number): number | undefined;
    fileLines: LineIndex;
  };
}

function loc(lines: LineIndex, offset: number): { row: number; column: number } {
  const p = lines.positionAt(offset);
  return { row: p.line + 1, column: p.character + 1 };
}

/** Row and column in the cell for notebook findings (as Ruff reports them), in the file otherwise. */
function locIn(r: FileFindings, f: ReportedFinding, offset: number): { row: number; column: number } {
  const cellLines = f.cell !== undefined ? r.notebook?.cellLines.get(f.cell) : undefined;
  return loc(cellLines ?? r.lines, offset);
}

/** Row and column in the file itself: in a notebook, inside the JSON string holding the cell's line. */
function fileLoc(r: FileFindings, f: ReportedFinding, offset: number): { row: number; column: number } {
  if (f.cell === undefined || !r.notebook) return loc(r.lines, offset);
  const at = r.notebook.fileOffset(f.cell, offset);
  return at === undefined ? { row: 1, column: 1 } : loc(r.notebook.fileLines, at);
}

/** `nb.ipynb:cell 3` (1-based, markdown cells counted), as Ruff names a cell. */
function place(r: FileFindings, f: ReportedFinding): string {
  return f.cell !== undefined ? `${r.filename}:cell ${f.cell + 1}` : r.filename;
}

export function formatText(results: FileFindings[], explain = false): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const l = locIn(r, f, f.start);
      // One line per finding, as linters print them: the headline; --format json has the whole message.
      out.push(`${place(r, f)}:${l.row}:${l.column}: ${f.code} ${splitMessage(f.message).headline}`);
      if (explain) out.push(...explanation(r, f));
    }
  }
  return out.join('\n');
}

/** `--explain`: indented lines under a finding saying why it fired in this code. */
function explanation(r: FileFindings, f: ReportedFinding): string[] {
  const out: string[] = [];
  if (f.context) out.push(`    code: ${f.context.why}`);
  if (f.why) out.push(`    because: ${f.why}`);
  for (const rel of f.related) {
    // In a notebook a related location may sit in another cell.
    const cell = (rel as { cell?: number }).cell ?? f.cell;
    const l = locIn(r, { ...f, cell }, rel.start);
    out.push(`    see ${cell !== undefined ? `cell ${cell + 1}:` : ''}${l.row}:${l.column}: ${rel.message}`);
  }
  return out;
}

/** The last line of the text report: `Found 4 findings in 2 files.` or `All clear: 3 files checked.` */
export function formatSummary(findings: number, files: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return findings ? `Found ${plural(findings, 'finding')} in ${plural(files, 'file')}.` : `All clear: ${plural(files, 'file')} checked.`;
}

/**
 * The text report: one line per finding, then the summary on a line of its own. Both go to the
 * same stream (stdout, as Ruff does), so no reader that joins stdout and stderr can run the
 * summary into the last message.
 */
export function formatTextReport(results: FileFindings[], files: number, explain = false): string {
  const count = results.reduce((n, r) => n + r.findings.length, 0);
  const text = formatText(results, explain);
  return `${text ? `${text}\n` : ''}${formatSummary(count, files)}`;
}

/** GitHub Actions: escapes for workflow-command properties and messages. */
function ghEscape(text: string, property: boolean): string {
  const out = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}

const GITHUB_LEVEL = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as const;

/**
 * GitHub Actions workflow commands (`::error file=...,line=...::message`): each finding becomes an
 * annotation on the pull request's diff, without uploading SARIF.
 */
export function formatGithub(results: FileFindings[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const s = fileLoc(r, f, f.start);
      const e = fileLoc(r, f, f.end);
      const props = [
        `file=${ghEscape(r.filename, true)}`,
        `line=${s.row}`,
        `col=${s.column}`,
        `endLine=${e.row}`,
        ...(e.row === s.row ? [`endColumn=${e.column}`] : []),
        `title=${ghEscape(`${f.code} ${f.name}${f.cell !== undefined ? ` (cell ${f.cell + 1})` : ''}`, true)}`,
      ];
      out.push(`::${GITHUB_LEVEL[f.severity]} ${props.join(',')}::${ghEscape(`${f.code} ${f.message} (${docsUrl(f.code)})`, false)}`);
    }
  }
  return out.join('\n');
}

/** Ruff's JSON shape: one array of findings with 1-based rows and columns. */
export function formatJson(results: FileFindings[]): string {
  const out = [];
  for (const r of results) {
    for (const f of r.findings) {
      const fix = f.fixes[0];
      out.push({
        filename: r.filename,
        // Notebooks only, 1-based as in Ruff's output; rows and columns are then in that cell.
        ...(f.cell !== undefined ? { cell: f.cell + 1 } : {}),
        code: f.code,
        name: f.name,
        message: f.message,
        severity: f.severity,
        url: docsUrl(f.code),
        location: locIn(r, f, f.start),
        end_location: locIn(r, f, f.end),
        // Why it fired here: the kind of code the context model took this for, and what the rule saw.
        context: f.context ?? null,
        why: f.why ?? null,
        fix: fix
          ? {
              // Ruff's values: "safe", "unsafe", "display-only".
              applicability: fix.applicability,
              message: fix.title,
              edits: fix.edits.map((e) => ({ content: e.newText, location: locIn(r, f, e.start), end_location: locIn(r, f, e.end) })),
            }
          : null,
      });
    }
  }
  return JSON.stringify(out, null, 2);
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** `rules`: the registry (passed in: the report itself loads without the rules, see cliEngine.ts). */
export function formatSarif(results: FileFindings[], version: string, rules: readonly Rule[]): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pyspark-architect',
            version,
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.summary },
              helpUri: docsUrl(r.code),
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
            })),
          },
        },
        results: results.flatMap((r) =>
          r.findings.map((f) => {
            // A notebook's region is in the .ipynb file itself (inside the JSON string holding the
            // line), so code-scanning services show the right place; the cell is a property.
            const s = fileLoc(r, f, f.start);
            const e = fileLoc(r, f, f.end);
            const inCell = f.cell !== undefined ? locIn(r, f, f.start) : undefined;
            return {
              ruleId: f.code,
              level: SARIF_LEVEL[f.severity],
              message: { text: f.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: r.filename.split('\\').join('/') },
                    region: { startLine: s.row, startColumn: s.column, endLine: e.row, endColumn: e.column },
                  },
                },
              ],
              ...(inCell ? { properties: { notebookCell: f.cell! + 1, cellLine: inCell.row, cellColumn: inCell.column } } : {}),
            };
          }),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
