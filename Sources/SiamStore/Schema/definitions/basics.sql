--
-- Basics: the clock, the actor, input checks, row locks, the event writer
--
-- Used by every other file. siam.clock, siam.current_actor, siam.is_time_zone,
-- siam.is_exact_interval and siam.is_ascending are also created by migration 0001,
-- because tables use them in defaults and checks; this file keeps them current.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.clock() RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    -- Whole seconds: business durations and the daemon's arithmetic are in seconds, so every
    -- instant the schema writes is comparable with them exactly.
    -- Only a superuser's session (tests) may fix the clock: no integration can backdate.
    SELECT date_trunc('second', CASE
        WHEN coalesce(current_setting('siam.now', true), '') <> ''
             AND (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user)
        THEN current_setting('siam.now', true)::timestamptz
        ELSE now()
    END)
$$;
COMMENT ON FUNCTION siam.clock() IS
    'Now, for the schema, in whole seconds: the transaction timestamp, or the instant in setting siam.now when a superuser''s session sets it (tests).';

CREATE OR REPLACE FUNCTION siam.current_actor() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(nullif(current_setting('siam.actor', true), ''), session_user::text)
$$;
COMMENT ON FUNCTION siam.current_actor() IS
    'Who acts, for the event log: setting siam.actor when set (siamd sets it to the OS user or --actor), else the database role.';

CREATE OR REPLACE FUNCTION siam.is_time_zone(p_zone text) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = p_zone)
$$;
COMMENT ON FUNCTION siam.is_time_zone(text) IS
    'True when the text names an IANA time zone known to the server (e.g. Europe/Berlin).';

CREATE OR REPLACE FUNCTION siam.is_exact_interval(p_value interval) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT p_value IS NULL
        OR (extract(year FROM p_value) = 0
            AND extract(month FROM p_value) = 0
            AND p_value >= interval '0')
$$;
COMMENT ON FUNCTION siam.is_exact_interval(interval) IS
    'True for a non-negative interval of fixed length (days, hours, minutes, seconds; no months or years).';

CREATE OR REPLACE FUNCTION siam.is_ascending(p_values numeric[]) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(bool_and(v > prev), true)
    FROM (
        SELECT v, lag(v) OVER (ORDER BY i) AS prev
        FROM unnest(p_values) WITH ORDINALITY AS t (v, i)
    ) AS pairs
    WHERE prev IS NOT NULL
$$;
COMMENT ON FUNCTION siam.is_ascending(numeric[]) IS 'True when the values are strictly ascending.';

CREATE OR REPLACE FUNCTION siam.record_event(
    p_kind text,
    p_reason text,
    p_incident bigint DEFAULT NULL,
    p_handoff bigint DEFAULT NULL,
    p_supplier text DEFAULT NULL,
    p_escalation bigint DEFAULT NULL,
    p_data jsonb DEFAULT '{}'
) RETURNS bigint
LANGUAGE sql
AS $$
    INSERT INTO siam.event (kind, reason, incident, handoff, supplier, escalation, data)
    VALUES (p_kind, p_reason, p_incident, p_handoff, p_supplier, p_escalation, coalesce(p_data, '{}'))
    RETURNING id
$$;
COMMENT ON FUNCTION siam.record_event(text, text, bigint, bigint, text, bigint, jsonb) IS
    'Appends one event (actor and time filled in). Used by the single-row siam.* functions; the daemon''s set-based ones insert their events in the same statement as their change.';

CREATE OR REPLACE FUNCTION siam.seconds(p_seconds numeric) RETURNS interval
LANGUAGE sql IMMUTABLE STRICT
AS $$
    -- A pure time interval (no day part), so adding it never depends on the session's zone.
    SELECT make_interval(secs => p_seconds::double precision)
$$;
COMMENT ON FUNCTION siam.seconds(numeric) IS 'An interval of exactly that many seconds.';

