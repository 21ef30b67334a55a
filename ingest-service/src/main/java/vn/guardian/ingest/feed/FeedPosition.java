package vn.guardian.ingest.feed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.springframework.http.HttpStatus;
import vn.guardian.contracts.Topics;
import vn.guardian.ingest.problem.ProblemException;

/**
 * Where a verdict stream has read to: the next offset of every partition of both feed topics. It travels as each
 * event's SSE {@code id} (base64url of {@code verdicts:0=12,1=5;call-verdicts:0=3,1=0}), so a client that comes back
 * with it as {@code Last-Event-ID} resumes exactly after that event. Opaque to clients.
 */
public final class FeedPosition {

    /** Token name of each topic the feed reads, in token order. */
    static final Map<String, String> TOPICS = Map.of("verdicts", Topics.VERDICTS, "call-verdicts", Topics.CALL_VERDICTS);
    private static final List<String> NAMES = List.of("verdicts", "call-verdicts");
    /** Far more than two topics' partitions need; refuses garbage before decoding it. */
    private static final int MAX_TOKEN = 8192;

    private final Map<TopicPartition, Long> offsets;

    FeedPosition(Map<TopicPartition, Long> offsets) {
        this.offsets = Map.copyOf(offsets);
    }

    /** The next offset to read on {@code partition}, or null when the token does not know the partition. */
    Long offset(TopicPartition partition) {
        return offsets.get(partition);
    }

    /** The token: base64url (no padding) of the readable form, partitions in order. */
    String token() {
        StringBuilder text = new StringBuilder();
        for (String name : NAMES) {
            String topic = TOPICS.get(name);
            Map<Integer, Long> partitions = new TreeMap<>();
            offsets.forEach((partition, offset) -> {
                if (partition.topic().equals(topic)) {
                    partitions.put(partition.partition(), offset);
                }
            });
            if (partitions.isEmpty()) {
                continue;
            }
            if (!text.isEmpty()) {
                text.append(';');
            }
            text.append(name).append(':');
            List<String> pairs = new ArrayList<>();
            partitions.forEach((partition, offset) -> pairs.add(partition + "=" + offset));
            text.append(String.join(",", pairs));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a token a client sent back.
     *
     * @param field where it came from ({@code Last-Event-ID} or {@code lastEventId}), named in the 400
     * @throws ProblemException 400 when it is not an id this feed gave out
     */
    static FeedPosition parse(String token, String field) {
        if (token.length() > MAX_TOKEN) {
            throw malformed(token, field, "it is longer than any id this feed gives out");
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(token, field, "it is not base64url");
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (String topicPart : text.split(";", -1)) {
            int colon = topicPart.indexOf(':');
            String topic = colon < 0 ? null : TOPICS.get(topicPart.substring(0, colon));
            if (topic == null) {
                throw malformed(token, field, "it names no feed topic");
            }
            for (String pair : topicPart.substring(colon + 1).split(",", -1)) {
                int equals = pair.indexOf('=');
                try {
                    int partition = Integer.parseInt(pair.substring(0, Math.max(0, equals)));
                    long offset = Long.parseLong(pair.substring(equals + 1));
                    if (partition < 0 || offset < 0) {
                        throw new NumberFormatException("negative");
                    }
                    offsets.put(new TopicPartition(topic, partition), offset);
                } catch (NumberFormatException e) {
                    throw malformed(token, field, "its offsets are not partition=offset pairs");
                }
            }
        }
        return new FeedPosition(offsets);
    }

    private static ProblemException malformed(String token, String field, String why) {
        String shown = token.length() > 200 ? token.substring(0, 200) + "..." : token;
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-last-event-id", "Invalid last event id",
                "'" + field + "' is not an event id of this feed: " + why + ".")
                .field(field).value(shown)
                .fix("send the id of the last event you received, unchanged; or reconnect without it to start live");
    }

    @Override
    public String toString() {
        return offsets.toString();
    }
}
