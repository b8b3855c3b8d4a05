import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE } from '../../../shared/protocol';
import { docsUrl, type Finding } from '../findings';
import type { LineIndex } from '../lineIndex';
import { formatMessage } from '../messages';

export const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A finding as the editor shows it; related locations only for clients that display them. */
export function toDiagnostic(uri: string, f: Finding, lines: LineIndex, relatedInformation: boolean): Diagnostic {
  const d: Diagnostic = {
    range: { start: lines.positionAt(f.start), end: lines.positionAt(f.end) },
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsUrl(f.code) },
    source: DIAGNOSTIC_SOURCE,
    // The first line is what the Problems panel shows; the why and the fix follow (hover, rule page).
    message: formatMessage(f.message),
  };
  if (relatedInformation && f.related.length) {
    d.relatedInformation = f.related.map((r) => ({
      location: { uri, range: { start: lines.positionAt(r.start), end: lines.positionAt(r.end) } },
      message: r.message,
    }));
  }
  return d;
}
