package vn.guardian.contracts.audio;

/** A record on the audio topic: a call starts, carries chunks of audio, and ends. */
public sealed interface AudioEvent permits CallStarted, AudioChunk, CallEnded {

    /** The call this event belongs to; also the record key. */
    String callId();
}
