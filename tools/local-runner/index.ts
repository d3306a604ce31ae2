export { localKinesisClient } from './clients';
export { invocationContext, functionArn } from './context';
export { toKinesisStreamEvent, compareSequenceNumbers } from './kinesis-event';
export { buildOnFailureRecord, type OnFailureRecord, type OnFailureCondition } from './on-failure';
export { createKinesisEventSource, type KinesisEventSource, type KinesisEventSourceOptions, type KinesisHandler, type EventSourceStats } from './kinesis-event-source';
export { createS3EventSource, toS3Event, type S3EventSourceOptions, type S3Handler, type S3Invocation } from './s3-event-source';
export {
  lambdaApi,
  codeSha256,
  zipDeployedAs,
  lambdaRuntimeEnv,
  loadDeployedHandler,
  kinesisSourceFromMapping,
  type LambdaApi,
  type FunctionConfiguration,
  type EventSourceMapping,
  type Credentials,
} from './deployed';
