package vn.guardian.contracts.audio;

/**
 * The audio format the feed sent, before ingest normalized it.
 *
 * @param encoding   {@code pcm_s16le}, {@code mulaw} or {@code alaw}
 * @param sampleRate samples per second per channel, as sent
 * @param channels   1 (mono) or 2 (stereo, one speaker per channel)
 */
public record SourceFormat(String encoding, int sampleRate, int channels) {
}
