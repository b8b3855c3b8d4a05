# SYNTAX TEST "source.python" "Spark SQL inside spark.sql / selectExpr / expr / F.expr strings"

df = spark.sql("SELECT id, count(*) AS n FROM events WHERE ts > '2024-01-01' -- latest")
#          ^^^ meta.function-call.python meta.function-call.generic.python
#              ^ string.quoted.single.python punctuation.definition.string.begin.python
#               ^^^^^^ meta.embedded.inline.sql keyword.other.DML.sql
#                          ^^^^^ support.function.aggregate.sql
#                                   ^^ keyword.other.DML.sql
#                                        ^^^^ keyword.other.DML.sql
#                                                    ^^^^^ keyword.other.DML.sql
#                                             ^^^^^^ - keyword
#                                                             ^ keyword.operator.comparison.sql
#                                                               ^^^^^^^^^^^^ string.quoted.single.sql
#                                                                            ^^^^^^^^^ comment.line.double-dash.sql
#                                                                                     ^ punctuation.definition.string.end.python - meta.embedded.inline.sql
#                                                                                      ^ punctuation.definition.arguments.end.python - string

single = spark.sql('select distinct name from people where age >= 18 and city is not null')
#                   ^^^^^^ keyword.other.DML.sql
#                          ^^^^^^^^ keyword.other.DML.sql
#                                             ^^^^^^ - keyword
#                                                              ^^ keyword.operator.comparison.sql
#                                                                 ^^ constant.numeric.sql
#                                                                    ^^^ keyword.operator.logical.sql
#                                                                                    ^^^^ constant.language.sql

masked = df.selectExpr("sha2(cast(email AS string), 256) AS email_hash", "upper(country) AS country")
#           ^^^^^^^^^^ meta.function-call.generic.python
#                       ^^^^ support.function.sql
#                                       ^^ keyword.other.alias.sql
#                                          ^^^^^^ storage.type.sql
#                                                   ^^^ constant.numeric.sql
#                                                                      ^ punctuation.separator.arguments.python - string
#                                                                         ^^^^^ meta.embedded.inline.sql support.function.sql

flag = F.expr("CASE WHEN amount > 100 THEN 'big' ELSE 'small' END")
#        ^^^^ meta.function-call.generic.python
#              ^^^^ keyword.other.DML.sql
#                   ^^^^ keyword.other.DML.sql
#                                 ^^^ constant.numeric.sql
#                                          ^^^^^ string.quoted.single.sql
#                                                             ^^^ keyword.other.DML.sql

bare = expr('x + 1')
#      ^^^^ meta.function-call.generic.python
#              ^ keyword.operator.arithmetic.sql
#                ^ constant.numeric.sql

latest = spark.sql(f"SELECT * FROM {table} WHERE dt = '{day}'")
#                  ^ storage.type.string.python
#                    ^^^^^^ keyword.other.DML.sql
#                                  ^ constant.character.format.placeholder.other.python
#                                   ^^^^^ meta.fstring.python - keyword
#                                          ^^^^^ keyword.other.DML.sql

merged = spark.sql(f"""
#                   ^^^ string.quoted.multi.python punctuation.definition.string.begin.python
    MERGE INTO {target} AS t
#   ^^^^^ meta.embedded.block.sql keyword.other.DML.sql
#         ^^^^ keyword.other.DML.sql
#               ^^^^^^ meta.fstring.python
    USING updates AS s ON t.id = s.id
#   ^^^^^ keyword.other.DML.sql
#                      ^^ keyword.other.DML.sql
#                              ^ keyword.operator.comparison.sql
    WHEN MATCHED THEN UPDATE SET *
#   ^^^^ keyword.other.DML.sql
#        ^^^^^^^ keyword.other.DML.sql
#                     ^^^^^^ keyword.other.DML.sql
    WHEN NOT MATCHED THEN INSERT *
#        ^^^ keyword.operator.logical.sql
#                         ^^^^^^ keyword.other.DML.sql
""", args={"day": "2024-01-01"})
# <--- punctuation.definition.string.end.python
#    ^^^^ variable.parameter.function-call.python
#                  ^^^^^^^^^^ string.quoted.single.python - keyword meta.embedded.inline.sql constant.numeric.sql

params = spark.sql("SELECT * FROM {events} WHERE id = :id", events=events_df)
#                                 ^^^^^^^^ variable.other.placeholder.pyspark-sql
#                                                     ^^^ variable.parameter.named.pyspark-sql
#                                                           ^^^^^^ variable.parameter.function-call.python

optimize = spark.sql("""OPTIMIZE delta.`s3://lake/silver/events` ZORDER BY (user_id)""")
#                       ^^^^^^^^ meta.embedded.block.sql keyword.other.DDL.sql
#                                      ^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.other.backtick.sql
#                                                                ^^^^^^ keyword.other.DDL.sql

raw = spark.sql(r"SELECT regexp_extract(path, '\\d+', 0) AS n FROM files")
#               ^ storage.type.string.python
#                 ^^^^^^ keyword.other.DML.sql
#                        ^^^^^^^^^^^^^^ support.function.sql

nested = spark.sql(build_query(table, "where"), args=make_args("select"))
#                                      ^^^^^ string.quoted.single.python - keyword
#                                                               ^^^^^^ string.quoted.single.python - keyword

print("SELECT name FROM people")
#      ^^^^^^ string.quoted.single.python - keyword meta.embedded.inline.sql

query_text = "SELECT 1"
#             ^^^^^^ - keyword

# spark.sql("SELECT 1") in a comment stays a comment
#            ^^^^^^ comment.line.number-sign.python - keyword

mysql("SELECT 1")
#      ^^^^^^ - keyword

after = spark.sql
# <----- - meta.function-call string
#             ^^^ - meta.function-call.spark-sql.pyspark-sql
