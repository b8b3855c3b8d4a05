import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../server/src/findings';
import { literalAt, TypingHold } from '../../server/src/lsp/typingHold';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import { loadParser } from './helpers';

const finding = (code: string, start: number, end: number): Finding => ({
  code,
  name: code,
  message: '',
  severity: 'warning',
  start,
  end,
  related: [],
  fixes: [],
});

describe('TypingHold', () => {
  const text = 'spark.conf.set("spark.sql.shuffle.partitions", 2)\n';
  const two = text.indexOf('2)');
  let clock = 0;
  const woken: string[] = [];

  async function setup(): Promise<{ hold: TypingHold; root: () => ReturnType<typeof syntaxRoot> }> {
    const parser = await loadParser();
    const tree = parser.parse(text);
    const root = syntaxRoot(tree, text);
    tree.delete();
    clock = 1000;
    woken.length = 0;
    return {
      hold: new TypingHold(
        500,
        (uri) => woken.push(uri),
        () => clock,
      ),
      root: () => root,
    };
  }

  function typed(hold: TypingHold, offset: number, inserted: string, version = 2): void {
    const doc = TextDocument.create('file:///a.py', 'python', version, text);
    const at = doc.positionAt(offset - inserted.length);
    hold.noteChange(doc, [{ range: { start: at, end: at }, text: inserted }]);
  }

  it('finds the literal around the caret, touching its end too', async () => {
    const { root } = await setup();
    assert.equal(literalAt(root(), two + 1)?.text, '2');
    assert.equal(literalAt(root(), text.indexOf('shuffle'))?.type, 'string');
    assert.equal(literalAt(root(), text.indexOf('conf')), undefined);
  });

  it('holds back a finding inside the literal being typed until the pause', async () => {
    const { hold, root } = await setup();
    const onTwo = finding('PSA303', two, two + 1);
    const wholeCall = finding('PSA501', 0, text.indexOf(')') + 1);
    typed(hold, two + 1, '2');
    assert.deepEqual(hold.visible('file:///a.py', 2, root, [wholeCall, onTwo]), [0]);
    clock += 499;
    assert.deepEqual(hold.visible('file:///a.py', 2, root, [wholeCall, onTwo]), [0]);
    clock += 1;
    assert.deepEqual(hold.visible('file:///a.py', 2, root, [wholeCall, onTwo]), [0, 1]);
    hold.dispose();
  });

  it('shows everything when the last edit is outside the literal, for another version, or the pause is 0', async () => {
    const { hold, root } = await setup();
    const onTwo = finding('PSA303', two, two + 1);
    typed(hold, 5, 'k');
    assert.deepEqual(hold.visible('file:///a.py', 2, root, [onTwo]), [0]);
    typed(hold, two + 1, '2');
    assert.deepEqual(hold.visible('file:///a.py', 3, root, [onTwo]), [0]);
    hold.pauseMs = 0;
    assert.deepEqual(hold.visible('file:///a.py', 2, root, [onTwo]), [0]);
  });

  it('calls back after the pause when it held something back', async () => {
    const { root } = await setup();
    // The test's clock stands still (the edit is always 1 ms young when asked, however busy the
    // machine); the wake-up is a real 1 ms timer.
    const hold = new TypingHold(
      1,
      (uri) => woken.push(uri),
      () => clock,
    );
    typed(hold, two + 1, '2');
    assert.deepEqual(hold.visible('file:///a.py', 2, root, [finding('PSA303', two, two + 1)]), []);
    for (let i = 0; i < 200 && !woken.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(woken, ['file:///a.py']);
    hold.dispose();
  });
});
