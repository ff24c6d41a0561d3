--
-- Handoffs: offers, answers, expiries and cancellations, by people and by the daemon
--
-- Writes siam.handoff (and the incident's owner and assignments when an offer is accepted).
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.handoff_state_transition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'offered' THEN
        RAISE EXCEPTION 'handoff % is % already', OLD.id, OLD.state
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'handoff_state_transition';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION siam.cancel_open_handoffs(p_incident bigint, p_reason text) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_offers bigint[] := ARRAY(SELECT id FROM siam.handoff WHERE incident = p_incident AND state = 'offered' ORDER BY id);
BEGIN
    RETURN (SELECT count(*)
            FROM siam.handoffs_end(v_offers, array_fill(p_reason, ARRAY[cardinality(v_offers)]), 'cancelled'));
END
$$;
COMMENT ON FUNCTION siam.cancel_open_handoffs(bigint, text) IS 'Cancels the open offers of an incident, one event each. Returns how many.';

-- Handoffs -----------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.handoff_offer(
    p_incident bigint,
    p_to_supplier text,
    p_part text DEFAULT NULL,
    p_reason text DEFAULT NULL,
    p_automatic boolean DEFAULT false
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_incident siam.incident;
    v_supplier siam.supplier;
    v_ola siam.target;
    v_calendar text;
    v_now timestamptz := siam.clock();
    v_id bigint;
BEGIN
    p_reason := siam.optional_text(p_reason, 'the reason', 'reason');
    PERFORM siam.require_integrator();
    v_incident := siam.lock_incident(p_incident);
    IF p_to_supplier IS NULL THEN
        RAISE EXCEPTION 'the supplier to offer it to is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    v_supplier := siam.lock_supplier(p_to_supplier);
    -- The daemon decided on what it read; if that no longer holds, its offer does nothing
    -- (a person gets the reason as an error instead).
    IF coalesce(p_automatic, false) AND p_part IS NULL AND (
           v_incident.state IN ('resolved', 'closed', 'cancelled')
           OR v_incident.routing_stopped
           OR v_supplier.status <> 'active'
           OR v_incident.owner = p_to_supplier
           OR NOT EXISTS (SELECT 1 FROM siam.supplier_service
                          WHERE supplier = p_to_supplier AND service = v_incident.service)
           OR EXISTS (SELECT 1 FROM siam.handoff
                      WHERE incident = p_incident AND state = 'offered' AND part IS NULL)) THEN
        RETURN NULL;
    END IF;
    IF p_part IS NOT NULL THEN
        PERFORM siam.check_text(p_part, 'part', 'title');
    END IF;
    IF v_incident.state IN ('resolved', 'closed', 'cancelled') THEN
        RAISE EXCEPTION 'incident % is %: it cannot be handed off', p_incident, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_supplier.status <> 'active' THEN
        RAISE EXCEPTION 'supplier % is %: only active suppliers are offered work', siam.shown(p_to_supplier), v_supplier.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM siam.supplier_service
                   WHERE supplier = p_to_supplier AND service = v_incident.service) THEN
        RAISE EXCEPTION 'supplier % does not serve %', siam.shown(p_to_supplier), siam.shown(v_incident.service)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('siamd supplier serve %s %s', p_to_supplier, v_incident.service);
    END IF;
    IF p_part IS NULL AND v_incident.owner = p_to_supplier THEN
        RAISE EXCEPTION 'supplier % owns incident % already', siam.shown(p_to_supplier), p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_part IS NULL AND EXISTS (SELECT 1 FROM siam.handoff
                                  WHERE incident = p_incident AND state = 'offered' AND part IS NULL) THEN
        RAISE EXCEPTION 'incident % has an open offer already: wait for its answer or its expiry', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF EXISTS (SELECT 1 FROM siam.handoff
               WHERE incident = p_incident AND to_supplier = p_to_supplier AND state = 'offered') THEN
        RAISE EXCEPTION 'supplier % has an open offer of incident % already', siam.shown(p_to_supplier), p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    v_ola := siam.matching_target('ola', v_incident.priority, v_incident.service, p_to_supplier);
    v_calendar := coalesce(v_ola.calendar, v_supplier.calendar);
    INSERT INTO siam.handoff (incident, from_supplier, to_supplier, part, offered_at, accept_due, accept_calendar, reason,
                              automatic)
    VALUES (p_incident, CASE WHEN p_part IS NULL THEN v_incident.owner END, p_to_supplier, p_part, v_now,
            siam.business_deadline(v_calendar, v_now, v_ola.accept_within),
            CASE WHEN v_ola.accept_within IS NOT NULL THEN v_calendar END,
            p_reason, coalesce(p_automatic, false))
    RETURNING id INTO v_id;
    -- A person choosing a supplier is the "person acts" that resumes automatic routing.
    UPDATE siam.incident
    SET handoff_count = handoff_count + CASE WHEN p_part IS NULL THEN 1 ELSE 0 END,
        routing_stopped = routing_stopped AND coalesce(p_automatic, false),
        next_check_at = v_now,
        updated_at = v_now
    WHERE id = p_incident;
    PERFORM siam.record_event('handoff.offered', coalesce(p_reason, 'offered'),
        p_incident => p_incident, p_handoff => v_id, p_supplier => p_to_supplier,
        p_data => jsonb_build_object('from', CASE WHEN p_part IS NULL THEN v_incident.owner END, 'to', p_to_supplier, 'part', p_part,
                                     'accept_due', (SELECT accept_due FROM siam.handoff WHERE id = v_id),
                                     'ola_target', v_ola.id));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.handoff_offer(bigint, text, text, text, boolean) IS
    'Offers an incident (p_part NULL) or a part of its work to an active supplier that serves its service; the accept deadline comes from the supplier''s OLA. p_automatic marks the daemon''s own offers; any other offer resumes automatic routing of a ping-pong incident. Returns the handoff id.';

CREATE OR REPLACE FUNCTION siam.handoff_accept(p_handoff bigint, p_reason text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Who calls, decided once (it reads the role's memberships).
    v_caller text := siam.caller_supplier();
    v_handoff siam.handoff;
    v_incident siam.incident;
    v_supplier siam.supplier;
    v_ola siam.target;
    v_calendar text;
    v_pauses boolean;
    v_now timestamptz := siam.clock();
BEGIN
    p_reason := siam.optional_text(p_reason, 'the reason', 'reason');
    v_handoff := siam.lock_handoff(p_handoff);
    v_incident := siam.lock_incident(v_handoff.incident);
    IF v_caller IS NOT NULL AND v_caller <> v_handoff.to_supplier THEN
        RAISE EXCEPTION 'handoff % is offered to another supplier: only it can accept it', p_handoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_handoff.state <> 'offered' THEN
        RAISE EXCEPTION 'handoff % is %, not offered: it cannot be accepted', p_handoff, v_handoff.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_incident.state IN ('resolved', 'closed', 'cancelled') THEN
        RAISE EXCEPTION 'incident % is %: its handoff cannot be accepted', v_incident.id, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    v_supplier := siam.lock_supplier(v_handoff.to_supplier);
    -- Offered while it was active, perhaps: a suspended or exiting supplier takes no new work.
    IF v_supplier.status <> 'active' THEN
        RAISE EXCEPTION 'supplier % is %: it takes no new work, so it cannot accept handoff %', siam.shown(v_supplier.code), v_supplier.status, p_handoff
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.handoff
    SET state = 'accepted', answered_at = v_now, answered_by = siam.current_actor(),
        reason = coalesce(p_reason, reason)
    WHERE id = p_handoff;

    v_ola := siam.matching_target('ola', v_incident.priority, v_incident.service, v_handoff.to_supplier);
    v_calendar := coalesce(v_ola.calendar, v_supplier.calendar);
    -- The span's OLA resolve clock pauses while pending unless its target opts out (no OLA:
    -- it pauses, like the SLA). Accepted while pending, it starts paused: its due instant is
    -- counted from now and moved when the pause ends (siam.resumed_ola_due), like the SLA's.
    v_pauses := coalesce(v_ola.pauses_when_pending, true);
    IF v_handoff.part IS NULL THEN
        -- The whole incident: the receiving supplier becomes its owner, on its own OLA clock.
        -- (Spans ended during a pause get their due instant moved by siam.end_assignments.)
        PERFORM siam.end_assignments(v_incident.id, 'owner', v_now);
        -- A contributor taking over ends its contribution span.
        UPDATE siam.assignment AS a
        SET ended_at = v_now,
            resolve_due = CASE WHEN a.pauses_when_pending
                               THEN siam.resumed_ola_due(a.ola_calendar, a.started_at, a.resolve_due,
                                                         siam.open_pause_start(a.incident), v_now)
                               ELSE a.resolve_due END
        WHERE incident = v_incident.id AND supplier = v_handoff.to_supplier AND ended_at IS NULL;
        INSERT INTO siam.assignment (incident, supplier, role, handoff, started_at, resolve_due, ola_calendar,
                                     pauses_when_pending)
        VALUES (v_incident.id, v_handoff.to_supplier, 'owner', p_handoff, v_now,
                siam.business_deadline(v_calendar, v_now, v_ola.resolve_within),
                CASE WHEN v_ola.resolve_within IS NOT NULL THEN v_calendar END,
                v_pauses);
        UPDATE siam.incident
        SET owner = v_handoff.to_supplier,
            state = CASE WHEN state = 'pending' THEN 'pending' ELSE 'assigned' END,
            updated_at = v_now
        WHERE id = v_incident.id;
    ELSE
        INSERT INTO siam.assignment (incident, supplier, role, handoff, started_at, resolve_due, ola_calendar,
                                     pauses_when_pending)
        VALUES (v_incident.id, v_handoff.to_supplier, 'contributor', p_handoff, v_now,
                siam.business_deadline(v_calendar, v_now, v_ola.resolve_within),
                CASE WHEN v_ola.resolve_within IS NOT NULL THEN v_calendar END,
                v_pauses)
        ON CONFLICT DO NOTHING;
    END IF;
    PERFORM siam.wake(v_incident.id);
    PERFORM siam.record_event('handoff.accepted', coalesce(p_reason, 'accepted'),
        p_incident => v_incident.id, p_handoff => p_handoff, p_supplier => v_handoff.to_supplier,
        p_data => jsonb_build_object('part', v_handoff.part, 'previous_owner', v_incident.owner,
                                     'late', v_handoff.accept_due < v_now,
                                     'pauses_when_pending', v_pauses,
                                     'starts_paused', v_pauses AND v_incident.state = 'pending'));
    RETURN p_handoff;
END
$$;
COMMENT ON FUNCTION siam.handoff_accept(bigint, text) IS
    'Accepts an offered handoff: for the whole incident the supplier becomes its owner (state assigned, or still pending) on its own OLA resolve clock; for a part it becomes a contributor. The span''s clock pauses while pending as its OLA target says (no OLA: it pauses); accepted while pending, it starts paused.';

CREATE OR REPLACE FUNCTION siam.handoff_reject(
    p_handoff bigint,
    p_reason text,
    p_out_of_scope boolean DEFAULT false
) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Who calls, decided once (it reads the role's memberships).
    v_caller text := siam.caller_supplier();
    v_handoff siam.handoff;
    v_now timestamptz := siam.clock();
    v_dispute bigint;
BEGIN
    -- The arguments first: a blank reason is refused before anything is looked up.
    PERFORM siam.check_text(p_reason, 'a reason for the rejection', 'reason');
    v_handoff := siam.lock_handoff(p_handoff);
    IF v_caller IS NOT NULL AND v_caller <> v_handoff.to_supplier THEN
        RAISE EXCEPTION 'handoff % is offered to another supplier: only it can reject it', p_handoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_handoff.state <> 'offered' THEN
        RAISE EXCEPTION 'handoff % is %, not offered: it cannot be rejected', p_handoff, v_handoff.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.handoff
    SET state = 'rejected', answered_at = v_now, answered_by = siam.current_actor(),
        reason = p_reason, out_of_scope = coalesce(p_out_of_scope, false)
    WHERE id = p_handoff;
    -- Out of scope: a dispute for the integrator to rule on (definitions/disputes.sql). The
    -- work is routed on meanwhile, like after any rejection.
    IF coalesce(p_out_of_scope, false) THEN
        INSERT INTO siam.scope_dispute (handoff, raised_at) VALUES (p_handoff, v_now)
        RETURNING id INTO v_dispute;
    END IF;
    PERFORM siam.wake(v_handoff.incident);
    PERFORM siam.record_event('handoff.rejected', p_reason,
        p_incident => v_handoff.incident, p_handoff => p_handoff, p_supplier => v_handoff.to_supplier,
        p_data => jsonb_build_object('out_of_scope', coalesce(p_out_of_scope, false), 'dispute', v_dispute));
    RETURN p_handoff;
END
$$;
COMMENT ON FUNCTION siam.handoff_reject(bigint, text, boolean) IS
    'Rejects an offered handoff with a reason; p_out_of_scope opens a scope dispute (siam.scope_dispute) for the integrator to rule on (siam.dispute_rule), named in the event''s data. The work is routed on meanwhile.';

CREATE OR REPLACE FUNCTION siam.handoffs_end(p_handoffs bigint[], p_reasons text[], p_state text) RETURNS SETOF bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Once a call, not once a row: both look up the session's role.
    v_now timestamptz := siam.clock();
    v_actor text := siam.current_actor();
BEGIN
    IF p_state NOT IN ('expired', 'cancelled') THEN
        RAISE EXCEPTION 'a handoff is ended as expired or cancelled, not %', p_state
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Incidents first, then their handoffs: the lock order of every write function.
    PERFORM 1 FROM siam.incident
    WHERE id IN (SELECT incident FROM siam.handoff WHERE id = ANY (p_handoffs))
    ORDER BY id FOR UPDATE;
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_handoffs, p_reasons) AS t (id, reason)
    ), ended AS (
        UPDATE siam.handoff AS h
        SET state = p_state, answered_at = v_now, answered_by = v_actor, reason = input.reason
        FROM input
        -- Still offered; and an expiry only once its deadline has passed.
        WHERE h.id = input.id AND h.state = 'offered'
          AND (p_state <> 'expired' OR h.accept_due <= v_now)
        RETURNING h.id, h.incident, h.to_supplier, h.accept_due, input.reason
    ), events AS (
        INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, data)
        SELECT v_now, v_actor, 'handoff.' || p_state, e.reason, e.incident, e.id, e.to_supplier,
               CASE WHEN p_state = 'expired' THEN jsonb_build_object('accept_due', e.accept_due) ELSE '{}' END
        FROM ended AS e
    )
    SELECT e.id FROM ended AS e;
