/**
 * Spark configuration keys PSA502 treats as real, for "did you mean" on near-miss typos.
 *
 * Transcribed from Apache Spark's own registries (sql/catalyst SQLConf.scala including its
 * deprecated and removed keys, core internal/config/package.scala) on the 4.0 development line,
 * which is a superset of 3.5 for every key still in use, plus StaticSQLConf, HiveUtils,
 * Kryo/UI/Network/Python/History/Deploy/Streaming configs, and the commonly used YARN and
 * Kubernetes keys. A key missing here can only cause a finding when it is within a couple of
 * edits of a listed key, which is why completeness matters more than brevity.
 */

/** `prefix` joined to each space-separated suffix: keeps the families readable. */
function family(prefix: string, suffixes: string): string[] {
  return suffixes.split(/\s+/).filter(Boolean).map((s) => prefix + s);
}

const SQL = [
  ...family('spark.sql.', `
    planChangeValidation allowNamedFunctionArguments extendedExplainProviders requireAllClusterKeysForCoPartition
    requireAllClusterKeysForDistribution maxSinglePartitionBytes autoBroadcastJoinThreshold shuffledHashJoinFactor
    leafNodeDefaultParallelism caseSensitive columnNameOfCorruptRecord broadcastTimeout binaryOutputStyle
    defaultCacheStorageLevel orderByOrdinal groupByOrdinal groupByAliases selfJoinAutoResolveAmbiguity retainGroupColumns
    pivotMaxValues transposeMaxValues runSQLOnFiles inMemoryTableScanStatistics.enable columnVector.offheap.enabled
    join.preferSortMergeJoin sort.enableRadixSort limit.initialNumPartitions limit.scaleUpFactor shuffle.partitions
    session.collation.default session.timeZone session.localRelationCacheThreshold icu.caseMappings.enabled
    constraintPropagation.enabled dataSource.skipAssertOnPredicatePushdown dataframeCache.logLevel crossJoin.enabled
    exchange.reuse variable.substitute view.maxNestedViewDepth objectHashAggregate.sortBased.fallbackThreshold
    jsonGenerator.ignoreNullFields jsonGenerator.writeNullIfWithDefaultValue defaultSizeInBytes
    windowExec.buffer.in.memory.threshold windowExec.buffer.spill.threshold sessionWindow.buffer.in.memory.threshold
    sessionWindow.buffer.spill.threshold shuffleDependency.skipMigration.enabled shuffleDependency.fileCleanup.enabled
    sortMergeJoinExec.buffer.in.memory.threshold sortMergeJoinExec.buffer.spill.threshold
    cartesianProductExec.buffer.in.memory.threshold cartesianProductExec.buffer.spill.threshold
    tvf.allowMultipleTableArguments.enabled pyspark.jvmStacktrace.enabled pyspark.udf.profiler
    pyspark.inferNestedDictAsStruct.enabled pyspark.legacy.inferArrayTypeFromFirstElement.enabled
    pyspark.legacy.inferMapTypeFromFirstPair.enabled planner.pythonExecution.memory decimalOperations.allowPrecisionLoss
    redaction.options.regex redaction.string.regex function.concatBinaryAsString function.eltOutputAsString
    storeAssignmentPolicy ansi.enabled ansi.enforceReservedKeywords ansi.doubleQuotedIdentifiers ansi.relationPrecedence
    ansi.strictIndexOperator chunkBase64String.enabled defaultColumn.enabled defaultColumn.allowedProviders
    defaultColumn.useNullsForMissingDefaultValues alwaysInlineCommonExpr useCommonExprIdForAlias
    csv.parser.columnPruning.enabled csv.parser.inputBufferSize csv.filterPushdown.enabled repl.eagerEval.enabled
    repl.eagerEval.maxNumRows repl.eagerEval.truncate avro.compression.codec avro.deflate.level avro.xz.level
    avro.zstandard.level avro.zstandard.bufferPool.enabled avro.filterPushdown.enabled avro.datetimeRebaseModeInWrite
    avro.datetimeRebaseModeInRead truncateTable.ignorePermissionAcl.enabled debug.maxToStringFields maxPlanStringLength
    maxMetadataStringLength timestampType datetime.java8API.enabled ui.explainMode ui.retainedExecutions defaultCatalog
    catalog.spark_catalog mapKeyDedupPolicy maven.additionalRemoteRepositories json.filterPushdown.enabled
    json.enablePartialResults json.enableExactStringParsing json.useUnsafeRow variant.allowDuplicateKeys
    addPartitionInBatch.size scriptTransformation.exitTimeoutInSeconds bucketing.coalesceBucketsInJoin.enabled
    bucketing.coalesceBucketsInJoin.maxBucketRatio optimizeNullAwareAntiJoin charAsVarchar readSideCharPadding
    cli.print.header maxConcurrentOutputFileWriters error.messageFormat lateralColumnAlias.enableImplicitResolution
    stableDerivedColumnAlias.enabled timeTravelTimestampKey timeTravelVersionKey operatorPipeSyntaxEnabled
    artifact.copyFromLocalToFs.allowDestLocal stackTracesInDataFrameContext fromJsonForceNullableSchema
    warehouse.dir extensions catalogImplementation globalTempDatabase queryExecutionListeners event.truncate.length
    filesourceTableRelationCacheSize cache.serializer broadcastExchange.maxThreadThreshold subquery.maxThreadThreshold
    defaultUrlStreamHandlerFactory.enabled metadataCacheTTLSeconds debug
  `),
  ...family('spark.sql.analyzer.', `
    maxIterations canonicalization.multiCommutativeOpMemoryOptThreshold failAmbiguousSelfJoin
    scalarSubqueryAllowGroupByColumnEqualToConstant allowSubqueryExpressionsInLambdasOrHigherOrderFunctions
  `),
  ...family('spark.sql.optimizer.', `
    excludedRules maxIterations inSetConversionThreshold inSetSwitchThreshold dynamicPartitionPruning.enabled
    dynamicPartitionPruning.useStats dynamicPartitionPruning.fallbackFilterRatio dynamicPartitionPruning.reuseBroadcastOnly
    runtimeFilter.number.threshold runtimeFilter.semiJoinReduction.enabled runtime.bloomFilter.enabled
    runtime.bloomFilter.creationSideThreshold runtime.bloomFilter.applicationSideScanSizeThreshold
    runtime.bloomFilter.expectedNumItems runtime.bloomFilter.maxNumItems runtime.bloomFilter.numBits
    runtime.bloomFilter.maxNumBits runtime.rowLevelOperationGroupFilter.enabled plannedWrite.enabled
    expressionProjectionCandidateLimit propagateDistinctKeys.enabled metadataOnly canChangeCachedPlanOutputPartitioning
    enableJsonExpressionOptimization enableCsvExpressionOptimization collapseProjectAlwaysInline
    avoidCollapseUDFWithExpensiveExpr windowGroupLimitThreshold replaceExceptWithFilter nestedSchemaPruning.enabled
    disableHints nestedPredicatePushdown.supportedFileSources serializer.nestedSchemaPruning.enabled
    expression.nestedPruning.enabled decorrelateInnerQuery.enabled decorrelateSetOps.enabled decorrelateLimit.enabled
    decorrelateOffset.enabled decorrelateExistsSubqueryLegacyIncorrectCountHandling.enabled
    decorrelateSubqueryLegacyIncorrectCountHandling.enabled decorrelateSubqueryPreventConstantHoldingForCountBug.enabled
    pullOutNestedDataOuterRefExpressions.enabled optimizeOneRowRelationSubquery wrapExistsInAggregateFunction
    optimizeOneRowRelationSubquery.alwaysInline pullHintsIntoSubqueries decorrelateJoinPredicate.enabled
    decorrelatePredicateSubqueriesInJoinPredicate.enabled optimizeUncorrelatedInSubqueriesInJoinCondition.enabled
    excludeSubqueryRefsFromRemoveRedundantAliases.enabled scalarSubqueryUseSingleJoin planChangeLog.level
    planChangeLog.rules planChangeLog.batches
  `),
  ...family('spark.sql.planChangeLog.', 'level rules batches'),
  ...family('spark.sql.inMemoryColumnarStorage.', 'compressed batchSize hugeVectorReserveRatio hugeVectorThreshold partitionPruning enableVectorizedReader'),
  ...family('spark.sql.adaptive.', `
    shuffle.targetPostShuffleInputSize enabled forceApply applyFinalStageShuffleOptimizations logLevel
    advisoryPartitionSizeInBytes coalescePartitions.enabled coalescePartitions.parallelismFirst
    coalescePartitions.minPartitionSize coalescePartitions.minPartitionNum coalescePartitions.initialPartitionNum
    fetchShuffleBlocksInBatch localShuffleReader.enabled skewJoin.enabled skewJoin.skewedPartitionFactor
    skewJoin.skewedPartitionThresholdInBytes nonEmptyPartitionRatioForBroadcastJoin optimizer.excludedRules
    autoBroadcastJoinThreshold maxShuffledHashJoinLocalMapThreshold optimizeSkewsInRebalancePartitions.enabled
    rebalancePartitionsSmallPartitionFactor forceOptimizeSkewedJoin customCostEvaluatorClass minNumPostShufflePartitions
  `),
  ...family('spark.sql.subexpressionElimination.', 'enabled cache.maxEntries skipForShortcutExpr'),
  ...family('spark.sql.parser.', 'eagerEvalOfUnresolvedInlineTable escapedStringLiterals quotedRegexColumnNames'),
  ...family('spark.sql.parquet.', `
    mergeSchema respectSummaryFiles binaryAsString int96AsTimestamp int96TimestampConversion outputTimestampType
    compression.codec filterPushdown filterPushdown.date filterPushdown.timestamp filterPushdown.decimal
    filterPushdown.string.startsWith filterPushdown.stringPredicate pushdown.inFilterThreshold aggregatePushdown
    writeLegacyFormat output.committer.class enableVectorizedReader enableNestedColumnVectorizedReader
    recordLevelFilter.enabled columnarReaderBatchSize fieldId.write.enabled fieldId.read.enabled
    fieldId.read.ignoreMissing inferTimestampNTZ.enabled int96RebaseModeInWrite datetimeRebaseModeInWrite
    int96RebaseModeInRead datetimeRebaseModeInRead int64AsTimestampMillis cacheMetadata
  `),
  ...family('spark.sql.orc.', `
    compression.codec impl enableVectorizedReader columnarReaderBatchSize columnarWriterBatchSize
    enableNestedColumnVectorizedReader filterPushdown aggregatePushdown mergeSchema
  `),
  ...family('spark.sql.hive.', `
    advancedPartitionPredicatePushdown.enabled dropPartitionByName.enabled metastorePartitionPruning
    metastorePartitionPruningInSetThreshold metastorePartitionPruningFallbackOnException
    metastorePartitionPruningFastFallback manageFilesourcePartitions filesourcePartitionFileCacheSize
    caseSensitiveInferenceMode tablePropertyLengthThreshold convertCTAS gatherFastStats verifyPartitionPath
    metastore.version metastore.jars metastore.jars.path metastore.sharedPrefixes metastore.barrierPrefixes
    convertMetastoreParquet convertMetastoreParquet.mergeSchema convertMetastoreOrc convertInsertingPartitionedTable
    convertInsertingUnpartitionedTable convertMetastoreCtas convertMetastoreInsertDir thriftServer.async
    thriftServer.singleSession
  `),
  ...family('spark.sql.execution.', `
    interruptOnCancel reuseSubquery removeRedundantProjects removeRedundantSorts replaceHashWithSortAgg
    usePartitionEvaluator useObjectHashAggregateExec rangeExchange.sampleSizePerPartition arrow.enabled
    arrow.pyspark.enabled arrow.pyspark.selfDestruct.enabled arrow.localRelationThreshold
    pyspark.udf.faulthandler.enabled arrow.sparkr.enabled arrow.fallback.enabled arrow.pyspark.fallback.enabled
    arrow.maxRecordsPerBatch arrow.useLargeVarTypes pandas.udf.buffer.size pandas.structHandlingMode
    pyspark.udf.simplifiedTraceback.enabled pythonUDF.arrow.enabled pythonUDTF.arrow.enabled
    pandas.convertToArrowArraySafely pyspark.python fastFailOnFileFormatOutput sortBeforeRepartition
    topKSortFallbackThreshold broadcastHashJoin.outputPartitioningExpandLimit pandas.inferPandasDictAsMap
    pandas.respectSessionTimeZone
  `),
  ...family('spark.sql.thriftserver.', 'scheduler.pool ui.retainedStatements ui.retainedSessions'),
  ...family('spark.sql.thriftServer.', 'incrementalCollect interruptOnCancel queryTimeout'),
  ...family('spark.sql.sources.', `
    default fileCompressionFactor partitionColumnTypeInference.enabled bucketing.enabled bucketing.maxBuckets
    bucketing.autoBucketedScan.enabled v2.bucketing.enabled v2.bucketing.pushPartValues.enabled
    v2.bucketing.partiallyClusteredDistribution.enabled v2.bucketing.shuffle.enabled
    v2.bucketing.allowJoinKeysSubsetOfPartitionKeys.enabled v2.bucketing.allowCompatibleTransforms.enabled
    v2.bucketing.partition.filter.enabled outputCommitterClass commitProtocolClass parallelPartitionDiscovery.threshold
    parallelPartitionDiscovery.parallelism ignoreDataLocality useListFilesFileSystemList validatePartitionColumns
    useV1SourceList partitionOverwriteMode binaryFile.maxLength schemaStringLengthThreshold disabledJdbcConnProviderList
  `),
  ...family('spark.sql.codegen.', `
    wholeStage useIdInClassName maxFields factoryMode fallback logging.maxLines hugeMethodLimit methodSplitThreshold
    splitConsumeFuncByOperator broadcastCleanedSourceThreshold aggregate.map.twolevel.enabled
    aggregate.map.twolevel.partialOnly aggregate.map.vectorized.enable aggregate.splitAggregateFunc.enabled
    aggregate.sortAggregate.enabled join.fullOuterShuffledHashJoin.enabled join.buildSideOuterShuffledHashJoin.enabled
    join.fullOuterSortMergeJoin.enabled join.existenceSortMergeJoin.enabled aggregate.fastHashMap.capacityBit
    cache.maxEntries comments
  `),
  ...family('spark.sql.files.', `
    maxPartitionBytes openCostInBytes minPartitionNum maxPartitionNum ignoreCorruptFiles ignoreMissingFiles
    ignoreInvalidPartitionPaths maxRecordsPerFile supportSecondOffsetFormat
  `),
  ...family('spark.sql.statistics.', `
    parallelFileListingInStatsComputation.enabled fallBackToHdfs ndv.maxError histogram.enabled histogram.numBins
    percentile.accuracy size.autoUpdate.enabled updatePartitionStatsInAnalyzeTable.enabled
  `),
  ...family('spark.sql.cbo.', 'enabled planStats.enabled joinReorder.enabled joinReorder.dp.threshold joinReorder.card.weight joinReorder.dp.star.filter starSchemaDetection starJoinFTRatio'),
  ...family('spark.sql.streaming.', `
    stateStore.providerClass stateStore.numStateStoreMaintenanceThreads stateStore.stateSchemaCheck
    stateStore.minDeltasForSnapshot stateStore.formatValidation.enabled flatMapGroupsWithState.stateFormatVersion
    checkpointLocation forceDeleteTempCheckpointLocation minBatchesToRetain ratioExtraSpaceAllowedInCheckpoint
    maxBatchesToRetainInMemory stateStore.maintenanceInterval transformWithState.stateSchemaVersion
    stateStore.compression.codec checkpoint.renamedFileCheck.enabled stateStore.rocksdb.formatVersion
    aggregation.stateFormatVersion stopActiveRunOnRestart join.stateFormatVersion
    sessionWindow.merge.sessions.in.local.partition sessionWindow.stateFormatVersion unsupportedOperationCheck
    kafka.useDeprecatedOffsetFetching statefulOperator.checkCorrectness.enabled statefulOperator.allowMultiple
    statefulOperator.useStrictDistribution fileStreamSink.ignoreMetadata stateStore.skipNullsForStreamStreamJoins.enabled
    asyncLogPurge.enabled metadataCache.enabled triggerAvailableNowWrapper.enabled optimizeOneRowPlan.enabled
    commitProtocolClass multipleWatermarkPolicy fileSink.log.deletion fileSink.log.compactInterval
    fileSink.log.cleanupDelay fileSource.log.deletion fileSource.log.compactInterval fileSource.log.cleanupDelay
    fileSource.schema.forceNullable fileSource.cleaner.numThreads schemaInference pollingDelay stopTimeout
    noDataProgressEventInterval noDataMicroBatches.enabled metricsEnabled numRecentProgressUpdates
    checkpointFileManagerClass checkpoint.escapedPathCheck.enabled continuous.epochBacklogQueueSize
    continuous.executorQueueSize continuous.executorPollIntervalMs disabledV2Writers disabledV2MicroBatchReaders
    streamingQueryListeners ui.enabled ui.retainedProgressUpdates ui.retainedQueries
  `),
  ...family('spark.sql.legacy.', `
    viewSchemaBindingMode viewSchemaCompensation allowParameterlessCount allowNonEmptyLocationInCTAS
    allowStarWithSingleTableIdentifierInCount allowZeroIndexInFormatString useCurrentConfigsForView
    storeAnalyzedPlanForView allowTempViewCreationWithMultipleNameparts allowAutoGeneratedAliasForView
    execution.pandas.groupedMap.assignColumnsByName literal.pickMinimumPrecision allowEmptySchemaWrite
    disableMapKeyNormalization skipTypeValidationOnAlterPartition respectNullabilityInTextDatasetConversion sizeOfNull
    parseNullPartitionSpecAsStringLiteral keepPartitionSpecAsStringLiteral replaceDatabricksSparkAvro.enabled
    setopsPrecedence.enabled exponentLiteralAsDecimal.enabled allowNegativeScaleOfDecimal
    bucketedTableScan.outputOrdering parser.havingWithoutGroupByAsWhere json.allowEmptyString.enabled
    createEmptyCollectionUsingStringType allowUntypedScalaUDF statisticalAggregate
    dataset.nameNonStructGroupingKeyAsValue setCommandRejectsSparkCoreConfs typeCoercion.datetimeToString.enabled
    doLooseUpcast ctePrecedencePolicy inlineCTEInCommands timeParserPolicy followThreeValuedLogicInArrayExists
    fromDayTimeString.enabled notReserveProperties addSingleFileInAddFile mssqlserver.numericMapping.enabled
    mssqlserver.datetimeoffsetMapping.enabled mysql.bitArrayMapping.enabled mysql.timestampNTZMapping.enabled
    oracle.timestampMapping.enabled db2.numericMapping.enabled db2.booleanMapping.enabled
    postgres.datetimeMapping.enabled csv.enableDateTimeParsingFallback json.enableDateTimeParsingFallback
    allowHashOnMapType integerGroupingId groupingIdWithAppendedUserGroupBy parquet.nanosAsLong
    parquet.datetimeRebaseModeInRead parquet.datetimeRebaseModeInWrite parquet.int96RebaseModeInRead
    parquet.int96RebaseModeInWrite avro.datetimeRebaseModeInRead avro.datetimeRebaseModeInWrite duplicateBetweenInput
    castComplexTypesToString.enabled pathOptionBehavior.enabled extraOptionsBehavior.enabled createHiveTableByDefault
    charVarcharAsString noCharPaddingInPredicate emptyCurrentDBInCli keepCommandOutputSchema interval.enabled
    useV1Command histogramNumericPropagateInputType lpadRpadAlwaysReturnString nullValueWrittenAsQuotedEmptyStringCsv
    allowNullComparisonResultInArraySort avro.allowIncompatibleSchema v1IdentifierNoCatalog inSubqueryNullability
    nullInEmptyListBehavior percentileDiscCalculation negativeIndexInArrayInsert raiseErrorWithoutErrorClass
    scalarSubqueryCountBugBehavior scalarSubqueryAllowGroupByNonEqualityCorrelatedPredicate
    decimal.retainFractionDigitsOnTruncate javaCharsets codingErrorAction earlyEvalCurrentTime bangEqualsNot
    allowCreatingManagedTableUsingNonemptyLocation compareDateTimestampInTimestamp sessionInitWithConfigDefaults
  `),
];

