import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import { sqlTexts } from '../helpers/delta';
import type { Rule, RuleContext } from '../rule';
import { callsNamedAny } from '../helpers/callIndex';

/** Column names that hold money: a word of the name (split on `_`) is one of these. */
const MONEY =
  /(^|_)(amount|amt|price|prices|cost|costs|revenue|revenues|balance|fee|fees|payment|payments|salary|fare|tax|subtotal|gmv|profit|spend|charge|charges|invoice|premium|refund|discount)(_|$)/i;
const FLOAT_TYPES = new Set(['DoubleType', 'FloatType']);
const FLOAT_NAMES = new Set(['double', 'float', 'real']);

/**
 * Words that, after the money word, make the name an attribute of a payment rather than an amount:
 * `payment_type` and `payment_method` are codes, `discount_rate`, `discount_percent` and `tip_ratio`
 * are fractions, `refund_count` a count. English compounds put the head last, so `fare_amount` or
 * `tax_total` stay money while `tax_rate` does not.
 */
const NOT_AN_AMOUNT =
  /^(type|types|method|methods|mode|id|ids|code|codes|status|state|flag|percent|percentage|pct|rate|rates|ratio|count|cnt|category|class|rank|bucket|band|tier|level|channel|provider|currency)$/i;

/**
 * Words that, beside the money word, make the name a statistic of amounts rather than an amount:
 * `avg_price`, `mean_price_7d`, `std_price`, `zscore_price`, `price_stddev`. An average or a deviation is a
 * quotient that no decimal type holds exactly either, and a z-score has no currency at all; sums
 * and reconciliations are made of the amounts themselves (`price`, `total_price`, `sum_amount`).
 */
const STATISTIC = /^(avg|average|mean|median|std|stddev|stdev|sd|var|variance|zscore|z)$/i;

/** The name's words, camelCase split: `paymentType` -> payment, Type. */
function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .split('_')
    .filter(Boolean);
}

function isMoney(name: string | undefined): name is string {
  if (!name) return false;
  const w = words(name);
  const money = w.findIndex((x) => MONEY.test(x));
  return money >= 0 && !w.slice(money + 1).some((x) => NOT_AN_AMOUNT.test(x)) && !namesStatistic(w, money);
}

/**
 * `tip_ratio`, `discount_rate`, `payment_type`: a name whose last word says code, fraction or count;
 * `avg_price`, `zscore_price`: a statistic of the amounts.
 */
function namesNonAmount(name: string | undefined): boolean {
  if (!name) return false;
  const w = words(name);
  const last = w.at(-1);
  if (last && NOT_AN_AMOUNT.test(last)) return true;
  const money = w.findIndex((x) => MONEY.test(x));
  return money >= 0 && namesStatistic(w, money);
}

/** A word other than the money word says average, deviation or z-score: `avg_price`, `priceStddev`. */
function namesStatistic(w: string[], money: number): boolean {
  return w.some((x, i) => i !== money && STATISTIC.test(x));
}

/** `DoubleType()`, `T.FloatType()`, `"double"`: a binary floating-point type. */
function isFloatType(node: Node | undefined): boolean {
  if (!node) return false;
  const n = unwrapParens(node);
  const s = literalString(n);
  if (s !== undefined) return FLOAT_NAMES.has(s.trim().toLowerCase());
  if (n.type !== 'call') return false;
  const name = callParts(n)?.name;
  return !!name && FLOAT_TYPES.has(name);
}

function message(column: string, type: string): string {
  return (
    `'${column}' holds money as ${type}: binary floating point cannot represent most decimal amounts ` +
    '(0.1 + 0.2 = 0.30000000000000004), so sums, averages and reconciliations drift by cents and equality checks ' +
    'between systems fail. Store money as DecimalType(18, 2) (DECIMAL(18,2) in DDL), or as integer cents.'
  );
}

