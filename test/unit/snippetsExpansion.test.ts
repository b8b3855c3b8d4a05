import * as assert from 'node:assert/strict';
import { expandSnippet, tabStops } from './snippetExpansion';

describe('expandSnippet (test helper mirroring VS Code snippet expansion)', () => {
  it('takes placeholder defaults, first choices and mirrors, and drops $0', () => {
    assert.equal(expandSnippet(['x = "${1:events}"', 'y = "$1_${1}"', 'z = "${2|a,b|}" $2$0']), 'x = "events"\ny = "events_events"\nz = "a" a');
  });

  it('mirrors take the default even when they come first, and nested placeholders expand', () => {
    assert.equal(expandSnippet(['${2}/${1:lake}/${2:${1}/bronze}']), 'lake/bronze/lake/lake/bronze');
  });

  it('unescapes \\$, \\} and \\\\ and keeps other backslashes and a lone $', () => {
    assert.equal(expandSnippet(['a = "\\$HOME" \\\\ \\n $ ${1:x\\}y}']), 'a = "$HOME" \\ \\n $ x}y');
    assert.equal(expandSnippet(['${1|a\\,b,c|}']), 'a,b');
  });

  it('resolves variables to known values or their default', () => {
    assert.equal(expandSnippet(['$TM_FILENAME_BASE ${TM_SELECTED_TEXT:sel} ${UNKNOWN_VAR:d}']), 'pipeline sel d');
  });

  it('rejects what it does not model, instead of expanding it wrongly', () => {
    assert.throws(() => expandSnippet(['${1/(.*)/$1/}']), /transforms/);
    assert.throws(() => expandSnippet(['${1:open']), /unclosed/);
    assert.throws(() => expandSnippet(['${1|a,b}']), /unclosed choice/);
  });

  it('lists tab stops, nested ones included', () => {
    assert.deepEqual(tabStops(['${3:a ${1:b}} $2 $0']), [0, 1, 2, 3]);
  });
});
