package vn.guardian.transcriber.consumer;

import org.apache.kafka.clients.producer.Producer;

/**
 * A crash at the one moment a wall-clock {@code kill -9} cannot aim at: a call's last segments sent to the broker,
 * its CallClosed not yet, the transaction open. Armed only by the JVM property
 * {@code guardian.crash-test.halt-before-call-closed=<callId prefix>}, which the crash test gives one replica.
 */
final class CrashTestHook {

    private static final String PREFIX = System.getProperty("guardian.crash-test.halt-before-call-closed");

    private CrashTestHook() {
    }

    static void beforeCallClosed(String callId, Producer<?, ?> producer) {
        if (PREFIX != null && !PREFIX.isEmpty() && callId.startsWith(PREFIX)) {
            producer.flush(); // the segments reach the broker inside the open transaction
            System.err.println("crash-test: halting before the CallClosed of " + callId);
            Runtime.getRuntime().halt(137);
        }
    }
}
