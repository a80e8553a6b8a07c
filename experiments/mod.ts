/**
 * Experiments as resumable, shardable sweeps: the {@linkcode Experiment}
 * declaration and {@linkcode defineExperiment} for typed ones, the registry,
 * the Web Worker sweep runner, the report writer and the `deno task
 * experiment` command line.
 *
 * @example Run one point of the translation experiment in-process
 * ```ts
 * import { EXPERIMENTS } from "./mod.ts";
 * import { getProfile } from "../core/cost/profiles.ts";
 * const experiment = EXPERIMENTS.translation;
 * const point = experiment.grids.quick.find((p) => p.translation_caches === "off" && p.mode === "nested")!;
 * const row = await experiment.run({ ...point, accesses: 256 }, { seed: 1, cost: getProfile("intel-skylake-sp") });
 * if (row.walk_refs_per_walk !== 24) throw new Error(`expected 24 references per cold 2-D walk`);
 * ```
 *
 * @module
 */

export {
  type Experiment,
  type ExperimentGrids,
  GRID_SIZES,
  type GridSize,
  type Point,
  type ReportSection,
  type Row,
  type RunContext,
  type RunModule,
  type Value,
} from "./experiment.ts";
export {
  type ChoiceParameter,
  describeParameters,
  type NumberParameter,
  type OptionalKeys,
  type ParameterSpec,
  type ParameterSpecs,
  parsePoint,
  PointError,
  type PointOf,
  type StringParameter,
  type ValueOf,
} from "./parameters.ts";
export {
  defineExperiment,
  type ExperimentDefinition,
  type TypedExperiment,
  type TypedGrids,
} from "./define_experiment.ts";
export { cartesian } from "./cartesian.ts";
export { EXPERIMENTS } from "./registry.ts";
export { TRANSLATION } from "./translation/experiment.ts";
export { TRANSLATION_PARAMETERS, type TranslationPoint } from "./translation/point.ts";
export { SHADOW } from "./shadow/experiment.ts";
export {
  SHADOW_PARAMETERS,
  type ShadowParameters,
  type ShadowPoint,
  type StrategyValue,
} from "./shadow/point.ts";
export { LARGE_PAGES } from "./large_pages/experiment.ts";
export {
  LARGE_PAGES_PARAMETERS,
  type LargePagesParameters,
  type LargePagesPoint,
  type Tenants,
} from "./large_pages/point.ts";
export { SNAPSHOT } from "./snapshot/experiment.ts";
export {
  SNAPSHOT_PARAMETERS,
  type SnapshotParameters,
  type SnapshotPoint,
} from "./snapshot/point.ts";
export { MIGRATION } from "./migration/experiment.ts";
export {
  MIGRATION_PARAMETERS,
  MIGRATION_PHASES,
  MIGRATION_PLACEMENTS,
  type MigrationParameters,
  type MigrationPoint,
} from "./migration/point.ts";
export { REPLICATION } from "./replication/experiment.ts";
export {
  POINT_RESTORES,
  type PointRestore,
  REPLICATION_PARAMETERS,
  type ReplicationParameters,
  type ReplicationPoint,
} from "./replication/point.ts";
export { PARTITION_BUS } from "./partition_bus/experiment.ts";
export {
  PARTITION_BUS_PARAMETERS,
  type PartitionBusParameters,
  type PartitionBusPoint,
} from "./partition_bus/point.ts";
export {
  describePoint,
  PROVENANCE_KEYS,
  runSweep,
  SweepError,
  type SweepOptions,
  type SweepResult,
} from "./sweep/run_sweep.ts";
export { canonicalJson, fnv1a64, pointId } from "./sweep/point_id.ts";
export { appendRow, loadRows, type LoadRowsOptions, POINT_ID_KEY } from "./sweep/row_store.ts";
export {
  type EnvReader,
  formatShard,
  inShard,
  parseShard,
  resolveShard,
  type Shard,
  SHARD_COUNT_VARIABLE,
} from "./sweep/shard.ts";
export {
  createProgress,
  formatDuration,
  type Progress,
  type ProgressOptions,
  type ProgressStream,
} from "./sweep/progress.ts";
export { gitCommit, VMLAB_VERSION } from "./sweep/provenance.ts";
export {
  DICTIONARY_FILE,
  readRunRecord,
  type ReportInput,
  type RunRecord,
  writeExperimentReport,
  writeIndex,
} from "./sweep/report_writer.ts";
export {
  type ColumnDoc,
  columnDoc,
  dictionarySections,
  EXIT_COLUMN_NAMES,
  EXPERIMENT_COLUMNS,
  FORMER_COLUMN_NAMES,
  formerColumnIn,
  type FormerName,
  PROVENANCE_COLUMNS,
  RESULT_COLUMNS,
} from "./columns.ts";
export { type MergedExperiment, mergeOutputs } from "./sweep/merge.ts";
export { resolveProfile } from "./cli/profile_option.ts";
export { type CliOptions, DEFAULT_OUT_DIR, DEFAULT_SEED, runCli } from "./cli/experiment_cli.ts";
export { UsageError } from "./cli/usage_error.ts";
export { SIM_MACHINE_OPTIONS, type SimReport, simReport } from "./cli/sim_cli.ts";
export {
  readLackeyTrace,
  type ReadLackeyTraceOptions,
  readTrace,
  type ReadTraceOptions,
  type TraceSummary,
} from "./cli/trace_file.ts";
export {
  readProcessTraces,
  type ReadProcessTracesOptions,
  TRACE_QUANTUM_ACCESSES,
} from "./cli/trace_processes.ts";
export type { FieldOption } from "./cli/config_options.ts";
export { commandArgs, simArgs, simCommand, type SimRun } from "./sim_command.ts";