const CORE = [
  ...family('spark.', `
    master app.name app.id app.attempt.id default.parallelism local.dir serializer serializer.objectStreamReset
    serializer.extraDebugInfo jars files archives submit.deployMode submit.pyFiles
    submit.proxyUser.allowCustomClasspathInClusterMode speculation file.transferTo buffer.size buffer.pageSize
    buffer.write.chunkSize resources.discoveryPlugin log.structuredLogging.enabled log.callerContext log.level cores.max
    extraListeners plugins plugins.defaultList authenticate authenticate.secret authenticate.secretBitLength
    authenticate.enableSaslEncryption authenticate.secret.file authenticate.secret.driver.file
    authenticate.secret.executor.file redaction.regex redaction.string.regex hadoopRDD.ignoreEmptySplits
    checkpoint.compress shutdown.timeout taskMetrics.trackUpdatedBlockStatuses decommission.enabled
    diskStore.subDirectories block.failures.beforeLocationRefresh barrier.sync.timeout unsafe.exceptionOnMemoryLeak
    unsafe.sorter.spill.read.ahead.enabled unsafe.sorter.spill.reader.buffer.size unsafe.offHeap
    standalone.submit.waitAppCompletion standalone.executorRemoveDelayOnDisconnection acls.enable admin.acls
    admin.acls.groups modify.acls modify.acls.groups user.groups.mapping port.maxRetries hadoop.cloneConf
    hadoop.validateOutputSpecs storage.level
  `),
  ...family('spark.driver.', `
    resourcesFile defaultExtraClassPath extraClassPath extraJavaOptions defaultJavaOptions extraLibraryPath
    userClassPathFirst cores memory memoryOverhead minMemoryOverhead memoryOverheadFactor log.localDir log.dfsDir
    log.layout log.persistToDfs.enabled log.allowErasureCoding host port supervise timeout bindAddress
    blockManager.port maxResultSize
  `),
  ...family('spark.executor.', `
    id defaultExtraClassPath extraClassPath extraJavaOptions defaultJavaOptions extraLibraryPath
    heartbeat.dropZeroAccumulatorUpdates heartbeatInterval heartbeat.maxFailures processTreeMetrics.enabled
    metrics.pollingInterval metrics.fileSystemSchemes userClassPathFirst cores memory memoryOverhead minMemoryOverhead
    memoryOverheadFactor instances maxNumFailures failuresValidityInterval logs.rolling.strategy
    logs.rolling.time.interval logs.rolling.maxSize logs.rolling.maxRetainedFiles logs.rolling.enableCompression
    decommission.killInterval decommission.forceKillTimeout decommission.signal allowSparkContext syncLogLevel.enabled
    killOnFatalError.depth pyspark.memory
  `),
  ...family('spark.eventLog.', `
    enabled dir compress logBlockUpdates.enabled erasureCoding.enabled testing buffer.kb logStageExecutorMetrics
    gcMetrics.youngGenerationGarbageCollectors gcMetrics.oldGenerationGarbageCollectors overwrite longForm.enabled
    rolling.enabled rolling.maxFileSize compression.codec
  `),
  ...family('spark.memory.', 'offHeap.enabled offHeap.size storageFraction fraction'),
  ...family('spark.storage.', `
    unrollMemoryThreshold replication.proactive memoryMapThreshold replication.policy replication.topologyMapper
    cachedPeersTtl maxReplicationFailures decommission.enabled decommission.shuffleBlocks.enabled
    decommission.shuffleBlocks.maxThreads decommission.rddBlocks.enabled decommission.maxReplicationFailuresPerBlock
    decommission.replicationReattemptInterval decommission.fallbackStorage.path decommission.fallbackStorage.cleanUp
    decommission.shuffleBlocks.maxDiskSize replication.topologyFile exceptionOnPinLeak blockManagerTimeoutIntervalMs
    blockManagerMasterDriverHeartbeatTimeoutMs blockManagerHeartbeatTimeoutMs blockManagerSlaveTimeoutMs
    cleanupFilesAfterExecutorExit unrollMemoryCheckPeriod unrollMemoryGrowthFactor localDiskByExecutors.cacheSize
    memoryMapLimitForTests
  `),
  ...family('spark.task.', 'cpus maxDirectResultSize maxFailures reaper.enabled reaper.killTimeout reaper.pollingInterval reaper.threadDump'),
  ...family('spark.dynamicAllocation.', `
    enabled testing minExecutors initialExecutors maxExecutors executorAllocationRatio cachedExecutorIdleTimeout
    executorIdleTimeout shuffleTracking.enabled shuffleTracking.timeout schedulerBacklogTimeout
    sustainedSchedulerBacklogTimeout
  `),
  ...family('spark.locality.', 'wait wait.legacyResetOnTaskLaunch wait.process wait.node wait.rack'),
  ...family('spark.shuffle.', `
    service.enabled service.removeShuffle service.fetch.rdd.enabled service.db.enabled service.db.backend service.port
    service.name service.index.cache.size accurateBlockThreshold accurateBlockSkewedFactor maxAccurateSkewedBlockNumber
    registration.timeout registration.maxAttempts maxAttemptsOnNettyOOM sort.io.plugin.class file.buffer
    unsafe.file.output.buffer spill.diskWriteBufferSize spill.numElementsForceSpillThreshold
    mapOutput.parallelAggregationThreshold sort.initialBufferSize checksum.enabled checksum.algorithm compress
    spill.compress mapStatus.compression.codec spill.initialMemoryThreshold spill.batchSize sort.bypassMergeThreshold
    manager reduceLocality.enabled mapOutput.minSizeForBroadcast mapOutput.dispatcher.numThreads detectCorrupt
    detectCorrupt.useExtraMemory sync unsafe.fastMergeEnabled sort.useRadixSort minNumPartitionsToHighlyCompress
    useOldFetchProtocol readHostLocalDisk push.enabled push.results.timeout push.finalize.timeout
    push.maxRetainedMergerLocations push.mergersMinThresholdRatio push.mergersMinStaticThreshold push.numPushThreads
    push.maxBlockSizeToPush push.maxBlockBatchSize push.merge.finalizeThreads push.sendFinalizeRPCThreads
    push.minShuffleSizeToWait push.minCompletedPushRatio push.server.mergedShuffleFileManagerImpl io.maxRetries
    io.retryWait io.numConnectionsPerPeer io.preferDirectBufs io.backLog io.serverThreads io.clientThreads
    io.connectionTimeout io.connectionCreationTimeout io.mode
  `),
  ...family('spark.kerberos.', 'keytab principal relogin.period renewal.credentials access.hadoopFileSystems'),
  ...family('spark.metrics.', 'namespace conf executorMetricsSource.enabled staticSources.enabled appStatusSource.enabled'),
  ...family('spark.pyspark.', 'driver.python python'),
  ...family('spark.history.', `
    ui.maxApplications fs.logDirectory fs.update.interval fs.cleaner.enabled fs.cleaner.interval fs.cleaner.maxAge
    fs.cleaner.maxNum fs.numReplayThreads fs.driverlog.cleaner.enabled fs.eventLog.rolling.maxFilesToRetain ui.port
    retainedApplications provider store.path store.maxDiskUsage kerberos.enabled kerberos.principal kerberos.keytab
  `),
  ...family('spark.io.', `
    encryption.enabled encryption.keygen.algorithm encryption.keySizeBits crypto.cipher.transformation
    compression.snappy.blockSize compression.lz4.blockSize compression.codec compression.zstd.bufferSize
    compression.zstd.bufferPool.enabled compression.zstd.workers compression.zstd.level warning.largeFileThreshold
  `),
  ...family('spark.blockManager.', 'port'),
  ...family('spark.files.', 'ignoreCorruptFiles ignoreMissingFiles maxPartitionBytes openCostInBytes fetchFailure.unRegisterOutputOnHost overwrite useFetchCache fetchTimeout'),
  ...family('spark.rdd.', 'checkpoint.cachePreferredLocsExpireTime compress parallelListingThreshold limit.initialNumPartitions limit.scaleUpFactor cache.visibilityTracking.enabled'),
  ...family('spark.reducer.', 'maxBlocksInFlightPerAddress maxSizeInFlight maxReqsInFlight'),
  ...family('spark.network.', 'maxRemoteBlockSizeFetchToMem timeout timeoutInterval io.preferDirectBufs crypto.enabled crypto.saslFallback sharedByteBufAllocators.enabled'),
  ...family('spark.scheduler.', `
    listenerbus.eventqueue.capacity listenerbus.metrics.maxListenerClassesTimed listenerbus.logSlowEvent
    listenerbus.logSlowEvent.threshold executorTaskExcludeOnFailureTime executorTaskBlacklistTime
    excludeOnFailure.unschedulableTaskSetTimeout blacklist.unschedulableTaskSetTimeout
    barrier.maxConcurrentTasksCheck.interval barrier.maxConcurrentTasksCheck.maxFailures numCancelledJobGroupsToTrack
    allocation.file minRegisteredResourcesRatio maxRegisteredResourcesWaitingTime mode revive.interval
    resource.profileMergeConflicts maxRetainedRemovedDecommissionExecutors maxRetainedUnknownDecommissionExecutors
    stage.legacyAbortAfterKillTasks dropTaskInfoAccumulablesOnTaskCompletion.enabled pool
  `),
  ...family('spark.excludeOnFailure.', `
    enabled timeout killExcludedExecutors killExcludedExecutors.decommission task.maxTaskAttemptsPerExecutor
    task.maxTaskAttemptsPerNode application.maxFailedTasksPerExecutor stage.maxFailedTasksPerExecutor
    application.maxFailedExecutorsPerNode stage.maxFailedExecutorsPerNode application.fetchFailure.enabled
  `),
  ...family('spark.blacklist.', `
    enabled timeout killBlacklistedExecutors task.maxTaskAttemptsPerExecutor task.maxTaskAttemptsPerNode
    application.maxFailedTasksPerExecutor stage.maxFailedTasksPerExecutor application.maxFailedExecutorsPerNode
    stage.maxFailedExecutorsPerNode application.fetchFailure.enabled
  `),
  ...family('spark.security.', 'credentials.renewalRatio credentials.retryWait'),
  ...family('spark.master.', 'rest.enabled rest.host rest.port ui.port ui.historyServerUrl useAppNameAsAppId.enabled'),
  ...family('spark.broadcast.', 'compress blockSize checksum UDFCompressionThreshold'),
  ...family('spark.speculation.', `
    interval multiplier quantile minTaskRuntime task.duration.threshold efficiency.processRateMultiplier
    efficiency.longRunTaskFactor efficiency.enabled
  `),
  ...family('spark.stage.', 'maxConsecutiveAttempts ignoreDecommissionFetchFailure maxAttempts'),
  ...family('spark.jars.', 'ivy ivySettings packages excludes repositories'),
  ...family('spark.worker.', 'executorStateSync.maxAttempts cleanup.enabled cleanup.interval cleanup.appDataTtl timeout'),
  ...family('spark.connect.', 'scalaUdf.stubPrefixes copyFromLocalToFs.allowDestLocal'),
  ...family('spark.cleaner.', 'periodicGC.interval referenceTracking referenceTracking.blocking referenceTracking.blocking.shuffle referenceTracking.cleanCheckpoints'),
  ...family('spark.kryo.', 'registrationRequired registrator classesToRegister referenceTracking unsafe pool'),
  ...family('spark.kryoserializer.', 'buffer buffer.max'),
  ...family('spark.ui.', `
    enabled port killEnabled showConsoleProgress liveUpdate.period liveUpdate.minFlushPeriod retainedJobs
    retainedStages retainedTasks retainedDeadExecutors reverseProxy reverseProxyUrl proxyRedirectUri filters
    requestHeaderSize timeline.tasksMaximum timeline.executors.maximum timeline.jobs.maximum timeline.stages.maximum
    dagGraph.retainedRootRDDs allowFramingFrom xXssProtection xContentTypeOptions.enabled strictTransportSecurity
    prometheus.enabled consoleProgress.update.interval threadDumpsEnabled heapHistogramEnabled
    groupSQLSubExecutionEnabled view.acls view.acls.groups
  `),
  ...family('spark.rpc.', 'message.maxSize numRetries retry.wait askTimeout lookupTimeout io.threads netty.dispatcher.numThreads connect.threads'),
  ...family('spark.deploy.', 'defaultCores recoveryMode recoveryDirectory zookeeper.url zookeeper.dir spreadOut retainedApplications retainedDrivers maxExecutorRetries'),
  ...family('spark.python.', `
    worker.memory worker.reuse worker.faulthandler.enabled profile profile.dump profile.memory use.daemon
    daemon.module worker.module authenticate.socketTimeout unix.domain.socket.enabled
  `),
  ...family('spark.r.', 'command driver.command backendConnectionTimeout'),
  ...family('spark.streaming.', `
    backpressure.enabled backpressure.initialRate blockInterval receiver.maxRate receiver.writeAheadLog.enable unpersist
    stopGracefullyOnShutdown kafka.maxRatePerPartition kafka.minRatePerPartition kafka.maxRetries ui.retainedBatches
    driver.writeAheadLog.closeFileAfterWrite receiver.writeAheadLog.closeFileAfterWrite concurrentJobs
    dynamicAllocation.enabled
  `),
  ...family('spark.yarn.', `
    kerberos.renewal.excludeHadoopFileSystems isPython dist.pyFiles dist.forceDownloadSchemes stagingDir
    shuffle.server.recovery.disabled am.memory am.cores am.memoryOverhead am.extraJavaOptions am.extraLibraryPath
    am.nodeLabelExpression am.waitTime am.attemptFailuresValidityInterval am.clientModeTreatDisconnectAsFailed
    am.clientModeExitOnError am.tokenConfRegex applicationType queue jars archive dist.archives dist.files dist.jars
    maxAppAttempts executor.nodeLabelExpression executor.failuresValidityInterval executor.launch.excludeOnFailure.enabled
    max.executor.failures tags priority historyServer.address historyServer.allowTracking submit.file.replication
    submit.waitAppCompletion preserve.staging.files scheduler.heartbeat.interval-ms scheduler.initial-allocation.interval
    containerLauncherMaxThreads rolledLog.includePattern rolledLog.excludePattern user.classpath.first
    config.gatewayPath config.replacementPath populateHadoopClasspath report.interval report.loggingFrequency
    clientLaunchMonitorInterval includeDriverLogsLink metrics.namespace principal keytab access.hadoopFileSystems
  `),
  ...family('spark.kubernetes.', `
    namespace container.image driver.container.image executor.container.image container.image.pullPolicy
    container.image.pullSecrets authenticate.driver.serviceAccountName authenticate.executor.serviceAccountName
    driver.pod.name executor.podNamePrefix driver.request.cores driver.limit.cores executor.request.cores
    executor.limit.cores file.upload.path context driver.master allocation.batch.size allocation.batch.delay
    local.dirs.tmpfs driver.podTemplateFile executor.podTemplateFile memoryOverheadFactor submission.waitAppCompletion
    report.interval executor.deleteOnTermination dynamicAllocation.deleteGracePeriod driver.service.deleteOnTermination
    executor.scheduler.name driver.scheduler.name scheduler.name allocation.pods.allocator
    executor.missingPodDetectDelta jars.avoidDownloadSchemes
  `),
];

