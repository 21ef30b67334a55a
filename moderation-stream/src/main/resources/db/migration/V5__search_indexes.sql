-- Search by action: GET /v1/calls?action=FLAG (with or without category) walks a tenant's calls of that action
-- newest first and stops after a page, instead of visiting every call of the time range to drop the ALLOW ones.
-- Measured with `benchmark.jar search` (docs/benchmarks.md, "Search"). Not partial (WHERE action <> 'ALLOW'): the
-- action is a bind parameter, so a cached generic plan could not prove it matches the predicate.
CREATE INDEX calls_by_tenant_action_newest ON calls (tenant, action, started_at DESC, call_id DESC);
