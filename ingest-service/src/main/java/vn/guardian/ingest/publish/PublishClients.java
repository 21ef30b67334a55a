package vn.guardian.ingest.publish;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.guardian.contracts.GroupFailover;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.ingest.IngestProperties;

/** Kafka client settings from {@code spring.kafka.*}: the audio producer's (owned by AudioPublisher) and the readiness admin. */
@Configuration(proxyBeanMethods = false)
public class PublishClients {

    /** Settings of every ingest producer: nothing lost or doubled, and a bounded wait when Kafka is down. */
    public static Map<String, Object> producerConfig(KafkaProperties kafka, IngestProperties.Publish publish) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        // nothing lost, nothing doubled: every in-sync replica has the record, retries cannot duplicate it
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // writes the chunk fields as headers and the PCM as the raw value
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AudioEventSerde.class);
        // a dead broker must turn into a 503 in bounded time, not a request hanging for a minute
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) publish.maxBlock().toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) publish.deliveryTimeout().toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a recording's 8 KB chunks leave in requests of ~32, not 2: fewer broker requests for the same audio
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // a request stuck on a paused broker is sent again to the new leader within the delivery timeout (Kafka
        // requires delivery.timeout >= linger + request.timeout)
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000,
                Math.min(GroupFailover.REQUEST_TIMEOUT_MS, publish.deliveryTimeout().toMillis() - 5)));
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "guardian-ingest");
        return config;
    }

    @Bean(destroyMethod = "close")
    Admin readinessAdmin(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties());
        // the readiness probe must answer quickly; it sets its own per-call timeout too
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "guardian-ingest-readiness");
        return Admin.create(config);
    }
}