END
$$;
COMMENT ON FUNCTION siam.handoffs_end(bigint[], text[], text) IS
    'Ends the offered handoffs among those given as expired (only those past their accept deadline) or cancelled, one event each; returns those it ended.';

CREATE OR REPLACE FUNCTION siam.handoffs_expire(p_handoffs bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE sql
AS $$
    SELECT siam.handoffs_end(p_handoffs, p_reasons, 'expired')
$$;
COMMENT ON FUNCTION siam.handoffs_expire(bigint[], text[]) IS
    'Expires the offered handoffs whose accept deadline has passed, one event each; returns those it expired.';

CREATE OR REPLACE FUNCTION siam.handoffs_offer_automatic(p_incidents bigint[], p_suppliers text[], p_reasons text[])
RETURNS TABLE (handoff bigint, incident bigint, to_supplier text, offered_at timestamptz, accept_due timestamptz,
               accept_calendar text)
LANGUAGE plpgsql
AS $$
-- The output columns are named like table columns: a bare name means the column.
#variable_conflict use_column
DECLARE
    -- Once a call, not once a row: both look up the session's role.
    v_now timestamptz := siam.clock();
    v_actor text := siam.current_actor();
    -- The suppliers with a capacity whose row this transaction holds.
    v_locked text[];
BEGIN
    PERFORM 1 FROM siam.incident WHERE id = ANY (p_incidents) ORDER BY id FOR UPDATE;
    -- Capacity is judged here, under the supplier's row lock, not only from the daemon's
    -- snapshot: two daemons planning from their own snapshots would otherwise both fill the
    -- last place. NO KEY UPDATE serializes them without blocking the foreign-key checks
    -- (KEY SHARE) of anyone writing rows that reference the supplier. Incidents first, then
    -- suppliers by code: the order every path locks in. A supplier whose row another
    -- transaction holds (an integration's accept not yet committed) is skipped, not waited
    -- for: its offers are not made now, and the rest of the batch goes on. (The daemon locks
    -- them first with siam.suppliers_busy, which puts off the offers to busy ones.)
    v_locked := ARRAY(SELECT s.code::text FROM siam.supplier AS s
                      WHERE s.code = ANY (p_suppliers) AND s.capacity IS NOT NULL
                      ORDER BY s.code FOR NO KEY UPDATE SKIP LOCKED);
    RETURN QUERY
    WITH input AS (
        SELECT * FROM unnest(p_incidents, p_suppliers, p_reasons) WITH ORDINALITY AS t (incident, supplier, reason, n)
    ), eligible AS (
        -- What the daemon decided on must still hold; otherwise its offer does nothing.
        SELECT DISTINCT ON (input.incident)
               input.incident, input.supplier, input.reason, input.n,
               i.owner, i.priority, i.service, s.calendar AS supplier_calendar
        FROM input
        JOIN siam.incident AS i ON i.id = input.incident
        JOIN siam.supplier AS s ON s.code = input.supplier
        WHERE i.state IN ('new', 'assigned', 'in_progress', 'pending')
          AND NOT i.routing_stopped
          AND s.status = 'active'
          -- Its capacity judged under its row lock: held here, or none to judge.
          AND (s.capacity IS NULL OR s.code = ANY (v_locked))
          AND i.owner IS DISTINCT FROM input.supplier
          AND EXISTS (SELECT 1 FROM siam.supplier_service AS ss
                      WHERE ss.supplier = input.supplier AND ss.service = i.service)
          AND NOT EXISTS (SELECT 1 FROM siam.handoff AS h
                          WHERE h.incident = input.incident AND h.state = 'offered'
                            AND (h.part IS NULL OR h.to_supplier = input.supplier))
        ORDER BY input.incident, input.n
    ), within_capacity AS (
        -- The offers of one batch to one supplier take its free places in input order.
        SELECT e.*
        FROM (SELECT e.*, row_number() OVER (PARTITION BY e.supplier ORDER BY e.n) AS nth FROM eligible AS e) AS e
        JOIN siam.supplier_load AS l ON l.supplier = e.supplier
        WHERE l.capacity IS NULL OR l.committed + e.nth <= l.capacity
    ), targets AS (
        -- The OLA and its deadline once per priority x service x supplier, not once per offer:
        -- every offer of the batch starts now, and a deadline on a business calendar costs
        -- a walk over its open time.
        SELECT k.priority, k.service, k.supplier, o.id AS ola_target, o.accept_within,
               coalesce(o.calendar, k.supplier_calendar) AS calendar,
               siam.business_deadline(coalesce(o.calendar, k.supplier_calendar), v_now, o.accept_within) AS accept_due
        FROM (SELECT DISTINCT priority, service, supplier, supplier_calendar FROM within_capacity) AS k
        LEFT JOIN LATERAL siam.matching_target('ola', k.priority, k.service, k.supplier) AS o ON true
    ), targeted AS (
        SELECT e.*, t.ola_target, t.accept_within, t.calendar, t.accept_due
        FROM within_capacity AS e
        JOIN targets AS t ON t.priority = e.priority AND t.service = e.service AND t.supplier = e.supplier
    ), offered AS (
        INSERT INTO siam.handoff (incident, from_supplier, to_supplier, offered_at, offered_by,
                                  accept_due, accept_calendar, reason, automatic)
        SELECT t.incident, t.owner, t.supplier, v_now, v_actor, t.accept_due,
               CASE WHEN t.accept_within IS NOT NULL THEN t.calendar END, t.reason, true
        FROM targeted AS t
        ORDER BY t.n
        RETURNING id, incident, from_supplier, to_supplier, offered_at, accept_due, accept_calendar, reason
    ), counted AS (
        UPDATE siam.incident AS i
        SET handoff_count = handoff_count + 1, updated_at = v_now
        FROM offered AS o
        WHERE i.id = o.incident
    ), events AS (
        INSERT INTO siam.event (at, actor, kind, reason, incident, handoff, supplier, data)
        SELECT v_now, v_actor, 'handoff.offered', o.reason, o.incident, o.id, o.to_supplier,
               jsonb_build_object('from', o.from_supplier, 'to', o.to_supplier, 'part', NULL,
                                  'accept_due', o.accept_due, 'ola_target', t.ola_target)
        FROM offered AS o
        JOIN targeted AS t ON t.incident = o.incident
    )
    SELECT o.id, o.incident, o.to_supplier::text, o.offered_at, o.accept_due, o.accept_calendar::text FROM offered AS o;
END
$$;
COMMENT ON FUNCTION siam.handoffs_offer_automatic(bigint[], text[], text[]) IS
    'The daemon''s offers of whole incidents (parallel arrays): each is made only if the incident still needs one and the supplier can still take it (active, serves the service, a free place under its capacity, judged under its row lock); one event each; returns the handoffs made, with their accept deadline and its calendar (the daemon schedules each incident from them, without looking at it again).';

CREATE OR REPLACE FUNCTION siam.suppliers_busy(p_suppliers text[]) RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
    v_code text;
BEGIN
    -- The daemon's offers to suppliers with a capacity are judged under the supplier's row
    -- lock (siam.handoffs_offer_automatic). An integration's open transaction holds that row
    -- (siam.lock_supplier in siam.handoff_accept, ...) until it ends, which may be never: the
    -- daemon must not wait for it, and its other work must go on. This takes the locks, for
    -- the calling transaction, waiting a moment for each (another daemon's batch holds one
    -- for milliseconds), and returns the suppliers it could not lock in that moment: busy,
    -- their offers put off. By code: the order every path locks suppliers in.
    PERFORM set_config('lock_timeout', '250ms', true);
    FOR v_code IN
        SELECT s.code FROM siam.supplier AS s
        WHERE s.code = ANY (p_suppliers) AND s.capacity IS NOT NULL ORDER BY s.code
    LOOP
        BEGIN
            PERFORM 1 FROM siam.supplier WHERE code = v_code FOR NO KEY UPDATE;
        EXCEPTION WHEN lock_not_available THEN
            RETURN NEXT v_code;
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION siam.suppliers_busy(text[]) IS
    'The daemon''s look before its offers: locks (NO KEY UPDATE, for the calling transaction) the suppliers with a capacity among those given, waiting at most 250 ms for each, and returns those another transaction held all that time: busy, their offers put off.';

CREATE OR REPLACE FUNCTION siam.handoffs_cancel(p_handoffs bigint[], p_reasons text[]) RETURNS SETOF bigint
LANGUAGE sql
AS $$
    SELECT siam.handoffs_end(p_handoffs, p_reasons, 'cancelled')
$$;
COMMENT ON FUNCTION siam.handoffs_cancel(bigint[], text[]) IS
    'Withdraws the offered handoffs among those given, one event each; returns those cancelled.';

-- The daemon's actions ----------------------------------------------------------------
-- Each re-checks its precondition under the row lock, so a decision made on a stale view
-- changes nothing (and writes no event) instead of doing something twice.

CREATE OR REPLACE FUNCTION siam.handoff_expire(p_handoff bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT e INTO v_id FROM siam.handoffs_expire(ARRAY[p_handoff], ARRAY[p_reason]) AS e;
    IF v_id IS NOT NULL THEN
        PERFORM siam.wake((SELECT incident FROM siam.handoff WHERE id = v_id));
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.handoff_expire(bigint, text) IS
    'Expires an offered handoff whose accept deadline has passed; does nothing (returns NULL) otherwise.';

CREATE OR REPLACE FUNCTION siam.handoff_cancel(p_handoff bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_handoff siam.handoff;
    v_id bigint;
BEGIN
    PERFORM siam.require_integrator();
    v_handoff := siam.lock_handoff(p_handoff);
    PERFORM siam.check_text(p_reason, 'a reason for the cancellation', 'reason');
    SELECT c INTO v_id FROM siam.handoffs_cancel(ARRAY[p_handoff], ARRAY[p_reason]) AS c;
    IF v_id IS NOT NULL THEN
        PERFORM siam.wake(v_handoff.incident);
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.handoff_cancel(bigint, text) IS
    'Withdraws an offered handoff with a reason; does nothing (returns NULL) when it is no longer offered.';

-- Bounces ------------------------------------------------------------------------------
-- The one definition of a bounce (docs/schema.md): the daemon's ping-pong rule and the
-- scorecard both read this view.

CREATE OR REPLACE VIEW siam.bounce WITH (security_invoker = true) AS
SELECT h.incident,
       h.answered_at AS at,
       h.to_supplier::text AS supplier,
       'rejected'::text AS kind,
       h.id AS handoff,
       EXISTS (SELECT 1 FROM siam.scope_dispute AS d
               WHERE d.handoff = h.id AND d.ruling = 'out_of_scope') AS fair
FROM siam.handoff AS h
WHERE h.part IS NULL AND h.state = 'rejected'
UNION ALL
SELECT a.incident, a.ended_at, a.supplier::text, 'handed back', a.handoff, false
FROM siam.assignment AS a
WHERE a.role = 'owner' AND a.handed_back;
COMMENT ON VIEW siam.bounce IS
    'Bounces: work moving away from a supplier that refused it (a rejected offer of the whole incident) or gave it back after holding it (siam.incident_hand_back). The first routing is none, nor an expiry (neglect: the OLA accept clock escalates it), nor a move the integrator makes. Ping-pong counts these within the bounce rule''s window; the scorecard charges each to its supplier unless fair.';
COMMENT ON COLUMN siam.bounce.at IS 'When the work moved away: the rejection, or the hand-back.';
COMMENT ON COLUMN siam.bounce.supplier IS 'The supplier that refused it or handed it back: the one charged.';
COMMENT ON COLUMN siam.bounce.kind IS 'rejected or handed back.';
COMMENT ON COLUMN siam.bounce.handoff IS 'The rejected offer, or the accepted offer that began the span handed back.';
COMMENT ON COLUMN siam.bounce.fair IS
    'A rejection whose scope dispute the integrator upheld (ruled out of scope): counted by ping-pong, not charged in the scorecard.';

CREATE OR REPLACE FUNCTION siam.incident_hand_back(p_incident bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    -- Who calls, decided once (it reads the role's memberships).
    v_caller text := siam.caller_supplier();
    v_incident siam.incident;
    v_now timestamptz := siam.clock();
BEGIN
    PERFORM siam.check_text(p_reason, 'a reason for handing it back', 'reason');
    v_incident := siam.lock_incident(p_incident);
    IF v_incident.owner IS NULL THEN
        RAISE EXCEPTION 'incident % has no owner: there is nothing to hand back', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_caller IS NOT NULL AND v_caller <> v_incident.owner THEN
        RAISE EXCEPTION 'incident % is owned by another supplier: only its owner can hand it back', p_incident
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_incident.state = 'pending' THEN
        RAISE EXCEPTION 'incident % is pending: set it to in_progress first, which ends the customer''s wait, then hand it back', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_incident.state NOT IN ('assigned', 'in_progress') THEN
        RAISE EXCEPTION 'incident % is %: only an assigned or in-progress incident can be handed back', p_incident, v_incident.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.assignment SET ended_at = v_now, handed_back = true
    WHERE incident = p_incident AND role = 'owner' AND ended_at IS NULL;
    UPDATE siam.incident SET owner = NULL, state = 'new', updated_at = v_now, next_check_at = v_now
    WHERE id = p_incident;
    PERFORM siam.record_event('incident.handed_back', p_reason,
        p_incident => p_incident, p_supplier => v_incident.owner,
        p_data => jsonb_build_object('from', v_incident.owner, 'previous_state', v_incident.state));
    RETURN p_incident;
END
$$;
COMMENT ON FUNCTION siam.incident_hand_back(bigint, text) IS
    'The owner gives the incident back (reason required): its ownership ends, the incident is new again and the daemon routes it to the next eligible supplier (not to this one). A bounce (siam.bounce). The owner supplier, or the integrator on its behalf.';
