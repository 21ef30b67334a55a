package vn.guardian.transcriber.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import vn.guardian.transcriber.TranscriberProperties;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.transcriber.recognition.Models;

/**
 * Starts the configured number of {@link TranscriberWorker} threads after the models are loaded, and stops them
 * (closing every recognizer) before the models are freed.
 */
public final class TranscriberWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TranscriberWorkers.class);

    private final TranscriberProperties properties;
    private final int count;
    private final KafkaClients clients;
    private final Models models;
    private final RecognizerPool recognizers;
    private final TranscriberMetrics metrics;
    private final List<TranscriberWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    public TranscriberWorkers(TranscriberProperties properties, KafkaClients clients, Models models,
                              RecognizerPool recognizers, TranscriberMetrics metrics) {
        this.properties = properties;
        this.count = properties.workers();
        this.clients = clients;
        this.models = models;
        this.recognizers = recognizers;
        this.metrics = metrics;
    }

    @Override
    public synchronized void start() {
        for (int i = 0; i < count; i++) {
            TranscriberWorker worker = new TranscriberWorker("worker-" + i, clients, models, recognizers, metrics,
                    properties);
            Thread thread = new Thread(worker, "transcriber-worker-" + i);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
        log.info("Started {} transcriber workers for languages {}", count, models.languages());
    }

    @Override
    public synchronized void stop() {
        workers.forEach(TranscriberWorker::stop);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.clear();
        threads.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return !threads.isEmpty();
    }

    /** Workers whose poll loop is running. */
    public synchronized long alive() {
        return workers.stream().filter(TranscriberWorker::alive).count();
    }

    /** Workers started. */
    public int count() {
        return count;
    }
}
