package vn.guardian.moderation;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.guardian.moderation.calls.CallAggregator;
import vn.guardian.moderation.classifier.Judges;
import vn.guardian.moderation.classifier.SegmentClassifier;
import vn.guardian.moderation.health.KafkaStreamsHealthIndicator;
import vn.guardian.moderation.health.SinkHealthIndicator;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.model.ToxicityModels;
import vn.guardian.moderation.registry.CallRegistry;
import vn.guardian.moderation.retention.RetentionProperties;
import vn.guardian.moderation.retention.TranscriptRetention;
import vn.guardian.moderation.sink.SinkLoop;
import vn.guardian.moderation.sink.VerdictSink;
import vn.guardian.moderation.sink.VerdictWriter;
import vn.guardian.moderation.topology.ModerationMetrics;
import vn.guardian.moderation.topology.ModerationStreams;
import vn.guardian.moderation.topology.ModerationTopology;

/** Wires the lexicons and toxicity models, the topology, the verdict sink, the calls registry and retention. */
@Configuration(proxyBeanMethods = false)
class ModerationConfiguration {

    @Bean
    SegmentClassifier segmentClassifier(ModerationProperties properties) {
        Judges judges = properties.judges();
        // no silent fallback: with the model configured, a missing or corrupt model file stops start-up
        ToxicityModels models = judges == Judges.LEXICON
                ? new ToxicityModels(List.of()) : ToxicityModels.load(properties.toxicityModels());
        return new SegmentClassifier(Lexicons.bundled(), models, judges, properties.thresholds(),
                properties.thresholdsByTenant());
    }

    @Bean
    ModerationStreams moderationStreams(SegmentClassifier classifier, ModerationProperties properties,
                                        MeterRegistry registry, KafkaProperties kafka) {
        return new ModerationStreams(
                ModerationTopology.buildTopology(classifier, new CallAggregator(properties.callRules().toRules()),
                        Clock.systemUTC(), properties.dedupeWindow(), properties.callRetention(),
                        new ModerationMetrics(registry)),
                ModerationTopology.streamsConfig(kafka.buildStreamsProperties(), properties.applicationId(),
                        properties.effectiveStateDir(), properties.replicationFactor()),
                registry);
    }

    @Bean
    SinkLoop verdictSink(ConnectionFactory connectionFactory, ModerationProperties properties,
                         MeterRegistry registry, KafkaProperties kafka) {
        return new SinkLoop(VerdictSink.NAME, VerdictSink.TOPICS, kafka.buildConsumerProperties(),
                kafka.buildProducerProperties(), properties.sinkGroupId(), properties.sinkBatchSize(),
                new VerdictSink(new VerdictWriter(connectionFactory, properties.sinkTimeout()), registry), registry);
    }

    @Bean
    SinkLoop callRegistry(ConnectionFactory connectionFactory, ModerationProperties properties,
                          MeterRegistry registry, KafkaProperties kafka) {
        return new SinkLoop(CallRegistry.NAME, CallRegistry.TOPICS, kafka.buildConsumerProperties(),
                kafka.buildProducerProperties(), properties.registryGroupId(), properties.sinkBatchSize(),
                new CallRegistry(connectionFactory, properties.sinkTimeout()), registry);
    }

    @Bean
    TranscriptRetention transcriptRetention(ConnectionFactory connectionFactory, RetentionProperties retention,
                                            MeterRegistry registry) {
        return new TranscriptRetention(connectionFactory, retention, Clock.systemUTC(), registry);
    }

    @Bean
    KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(ModerationStreams streams) {
        return new KafkaStreamsHealthIndicator(streams);
    }

    @Bean
    SinkHealthIndicator verdictSinkHealthIndicator(@Qualifier("verdictSink") SinkLoop sink) {
        return new SinkHealthIndicator(sink);
    }

    @Bean
    SinkHealthIndicator callRegistryHealthIndicator(@Qualifier("callRegistry") SinkLoop registry) {
        return new SinkHealthIndicator(registry);
    }
}