/** Every key PSA502 knows is a Spark config. */
export const SPARK_CONF_KEYS: ReadonlySet<string> = new Set([...SQL, ...CORE]);

/**
 * Namespaces whose keys are free-form (user-chosen names, pass-through to Hadoop/JVM/connectors)
 * or owned by a vendor whose key set this list does not track: never reported.
 */
export const OPEN_CONF_PREFIXES: readonly string[] = [
  'spark.hadoop.', 'spark.hive.', 'spark.executorEnv.', 'spark.yarn.appMasterEnv.', 'spark.yarn.executorEnv.',
  'spark.kubernetes.', 'spark.sql.catalog.', 'spark.databricks.', 'spark.delta.', 'spark.metrics.conf.',
  'spark.driver.extra', 'spark.executor.extra', 'spark.driver.resource.', 'spark.executor.resource.',
  'spark.task.resource.', 'spark.worker.resource.', 'spark.ssl.', 'spark.history.', 'spark.deploy.', 'spark.worker.',
  'spark.sql.streaming.stateStore.rocksdb.', 'spark.sql.extensions.', 'spark.sql.iceberg.', 'spark.sql.hudi.',
  'spark.sql.dataprep.', 'spark.sql.connect.', 'spark.connect.', 'spark.cassandra.', 'spark.mongodb.', 'spark.es.',
  'spark.snowflake.', 'spark.redis.', 'spark.jars.', 'spark.rapids.', 'spark.gluten.', 'spark.comet.', 'spark.jsl.',
  'spark.datasource.', 'spark.dataproc.', 'spark.emr.', 'spark.emr-serverless.', 'spark.glue.', 'spark.synapse.',
  'spark.microsoft.', 'spark.openlineage.', 'spark.hoodie.', 'spark.kafka.', 'spark.sql.kafka.', 'spark.neo4j.',
  'spark.bigquery.', 'spark.scheduler.listenerbus.eventqueue.', 'spark.plugins.', 'spark.shuffle.push.server.',
  'spark.network.crypto.config.', 'spark.io.encryption.commons.config.', 'spark.sql.hive.metastore.',
  'spark.eventLog.gcMetrics.', 'spark.celeborn.', 'spark.uniffle.', 'spark.blaze.', 'spark.auron.',
];
