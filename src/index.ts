// The library: the Flow type, the engine's entry points and the test kit, for running and testing a flow from your own code.
export type { AgentSay, EndReason, EngineEvent, Flow, FlowExploration, FlowWorld, ReplyOptions, ToolBinding } from './flow/types.ts';
export { defaultReplyOptions, phiActorsOf } from './flow/types.ts';
export { flowNames, loadFlow } from './flow/catalogue.ts';

// The engine: a runtime (EHR behind its guard, audit, clock, understanding) that opens call sessions of a flow.
export { openCallRuntime, type CallRuntime, type CallRuntimeOptions } from './dialog/call-runtime.ts';
export { createCallSession, type CallSession, type CallSessionOptions, type SessionEvent, type SessionTrace } from './dialog/session.ts';
export { runJsonlChannel, type ChannelEvent } from './transports/text-channel.ts';
export { createRuleExtractor, extractWithRules } from './understanding/rule-extractor.ts';
export type { Expectation, Extractor, SlotName, Understanding } from './understanding/types.ts';
export type { Appointment, CallContext, Ehr, EhrToolName, Provider, Slot, VerifiedSession, VerifyResult } from './ehr/types.ts';

// The kit: the gating proof and loop check, and scenarios with readable differences.
export { declaredGatingViolations, exploreFlow, maxAsksInARow, questionsHeard, type Exploration } from './flow/explore.ts';
export { loadScenario, runScenario, scenarioDifferences, scenarioSchema, type Scenario, type ScenarioRun } from './flow/scenario.ts';
// Replay: a call `frontdesk serve` logged, re-run against a flow with its recorded tool outcomes; and a flow's coverage as data.
export { readCallLog, type CallLogEntry, type RecordedCall } from './call-log/call-log.ts';
export { compareTurns, recordedTurns, replayCall, type Observation, type ReplayDifference, type ReplayResult, type Turn } from './flow/replay.ts';
export { computeCoverage, type FlowCoverage } from './flow/coverage.ts';
