/**
 * Names `from pyspark.sql.functions import *` brings into scope (Spark 3.x and 4.x, including the
 * camelCase aliases older code uses). Rules use it to tell a Spark function from any other call
 * when the import is a star import, so it must not contain names PySpark does not export.
 */
export const PYSPARK_FUNCTION_NAMES: ReadonlySet<string> = new Set(
  `
  broadcast call_function col column lit expr coalesce ifnull nanvl nullif nullifzero nvl nvl2 when zeroifnull
  equal_null ilike isnan isnotnull isnull like regexp regexp_like rlike asc asc_nulls_first asc_nulls_last desc
  desc_nulls_first desc_nulls_last abs acos acosh asin asinh atan atan2 atanh bin bround cbrt ceil ceiling conv cos
  cosh cot csc degrees e exp expm1 factorial floor greatest hex hypot least ln log log10 log1p log2 negate negative
  pi pmod positive pow power radians rand randn rint round sec sign signum sin sinh sqrt tan tanh truncate try_add
  try_divide try_mod try_multiply try_subtract unhex uniform width_bucket ascii base64 bit_length btrim char
  char_length character_length collate collation concat_ws contains decode elt encode endswith find_in_set
  format_number format_string initcap instr lcase left length levenshtein locate lower lpad ltrim mask
  octet_length overlay position printf regexp_count regexp_extract regexp_extract_all regexp_instr regexp_replace
  regexp_substr repeat replace right rpad rtrim sentences soundex split split_part startswith substr substring
  substring_index to_binary to_char to_number to_varchar translate trim try_to_binary try_to_number ucase unbase64
  upper bit_count bit_get bitwise_not getbit shiftleft shiftright shiftrightunsigned add_months convert_timezone
  curdate current_date current_timestamp current_timezone date_add date_diff date_format date_from_unix_date
  date_part date_sub date_trunc dateadd datediff datepart day dayname dayofmonth dayofweek dayofyear extract
  from_unixtime from_utc_timestamp hour last_day localtimestamp make_date make_dt_interval make_interval
  make_timestamp make_timestamp_ltz make_timestamp_ntz make_ym_interval minute month monthname months_between
  next_day now quarter second session_window timestamp_micros timestamp_millis timestamp_seconds to_date
  to_timestamp to_timestamp_ltz to_timestamp_ntz to_unix_timestamp to_utc_timestamp trunc try_to_timestamp
  unix_date unix_micros unix_millis unix_seconds unix_timestamp weekday weekofyear window window_time year crc32
  hash md5 sha sha1 sha2 xxhash64 aggregate array_sort cardinality concat element_at exists filter forall
  map_filter map_zip_with reduce reverse size transform transform_keys transform_values try_element_at zip_with
  array array_append array_compact array_contains array_distinct array_except array_insert array_intersect
  array_join array_max array_min array_position array_prepend array_remove array_repeat array_size array_union
  arrays_overlap arrays_zip flatten get sequence shuffle slice sort_array named_struct struct create_map
  map_concat map_contains_key map_entries map_from_arrays map_from_entries map_keys map_values str_to_map
  any_value approx_count_distinct approx_percentile array_agg avg bit_and bit_or bit_xor bool_and bool_or
  collect_list collect_set corr count count_distinct count_if count_min_sketch covar_pop covar_samp every first
  first_value grouping grouping_id histogram_numeric hll_sketch_agg hll_union_agg kurtosis last last_value max
  max_by mean median min min_by mode percentile percentile_approx product regr_avgx regr_avgy regr_count
  regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy skewness some std stddev stddev_pop stddev_samp
  sum sum_distinct try_avg try_sum var_pop var_samp variance cume_dist dense_rank lag lead nth_value ntile
  percent_rank rank row_number explode explode_outer inline inline_outer posexplode posexplode_outer stack years
  months days hours bucket from_csv schema_of_csv to_csv from_json get_json_object json_array_length
  json_object_keys json_tuple schema_of_json to_json parse_json try_parse_json variant_get try_variant_get
  from_xml schema_of_xml to_xml xpath parse_url url_decode url_encode aes_decrypt aes_encrypt assert_true
  current_catalog current_database current_schema current_user hmac input_file_block_length
  input_file_block_start input_file_name java_method monotonically_increasing_id raise_error reflect
  spark_partition_id try_aes_decrypt try_reflect typeof user version call_udf pandas_udf udf udtf unwrap_udt
  countDistinct sumDistinct approxCountDistinct bitwiseNOT shiftLeft shiftRight shiftRightUnsigned toDegrees
  toRadians
  `
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Python builtins that a star import of pyspark.sql.functions replaces with a Spark function of
 * the same name (`sum([1, 2])` then builds a Column expression or raises instead of adding).
 */
export const BUILTINS_SHADOWED_BY_STAR: ReadonlySet<string> = new Set([
  'abs',
  'ascii',
  'bin',
  'filter',
  'hash',
  'hex',
  'max',
  'min',
  'pow',
  'round',
  'slice',
  'sum',
]);

/** pyspark.sql.functions members that do not build a Column (decorators, DataFrame hints). */
export const NON_COLUMN_FUNCTIONS: ReadonlySet<string> = new Set(['udf', 'pandas_udf', 'udtf', 'udaf', 'arrow_udf', 'arrow_udtf', 'broadcast']);
