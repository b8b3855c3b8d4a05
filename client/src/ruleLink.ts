/**
 * Rule links in VS Code. The server links each diagnostic code to its page as a `file:` URI of
 * the installed docs/rules/PSAxxx.md (right for every editor, and offline). VS Code would open
 * that as markdown source; a diagnostic link may not be a `command:` URI, so the client points it
 * at the extension's own URI handler instead (`<uriScheme>://<extension id>/rule/PSAxxx`), which
 * opens the bundled page in the markdown preview. No vscode import here: unit-tested.
 */
export const RULE_PATH = /^\/rule\/(PSA\d{3})$/;

/** The VS Code link for a server docs link, or undefined when it is not one of our rule pages. */
export function ruleLinkFor(href: string, uriScheme: string, extensionId: string): string | undefined {
  const m = /\/docs\/rules\/(PSA\d{3})\.md$/.exec(href);
  if (!m || !href.startsWith('file:')) return undefined;
  return `${uriScheme}://${extensionId}/rule/${m[1]}`;
}

/** The rule code a handled URI asks for (`/rule/PSA201`), if any. */
export function ruleOfLink(path: string): string | undefined {
  return RULE_PATH.exec(path)?.[1];
}
