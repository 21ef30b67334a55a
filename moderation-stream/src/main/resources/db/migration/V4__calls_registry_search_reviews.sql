-- The calls registry, analysts' search and reviews. Every table is written idempotently: replays never double.

-- Search folds Vietnamese the same with and without diacritics (đ -> d, marks dropped), then lower case. Built in
-- SQL, not the unaccent extension, so it is IMMUTABLE (usable in a generated column) and needs no superuser.
CREATE FUNCTION guardian_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(translate($1,
        'ÀÁÂÃÈÉÊÌÍÎÒÓÔÕÙÚÛÝàáâãèéêìíîòóôõùúûýĂăĔĕĨĩĬĭŎŏŨũŬŭŶŷƠơƯưṌṍṸṹẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹđĐ',
        'AAAAEEEIIIOOOOUUUYaaaaeeeiiioooouuuyAaEeIiIiOoUuUuYyOoUuOoUuAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYydD')) $$;

-- One row per call ingest accepted, from CallStarted, CallEnded (guardian.audio), CallClosed (guardian.transcripts),
-- the DLQ and the call verdict. Each event sets only its own columns, so arrival order across topics does not matter.
CREATE TABLE calls (
    call_id           text        PRIMARY KEY,
    tenant            text        NOT NULL,
    language          text        NOT NULL DEFAULT '',
    -- {"encoding":"mulaw","sampleRate":8000,"channels":2}: what the feed sent
    source_format     jsonb       NOT NULL DEFAULT 'null'::jsonb,
    channel_roles     text[]      NOT NULL DEFAULT '{}',
    metadata          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- from CallStarted; until it arrives, the earliest time any event of the call carried
    started_at        timestamptz NOT NULL,
    ended_at          timestamptz,
    -- completed, idle-timeout or truncated
    end_reason        text        NOT NULL DEFAULT '',
    closed_at         timestamptz,
    audio_ms          bigint      NOT NULL DEFAULT 0,
    -- chunks seen per channel (highest seq + 1), so a replayed chunk never counts twice
    chunks_by_channel bigint[]    NOT NULL DEFAULT '{}',
    segments          bigint      NOT NULL DEFAULT 0,
    -- why the transcriber refused the call (the DLQ reason of its CallStarted); '' unless it failed
    failure           text        NOT NULL DEFAULT '',
    -- the call verdict's action and categories, copied for search; the verdict itself stays in call_verdicts
    action            text        NOT NULL DEFAULT 'ALLOW',
    categories        text[]      NOT NULL DEFAULT '{}',
    status            text        GENERATED ALWAYS AS (CASE
                          WHEN failure <> '' THEN 'failed'
                          WHEN closed_at IS NOT NULL THEN 'closed'
                          WHEN ended_at IS NOT NULL THEN 'ended'
                          ELSE 'live' END) STORED,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- analysts list a tenant's calls newest first; (started_at, call_id) is the keyset of the cursor
CREATE INDEX calls_by_tenant_newest ON calls (tenant, started_at DESC, call_id DESC);

-- Records of a call that went to guardian.dlq, keyed by their DLQ position, so a replay stores each once.
CREATE TABLE call_dead_letters (
    dlq_partition    integer     NOT NULL,
    dlq_offset       bigint      NOT NULL,
    call_id          text        NOT NULL,
    -- the reason's code (no-model, seq-gap, ...): the text before the first ':' of the reason
    reason_code      text        NOT NULL,
    reason           text        NOT NULL,
    service          text        NOT NULL,
    source_topic     text        NOT NULL,
    dead_lettered_at timestamptz NOT NULL,
    PRIMARY KEY (dlq_partition, dlq_offset)
);

CREATE INDEX call_dead_letters_by_call ON call_dead_letters (call_id);

-- Phrase search over transcripts, with and without diacritics.
ALTER TABLE segment_verdicts
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', guardian_fold(text))) STORED;

CREATE INDEX segment_verdicts_search ON segment_verdicts USING gin (search);
-- analysts list a tenant's segments newest first; (decided_at, segment_id) is the keyset of the cursor
CREATE INDEX segment_verdicts_by_tenant_newest ON segment_verdicts (tenant, decided_at DESC, segment_id DESC);
DROP INDEX segment_verdicts_flagged;

-- An analyst's judgement of one segment: last write wins. Written by the read API, erased with its segment.
CREATE TABLE segment_reviews (
    segment_id  text        PRIMARY KEY REFERENCES segment_verdicts (segment_id) ON DELETE CASCADE,
    tenant      text        NOT NULL,
    call_id     text        NOT NULL,
    -- 'clean' or a category in lower case (insult, threat, ...): the labels the moderation train command reads
    label       text        NOT NULL,
    note        text        NOT NULL DEFAULT '',
    reviewer    text        NOT NULL,
    reviewed_at timestamptz NOT NULL
);

CREATE INDEX segment_reviews_by_tenant ON segment_reviews (tenant, reviewed_at);
CREATE INDEX segment_reviews_by_call ON segment_reviews (call_id);

-- Calls erased on request: the sink skips their events, so a replay cannot bring an erased call back.
CREATE TABLE erased_calls (
    call_id   text        PRIMARY KEY,
    tenant    text        NOT NULL,
    erased_at timestamptz NOT NULL
);
