package vn.guardian.transcriber;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.testsupport.TestTopics;

/** Whole calls as ingest publishes them, built from the speech fixtures, and what the transcriber published for them. */
public final class TestCalls {

    private TestCalls() {
    }

    /** A two-channel call: CallStarted, both channels' 250 ms chunks interleaved, CallEnded. */
    public static List<AudioEvent> call(String callId, String agentFixture, String customerFixture) {
        List<AudioEvent> records = new ArrayList<>();
        records.add(started(callId, "en"));
        List<AudioChunk> agent = Speech.chunks(agentFixture, callId, 0, 0);
        List<AudioChunk> customer = Speech.chunks(customerFixture, callId, 1, 0);
        for (int i = 0; i < Math.max(agent.size(), customer.size()); i++) {
            if (i < agent.size()) {
                records.add(agent.get(i));
            }
            if (i < customer.size()) {
                records.add(customer.get(i));
            }
        }
        records.add(new CallEnded(callId, "acme", "completed", System.currentTimeMillis()));
        return records;
    }

    /** The call's records on the transcript topic, in order, once {@code done} holds for them. */
    public static List<TranscriptEvent> transcript(TestTopics topics, String callId,
                                                   Predicate<List<TranscriptEvent>> done) {
        var serde = EventSerdes.transcripts();
        Function<List<ConsumerRecord<String, byte[]>>, List<TranscriptEvent>> ofCall = records ->
                records.stream().filter(r -> callId.equals(r.key()))
                        .map(r -> serde.deserialize(r.topic(), r.headers(), r.value())).toList();
        return ofCall.apply(topics.readUntil(Topics.TRANSCRIPTS, all -> done.test(ofCall.apply(all))));
    }

    /** CallStarted of a stereo call of tenant {@code acme}: channel 0 agent, channel 1 customer. */
    public static CallStarted started(String callId, String language) {
        return new CallStarted(callId, "acme", language, new SourceFormat("pcm_s16le", 16000, 2),
                List.of("agent", "customer"), 16000, Map.of(), System.currentTimeMillis());
    }
}