CREATE OR REPLACE FUNCTION siam.check_code(p_value text, p_what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION '% is required', p_what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_value !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid % ''%'': use 1 to 63 lower-case letters, digits, _ . - (starting with a letter or digit)', p_what, p_value
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_code(text, text) IS 'Returns the code, or raises 22023 naming what is malformed.';

CREATE OR REPLACE FUNCTION siam.check_name(p_value text, p_what text, p_max integer DEFAULT 200) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL OR btrim(p_value) = '' THEN
        RAISE EXCEPTION '% is required and must not be blank', p_what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF length(p_value) > p_max THEN
        RAISE EXCEPTION '% is too long: % characters, at most %', p_what, length(p_value), p_max
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_name(text, text, integer) IS 'Returns the text, or raises when it is blank or too long.';

CREATE OR REPLACE FUNCTION siam.check_priority(p_priority text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_priority IS NULL OR p_priority NOT IN ('P1', 'P2', 'P3', 'P4') THEN
        RAISE EXCEPTION 'invalid priority ''%'': use P1, P2, P3 or P4', p_priority
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_priority;
END
$$;

CREATE OR REPLACE FUNCTION siam.check_duration(p_value interval, p_what text) RETURNS interval
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF NOT siam.is_exact_interval(p_value) THEN
        RAISE EXCEPTION 'invalid % %: a duration must be zero or more and of fixed length (no months or years)', p_what, p_value
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;

CREATE OR REPLACE FUNCTION siam.lock_supplier(p_code text) RETURNS siam.supplier
LANGUAGE plpgsql
AS $$
DECLARE
    v_supplier siam.supplier;
BEGIN
    SELECT * INTO v_supplier FROM siam.supplier WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown supplier ''%''', p_code USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_supplier;
END
$$;

CREATE OR REPLACE FUNCTION siam.lock_incident(p_id bigint) RETURNS siam.incident
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
BEGIN
    IF p_id IS NULL THEN
        RAISE EXCEPTION 'incident is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v_incident FROM siam.incident WHERE id = p_id FOR UPDATE;
    -- A supplier's session is told the same of what it may not see as of what does not exist.
    IF NOT FOUND OR (siam.caller_supplier() IS NOT NULL AND NOT siam.takes_part(p_id, siam.caller_supplier())) THEN
        RAISE EXCEPTION 'unknown incident %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_incident;
END
$$;

CREATE OR REPLACE FUNCTION siam.lock_handoff(p_id bigint) RETURNS siam.handoff
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
BEGIN
    IF p_id IS NULL THEN
        RAISE EXCEPTION 'handoff is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- Always the incident first, then its handoff: the daemon locks in that order too, so
    -- the two never wait for each other in a circle.
    PERFORM 1 FROM siam.incident WHERE id = (SELECT incident FROM siam.handoff WHERE id = p_id) FOR UPDATE;
    SELECT * INTO v_handoff FROM siam.handoff WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR (siam.caller_supplier() IS NOT NULL
                     AND siam.caller_supplier() IS DISTINCT FROM v_handoff.to_supplier
                     AND siam.caller_supplier() IS DISTINCT FROM v_handoff.from_supplier) THEN
        RAISE EXCEPTION 'unknown handoff %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_handoff;
END
$$;

CREATE OR REPLACE FUNCTION siam.wake(p_incident bigint) RETURNS void
LANGUAGE sql
AS $$
    UPDATE siam.incident SET next_check_at = siam.clock() WHERE id = p_incident
$$;
COMMENT ON FUNCTION siam.wake(bigint) IS 'Asks the daemon to look at the incident now.';

CREATE OR REPLACE FUNCTION siam.require_exists(p_table regclass, p_code text, p_what text) RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_found boolean;
BEGIN
    IF p_code IS NULL THEN
        RETURN NULL;
    END IF;
    -- The table is one of siam's own (a regclass, quoted by format's %s); the code is a parameter.
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I = $1)', p_table,
                   CASE WHEN p_table = 'siam.calendar'::regclass THEN 'name' ELSE 'code' END)
        INTO v_found USING p_code;
    IF NOT v_found THEN
        RAISE EXCEPTION 'unknown % ''%''', p_what, p_code USING ERRCODE = 'no_data_found';
    END IF;
    RETURN p_code;
END
$$;
