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
    -- A supplier's call is always its login role: no setting can make a supplier's change
    -- read as the daemon's or the integrator's. Plain SQL and cheap: it fills the actor of
    -- every event row. (Supplier rights as siam.caller_supplier tells them: a member of
    -- siam_supplier, or a mapped role; a superuser is neither, whatever pg_has_role says.)
    SELECT CASE
        WHEN nullif(current_setting('siam.actor', true), '') IS NULL THEN session_user::text
        WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
                     WHERE r.rolname = session_user AND NOT r.rolsuper
                       AND (EXISTS (SELECT 1 FROM siam.supplier_role AS m WHERE m.role_name = r.rolname)
                            OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS g
                                       WHERE g.rolname = 'siam_supplier' AND pg_has_role(r.oid, g.oid, 'MEMBER'))))
            THEN session_user::text
        ELSE siam.check_text(current_setting('siam.actor', true), 'the actor (setting siam.actor)', 'name')
    END
$$;
COMMENT ON FUNCTION siam.current_actor() IS
    'Who acts, for the event log: for a supplier''s session its login role; otherwise the setting siam.actor when set (siamd sets it to the OS user or --actor; 1 to 200 characters, not blank), else the login role.';

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

CREATE OR REPLACE FUNCTION siam.shown(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    -- How an error message quotes a value it refuses: at most 64 characters (a refused
    -- value may be a megabyte), control characters as "?", in single quotes.
    SELECT CASE WHEN p_value IS NULL THEN 'NULL'
                ELSE '''' || regexp_replace(left(p_value, 64), '[[:cntrl:]]', '?', 'g')
                     || CASE WHEN length(p_value) > 64 THEN '…' ELSE '' END || ''''
           END
$$;
COMMENT ON FUNCTION siam.shown(text) IS
    'A refused value as error messages quote it: at most 64 characters (then an ellipsis), control characters as ?, in single quotes.';

CREATE OR REPLACE FUNCTION siam.check_code(p_value text, p_what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION '% is required', p_what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_value !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid % %: use 1 to 63 lower-case letters, digits, _ . - (starting with a letter or digit)', p_what, siam.shown(p_value)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_code(text, text) IS 'Returns the code, or raises 22023 naming what is malformed.';

-- Free text: one blank rule and one length limit per kind of text, for every function.

CREATE OR REPLACE FUNCTION siam.text_limit(p_kind text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE p_kind
        WHEN 'name' THEN 200      -- names, who acknowledges, actors, ticket numbers
        WHEN 'title' THEN 500     -- incident titles, the part of an incident offered
        WHEN 'reason' THEN 2000   -- reasons of changes, rejections, cancellations
        WHEN 'body' THEN 10000    -- complaints, feedback comments
    END
$$;
COMMENT ON FUNCTION siam.text_limit(text) IS
    'The most characters a kind of free text may have: name 200, title 500, reason 2000, body 10000.';

CREATE OR REPLACE FUNCTION siam.is_blank(p_value text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    -- Any Unicode white space (and the invisible format characters that pass for it), not
    -- only the spaces btrim strips: a reason of tabs and newlines is no reason.
    SELECT p_value IS NULL
        OR p_value ~ '^[\s\u0085\u00a0\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]*$'
$$;
COMMENT ON FUNCTION siam.is_blank(text) IS 'True for NULL, the empty text, and text of white space only (any Unicode white space).';

CREATE OR REPLACE FUNCTION siam.check_text(p_value text, p_what text, p_kind text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF siam.is_blank(p_value) THEN
        RAISE EXCEPTION '% is required and must not be blank', p_what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- The message never echoes the text: it may be huge, or hostile.
    IF length(p_value) > siam.text_limit(p_kind) THEN
        RAISE EXCEPTION '% is too long: % characters, at most %', p_what, length(p_value), siam.text_limit(p_kind)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_text(text, text, text) IS
    'Returns required free text of a kind (siam.text_limit), or raises 22004 when it is blank (any Unicode white space), 22023 when too long.';

CREATE OR REPLACE FUNCTION siam.optional_text(p_value text, p_what text, p_kind text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    -- Optional text: blank is the same as left out.
    IF siam.is_blank(p_value) THEN
        RETURN NULL;
    END IF;
    RETURN siam.check_text(p_value, p_what, p_kind);
END
$$;
COMMENT ON FUNCTION siam.optional_text(text, text, text) IS
    'Returns optional free text of a kind (siam.text_limit), NULL when left out or blank; raises 22023 when too long.';

CREATE OR REPLACE FUNCTION siam.check_priority(p_priority text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_priority IS NULL OR p_priority NOT IN ('P1', 'P2', 'P3', 'P4') THEN
        RAISE EXCEPTION 'invalid priority %: use P1, P2, P3 or P4', siam.shown(p_priority)
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
    -- A bound that no service level needs to pass, so that every deadline computed from it
    -- stays a representable instant.
    IF p_value > interval '3650 days' THEN
        RAISE EXCEPTION 'invalid % %: at most 3650 days (10 years)', p_what, p_value
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
    -- NO KEY UPDATE: serializes the changes to a supplier (and its capacity) without blocking
    -- the foreign-key checks (KEY SHARE) of anyone inserting rows that reference it.
    SELECT * INTO v_supplier FROM siam.supplier WHERE code = p_code FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown supplier %', siam.shown(p_code) || siam.did_you_mean('siam.supplier', p_code)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_supplier;
END
$$;

CREATE OR REPLACE FUNCTION siam.lock_incident(p_id bigint) RETURNS siam.incident
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_caller text := siam.caller_supplier();
BEGIN
    IF p_id IS NULL THEN
        RAISE EXCEPTION 'incident is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- A supplier is told the same of what it may not see as of what does not exist; and it is
    -- refused before the lock, not after: a lock taken by a failed call is held until its
    -- transaction ends, which would let it hold another supplier's work hostage.
    IF v_caller IS NOT NULL THEN
        IF NOT siam.takes_part(p_id, v_caller) THEN
            RAISE EXCEPTION 'unknown incident %', p_id USING ERRCODE = 'no_data_found';
        END IF;
        PERFORM siam.require_may_lock(p_id, v_caller);
    END IF;
    SELECT * INTO v_incident FROM siam.incident WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown incident %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    -- Again under the lock: the offer may have ended in the meantime.
    IF v_caller IS NOT NULL THEN
        PERFORM siam.require_may_lock(p_id, v_caller);
    END IF;
    RETURN v_incident;
END
$$;

CREATE OR REPLACE FUNCTION siam.require_may_lock(p_incident bigint, p_supplier text) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT siam.caller_may_lock(p_incident, p_supplier) THEN
        RAISE EXCEPTION 'incident % is no longer yours to change: supplier % neither owns it nor has an open offer on it', p_incident, p_supplier
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION siam.lock_handoff(p_id bigint) RETURNS siam.handoff
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
    v_caller text := siam.caller_supplier();
BEGIN
    IF p_id IS NULL THEN
        RAISE EXCEPTION 'handoff is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v_handoff FROM siam.handoff WHERE id = p_id;
    IF NOT FOUND OR (v_caller IS NOT NULL
                     AND v_caller IS DISTINCT FROM v_handoff.to_supplier
                     AND v_caller IS DISTINCT FROM v_handoff.from_supplier) THEN
        RAISE EXCEPTION 'unknown handoff %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    -- Always the incident first, then its handoff: the daemon locks in that order too, so
    -- the two never wait for each other in a circle. (lock_incident refuses a supplier that
    -- may no longer change the incident, before taking the lock.)
    PERFORM siam.lock_incident(v_handoff.incident);
    SELECT * INTO v_handoff FROM siam.handoff WHERE id = p_id FOR UPDATE;
    RETURN v_handoff;
END
$$;

CREATE OR REPLACE FUNCTION siam.wake(p_incident bigint) RETURNS void
LANGUAGE sql
AS $$
    UPDATE siam.incident SET next_check_at = siam.clock() WHERE id = p_incident
$$;
COMMENT ON FUNCTION siam.wake(bigint) IS 'Asks the daemon to look at the incident now.';

CREATE OR REPLACE FUNCTION siam.one_edit_away(p_a text, p_b text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v_a text := lower(p_a);
    v_b text := lower(p_b);
    v_i integer := 1;
BEGIN
    -- One insertion, deletion, substitution or swap of neighbours apart (and not equal).
    IF v_a = v_b OR abs(length(v_a) - length(v_b)) > 1 THEN
        RETURN v_a = v_b AND p_a <> p_b;  -- differs only in case
    END IF;
    WHILE v_i <= least(length(v_a), length(v_b)) AND substr(v_a, v_i, 1) = substr(v_b, v_i, 1) LOOP
        v_i := v_i + 1;
    END LOOP;
    RETURN substr(v_a, v_i + 1) = substr(v_b, v_i + 1)      -- substitution
        OR substr(v_a, v_i + 1) = substr(v_b, v_i)          -- deletion from a
        OR substr(v_a, v_i) = substr(v_b, v_i + 1)          -- insertion into a
        OR (substr(v_a, v_i, 2) = reverse(substr(v_b, v_i, 2)) AND substr(v_a, v_i + 2) = substr(v_b, v_i + 2));
END
$$;
COMMENT ON FUNCTION siam.one_edit_away(text, text) IS
    'Whether two codes are one typo apart (an insertion, deletion, substitution, swap of neighbours, or case), for "did you mean".';

CREATE OR REPLACE FUNCTION siam.did_you_mean(p_table regclass, p_code text) RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_match text;
BEGIN
    -- Suppliers' integrations get no suggestion: it could name a competitor.
    IF p_code IS NULL OR siam.visible_supplier() IS NOT NULL THEN
        RETURN '';
    END IF;
    -- The table is one of siam's own (a regclass, quoted by format's %s); the code is a parameter.
    EXECUTE format('SELECT min(k) FROM (SELECT %1$I::text AS k FROM %2$s) AS known WHERE siam.one_edit_away($1, k)',
                   CASE WHEN p_table = 'siam.calendar'::regclass THEN 'name' ELSE 'code' END, p_table)
        INTO v_match USING p_code;
    IF v_match IS NULL THEN
        RETURN '';
    END IF;
    RETURN ': did you mean ' || siam.shown(v_match) || '?';
END
$$;
COMMENT ON FUNCTION siam.did_you_mean(regclass, text) IS
    'The tail of an "unknown" refusal: '': did you mean ''acme''?'' when one code of the table is one typo away, else empty (and always empty for a supplier''s role).';

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
        RAISE EXCEPTION 'unknown % %', p_what, siam.shown(p_code) || siam.did_you_mean(p_table, p_code)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN p_code;
END
$$;
