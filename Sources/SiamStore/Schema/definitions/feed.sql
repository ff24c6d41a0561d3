--
-- The event log and its feed
--
-- Guards siam.event (append-only, NOTIFY on insert) and reads it for integrations.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.event_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'siam.event is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              CONSTRAINT = 'event_append_only';
END
$$;

CREATE OR REPLACE FUNCTION siam.event_notify() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('siam_event', '');
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION siam.feed_horizon() RETURNS xid8
LANGUAGE sql STABLE
AS $$
    -- The one rule of the feed: it shows the events of transactions older than every one
    -- still running, so a transaction that commits late, with smaller event ids, is
    -- delivered when it commits, after every cursor already given, never skipped.
    SELECT pg_snapshot_xmin(pg_current_snapshot())
$$;
COMMENT ON FUNCTION siam.feed_horizon() IS
    'The feed shows the events of transactions below this id: those older than every transaction still running.';

CREATE OR REPLACE FUNCTION siam.events_after(p_cursor text DEFAULT NULL, p_limit integer DEFAULT 100)
RETURNS TABLE (
    cursor text,
    id bigint,
    at timestamptz,
    actor text,
    kind text,
    incident bigint,
    handoff bigint,
    supplier text,
    escalation bigint,
    reason text,
    data jsonb
)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_xact xid8 := '0';
    v_id bigint := 0;
BEGIN
    IF p_cursor IS NOT NULL AND p_cursor <> '' THEN
        IF p_cursor !~ '^\d{1,20}:\d{1,19}$' THEN
            RAISE EXCEPTION 'invalid feed cursor %: use a cursor returned by siam.events_after, or none to start at the beginning', siam.shown(p_cursor)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_xact := split_part(p_cursor, ':', 1)::xid8;
        v_id := split_part(p_cursor, ':', 2)::bigint;
        -- A cursor of a transaction that has not even begun is no cursor of this database
        -- (another one's, or made up): refused, not answered with nothing for ever.
        IF v_xact >= pg_snapshot_xmax(pg_current_snapshot()) THEN
            RAISE EXCEPTION 'feed cursor % is ahead of this database''s feed: use a cursor returned by siam.events_after on it, or none to start at the beginning', siam.shown(p_cursor)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid limit %: use 1 to 10000', p_limit USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Events in the order of their transactions, and only of transactions older than every
    -- one still running: a transaction that commits late, with smaller event ids, is
    -- delivered when it commits, after the cursor, never skipped and never twice.
    -- Row-level security applies: a supplier gets the events about its own work.
    RETURN QUERY
    SELECT e.xact_id::text || ':' || e.id, e.id, e.at, e.actor, e.kind, e.incident, e.handoff, e.supplier,
           e.escalation, e.reason, e.data
    FROM siam.event AS e
    WHERE (e.xact_id, e.id) > (v_xact, v_id)
      AND e.xact_id < siam.feed_horizon()
    ORDER BY e.xact_id, e.id
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION siam.events_after(text, integer) IS
    'The feed: the next events after a cursor (NULL: from the beginning), each with the cursor to continue from. Follow it with LISTEN siam_event and this function; keep the last cursor durably on your side. Events appear once every older transaction has ended (in the whole cluster: a long transaction anywhere delays the feed, never skips it), so none is ever skipped or repeated.';

CREATE OR REPLACE FUNCTION siam.events_latest(p_limit integer DEFAULT 10)
RETURNS TABLE (
    cursor text,
    id bigint,
    at timestamptz,
    actor text,
    kind text,
    incident bigint,
    handoff bigint,
    supplier text,
    escalation bigint,
    reason text,
    data jsonb
)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid limit %: use 1 to 10000', p_limit USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The end of the same feed as siam.events_after, in its order: follow on from the last
    -- cursor with siam.events_after and nothing is skipped or repeated.
    RETURN QUERY
    SELECT latest.cursor, latest.id, latest.at, latest.actor, latest.kind, latest.incident, latest.handoff,
           latest.supplier, latest.escalation, latest.reason, latest.data
    FROM (SELECT e.xact_id::text || ':' || e.id AS cursor, e.id, e.at, e.actor, e.kind, e.incident, e.handoff,
                 e.supplier, e.escalation, e.reason, e.data, e.xact_id
          FROM siam.event AS e
          WHERE e.xact_id < siam.feed_horizon()
          ORDER BY e.xact_id DESC, e.id DESC
          LIMIT p_limit) AS latest (cursor, id, at, actor, kind, incident, handoff, supplier, escalation, reason, data, xact_id)
    ORDER BY latest.xact_id, latest.id;
END
$$;
COMMENT ON FUNCTION siam.events_latest(integer) IS
    'The end of the feed: its last events (default 10) in feed order, each with its cursor; continue from the last cursor with siam.events_after. Row-level security applies, as in siam.events_after.';

CREATE OR REPLACE FUNCTION siam.feed_holdback()
RETURNS TABLE (seconds double precision, pid integer, role text, state text, application text)
LANGUAGE sql STABLE
AS $$
    -- The feed shows an event once every older transaction in the whole cluster has ended,
    -- so the oldest open transaction (one holding a transaction id or a snapshot) is what
    -- holds it back. With the caller's rights: a role without pg_read_all_stats sees only
    -- its own sessions here (deploy/roles.sql grants it to siam_admin, siam_daemon and
    -- siam_reporting).
    SELECT extract(epoch FROM clock_timestamp() - a.xact_start), a.pid, a.usename::text, a.state, a.application_name
    FROM pg_catalog.pg_stat_activity AS a
    WHERE a.pid <> pg_backend_pid()
      AND a.xact_start IS NOT NULL
      AND (a.backend_xid IS NOT NULL OR a.backend_xmin IS NOT NULL)
    ORDER BY a.xact_start
    LIMIT 1
$$;
COMMENT ON FUNCTION siam.feed_holdback() IS
    'The oldest open transaction in the cluster, which holds back the event feed (siam.events_after): its age in seconds, backend pid, role, state and application; no row when there is none (or none the caller may see).';
