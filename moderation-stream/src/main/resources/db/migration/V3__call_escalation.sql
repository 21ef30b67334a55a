-- Why a call escalated (the first call rule that fired and its segments), and how the transcriber closed it:
-- the call verdict the read API serves as the call's summary, never recomputed from segment rows.
ALTER TABLE call_verdicts
    -- {"rule":"repeat","detail":"3 flagged ... segments within PT5M ...","segmentIds":["...","...","..."]}; JSON null unless ESCALATE
    ADD COLUMN escalation   jsonb NOT NULL DEFAULT 'null'::jsonb,
    -- the CallEnded reason once CallClosed arrived ('completed', 'idle-timeout', 'truncated'); '' while open
    ADD COLUMN close_reason text  NOT NULL DEFAULT '';
