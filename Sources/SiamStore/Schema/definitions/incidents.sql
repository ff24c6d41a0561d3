--
-- Shared incidents: opening, states, priority, pauses, complaints, feedback, external references
--
-- Writes siam.incident, siam.incident_pause, siam.assignment, siam.complaint, siam.feedback,
-- siam.external_ref.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.incident_state_transition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
        SELECT 1 FROM siam.incident_transition
        WHERE from_state = OLD.state AND to_state = NEW.state
    ) THEN
        RAISE EXCEPTION 'incident % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'incident_state_transition';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION siam.incident_pauses(p_incident bigint) RETURNS tstzmultirange
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(range_agg(tstzrange(started_at, ended_at, '[)')), '{}')
    FROM siam.incident_pause
    WHERE incident = p_incident
$$;
COMMENT ON FUNCTION siam.incident_pauses(bigint) IS 'The ranges an incident was pending (the last one open while it still is).';

-- Incidents ----------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.incident_open(
    p_service text,
    p_priority text,
    p_title text,
    p_customer text DEFAULT NULL,
    p_user_tier text DEFAULT NULL,
    p_to_supplier text DEFAULT NULL,
    p_hold boolean DEFAULT false,
    p_reason text DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
    v_now timestamptz := siam.clock();
    v_sla siam.target;
BEGIN
    p_reason := siam.optional_text(p_reason, 'the reason', 'reason');
    PERFORM siam.require_integrator();
    IF p_service IS NULL THEN
        RAISE EXCEPTION 'service is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.check_priority(p_priority);
    PERFORM siam.check_text(p_title, 'title', 'title');
    PERFORM siam.require_exists('siam.customer', p_customer, 'customer');
    IF p_user_tier IS NOT NULL AND p_user_tier !~ '^[a-z0-9][a-z0-9_-]{0,31}$' THEN
        RAISE EXCEPTION 'invalid user tier %: use up to 32 lower-case letters, digits, _ or -', siam.shown(p_user_tier)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_to_supplier IS NOT NULL AND coalesce(p_hold, false) THEN
        RAISE EXCEPTION 'an incident offered to a supplier cannot also be held: give one of them'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_sla := siam.matching_target('sla', p_priority, p_service);
    INSERT INTO siam.incident (title, service, priority, customer, user_tier, on_hold, opened_at,
                               sla_calendar, acknowledge_due, resolve_due, updated_at)
    VALUES (p_title, p_service, p_priority, p_customer, p_user_tier, coalesce(p_hold, false), v_now,
            v_sla.calendar,
            siam.business_deadline(v_sla.calendar, v_now, v_sla.acknowledge_within),
            siam.business_deadline(v_sla.calendar, v_now, v_sla.resolve_within),
            v_now)
    RETURNING id INTO v_id;
    PERFORM siam.record_event('incident.opened', coalesce(p_reason, 'incident opened'), p_incident => v_id,
        p_data => jsonb_build_object('service', p_service, 'priority', p_priority, 'title', p_title,
                                     'customer', p_customer, 'user_tier', p_user_tier, 'on_hold', coalesce(p_hold, false),
                                     'sla_target', v_sla.id));
    IF p_to_supplier IS NOT NULL THEN
        PERFORM siam.handoff_offer(v_id, p_to_supplier, NULL, 'offered when opened');
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.incident_open(text, text, text, text, text, text, boolean, text) IS
    'Opens a shared incident; its SLA due instants come from the matching SLA target. p_to_supplier offers it at once; p_hold keeps it from automatic routing. Returns its id.';

-- OLA resolve clocks that pause while pending --------------------------------------------
-- A span's resolve_due is set when it begins, as if its clock never paused; while the
-- incident is pending the clock of a span with pauses_when_pending stands still, and when
-- the pause ends for it (the incident leaves pending, or the span ends during the pause) its
-- due instant moves later: the business time that was left when the pause began for it (at
-- the pause's start, or at the span's start if it began during the pause) counts again from
-- then on. Ended pauses are thus inside every such due instant; siam.incident_set_priority
-- recomputes it from the span's start minus the ended pauses. The daemon's planner
-- (RunningClock) counts the same way.

CREATE OR REPLACE FUNCTION siam.open_pause_start(p_incident bigint) RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    SELECT started_at FROM siam.incident_pause WHERE incident = p_incident AND ended_at IS NULL
$$;
COMMENT ON FUNCTION siam.open_pause_start(bigint) IS 'When the incident''s current pause (pending) began; NULL when it is not paused.';

CREATE OR REPLACE FUNCTION siam.resumed_ola_due(
    p_calendar text,
    p_started_at timestamptz,
    p_due timestamptz,
    p_pause_start timestamptz,
    p_at timestamptz
) RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN p_due IS NULL OR p_pause_start IS NULL THEN p_due
        -- Due before the pause began for the span: overdue already, it stays.
        WHEN p_due <= greatest(p_started_at, p_pause_start) THEN p_due
        ELSE siam.business_deadline(p_calendar, p_at,
                 siam.business_elapsed(p_calendar, greatest(p_started_at, p_pause_start), p_due))
    END
$$;
COMMENT ON FUNCTION siam.resumed_ola_due(text, timestamptz, timestamptz, timestamptz, timestamptz) IS
    'The OLA resolve due instant of a span (started at p_started_at, due at p_due, on p_calendar) whose clock was paused from p_pause_start (or its start, if later) until p_at: the business time left at the pause''s start, counted again from p_at.';

CREATE OR REPLACE FUNCTION siam.end_assignments(p_incident bigint, p_role text, p_at timestamptz) RETURNS void
LANGUAGE sql
AS $$
    -- A span that ends while the incident is pending (handed on) ends its pause too.
    UPDATE siam.assignment AS a
    SET ended_at = p_at,
        resolve_due = CASE WHEN a.pauses_when_pending
                           THEN siam.resumed_ola_due(a.ola_calendar, a.started_at, a.resolve_due,
                                                     siam.open_pause_start(p_incident), p_at)
                           ELSE a.resolve_due END
    WHERE a.incident = p_incident AND a.ended_at IS NULL AND (p_role IS NULL OR a.role = p_role)
$$;
COMMENT ON FUNCTION siam.end_assignments(bigint, text, timestamptz) IS
    'Ends the open assignment spans of an incident (of one role, or all when NULL). Ended while the incident is pending, a span whose OLA clock pauses gets its due instant moved (siam.resumed_ola_due).';

CREATE OR REPLACE FUNCTION siam.incident_set_state(
    p_incident bigint,
    p_state text,
    p_reason text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    -- Who calls, decided once (it reads the role's memberships).
    v_caller text := siam.caller_supplier();
    v_incident siam.incident;
    v_now timestamptz := siam.clock();
    v_pause_start timestamptz;
    v_transition siam.incident_transition;
    v_allowed text;
    v_ack_due timestamptz;
    v_resolve_due timestamptz;
    v_ola_moved jsonb;
BEGIN
    p_reason := siam.optional_text(p_reason, 'the reason', 'reason');
    v_incident := siam.lock_incident(p_incident);
    IF v_caller IS NOT NULL AND v_caller IS DISTINCT FROM v_incident.owner THEN
        RAISE EXCEPTION 'only the owner of incident % can change its state', p_incident
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The record is the integrator's: a supplier resolves its work, the integrator closes it
    -- (once the customer confirms) or cancels it. Otherwise a supplier could take its own SLA
    -- breaches out of the scorecards by cancelling or closing what it failed to fix in time.
    IF v_caller IS NOT NULL AND p_state IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'only the service integrator may set an incident %: a supplier resolves it, the integrator closes or cancels it', p_state
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_state IS NULL OR p_state NOT IN ('new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed', 'cancelled') THEN
        RAISE EXCEPTION 'invalid incident state %: use in_progress, pending, resolved, closed or cancelled', siam.shown(p_state)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_state = v_incident.state THEN
        RAISE EXCEPTION 'incident % is % already', p_incident, p_state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT * INTO v_transition FROM siam.incident_transition
    WHERE from_state = v_incident.state AND to_state = p_state;
    IF NOT FOUND THEN
        -- The refusal lists the changes that are allowed from here (siam.incident_transition).
        v_allowed := coalesce((SELECT 'from ' || v_incident.state::text || ' it can go to '
                                      || string_agg(t.to_state::text, ', ' ORDER BY t.to_state::text)
                               FROM siam.incident_transition AS t
                               WHERE t.from_state = v_incident.state AND NOT t.by_handoff),
                              v_incident.state::text || ' is final');
        IF v_incident.state = 'new' THEN
            RAISE EXCEPTION 'incident % cannot go from % to %: %', p_incident, v_incident.state, p_state, v_allowed
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'offer it to a supplier first (siamd handoff offer)';
        END IF;
        RAISE EXCEPTION 'incident % cannot go from % to %: %', p_incident, v_incident.state, p_state, v_allowed
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_transition.by_handoff THEN
        RAISE EXCEPTION 'incident % becomes assigned by a supplier accepting a handoff, not by setting its state', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    v_ack_due := v_incident.acknowledge_due;
    v_resolve_due := v_incident.resolve_due;
    IF v_incident.state = 'pending' THEN
        -- Leaving pending: the SLA clocks resume and their due instants move later by the
        -- business time the pause took from them.
        v_pause_start := v_incident.paused_since;
        UPDATE siam.incident_pause SET ended_at = v_now
        WHERE incident = p_incident AND ended_at IS NULL;
        IF v_ack_due > v_pause_start AND v_incident.acknowledged_at IS NULL THEN
            v_ack_due := siam.business_deadline(v_incident.sla_calendar, v_now,
                             siam.business_elapsed(v_incident.sla_calendar, v_pause_start, v_ack_due));
        END IF;
        IF v_resolve_due > v_pause_start THEN
            v_resolve_due := siam.business_deadline(v_incident.sla_calendar, v_now,
                                 siam.business_elapsed(v_incident.sla_calendar, v_pause_start, v_resolve_due));
        END IF;
        -- The OLA resolve clocks of the open spans that pause resume too (see
        -- siam.resumed_ola_due); spans that do not pause are left as they are.
        WITH moved AS (
            UPDATE siam.assignment AS a
            SET resolve_due = siam.resumed_ola_due(a.ola_calendar, a.started_at, a.resolve_due, v_pause_start, v_now)
            WHERE a.incident = p_incident AND a.ended_at IS NULL AND a.pauses_when_pending
              AND a.resolve_due IS NOT NULL
            RETURNING a.id, a.supplier, a.role, a.resolve_due
        )
        SELECT jsonb_agg(jsonb_build_object('assignment', id, 'supplier', supplier, 'role', role,
                                            'resolve_due', resolve_due) ORDER BY id)
        INTO v_ola_moved FROM moved;
    END IF;
    IF p_state = 'pending' THEN
        INSERT INTO siam.incident_pause (incident, started_at) VALUES (p_incident, v_now);
    END IF;

    UPDATE siam.incident SET
        state = p_state,
        paused_since = CASE WHEN p_state = 'pending' THEN v_now END,
        acknowledged_at = CASE WHEN p_state IN ('in_progress', 'resolved') THEN coalesce(acknowledged_at, v_now)
                               ELSE acknowledged_at END,
        resolved_at = CASE WHEN p_state = 'resolved' THEN v_now
                           WHEN p_state = 'closed' THEN resolved_at END,
        closed_at = CASE WHEN p_state = 'closed' THEN v_now END,
        acknowledge_due = v_ack_due,
        resolve_due = v_resolve_due,
        next_check_at = v_now,
        updated_at = v_now
    WHERE id = p_incident;

    IF p_state IN ('resolved', 'cancelled') THEN
        PERFORM siam.cancel_open_handoffs(p_incident, format('incident %s', p_state));
        PERFORM siam.end_assignments(p_incident, NULL, v_now);
    ELSIF v_incident.state = 'resolved' AND p_state = 'in_progress' THEN
        -- Reopened: the owner holds it again.
        INSERT INTO siam.assignment (incident, supplier, role, started_at, resolve_due, ola_calendar)
        SELECT p_incident, v_incident.owner, 'owner', v_now, NULL, NULL;
    END IF;

    PERFORM siam.record_event('incident.state_changed',
        coalesce(p_reason, format('state %s -> %s', v_incident.state, p_state)),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('from', v_incident.state, 'to', p_state,
                                     'acknowledge_due', v_ack_due, 'resolve_due', v_resolve_due)
                  || CASE WHEN v_ola_moved IS NOT NULL THEN jsonb_build_object('ola_resolve_due', v_ola_moved)
                          ELSE '{}' END);
    RETURN p_state;
END
$$;
COMMENT ON FUNCTION siam.incident_set_state(bigint, text, text) IS
    'Changes an incident''s state along siam.incident_transition. pending pauses the SLA clocks and the OLA resolve clocks of the spans that pause (assignment.pauses_when_pending); leaving it moves their due instants later by the paused business time (the event''s ola_resolve_due lists the spans moved). resolved/cancelled cancel open offers.';

CREATE OR REPLACE FUNCTION siam.incident_set_priority(
    p_incident bigint,
    p_priority text,
    p_reason text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_sla siam.target;
    v_pauses tstzmultirange;
    v_ack_due timestamptz;
    v_resolve_due timestamptz;
    v_now timestamptz := siam.clock();
BEGIN
    p_reason := siam.optional_text(p_reason, 'the reason', 'reason');
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    PERFORM siam.check_priority(p_priority);
    IF p_priority = v_incident.priority THEN
        RAISE EXCEPTION 'incident % is % already', p_incident, p_priority
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT v_incident.state IN ('new', 'assigned', 'in_progress', 'pending') THEN
        RAISE EXCEPTION 'incident % is %: its priority cannot change', p_incident, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- The clocks restart from the opening under the new priority's target, minus the
    -- pauses that ended. A pause still running is accounted for when it ends, as always.
    v_sla := siam.matching_target('sla', p_priority, v_incident.service);
    SELECT coalesce(range_agg(tstzrange(started_at, ended_at, '[)')), '{}') INTO v_pauses
    FROM siam.incident_pause
    WHERE incident = p_incident AND ended_at IS NOT NULL;
    v_ack_due := CASE WHEN v_incident.acknowledged_at IS NULL
                      THEN siam.business_deadline(v_sla.calendar, v_incident.opened_at, v_sla.acknowledge_within, v_pauses)
                      ELSE v_incident.acknowledge_due END;
    v_resolve_due := siam.business_deadline(v_sla.calendar, v_incident.opened_at, v_sla.resolve_within, v_pauses);
    UPDATE siam.incident
    SET priority = p_priority, sla_calendar = v_sla.calendar,
        acknowledge_due = v_ack_due, resolve_due = v_resolve_due, next_check_at = v_now, updated_at = v_now
    WHERE id = p_incident;
    -- The suppliers' OLA clocks follow the new priority too: open offers and the current owner.
    UPDATE siam.handoff AS h
    SET accept_due = siam.business_deadline(c.calendar, h.offered_at, c.accept_within),
        accept_calendar = CASE WHEN c.accept_within IS NOT NULL THEN c.calendar END
    FROM (
        SELECT h2.id, o.accept_within, coalesce(o.calendar, s.calendar) AS calendar
        FROM siam.handoff AS h2
        JOIN siam.supplier AS s ON s.code = h2.to_supplier
        LEFT JOIN LATERAL siam.matching_target('ola', p_priority, v_incident.service, h2.to_supplier) AS o ON true
        WHERE h2.incident = p_incident AND h2.state = 'offered'
    ) AS c
    WHERE h.id = c.id;
    -- From the span's start, minus the ended pauses when its clock pauses (v_pauses: those
    -- before the span's start do not count, business_deadline starts at it). A pause still
    -- running is accounted for when it ends (siam.resumed_ola_due).
    UPDATE siam.assignment AS a
    SET resolve_due = siam.business_deadline(c.calendar, a.started_at, c.resolve_within,
                                             CASE WHEN a.pauses_when_pending THEN v_pauses ELSE '{}' END),
        ola_calendar = CASE WHEN c.resolve_within IS NOT NULL THEN c.calendar END
    FROM (
        SELECT a2.id, o.resolve_within, coalesce(o.calendar, s.calendar) AS calendar
        FROM siam.assignment AS a2
        JOIN siam.supplier AS s ON s.code = a2.supplier
        LEFT JOIN LATERAL siam.matching_target('ola', p_priority, v_incident.service, a2.supplier) AS o ON true
        WHERE a2.incident = p_incident AND a2.ended_at IS NULL
    ) AS c
    WHERE a.id = c.id;
    PERFORM siam.record_event('incident.priority_changed',
        coalesce(p_reason, format('priority %s -> %s', v_incident.priority, p_priority)),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('from', v_incident.priority, 'to', p_priority, 'sla_target', v_sla.id,
                                     'acknowledge_due', v_ack_due, 'resolve_due', v_resolve_due));
    RETURN p_priority;
END
$$;
COMMENT ON FUNCTION siam.incident_set_priority(bigint, text, text) IS
    'Changes an open incident''s priority; its SLA due instants are recomputed from the new matching target (from the opening, minus ended pauses), and so are the OLA clocks of open offers and the current holders (from the span''s start, minus the ended pauses when the span''s clock pauses; the span keeps its pauses_when_pending).';

CREATE OR REPLACE FUNCTION siam.complaint_record(p_incident bigint, p_source text, p_body text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
    v_incident siam.incident;
BEGIN
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    IF p_source IS NULL OR p_source NOT IN ('user', 'customer') THEN
        RAISE EXCEPTION 'invalid complaint source %: use user or customer', siam.shown(p_source)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_text(p_body, 'the complaint', 'body');
    INSERT INTO siam.complaint (incident, source, body) VALUES (p_incident, p_source, p_body) RETURNING id INTO v_id;
    UPDATE siam.incident
    SET complaint_count = complaint_count + 1, next_check_at = siam.clock(), updated_at = siam.clock()
    WHERE id = p_incident;
    PERFORM siam.record_event('complaint.recorded', format('%s complaint', p_source),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('complaint', v_id, 'source', p_source));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.complaint_record(bigint, text, text) IS
    'Records a complaint about an incident from the user or the customer (a customer complaint weighs 2, a user''s 1).';

CREATE OR REPLACE FUNCTION siam.external_ref_attach(p_incident bigint, p_ticket text, p_supplier text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Who calls, decided once (it reads the role's memberships).
    v_caller text := siam.caller_supplier();
    v_supplier text := coalesce(v_caller, p_supplier);
    v_existing bigint;
BEGIN
    PERFORM siam.lock_incident(p_incident);
    IF v_caller IS NOT NULL AND p_supplier IS NOT NULL AND p_supplier <> v_caller THEN
        RAISE EXCEPTION 'you act for supplier %: you can attach only its own ticket numbers', siam.shown(v_caller)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_supplier IS NULL THEN
        RAISE EXCEPTION 'the supplier whose ticket number it is is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.lock_supplier(v_supplier);
    PERFORM siam.check_text(p_ticket, 'ticket number', 'name');
    IF NOT siam.takes_part(p_incident, v_supplier) THEN
        RAISE EXCEPTION 'supplier % takes no part in incident %', siam.shown(v_supplier), p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT incident INTO v_existing FROM siam.external_ref WHERE supplier = v_supplier AND ticket = p_ticket;
    IF v_existing = p_incident THEN
        RETURN p_incident;
    ELSIF v_existing IS NOT NULL THEN
        RAISE EXCEPTION 'ticket % of supplier % is attached to another incident already', siam.shown(p_ticket), siam.shown(v_supplier)
            USING ERRCODE = 'unique_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.external_ref WHERE supplier = v_supplier AND incident = p_incident) THEN
        RAISE EXCEPTION 'supplier % has a ticket number for incident % already', siam.shown(v_supplier), p_incident
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.external_ref (supplier, ticket, incident) VALUES (v_supplier, p_ticket, p_incident);
    PERFORM siam.record_event('incident.ref_attached', format('%s ticket %s', v_supplier, p_ticket),
        p_incident => p_incident, p_supplier => v_supplier, p_data => jsonb_build_object('ticket', p_ticket));
    RETURN p_incident;
END
$$;
COMMENT ON FUNCTION siam.external_ref_attach(bigint, text, text) IS
    'Attaches a supplier''s own ticket number to an incident it takes part in. A supplier''s role attaches its own (p_supplier may be left out); the integrator names the supplier.';

CREATE OR REPLACE FUNCTION siam.incident_by_ref(p_supplier text, p_ticket text) RETURNS bigint
LANGUAGE sql STABLE
AS $$
    -- Row-level security applies: a supplier finds only its own ticket numbers.
    SELECT incident FROM siam.external_ref WHERE supplier = p_supplier AND ticket = p_ticket
$$;
COMMENT ON FUNCTION siam.incident_by_ref(text, text) IS
    'The incident a supplier''s ticket number is attached to, or NULL.';

CREATE OR REPLACE FUNCTION siam.feedback_record(p_incident bigint, p_score integer, p_comment text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_id bigint;
BEGIN
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    IF p_score IS NULL OR p_score NOT BETWEEN 1 AND 5 THEN
        RAISE EXCEPTION 'invalid satisfaction score %: use 1 (poor) to 5 (excellent)', p_score
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    p_comment := siam.optional_text(p_comment, 'the comment', 'body');
    INSERT INTO siam.feedback (incident, score, comment) VALUES (p_incident, p_score, p_comment) RETURNING id INTO v_id;
    PERFORM siam.record_event('feedback.recorded', format('satisfaction %s/5', p_score),
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('feedback', v_id, 'score', p_score));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.feedback_record(bigint, integer, text) IS
    'Records the customer''s satisfaction with an incident, 1 to 5, with an optional comment.';
