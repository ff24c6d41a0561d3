--
-- Escalations and escalation rules
--
-- Writes siam.escalation and siam.escalation_rule.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

-- Escalations --------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.escalation_ack(p_escalation bigint, p_by text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Who calls, decided once (it reads the role's memberships).
    v_caller text := siam.caller_supplier();
    v_escalation siam.escalation;
BEGIN
    IF p_escalation IS NULL THEN
        RAISE EXCEPTION 'escalation is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.check_text(p_by, 'who acknowledges it', 'name');
    -- Whose it is, before the lock: a refused call must not hold another supplier's row.
    SELECT * INTO v_escalation FROM siam.escalation WHERE id = p_escalation;
    IF NOT FOUND OR (v_caller IS NOT NULL AND v_caller IS DISTINCT FROM v_escalation.supplier) THEN
        RAISE EXCEPTION 'unknown escalation %', p_escalation USING ERRCODE = 'no_data_found';
    END IF;
    -- Its subject first (the incident; a supplier's own: the supplier), then the escalation:
    -- the daemon's order. Its claims skip what is locked (FOR UPDATE SKIP LOCKED), so an
    -- acknowledgement left uncommitted holds up that subject only, not the daemon's batch.
    IF v_escalation.incident IS NOT NULL THEN
        PERFORM 1 FROM siam.incident WHERE id = v_escalation.incident FOR UPDATE;
    ELSIF v_escalation.supplier IS NOT NULL THEN
        PERFORM 1 FROM siam.supplier WHERE code = v_escalation.supplier FOR NO KEY UPDATE;
    END IF;
    SELECT * INTO v_escalation FROM siam.escalation WHERE id = p_escalation FOR UPDATE;
    IF v_escalation.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'escalation % is closed (%): there is nothing to acknowledge', p_escalation, v_escalation.close_cause
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_escalation.acknowledged_at IS NOT NULL THEN
        RAISE EXCEPTION 'escalation % was acknowledged already at level % by %', p_escalation, v_escalation.level, v_escalation.acknowledged_by
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.escalation SET acknowledged_at = siam.clock(), acknowledged_by = p_by WHERE id = p_escalation;
    PERFORM siam.record_event('escalation.acknowledged', format('level %s acknowledged by %s', v_escalation.level, p_by),
        p_incident => v_escalation.incident, p_handoff => v_escalation.handoff,
        p_supplier => v_escalation.supplier, p_escalation => p_escalation,
        p_data => jsonb_build_object('rule', v_escalation.rule, 'level', v_escalation.level));
    RETURN p_escalation;
END
$$;
COMMENT ON FUNCTION siam.escalation_ack(bigint, text) IS
    'Acknowledges an escalation at its current level: its repeats stop until the level rises (which asks for a new acknowledgement).';

-- Set-based forms of the daemon's frequent actions: one statement for a whole batch, with the
-- same re-checks in their WHERE clauses. The single-row functions above and below call them.

CREATE OR REPLACE FUNCTION siam.lock_escalation_rule(p_rule text) RETURNS siam.escalation_rule
LANGUAGE plpgsql
AS $$
DECLARE
    v_rule siam.escalation_rule;
BEGIN
    PERFORM siam.require_integrator();
    -- NO KEY UPDATE: serializes the changes to a rule without blocking the foreign-key checks
    -- (KEY SHARE) of the daemon raising escalations of it (an operator's open transaction
    -- would hold up every raise of the rule).
    SELECT * INTO v_rule FROM siam.escalation_rule WHERE code = p_rule FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown escalation rule %', siam.shown(p_rule) || siam.did_you_mean('siam.escalation_rule', p_rule)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_rule;
END
$$;
COMMENT ON FUNCTION siam.lock_escalation_rule(text) IS
    'For the integrator''s changes of a rule: locks it and returns it; refuses anyone else (42501) and an unknown code (P0002).';

CREATE OR REPLACE FUNCTION siam.escalation_rule_set_timing(p_rule text, p_repeat_every interval, p_time_window interval)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_rule siam.escalation_rule;
BEGIN
    v_rule := siam.lock_escalation_rule(p_rule);
    PERFORM siam.check_duration(p_repeat_every, 'repeat interval'), siam.check_duration(p_time_window, 'window');
    IF p_repeat_every <= interval '0' OR NOT siam.is_exact_interval(p_repeat_every) THEN
        RAISE EXCEPTION 'invalid repeat interval %: use a positive length in days, hours, minutes or seconds, or NULL for once', p_repeat_every
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_time_window <= interval '0' OR NOT siam.is_exact_interval(p_time_window) THEN
        RAISE EXCEPTION 'invalid window %: use a positive length in days, hours, minutes or seconds', p_time_window
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_time_window IS NULL AND v_rule.measure IN ('bounces', 'complaints') THEN
        RAISE EXCEPTION 'rule % counts % within a window: give one', siam.shown(p_rule), v_rule.measure
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    UPDATE siam.escalation_rule SET repeat_every = p_repeat_every, time_window = p_time_window WHERE code = p_rule;
    PERFORM siam.record_event('escalation_rule.changed',
        format('rule %s: repeat %s, window %s', p_rule, coalesce(p_repeat_every::text, 'never'), coalesce(p_time_window::text, 'none')),
        p_data => jsonb_build_object('rule', p_rule,
                                     'before', jsonb_build_object('repeat_every', v_rule.repeat_every, 'time_window', v_rule.time_window),
                                     'after', jsonb_build_object('repeat_every', p_repeat_every, 'time_window', p_time_window)));
    RETURN p_rule;
END
$$;
COMMENT ON FUNCTION siam.escalation_rule_set_timing(text, interval, interval) IS
    'Sets how often an escalation rule repeats its unacknowledged escalations (NULL: once) and the window its counts look back over (bounces, complaints; required for those). Integrator only.';

CREATE OR REPLACE FUNCTION siam.escalation_rule_set_thresholds(p_rule text, p_thresholds numeric[])
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_rule siam.escalation_rule;
BEGIN
    v_rule := siam.lock_escalation_rule(p_rule);
    IF p_thresholds IS NULL OR cardinality(p_thresholds) NOT BETWEEN 1 AND 10
       OR array_position(p_thresholds, NULL) IS NOT NULL
       OR NOT (0 < ALL (p_thresholds)) OR NOT siam.is_ascending(p_thresholds) THEN
        RAISE EXCEPTION 'invalid thresholds %: give 1 to 10 positive numbers in ascending order', coalesce(p_thresholds::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_rule.measure IN ('unroutable', 'scope_dispute') AND p_thresholds <> '{1}' THEN
        RAISE EXCEPTION 'rule % has one level (threshold 1): its measure % is yes or no', siam.shown(p_rule), v_rule.measure
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_rule.thresholds = p_thresholds THEN
        RETURN p_rule;  -- nothing changed, nothing to record
    END IF;
    UPDATE siam.escalation_rule SET thresholds = p_thresholds WHERE code = p_rule;
    -- Every open incident is looked at again: a lower threshold may be crossed already.
    UPDATE siam.incident SET next_check_at = siam.clock()
    WHERE state IN ('new', 'assigned', 'in_progress', 'pending')
      AND next_check_at IS DISTINCT FROM siam.clock();
    PERFORM siam.record_event('escalation_rule.changed',
        format('rule %s: thresholds %s (were %s)', p_rule, p_thresholds, v_rule.thresholds),
        p_data => jsonb_build_object('rule', p_rule,
                                     'before', jsonb_build_object('thresholds', v_rule.thresholds),
                                     'after', jsonb_build_object('thresholds', p_thresholds)));
    RETURN p_rule;
END
$$;
COMMENT ON FUNCTION siam.escalation_rule_set_thresholds(text, numeric[]) IS
    'Sets an escalation rule''s ascending thresholds (level N at thresholds[N]: percent of a clock, bounces, complaint weight or percent of capacity); open escalations keep their level and climb from it. Integrator only.';

CREATE OR REPLACE FUNCTION siam.escalations_raise(
    p_rules text[],
    p_levels integer[],
    p_incidents bigint[],
    p_handoffs bigint[],
    p_suppliers text[],
    p_reasons text[]
) RETURNS TABLE (escalation bigint, rule text, level integer, from_level integer, incident bigint, handoff bigint,
                 supplier text)
LANGUAGE plpgsql
AS $$
-- The output columns are named like table columns: a bare name means the column.
#variable_conflict use_column
DECLARE
    -- Once a call, not once a row: both look up the session's role.
    v_now timestamptz := siam.clock();
    v_actor text := siam.current_actor();
BEGIN
    -- One open escalation per rule x subject. A subject without one gets it at the level
    -- given ('escalation.raised'); one below that level climbs to it ('escalation.level_raised',
    -- its acknowledgement cleared: the new level asks for a new one); one at or above it is
    -- left alone. Both events name the levels passed over in the one step (a catch-up).
    -- (PL/pgSQL rather than SQL so that the daemon's session keeps the plan.)
    RETURN QUERY
    WITH input AS (
        SELECT t.*, r.notify
        FROM unnest(p_rules, p_levels, p_incidents, p_handoffs, p_suppliers, p_reasons)
             WITH ORDINALITY AS t (rule, level, incident, handoff, supplier, reason, n)
        JOIN siam.escalation_rule AS r ON r.code = t.rule
        WHERE t.level >= 1
    ), current AS (
        -- Each input's open escalation, found through an index: by incident (escalation_incident)
        -- for incident escalations, by supplier (escalation_supplier_open) for a supplier's own.
        SELECT DISTINCT ON (o.id) o.id, o.from_level, o.level, o.reason, o.n
        FROM (
            SELECT e.id, e.level AS from_level, i.level, i.reason, i.n
            FROM input AS i
            JOIN siam.escalation AS e
              ON e.incident = i.incident AND e.rule = i.rule AND e.closed_at IS NULL
             AND e.handoff IS NOT DISTINCT FROM i.handoff AND e.supplier IS NOT DISTINCT FROM i.supplier
            WHERE i.incident IS NOT NULL
            UNION ALL
            SELECT e.id, e.level, i.level, i.reason, i.n
            FROM input AS i
            JOIN siam.escalation AS e
              ON e.incident IS NULL AND e.supplier = i.supplier AND e.rule = i.rule AND e.closed_at IS NULL
             AND e.handoff IS NOT DISTINCT FROM i.handoff
            WHERE i.incident IS NULL
        ) AS o
        ORDER BY o.id, o.level DESC
    ), climbed AS (
        UPDATE siam.escalation AS x
        SET level = c.level, level_raised_at = v_now, reason = c.reason,
            acknowledged_at = NULL, acknowledged_by = NULL,
            notified_count = x.notified_count + 1, last_notified_at = v_now
        FROM current AS c
        -- Compared on the row itself, so that a concurrent climb is seen (re-checked under its lock).
        WHERE x.id = c.id AND x.level < c.level AND x.closed_at IS NULL
        RETURNING x.id, x.rule, c.from_level, x.level, x.incident, x.handoff, x.supplier, x.notify, x.reason
    ), raised AS (
        INSERT INTO siam.escalation AS x (rule, level, incident, handoff, supplier, notify, reason,
                                          raised_at, level_raised_at, last_notified_at)
        SELECT i.rule, i.level, i.incident, i.handoff, i.supplier, i.notify, i.reason, v_now, v_now, v_now
        FROM input AS i
        -- Those without an open one (a concurrent raise is left to the unique index).
        WHERE NOT EXISTS (SELECT 1 FROM current AS c WHERE c.n = i.n)
        ORDER BY i.n
        ON CONFLICT (rule, incident, handoff, supplier) WHERE closed_at IS NULL DO NOTHING
        RETURNING x.id, x.rule, 0 AS from_level, x.level, x.incident, x.handoff, x.supplier, x.notify, x.reason
    ), changed AS (
        SELECT * FROM climbed UNION ALL SELECT * FROM raised
    ), events AS (
        INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, escalation, data)
        SELECT v_now, v_actor,
               CASE WHEN c.from_level = 0 THEN 'escalation.raised' ELSE 'escalation.level_raised' END,
               c.reason, c.incident, c.handoff, c.supplier, c.id,
               jsonb_build_object('rule', c.rule, 'level', c.level, 'from_level', nullif(c.from_level, 0),
                                  'skipped_levels', to_jsonb(ARRAY(SELECT generate_series(c.from_level + 1, c.level - 1))),
                                  'notify', c.notify)
        FROM changed AS c
        ORDER BY c.id
    )
    SELECT c.id, c.rule::text, c.level::integer, nullif(c.from_level, 0)::integer, c.incident, c.handoff, c.supplier::text
    FROM changed AS c;
END
$$;
COMMENT ON FUNCTION siam.escalations_raise(text[], integer[], bigint[], bigint[], text[], text[]) IS
    'Raises escalations (parallel arrays) to the level given: a subject (rule x incident x handoff x supplier) without an open one gets one (escalation.raised), one below that level climbs to it and asks for a new acknowledgement (escalation.level_raised); one event each, naming the levels passed over; returns those raised or climbed.';

CREATE OR REPLACE FUNCTION siam.escalations_close(p_escalations bigint[], p_causes text[], p_reasons text[])
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Once a call, not once a row: both look up the session's role.
    v_now timestamptz := siam.clock();
    v_actor text := siam.current_actor();
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_escalations, p_causes, p_reasons) AS t (id, cause, reason)
    ), closed AS (
        UPDATE siam.escalation AS e
        SET closed_at = v_now, close_cause = input.cause, close_reason = input.reason
        FROM input
        WHERE e.id = input.id AND e.closed_at IS NULL
        RETURNING e.id, e.rule, e.level, e.incident, e.handoff, e.supplier, input.cause, input.reason
    ), events AS (
        INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, escalation, data)
        SELECT v_now, v_actor, 'escalation.closed', c.reason, c.incident, c.handoff, c.supplier, c.id,
               jsonb_build_object('rule', c.rule, 'level', c.level, 'cause', c.cause)
        FROM closed AS c
    )
    SELECT c.id FROM closed AS c;
END
$$;
COMMENT ON FUNCTION siam.escalations_close(bigint[], text[], text[]) IS
    'Closes the open escalations among those given, each with its cause (a word of escalation_close_cause_valid) and reason, one event each; returns those it closed.';

CREATE OR REPLACE FUNCTION siam.escalations_repeat(p_escalations bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Once a call, not once a row: both look up the session's role.
    v_now timestamptz := siam.clock();
    v_actor text := siam.current_actor();
BEGIN
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_escalations, p_reasons) AS t (id, reason)
    ), repeated AS (
        UPDATE siam.escalation AS e
        SET notified_count = e.notified_count + 1, last_notified_at = v_now
        FROM input
        WHERE e.id = input.id AND e.closed_at IS NULL AND e.acknowledged_at IS NULL
        RETURNING e.id, e.rule, e.level, e.incident, e.handoff, e.supplier, e.notified_count, input.reason
    ), events AS (
        INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, escalation, data)
        SELECT v_now, v_actor, 'escalation.repeated', r.reason, r.incident, r.handoff, r.supplier, r.id,
               jsonb_build_object('rule', r.rule, 'level', r.level, 'notified_count', r.notified_count)
        FROM repeated AS r
    )
    SELECT r.id FROM repeated AS r;
