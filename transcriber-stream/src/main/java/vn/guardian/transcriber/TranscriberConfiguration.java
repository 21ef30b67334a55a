package vn.guardian.transcriber;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.transcriber.consumer.WorkerClients;
import vn.guardian.transcriber.consumer.TranscriberMetrics;
import vn.guardian.transcriber.consumer.TranscriberWorkers;
import vn.guardian.transcriber.models.ModelReporter;
import vn.guardian.transcriber.replica.Replica;
import vn.guardian.voskmodels.VoskModels;

/** Wires models, the recognizer pool, the worker threads and the report of the languages they serve. */
@Configuration(proxyBeanMethods = false)
class TranscriberConfiguration {

    /** Loaded before anything consumes: the context (and so readiness) is up only once every model is. */
    @Bean(destroyMethod = "close")
    VoskModels models(TranscriberProperties properties) {
        return VoskModels.load(properties.models(), Path.of(properties.modelCacheDir()), "guardian.transcriber.models.");
    }

    /** Takes the models so that Spring frees the warm recognizers before the models they were made from. */
    @Bean(destroyMethod = "close")
    RecognizerPool recognizerPool(TranscriberProperties properties, VoskModels models) {
        return new RecognizerPool(properties.maxRecognizers(), properties.recognizerRetireAfter(),
                properties.returnFreedMemory());
    }

    @Bean
    TranscriberMetrics transcriberMetrics(MeterRegistry registry, RecognizerPool recognizers) {
        return new TranscriberMetrics(registry, recognizers);
    }

    /** The default instance id needs server.port, which is no guardian.transcriber setting. */
    @Bean
    Replica replica(TranscriberProperties properties, Environment environment) {
        return Replica.of(properties.instanceId(), environment.getProperty("server.port", Integer.class));
    }

    @Bean
    WorkerClients workerClients(KafkaProperties kafka, TranscriberProperties properties, Replica replica) {
        return new WorkerClients(kafka.buildConsumerProperties(), kafka.buildProducerProperties(),
                kafka.buildAdminProperties(), properties.groupId(), replica);
    }

    @Bean
    TranscriberWorkers transcriberWorkers(TranscriberProperties properties, WorkerClients clients, VoskModels models,
                                          RecognizerPool recognizers, TranscriberMetrics metrics) {
        return new TranscriberWorkers(properties, clients, models, recognizers, metrics);
    }

    /** Takes the workers so that it starts after them and withdraws its report before they stop. */
    @Bean
    ModelReporter modelReporter(KafkaProperties kafka, Replica replica, VoskModels models,
                                TranscriberWorkers workers) {
        return new ModelReporter(kafka.buildProducerProperties(), replica.instanceId(), models, workers);
    }
}
