package vn.guardian.benchmark.live;

import java.util.concurrent.CompletableFuture;
import vn.guardian.benchmark.audio.SampleCall;

/** How a live call reaches the audio topic: each step completes once Kafka acknowledged what it produced. */
public interface CallFeed {

    /** What this feed is, for the report. */
    String describe();

    CompletableFuture<String> start(SampleCall sample);

    CompletableFuture<Void> chunk(String callId, SampleCall sample, int seq);

    CompletableFuture<Void> end(String callId);
}
