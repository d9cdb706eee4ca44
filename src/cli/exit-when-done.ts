/**
 * Ends the process with `code` once the command is done. Normally the event loop is empty and the
 * process exits at once; what may still hold it is a telemetry export the shutdown gave up on (a
 * collector that accepts connections and never answers keeps its socket and the exporter's retry
 * timers alive until the export's own timeout). The sync is finished and its telemetry accounted
 * for, so after a short grace the process exits anyway. stdout and stderr are files or pipes,
 * written synchronously on Linux, so nothing already printed is lost.
 */
export function exitWhenDone(code: number, graceMs = 500): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), graceMs).unref();
}