END
$$;
COMMENT ON FUNCTION siam.escalations_repeat(bigint[], text[]) IS
    'Notifies the open, unacknowledged escalations among those given again, one event each; returns those repeated.';

CREATE OR REPLACE FUNCTION siam.escalation_raise(
    p_rule text,
    p_level integer,
    p_incident bigint,
    p_handoff bigint,
    p_supplier text,
    p_reason text
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM siam.escalation_rule WHERE code = p_rule) THEN
        RAISE EXCEPTION 'unknown escalation rule %', siam.shown(p_rule) || siam.did_you_mean('siam.escalation_rule', p_rule)
            USING ERRCODE = 'no_data_found';
    END IF;
    SELECT r.escalation INTO v_id
    FROM siam.escalations_raise(ARRAY[p_rule], ARRAY[p_level], ARRAY[p_incident], ARRAY[p_handoff],
                                ARRAY[p_supplier], ARRAY[p_reason]) AS r;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.escalation_raise(text, integer, bigint, bigint, text, text) IS
    'Raises an escalation of a rule about a subject to a level, or climbs its open one to it; returns its id, or NULL when it is at that level or above already.';

CREATE OR REPLACE FUNCTION siam.escalation_repeat(p_escalation bigint, p_reason text) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT r FROM siam.escalations_repeat(ARRAY[p_escalation], ARRAY[p_reason]) AS r
$$;
COMMENT ON FUNCTION siam.escalation_repeat(bigint, text) IS
    'Notifies an open, unacknowledged escalation again; does nothing (returns NULL) otherwise.';

