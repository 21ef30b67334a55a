/** Streams a WAV file to ingest-service as a live call. */
package vn.guardian.feeder;
