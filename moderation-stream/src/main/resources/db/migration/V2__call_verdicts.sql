-- One row per call: the latest CallVerdict from guardian.call-verdicts. Upserted by call_id, so replays never double.
CREATE TABLE call_verdicts (
    call_id            text             PRIMARY KEY,
    tenant             text             NOT NULL,
    segments           bigint           NOT NULL,
    -- {"INSULT":3,"PROFANITY":1}: segments that matched each category
    counts_by_category jsonb            NOT NULL,
    max_severity       text             NOT NULL,
    risk_score         double precision NOT NULL,
    action             text             NOT NULL,
    open               boolean          NOT NULL,
    updated_at         timestamptz      NOT NULL,
    stored_at          timestamptz      NOT NULL DEFAULT now()
);

-- analysts list escalated and flagged calls newest first
CREATE INDEX call_verdicts_flagged ON call_verdicts (tenant, updated_at DESC) WHERE action <> 'ALLOW';
