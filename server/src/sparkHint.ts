/** Cheap test that a file can involve Spark at all; anything else is skipped before modelling. */
const SPARK_HINT = /\bpyspark\b|\bspark\b|SparkSession|readStream|writeStream|\.write\b|\.read\b|createDataFrame|\bdelta\b/;

export function looksLikePySpark(text: string): boolean {
  return SPARK_HINT.test(text);
}
