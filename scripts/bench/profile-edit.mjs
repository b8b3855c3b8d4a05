// Where the time after a keystroke goes, step by step (issue 18); the measuring is keystrokeCost.mjs's.
//   node scripts/bench/profile-edit.mjs [lines=5000] [keystrokes=15] [--fresh] [--at=top|middle|end] [--type=comment|code] [--every=N]
// (after `npm run build && npx tsc -p test/tsconfig.json`). With --fresh, no previous model is given;
// --at picks where: a tenth of the way down, the middle (default) or nine tenths. --type=comment (the
// default) types `x` into a fresh comment line there; --type=code types the bench's code scenario
// (`df_1_1 = df.filter(F.col("amount") > 101)`, Enter, the next, ...) into the body of the first
// function taking a frame at or after that line, so most versions have a syntax error. Also counted:
// the keystrokes whose tree has an error, and the top-level statements of the tree. With --every=N the
// analysis runs after every N-th keystroke only (as the server's after a burst: it resumes from the
// model of N keystrokes back); the replay counters of the model are printed (medians).
import { keystrokeCost } from './keystrokeCost.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const r = await keystrokeCost({
  lines: Number(args[0] ?? 5000),
  keystrokes: Number(args[1] ?? 15),
  fresh: process.argv.includes('--fresh'),
  at: option('at', 'middle'),
  type: option('type', 'comment'),
  every: Number(option('every', 1)),
});
const total = r.step('total');
const ruleSum = r.steps.filter((s) => s.name.startsWith('rule ')).reduce((sum, s) => sum + s.median, 0);
console.log(
  `${r.lines} lines, ${r.keystrokes} ${r.every > 1 ? `analyses after every ${r.every}th keystroke` : 'keystrokes'} of ${r.type} at the ${r.at} (line ${r.line}), ${r.fresh ? 'no previous model' : 'incremental'}; ${r.withError} of them with a syntax error; top-level statements resumed (median) ${r.resumed} (min ${r.resumedMin}) of ${r.statements}, replayed after the edit ${r.replayedStatements}; function analyses replayed (median) ${r.reused}, of them relocated ${r.relocated}; node objects adopted by the copy (median) ${r.adopted}; CPU ms, median`,
);
console.log(
  `  model counters (median): ${Object.entries(r.counters)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(`  ${''.padEnd(40)} ${'median'.padStart(8)}  share  ${'mean'.padStart(8)} ${'max'.padStart(8)}`);
const shown = r.steps.filter((s) => !s.name.startsWith('rule ')).concat([{ name: "sum of the rules' medians", median: ruleSum }]);
for (const s of shown)
  console.log(
    `  ${s.name.padEnd(40)} ${s.median.toFixed(1).padStart(8)}  ${`${((100 * s.median) / total).toFixed(0)}%`.padStart(5)}  ${(s.mean ?? NaN).toFixed(1).padStart(8)} ${(s.max ?? NaN).toFixed(1).padStart(8)}`,
  );
console.log('  rules over 1% of the total:');
for (const s of r.steps.filter((s) => s.name.startsWith('rule ') && s.median > total / 100).sort((a, b) => b.median - a.median))
  console.log(`    ${s.name.padEnd(38)} ${s.median.toFixed(1).padStart(8)}  ${((100 * s.median) / total).toFixed(0)}%`);
