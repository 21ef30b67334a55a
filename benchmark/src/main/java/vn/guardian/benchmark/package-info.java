/** The pipeline benchmark: raw Vosk limit, pipeline throughput, live-load latency, resources. */
package vn.guardian.benchmark;
