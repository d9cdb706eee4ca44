/** Span names of the design's span tree. */
export const SPAN = {
  pipeline: 'sync.pipeline',
  repo: 'sync.repo',
  customer: 'sync.customer',
  batch: 'sync.batch',
  dbWrite: 'sync.db.write',
} as const;

/** Span attribute keys: Syncscope's own, then the OTel semantic conventions we set by hand. */
export const ATTR = {
  syncId: 'sync.id',
  pipeline: 'sync.pipeline',
  partition: 'sync.partition',
  repo: 'sync.repo',
  customer: 'sync.customer',
  batchId: 'sync.batch.id',
  batchRecords: 'sync.batch.records',
  recordsSynced: 'sync.records.synced',
  recordsFailed: 'sync.records.failed',
  attempt: 'sync.attempt',
  resumeOf: 'sync.resume.attempt',
  apiCost: 'sync.api.cost',
  apiOperation: 'sync.api.operation',
  graphqlOperationName: 'graphql.operation.name',
  graphqlOperationType: 'graphql.operation.type',
  rateLimitRemaining: 'sync.ratelimit.remaining',
  rateLimitResource: 'sync.ratelimit.resource',
  connector: 'sync.connector',
  dbEntity: 'db.collection.name',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  dbBatchSize: 'db.operation.batch.size',
  /** Semconv's low-cardinality error identifier: an HTTP status code on client spans, else the category. */
  errorType: 'error.type',
  /** Our error category (docs: error categories), on every failed span. */
  errorCategory: 'sync.error.category',
  /** The remote service a CLIENT span calls (github, monday): a node of the service graph. */
  peerService: 'peer.service',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  httpResendCount: 'http.request.resend_count',
  urlFull: 'url.full',
  urlTemplate: 'url.template',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const;
