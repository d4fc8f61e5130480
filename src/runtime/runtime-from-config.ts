// The runtime a call runs on (EHR, audit trail, extractor, phraser, flow), built from the validated configuration: `frontdesk chat`, `call` and `serve` share it.
import type { Config } from '../config.ts';
import { openCallRuntime, type CallRuntime } from '../dialog/call-runtime.ts';
import { loadFlow } from '../flow/catalogue.ts';
import type { Logger } from '../log.ts';
import { createExtractor, createPhraser } from '../providers/registry.ts';

/** The runtime a text or voice call runs on, from configuration. */
export async function runtimeFromConfig(config: Config, logger: Logger): Promise<CallRuntime> {
  const [extractor, phraser, flow] = await Promise.all([createExtractor(config, { logger }), createPhraser(config, { logger }), loadFlow(config.flow)]);
  // With S3 configured, signed audit checkpoints also go there as objects (Object Lock retention when the bucket has it).
  const s3 = config.recordings.store === 's3' ? config.recordings.s3 : undefined;
  const auditCheckpointSinks = s3
    ? [
        (await import('../audit/s3-checkpoint-sink.ts')).createS3CheckpointSink({
          bucket: s3.bucket,
          region: s3.region,
          forcePathStyle: s3.forcePathStyle,
          ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
          logger,
        }),
      ]
    : [];
  return openCallRuntime({
    flow,
    databaseFile: config.databaseFile,
    ehr: config.ehr,
    auditFile: config.auditFile,
    ...(config.auditKey !== undefined ? { auditKey: config.auditKey } : {}),
    ...(auditCheckpointSinks.length > 0 ? { auditCheckpointSinks } : {}),
    ...(config.database ? { database: config.database } : {}),
    timeZone: config.timeZone,
    ...(config.now ? { now: config.now } : {}),
    logger,
    extractor,
    phraser,
  });
}
