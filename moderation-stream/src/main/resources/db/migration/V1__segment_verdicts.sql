-- One row per transcript segment: the verdict analysts query. Upserted by segment_id, so replays never double.
CREATE TABLE segment_verdicts (
    segment_id      text        PRIMARY KEY,
    call_id         text        NOT NULL,
    tenant          text        NOT NULL,
    channel         integer     NOT NULL,
    channel_role    text        NOT NULL,
    start_ms        bigint      NOT NULL,
    end_ms          bigint      NOT NULL,
    text            text        NOT NULL,
    language        text        NOT NULL,
    -- [{"category":"INSULT","score":0.8,"spans":[{"start":4,"end":9,"term":"idiot"}]}], highest score first
    categories      jsonb       NOT NULL,
    severity        text        NOT NULL,
    action          text        NOT NULL,
    lexicon_version text        NOT NULL,
    -- when ingest accepted the chunk that closed the utterance: utterance-end latency = stored_at - ingested_at
    ingested_at     timestamptz NOT NULL,
    decided_at      timestamptz NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
);

-- the read API lists one call's segments in audio order
CREATE INDEX segment_verdicts_by_call ON segment_verdicts (tenant, call_id, channel, start_ms);
-- analysts list flagged segments newest first
CREATE INDEX segment_verdicts_flagged ON segment_verdicts (tenant, decided_at DESC) WHERE action <> 'ALLOW';
