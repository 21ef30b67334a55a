package vn.guardian.benchmark.chaos;

import java.util.List;

/**
 * What one fault run did to the calls: completeness (expected, stored once, lost, extra, doubled), chunks the client
 * got acknowledged but the transcriber never closed a call over, and the latency while the fault lasted.
 *
 * @param lost               utterances missing from calls the registry closed (the call is over: they will not come)
 * @param pending            utterances missing from calls still not closed when the drain ran out (late or lost)
 * @param extra              verdict rows beyond what Vosk alone yields for the call (a replay that cut differently)
 * @param doubledTranscripts a segment id committed twice on guardian.transcripts (likewise doubledVerdicts)
 * @param callsNotClosed     ended calls the registry had not closed when the drain ran out
 * @param addedDelayMs       the worst latency during and after the fault minus the run's own p95 before it
 * @param recoveryMs         from the fault until the last verdict slower than max(2 x p95, p95 + 0.5 s) was stored
 * @param faultMs            from the fault until the broken process was healthy again (or the pause ended)
 * @param rebalance          for a fault that changes the transcriber group (kill, scale-out, scale-in): how long its
 *                           rebalance took and the latency during it; null for the others
 */
record FaultResult(String fault, String target, int callsEnded, int callsAbandoned, int startFailures,
                   List<String> abandonReasons, long abandonedChunks, int expected, int storedOnce, int lost,
                   int pending, int extra, int doubledTranscripts, int doubledVerdicts, long ackedNotTranscribed,
                   int callsNotClosed, double baselineP50Ms, double baselineP95Ms, double baselineP99Ms,
                   double maxLatencyMs, double addedDelayMs, double addedWhileDownMs, double addedOnReturnMs,
                   long recoveryMs, long faultMs, long clientFailovers, RebalanceCost rebalance) {
}
