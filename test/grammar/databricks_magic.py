# SYNTAX TEST "source.python" "Databricks '# MAGIC %sql' cells"
# Databricks notebook source

# MAGIC %sql
# <- comment.line.number-sign.python punctuation.definition.comment.python
#       ^^^^ keyword.other.magic.pyspark-sql
# MAGIC SELECT country, count(*) AS customers
# ^^^^^ comment.line.number-sign.python - keyword
#       ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
#                       ^^^^^ support.function.aggregate.sql
# MAGIC FROM main.silver.customers -- don't count "test" rows
#       ^^^^ keyword.other.DML.sql
#                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-dash.sql
# MAGIC WHERE email IS NOT NULL AND name <> 'test'
#       ^^^^^ keyword.other.DML.sql
#                   ^^ keyword.operator.logical.sql
#                          ^^^^ constant.language.sql
#                                        ^^ keyword.operator.comparison.sql
#                                           ^^^^^^ string.quoted.single.sql

# COMMAND ----------
# ^^^^^^^ comment.line.number-sign.python - meta.embedded.block.sql keyword

# MAGIC %md
#       ^^^ comment.line.number-sign.python - keyword
# MAGIC SELECT is prose in a markdown cell
#       ^^^^^^ comment.line.number-sign.python - keyword

# COMMAND ----------

df = spark.table("main.silver.customers")
# <-- - meta.embedded.block.sql
