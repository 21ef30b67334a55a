package vn.guardian.transcriber.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import vn.guardian.transcriber.TranscriberProperties;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.transcriber.replica.ReplicaGuard;
import vn.guardian.voskmodels.VoskModels;

/**
 * Starts the configured number of {@link TranscriberWorker} threads and the decoder threads they share after the
 * models are loaded, and stops them (closing every recognizer) before the models are freed.
 *
 * <p>Why shared decoders: a worker owns whole partitions, and the calls hash to partitions unevenly; decoding every
 * call channel of the replica on one pool keeps all cores busy while any call has audio waiting.
 */
public final class TranscriberWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TranscriberWorkers.class);

    private final TranscriberProperties properties;
    private final int count;
    private final WorkerClients clients;
    private final VoskModels models;
    private final RecognizerPool recognizers;
    private final TranscriberMetrics metrics;
    private final List<TranscriberWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ExecutorService decoders;
    private ReplicaGuard guard;

    public TranscriberWorkers(TranscriberProperties properties, WorkerClients clients, VoskModels models,
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
        guard = clients.replicaGuard();
        guard.claim(); // before any worker joins the group: a duplicate would fence a live replica
        AtomicInteger decoderNumber = new AtomicInteger();
        // work stealing: a channel's next chunk stays on the thread that decoded the last one (its recognizer is
        // in that core's cache) unless another thread runs out of work and takes it
        decoders = new ForkJoinPool(properties.decodeThreads(), pool -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("transcriber-decoder-" + decoderNumber.getAndIncrement());
            return thread;
        }, null, false);
        for (int i = 0; i < count; i++) {
            TranscriberWorker worker = new TranscriberWorker("worker-" + i, clients, models, recognizers, decoders,
                    metrics, properties);
            Thread thread = new Thread(worker, "transcriber-worker-" + i);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
        log.info("Started {} transcriber workers and {} decoders for languages {}", count,
                properties.decodeThreads(), models.languages());
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
        decoders.shutdown(); // the workers waited for their chunks in flight before they stopped
        guard.release();
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