export const floatTypeForMoney: Rule = {
  code: 'PSA709',
  name: 'float-type-for-money',
  summary:
    'A money column (amount, price, cost, revenue, fee, ...) typed double/float in a schema, DDL or cast: rounding errors in sums and comparisons; use DecimalType.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    // Features for MLlib are doubles by necessity (VectorAssembler, regressors).
    if (/^\s*(from|import)\s+pyspark\.ml\b/m.test(ctx.text)) return;
    // The calls named as the two tests below ask (the shared index), in document order as before.
    for (const call of callsNamedAny(ctx.model, ['StructField', 'cast', 'astype'])) {
      const parts = callParts(call);
      if (!parts?.name) continue;
      // StructField("price", DoubleType())
      if (parts.name === 'StructField') {
        const name = literalString(parts.args[0] ?? parts.keywords.get('name'));
        const type = parts.args[1] ?? parts.keywords.get('dataType');
        if (isMoney(name) && isFloatType(type))
          ctx.report({ node: type!, message: message(name, unwrapParens(type!).text.replace(/\(\)$/, '').toLowerCase().replace('type', '')) });
        continue;
      }
      // col("price").cast("double"), withColumn("amount", ...cast(DoubleType()))
      if (
        (parts.name === 'cast' || parts.name === 'astype') &&
        parts.object &&
        isFloatType(parts.args[0]) &&
        !isParseTest(call) &&
        !parsedFromPercent(parts.object)
      ) {
        const read = ctx.functions.firstColumnRead(parts.object);
        const target = targetName(call);
        // The name the value is stored under decides first: a ratio of two amounts stored as
        // tip_ratio is a fraction, and a z-score stored as zscore_price has no currency, whatever
        // money column either was computed from.
        const column = isMoney(target) ? target : !namesNonAmount(target) && isMoney(read) ? read : undefined;
        if (column)
          ctx.report({
            start: parts.nameNode!.startIndex,
            end: call.endIndex,
            message: message(column, (literalString(parts.args[0]) ?? 'double').toLowerCase()),
          });
      }
    }
    // DDL: "amount DOUBLE" in a schema string or a CREATE TABLE.
    for (const { node, text } of sqlTexts(ctx.model)) {
      if (!/\b(DOUBLE|FLOAT)\b/i.test(text) || (/\bSELECT\b/i.test(text) && !/\bCREATE\b/i.test(text))) continue;
      const m = /(?:^\s*|[(,]\s*)`?(\w+)`?\s+(DOUBLE|FLOAT)\b/gi;
      for (let hit = m.exec(text); hit; hit = m.exec(text)) {
        if (isMoney(hit[1])) {
          ctx.report({ node, message: message(hit[1], hit[2].toLowerCase()) });
          break;
        }
      }
    }
  },
};

/**
 * `col("amount").cast("double").isNotNull()`: a check that the value parses as a number, in a filter
 * or a quality count. The double is tested and dropped; nothing is stored in it.
 */
function isParseTest(cast: Node): boolean {
  const up = cast.parent;
  if (up?.type !== 'attribute' || !sameNode(up.childForFieldName('object'), cast)) return false;
  const method = up.childForFieldName('attribute')?.text;
  return (method === 'isNotNull' || method === 'isNull') && up.parent?.type === 'call';
}

/** A string literal that is only a percent sign, as a separator or pattern: `"%"`, `"%$"`, `"\\%"`. */
const PERCENT_SIGN = /^\s*\\?%\$?\s*$/;

/**
 * `split(col("Discount"), "%").getItem(0).cast("float")`, `regexp_replace("tax_rate", "%", "")`: the
 * value cast is text with its percent sign cut off, a percentage (a rate, a discount of 12%), not an
 * amount of money, whatever the column is called.
 */
function parsedFromPercent(value: Node): boolean {
  const stack: Node[] = [value];
  for (let i = 0; stack.length && i < 500; i++) {
    const n = stack.pop()!;
    if (n.type === 'string') {
      const s = literalString(n);
      if (s !== undefined && PERCENT_SIGN.test(s)) return true;
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** The column a cast is stored under: `withColumn("amount", <expr>.cast(...))`, `<expr>.cast(...).alias("amount")`. */
function targetName(cast: Node): string | undefined {
  const up = cast.parent;
  if (up?.type === 'attribute') {
    const call = up.parent;
    const parts = call ? callParts(call) : undefined;
    if (parts?.name === 'alias' || parts?.name === 'name') return literalString(parts.args[0]);
  }
  if (up?.type === 'argument_list') {
    const call = up.parent;
    const parts = call ? callParts(call) : undefined;
    if (parts?.name === 'withColumn' && parts.args[1] && parts.args[1].id === cast.id) return literalString(parts.args[0]);
  }
  // withColumns({"tip_ratio": <expr>.cast("float"), ...})
  if (up?.type === 'pair' && sameNode(up.childForFieldName('value'), cast)) {
    const call = up.parent?.parent?.type === 'argument_list' ? up.parent.parent.parent : undefined;
    if (up.parent?.type === 'dictionary' && call && callParts(call)?.name === 'withColumns') return literalString(up.childForFieldName('key')!);
  }
  return undefined;
}