CREATE OR REPLACE FUNCTION siam.escalation_close(p_escalation bigint, p_cause text, p_reason text) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT c FROM siam.escalations_close(ARRAY[p_escalation], ARRAY[p_cause], ARRAY[p_reason]) AS c
$$;
COMMENT ON FUNCTION siam.escalation_close(bigint, text, text) IS
    'Closes an open escalation because its cause ended (p_cause: a word of escalation_close_cause_valid); does nothing (returns NULL) when it is closed already.';

-- Escalation rules: adding, enabling, disabling ----------------------------------------------

CREATE OR REPLACE FUNCTION siam.escalation_rule_add(
    p_code text,
    p_measure text,
    p_thresholds numeric[],
    p_notify text DEFAULT 'integrator',
    p_repeat_every interval DEFAULT NULL,
    p_time_window interval DEFAULT NULL,
    p_priority text DEFAULT NULL,
    p_service text DEFAULT NULL,
    p_supplier text DEFAULT NULL,
    p_user_tier text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_rule siam.escalation_rule;
BEGIN
    PERFORM siam.require_integrator();
    PERFORM siam.check_code(p_code, 'rule code');
    IF p_measure IS NULL OR p_measure NOT IN ('sla_acknowledge', 'sla_resolve', 'ola_accept', 'ola_resolve', 'bounces',
                                              'complaints', 'capacity', 'unroutable', 'scope_dispute') THEN
        RAISE EXCEPTION 'invalid measure %: use sla_acknowledge, sla_resolve, ola_accept, ola_resolve, bounces, complaints, capacity, unroutable or scope_dispute', siam.shown(p_measure)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_thresholds IS NULL OR cardinality(p_thresholds) NOT BETWEEN 1 AND 10
       OR array_position(p_thresholds, NULL) IS NOT NULL
       OR NOT (0 < ALL (p_thresholds)) OR NOT siam.is_ascending(p_thresholds) THEN
        RAISE EXCEPTION 'invalid thresholds %: give 1 to 10 positive numbers in ascending order', coalesce(p_thresholds::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_measure IN ('unroutable', 'scope_dispute') AND p_thresholds <> '{1}' THEN
        RAISE EXCEPTION 'a rule on % has one level (threshold 1): its measure is yes or no', p_measure
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_notify IS NULL OR p_notify NOT IN ('integrator', 'supplier', 'customer') THEN
        RAISE EXCEPTION 'invalid party to notify %: use integrator, supplier or customer', siam.shown(p_notify)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_duration(p_repeat_every, 'repeat interval'), siam.check_duration(p_time_window, 'window');
    IF p_repeat_every <= interval '0' THEN
        RAISE EXCEPTION 'invalid repeat interval %: use a positive length, or NULL for once', siam.duration_text(p_repeat_every)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_time_window <= interval '0' THEN
        RAISE EXCEPTION 'invalid window %: use a positive length', siam.duration_text(p_time_window)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_time_window IS NULL AND p_measure IN ('bounces', 'complaints') THEN
        RAISE EXCEPTION 'a rule on % counts within a window: give one', p_measure
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_priority IS NOT NULL THEN
        PERFORM siam.check_priority(p_priority);
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.require_exists('siam.supplier', p_supplier, 'supplier');
    IF p_user_tier IS NOT NULL AND p_user_tier !~ '^[a-z0-9][a-z0-9_-]{0,31}$' THEN
        RAISE EXCEPTION 'invalid user tier %: use up to 32 lower-case letters, digits, _ or -', siam.shown(p_user_tier)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.escalation_rule WHERE code = p_code) THEN
        RAISE EXCEPTION 'escalation rule % exists already', siam.shown(p_code)
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.escalation_rule (code, measure, thresholds, notify, repeat_every, time_window,
                                      priority, service, supplier, user_tier)
    VALUES (p_code, p_measure, p_thresholds, p_notify, p_repeat_every, p_time_window,
            p_priority, p_service, p_supplier, p_user_tier)
    RETURNING * INTO v_rule;
    -- Every open incident is looked at again: the new rule may apply to it already.
    UPDATE siam.incident SET next_check_at = siam.clock()
    WHERE state IN ('new', 'assigned', 'in_progress', 'pending')
      AND next_check_at IS DISTINCT FROM siam.clock();
    PERFORM siam.record_event('escalation_rule.added',
        format('rule %s added: %s at %s to the %s', p_code, p_measure, array_to_string(p_thresholds, ','), p_notify),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('rule', p_code, 'after', to_jsonb(v_rule)));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.escalation_rule_add(text, text, numeric[], text, interval, interval, text, text, text, text) IS
    'Adds an escalation rule (enabled): its measure, ascending thresholds (levels), the party notified, repeat interval (NULL: once), count window (bounces, complaints: required) and scope (priority, service, supplier, user tier; NULL = any). Integrator only.';

CREATE OR REPLACE FUNCTION siam.escalation_rule_set_enabled(p_rule text, p_enabled boolean) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_rule siam.escalation_rule;
BEGIN
    v_rule := siam.lock_escalation_rule(p_rule);
    IF p_enabled IS NULL THEN
        RAISE EXCEPTION 'enabled or not is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF v_rule.enabled = p_enabled THEN
        RAISE EXCEPTION 'rule % is % already', siam.shown(p_rule), CASE WHEN p_enabled THEN 'enabled' ELSE 'disabled' END
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.escalation_rule SET enabled = p_enabled WHERE code = p_rule;
    UPDATE siam.incident SET next_check_at = siam.clock()
    WHERE state IN ('new', 'assigned', 'in_progress', 'pending')
      AND next_check_at IS DISTINCT FROM siam.clock();
    PERFORM siam.record_event(CASE WHEN p_enabled THEN 'escalation_rule.enabled' ELSE 'escalation_rule.disabled' END,
        format('rule %s %s', p_rule, CASE WHEN p_enabled THEN 'enabled' ELSE 'disabled: it raises, climbs and repeats no escalation' END),
        p_data => jsonb_build_object('rule', p_rule, 'enabled', p_enabled));
    RETURN p_rule;
END
$$;
COMMENT ON FUNCTION siam.escalation_rule_set_enabled(text, boolean) IS
    'Enables or disables an escalation rule. A disabled rule raises, climbs and repeats nothing; its open escalations still close when their cause ends. Integrator only.';
