-- Least privilege: the account that runs these migrations owns the schema; the services log in as two roles that
-- may only touch rows. guardian_sink is moderation-stream at run time (verdict sink, call registry, retention);
-- guardian_api is ingest-service (read API, reviews, erasure). Neither owns a table, so neither can drop or alter one.
-- Deployments create both with LOGIN and a password (infra/postgres/init-roles.sh); here they are only made to exist,
-- so the grants below always apply, whichever ran first.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'guardian_sink') THEN
        CREATE ROLE guardian_sink NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'guardian_api') THEN
        CREATE ROLE guardian_api NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'the roles guardian_sink and guardian_api do not exist and % may not create them', current_user
        USING HINT = 'run infra/postgres/init-roles.sh as a superuser first, or give the migration owner CREATEROLE';
END
$$;


-- moderation-stream writes verdicts and the call registry, and retention deletes old rows of every table
GRANT SELECT, INSERT, UPDATE, DELETE
    ON segment_verdicts, call_verdicts, calls, call_dead_letters, segment_reviews, erased_calls TO guardian_sink;

-- ingest-service reads everything; reviews write segment_reviews; erasure marks the call and deletes its rows
GRANT SELECT ON segment_verdicts, call_verdicts, calls, call_dead_letters, segment_reviews, erased_calls
    TO guardian_api;
GRANT INSERT, UPDATE ON segment_reviews TO guardian_api;
GRANT INSERT ON erased_calls TO guardian_api;
GRANT DELETE ON segment_verdicts, call_verdicts, calls, call_dead_letters, segment_reviews TO guardian_api;
