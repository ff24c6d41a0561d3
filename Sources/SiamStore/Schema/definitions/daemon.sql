--
-- The daemon's bookkeeping: claims, schedule, liveness, supplier load
--
-- Writes siam.incident.next_check_at and routing_stopped, and siam.daemon.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.incidents_stop_routing(p_incidents bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Once a call, not once a row: both look up the session's role.
    v_now timestamptz := siam.clock();
    v_actor text := siam.current_actor();
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_incidents, p_reasons) AS t (id, reason)
    ), stopped AS (
        UPDATE siam.incident AS i
        SET routing_stopped = true, updated_at = v_now
        FROM input
        WHERE i.id = input.id AND NOT i.routing_stopped
        RETURNING i.id, input.reason
    ), events AS (
        INSERT INTO siam.event (at, actor, kind, reason, incident)
        SELECT v_now, v_actor, 'incident.routing_stopped', s.reason, s.id FROM stopped AS s
    )
    SELECT s.id FROM stopped AS s;
END
$$;
COMMENT ON FUNCTION siam.incidents_stop_routing(bigint[], text[]) IS
    'Stops automatic reassignment of the incidents given (ping-pong), one event each; returns those stopped.';

-- The daemon's claims --------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.incidents_claim_due(p_limit integer) RETURNS SETOF bigint
LANGUAGE sql
AS $$
    -- Locks (for the caller's transaction) up to p_limit incidents that are due for a look,
    -- skipping any another daemon holds, so that no two daemons plan the same incident.
    SELECT id FROM siam.incident
    WHERE next_check_at <= siam.clock()
    ORDER BY next_check_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
$$;
COMMENT ON FUNCTION siam.incidents_claim_due(integer) IS
    'The daemon''s claim: locks up to p_limit due incidents for the calling transaction (FOR UPDATE SKIP LOCKED) and returns their ids.';

CREATE OR REPLACE FUNCTION siam.incident_claim(p_incident bigint) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT id FROM siam.incident WHERE id = p_incident AND next_check_at <= siam.clock() FOR UPDATE SKIP LOCKED
$$;
COMMENT ON FUNCTION siam.incident_claim(bigint) IS
    'Locks one incident for the calling transaction if it is due and nobody holds it; returns its id or NULL.';

CREATE OR REPLACE FUNCTION siam.next_check_unlocked() RETURNS timestamptz
LANGUAGE sql
AS $$
    -- The earliest next look among the incidents nobody holds, for the daemon's sleep when
    -- what is due is locked elsewhere (an integration's open transaction). Locked as the
    -- claim locks (FOR UPDATE SKIP LOCKED), so that it skips exactly what the claim skips;
    -- called on its own, the lock ends with the statement.
    SELECT next_check_at FROM siam.incident
    WHERE next_check_at IS NOT NULL
    ORDER BY next_check_at
    LIMIT 1
    FOR UPDATE SKIP LOCKED
$$;
COMMENT ON FUNCTION siam.next_check_unlocked() IS
    'The earliest next_check_at among the incidents no other transaction holds (FOR UPDATE SKIP LOCKED); NULL when none: when the daemon looks next while what is due is locked elsewhere.';

CREATE OR REPLACE FUNCTION siam.supplier_loads(p_lock boolean)
RETURNS TABLE (code text, capacity integer, load bigint)
LANGUAGE plpgsql
AS $$
BEGIN
    -- Suppliers with a capacity (or an open capacity escalation, which must close when the
    -- capacity was lifted), with the incidents they hold (siam.supplier_load.held). With
    -- p_lock, they are locked for the calling transaction, skipping any another daemon holds.
    -- The query is siamd's own text; only the locking clause is appended.
    RETURN QUERY EXECUTE
        'SELECT s.code::text, s.capacity, l.held
         FROM siam.supplier AS s
         JOIN siam.supplier_load AS l ON l.supplier = s.code
         WHERE s.capacity IS NOT NULL
            OR EXISTS (SELECT 1 FROM siam.escalation AS e
                       WHERE e.supplier = s.code AND e.incident IS NULL AND e.closed_at IS NULL)
         ORDER BY s.code'
        -- NO KEY UPDATE: daemons exclude each other without blocking the foreign-key checks
        -- (KEY SHARE) of anyone writing rows that reference the supplier.
        || CASE WHEN p_lock THEN ' FOR NO KEY UPDATE OF s SKIP LOCKED' ELSE '' END;
END
$$;
COMMENT ON FUNCTION siam.supplier_loads(boolean) IS
    'Suppliers with a capacity (or an open capacity escalation) and their load; with p_lock, the daemon''s claim: locked for the calling transaction (FOR NO KEY UPDATE SKIP LOCKED).';

CREATE OR REPLACE FUNCTION siam.incident_stop_routing(p_incident bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM siam.lock_incident(p_incident);
    SELECT s INTO v_id FROM siam.incidents_stop_routing(ARRAY[p_incident], ARRAY[p_reason]) AS s;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.incident_stop_routing(bigint, text) IS
    'Stops automatic reassignment of an incident (ping-pong) until a person offers it.';

CREATE OR REPLACE FUNCTION siam.incident_schedule(p_incidents bigint[], p_next_checks timestamptz[]) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    -- Bookkeeping of the daemon, not a change of the incident: no event.
    UPDATE siam.incident AS i SET next_check_at = t.next_check_at
    FROM unnest(p_incidents, p_next_checks) AS t (id, next_check_at)
    WHERE i.id = t.id AND i.next_check_at IS DISTINCT FROM t.next_check_at;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION siam.incident_schedule(bigint[], timestamptz[]) IS
    'Sets when the daemon next looks at each incident (NULL = nothing scheduled).';

CREATE OR REPLACE FUNCTION siam.daemon_started(
    p_instance uuid,
    p_host text,
    p_pid integer,
    p_version text,
    p_poll_interval interval
) RETURNS uuid
LANGUAGE plpgsql
AS $$
DECLARE
    v_forgotten integer;
    v_known boolean;
BEGIN
    IF p_instance IS NULL OR p_host IS NULL OR p_pid IS NULL OR p_version IS NULL OR p_poll_interval IS NULL THEN
        RAISE EXCEPTION 'a daemon registers with its instance, host, pid, version and poll interval'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF btrim(p_host) = '' OR length(p_host) > 255 OR p_pid <= 0 OR length(p_version) > 100
       OR p_poll_interval <= interval '0' THEN
        RAISE EXCEPTION 'invalid daemon registration (host %, pid %, poll interval %)', p_host, p_pid, p_poll_interval
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM siam.daemon
    WHERE coalesce(stopped_at, greatest(last_pass_at, connected_at)) < siam.clock() - interval '7 days';
    GET DIAGNOSTICS v_forgotten = ROW_COUNT;
    v_known := EXISTS (SELECT 1 FROM siam.daemon WHERE instance = p_instance);
    INSERT INTO siam.daemon (instance, host, pid, version, poll_interval)
    VALUES (p_instance, p_host, p_pid, p_version, p_poll_interval)
    ON CONFLICT (instance) DO UPDATE
        SET backend_pid = pg_backend_pid(), poll_interval = EXCLUDED.poll_interval, connected_at = siam.clock(),
            stopped_at = NULL;
    PERFORM siam.record_event('daemon.started',
        format('siamd run %s on %s (pid %s)', CASE WHEN v_known THEN 'reconnected' ELSE 'started' END, p_host, p_pid),
        p_data => jsonb_build_object('instance', p_instance, 'host', p_host, 'pid', p_pid, 'version', p_version,
                                     'reconnected', v_known, 'forgotten', v_forgotten));
    RETURN p_instance;
END
$$;
COMMENT ON FUNCTION siam.daemon_started(uuid, text, integer, text, interval) IS
    'Registers a siamd run process (again after a reconnect), with event daemon.started; forgets daemons not seen for 7 days.';

CREATE OR REPLACE FUNCTION siam.daemon_passed(p_instance uuid, p_seconds double precision, p_passes integer, p_actions integer)
RETURNS boolean
LANGUAGE sql
AS $$
    -- Liveness only: no event (see the table's comment).
    UPDATE siam.daemon
    SET last_pass_at = siam.clock(),
        last_pass_seconds = greatest(p_seconds, 0),
        passes = passes + greatest(p_passes, 0),
        actions = actions + greatest(p_actions, 0)
    WHERE instance = p_instance AND stopped_at IS NULL
    RETURNING true
$$;
COMMENT ON FUNCTION siam.daemon_passed(uuid, double precision, integer, integer) IS
    'Records a daemon''s last pass (its duration) and adds the passes and actions since the previous record. NULL when the instance is not registered (it then registers again).';

CREATE OR REPLACE FUNCTION siam.daemon_stopped(p_instance uuid) RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_daemon siam.daemon;
BEGIN
    UPDATE siam.daemon SET stopped_at = siam.clock()
    WHERE instance = p_instance AND stopped_at IS NULL
    RETURNING * INTO v_daemon;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM siam.record_event('daemon.stopped',
        format('siamd run stopped on %s (pid %s) after %s %s', v_daemon.host, v_daemon.pid, v_daemon.passes,
               CASE v_daemon.passes WHEN 1 THEN 'pass' ELSE 'passes' END),
        p_data => jsonb_build_object('instance', p_instance, 'host', v_daemon.host, 'pid', v_daemon.pid,
                                     'passes', v_daemon.passes, 'actions', v_daemon.actions));
    RETURN true;
END
$$;
COMMENT ON FUNCTION siam.daemon_stopped(uuid) IS
    'Marks a daemon stopped (a graceful stop), with event daemon.stopped; false when it was not running.';

CREATE OR REPLACE VIEW siam.daemon_status WITH (security_invoker = true) AS
SELECT
    d.instance,
    d.host,
    d.pid,
    d.version,
    d.started_at,
    d.connected_at,
    d.last_pass_at,
    d.last_pass_seconds,
    d.passes,
    d.actions,
    d.stopped_at,
    -- A running daemon passes at least every poll interval; allow twice that, plus slack
    -- for a long pass, before calling it gone.
    d.stopped_at IS NULL
        AND greatest(d.last_pass_at, d.connected_at) >= siam.clock() - 2 * d.poll_interval - interval '10 seconds'
        AS alive,
    EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity AS a WHERE a.pid = d.backend_pid)
        AND d.stopped_at IS NULL AS connected
FROM siam.daemon AS d;
COMMENT ON VIEW siam.daemon_status IS
    'The daemons with liveness: alive = not stopped, and its last pass or (re)registration within twice its poll interval plus 10 s; connected = its database session still exists.';
