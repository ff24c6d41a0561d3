--
-- Suppliers, services, customers, SLA/OLA targets
--
-- Writes siam.supplier, siam.supplier_service, siam.service, siam.customer, siam.target.
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

-- Suppliers, services, customers -------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.supplier_add(
    p_code text,
    p_name text,
    p_capacity integer DEFAULT NULL,
    p_calendar text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM siam.check_code(p_code, 'supplier code');
    PERFORM siam.check_text(p_name, 'supplier name', 'name');
    IF p_capacity IS NOT NULL AND p_capacity < 1 THEN
        RAISE EXCEPTION 'invalid capacity %: use a whole number of at least 1, or none for unlimited', p_capacity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.require_exists('siam.calendar', p_calendar, 'calendar');
    IF EXISTS (SELECT 1 FROM siam.supplier WHERE code = p_code) THEN
        RAISE EXCEPTION 'supplier % exists already', siam.shown(p_code)
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.supplier (code, name, capacity, calendar)
    VALUES (p_code, p_name, p_capacity, p_calendar);
    PERFORM siam.record_event('supplier.added', 'supplier added (onboarding)', p_supplier => p_code,
        p_data => jsonb_build_object('name', p_name, 'capacity', p_capacity, 'calendar', p_calendar));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.supplier_add(text, text, integer, text) IS
    'Adds a supplier in status onboarding. Capacity NULL = unlimited; calendar NULL = 24x7.';

CREATE OR REPLACE FUNCTION siam.supplier_set_status(
    p_code text,
    p_status text,
    p_reason text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_supplier siam.supplier;
    v_open integer;
BEGIN
    p_reason := siam.optional_text(p_reason, 'the reason', 'reason');
    v_supplier := siam.lock_supplier(p_code);
    IF p_status IS NULL OR p_status NOT IN ('onboarding', 'active', 'suspended', 'exiting', 'retired') THEN
        RAISE EXCEPTION 'invalid supplier status %: use onboarding, active, suspended, exiting or retired', siam.shown(p_status)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_status = v_supplier.status THEN
        RAISE EXCEPTION 'supplier % is % already', siam.shown(p_code), p_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM siam.supplier_transition
                   WHERE from_status = v_supplier.status AND to_status = p_status) THEN
        RAISE EXCEPTION 'supplier % cannot go from % to %', siam.shown(p_code), v_supplier.status, p_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_status = 'retired' THEN
        SELECT held + offered INTO v_open FROM siam.supplier_load WHERE supplier = p_code;
        IF v_open > 0 THEN
            RAISE EXCEPTION 'supplier % still holds % open item(s): drain its work before retiring it', siam.shown(p_code), v_open
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END IF;
    UPDATE siam.supplier SET status = p_status, updated_at = siam.clock() WHERE code = p_code;
    -- Its open work may have to move (suspended, exiting), or waiting work may now go to it (active).
    UPDATE siam.incident AS i SET next_check_at = siam.clock()
    WHERE (i.owner = p_code AND i.state IN ('assigned', 'in_progress', 'pending'))
       OR EXISTS (SELECT 1 FROM siam.handoff AS h WHERE h.incident = i.id AND h.to_supplier = p_code AND h.state = 'offered')
       OR (p_status = 'active' AND i.state = 'new' AND NOT i.on_hold
           AND i.service IN (SELECT service FROM siam.supplier_service WHERE supplier = p_code));
    PERFORM siam.record_event('supplier.status_changed',
        coalesce(p_reason, format('status %s -> %s', v_supplier.status, p_status)),
        p_supplier => p_code,
        p_data => jsonb_build_object('from', v_supplier.status, 'to', p_status));
    RETURN p_status;
END
$$;
COMMENT ON FUNCTION siam.supplier_set_status(text, text, text) IS
    'Changes a supplier''s lifecycle status along siam.supplier_transition. Retiring needs it to hold no open work.';

CREATE OR REPLACE FUNCTION siam.supplier_serve(
    p_supplier text,
    p_service text,
    p_rank integer DEFAULT 1
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_previous smallint;
BEGIN
    PERFORM siam.lock_supplier(p_supplier);
    IF p_service IS NULL THEN
        RAISE EXCEPTION 'service is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    IF p_rank IS NULL OR p_rank NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid rank %: use 1 (preferred) to 1000', p_rank
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT rank INTO v_previous FROM siam.supplier_service
    WHERE supplier = p_supplier AND service = p_service FOR UPDATE;
    IF v_previous = p_rank THEN
        RETURN p_rank;  -- nothing changes, nothing to record
    END IF;
    INSERT INTO siam.supplier_service (supplier, service, rank)
    VALUES (p_supplier, p_service, p_rank)
    ON CONFLICT (supplier, service) DO UPDATE SET rank = EXCLUDED.rank;
    -- Incidents waiting for a supplier of this service may now have one.
    UPDATE siam.incident SET next_check_at = siam.clock()
    WHERE service = p_service AND state = 'new' AND NOT on_hold;
    PERFORM siam.record_event('supplier.serves',
        CASE WHEN v_previous IS NULL THEN format('serves %s at rank %s', p_service, p_rank)
             ELSE format('rank for %s %s -> %s', p_service, v_previous, p_rank) END,
        p_supplier => p_supplier,
        p_data => jsonb_build_object('service', p_service, 'rank', p_rank, 'previous_rank', v_previous));
    RETURN p_rank;
END
$$;
COMMENT ON FUNCTION siam.supplier_serve(text, text, integer) IS
    'Records that a supplier serves a service at a preference rank (1 = preferred), or changes the rank.';

CREATE OR REPLACE FUNCTION siam.service_add(p_code text, p_name text) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM siam.check_code(p_code, 'service code');
    PERFORM siam.check_text(p_name, 'service name', 'name');
    IF EXISTS (SELECT 1 FROM siam.service WHERE code = p_code) THEN
        RAISE EXCEPTION 'service % exists already', siam.shown(p_code)
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.service (code, name) VALUES (p_code, p_name);
    PERFORM siam.record_event('service.added', 'service added',
        p_data => jsonb_build_object('service', p_code, 'name', p_name));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.service_add(text, text) IS 'Adds an entry to the service catalog.';

CREATE OR REPLACE FUNCTION siam.customer_add(p_code text, p_name text) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM siam.check_code(p_code, 'customer code');
    PERFORM siam.check_text(p_name, 'customer name', 'name');
    IF EXISTS (SELECT 1 FROM siam.customer WHERE code = p_code) THEN
        RAISE EXCEPTION 'customer % exists already', siam.shown(p_code)
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.customer (code, name) VALUES (p_code, p_name);
    PERFORM siam.record_event('customer.added', 'customer added',
        p_data => jsonb_build_object('customer', p_code, 'name', p_name));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.customer_add(text, text) IS 'Adds a customer (the party that signs the contract).';

-- Supplier load ------------------------------------------------------------------------

-- The one definition of how much work a supplier has, per measure (docs/schema.md): routing
-- counts `committed` against the capacity, capacity escalations and `siamd status` count
-- `held`, and a supplier retires only with `held` and `offered` both 0.
CREATE OR REPLACE VIEW siam.supplier_load WITH (security_invoker = true) AS
SELECT m.supplier,
       m.capacity,
       m.held,
       m.offered_whole,
       m.offered,
       m.held + m.offered_whole AS committed
FROM (
    SELECT s.code AS supplier,
           s.capacity,
           (SELECT count(*) FROM siam.incident AS i
            WHERE i.owner = s.code AND i.state IN ('assigned', 'in_progress', 'pending')) AS held,
           (SELECT count(*) FROM siam.handoff AS h
            WHERE h.to_supplier = s.code AND h.state = 'offered' AND h.part IS NULL) AS offered_whole,
           (SELECT count(*) FROM siam.handoff AS h
            WHERE h.to_supplier = s.code AND h.state = 'offered') AS offered
    FROM siam.supplier AS s
) AS m;
COMMENT ON VIEW siam.supplier_load IS
    'How much work each supplier has, one definition per measure (row-level security of the caller applies).';
COMMENT ON COLUMN siam.supplier_load.held IS
    'Open incidents it owns (assigned, in_progress, pending): what capacity escalations and siamd status count.';
COMMENT ON COLUMN siam.supplier_load.offered_whole IS 'Open offers to it of whole incidents.';
COMMENT ON COLUMN siam.supplier_load.offered IS 'Open offers to it, of whole incidents or of parts.';
COMMENT ON COLUMN siam.supplier_load.committed IS
    'held + offered_whole: what routing counts against its capacity (an offer it may accept takes a place).';

-- Targets ------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.target_set(
    p_kind text,
    p_priority text,
    p_service text DEFAULT NULL,
    p_supplier text DEFAULT NULL,
    p_calendar text DEFAULT NULL,
    p_accept interval DEFAULT NULL,
    p_acknowledge interval DEFAULT NULL,
    p_resolve interval DEFAULT NULL,
    p_pauses_when_pending boolean DEFAULT NULL
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_id integer;
    v_before siam.target;
    v_after siam.target;
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('sla', 'ola') THEN
        RAISE EXCEPTION 'invalid target kind %: use sla or ola', siam.shown(p_kind)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_priority(p_priority);
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.require_exists('siam.supplier', p_supplier, 'supplier');
    PERFORM siam.require_exists('siam.calendar', p_calendar, 'calendar');
    PERFORM siam.check_duration(p_accept, 'accept time');
    PERFORM siam.check_duration(p_acknowledge, 'acknowledge time');
    PERFORM siam.check_duration(p_resolve, 'resolve time');
    IF p_kind = 'sla' AND p_supplier IS NOT NULL THEN
        RAISE EXCEPTION 'an SLA is between the integrator and the customer: it has no supplier (use --kind ola)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind = 'sla' AND p_accept IS NOT NULL THEN
        RAISE EXCEPTION 'time to accept a handoff is an OLA target, not an SLA one (use --kind ola)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind = 'sla' AND NOT p_pauses_when_pending THEN
        RAISE EXCEPTION 'SLA clocks always pause while the incident is pending: only an OLA can opt out'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO v_before FROM siam.target
    WHERE kind = p_kind AND priority = p_priority
      AND service IS NOT DISTINCT FROM p_service AND supplier IS NOT DISTINCT FROM p_supplier
    FOR UPDATE;
    -- Setting a target changes only what is given; what is left out keeps its value.
    IF v_before.id IS NULL THEN
        IF p_accept IS NULL AND p_acknowledge IS NULL AND p_resolve IS NULL THEN
            RAISE EXCEPTION 'a new target needs at least one of accept, acknowledge or resolve time'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        -- ON CONFLICT for two callers adding the same target at once (the second changes it):
        -- the row proposed here has a duration, so it passes target_has_a_duration.
        INSERT INTO siam.target AS t (kind, priority, service, supplier, calendar,
                                      accept_within, acknowledge_within, resolve_within, pauses_when_pending)
        VALUES (p_kind, p_priority, p_service, p_supplier, p_calendar,
                p_accept, p_acknowledge, p_resolve, coalesce(p_pauses_when_pending, true))
        ON CONFLICT ON CONSTRAINT target_unique DO UPDATE SET
            calendar = coalesce(p_calendar, t.calendar),
            accept_within = coalesce(p_accept, t.accept_within),
            acknowledge_within = coalesce(p_acknowledge, t.acknowledge_within),
            resolve_within = coalesce(p_resolve, t.resolve_within),
            pauses_when_pending = coalesce(p_pauses_when_pending, t.pauses_when_pending),
            updated_at = siam.clock()
        RETURNING id INTO v_id;
    ELSE
        -- An UPDATE, not INSERT ... ON CONFLICT: a change of the pause setting alone proposes
        -- a row without durations, which the check target_has_a_duration refuses.
        UPDATE siam.target AS t SET
            calendar = coalesce(p_calendar, t.calendar),
            accept_within = coalesce(p_accept, t.accept_within),
            acknowledge_within = coalesce(p_acknowledge, t.acknowledge_within),
            resolve_within = coalesce(p_resolve, t.resolve_within),
            pauses_when_pending = coalesce(p_pauses_when_pending, t.pauses_when_pending),
            updated_at = siam.clock()
        WHERE t.id = v_before.id
        RETURNING id INTO v_id;
    END IF;
    SELECT * INTO v_after FROM siam.target WHERE id = v_id;
    IF v_before.id IS NOT NULL
       AND (v_before.calendar, v_before.accept_within, v_before.acknowledge_within, v_before.resolve_within,
            v_before.pauses_when_pending)
           IS NOT DISTINCT FROM (v_after.calendar, v_after.accept_within, v_after.acknowledge_within, v_after.resolve_within,
                                 v_after.pauses_when_pending) THEN
        RETURN v_id;  -- nothing changed, nothing to record
    END IF;
    PERFORM siam.record_event('target.set',
        format('%s %s target %s', upper(p_kind), p_priority, CASE WHEN v_before.id IS NULL THEN 'added' ELSE 'changed' END),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('target', v_id, 'pauses_when_pending', v_after.pauses_when_pending,
                                     'before', to_jsonb(v_before), 'after', to_jsonb(v_after)));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.target_set(text, text, text, text, text, interval, interval, interval, boolean) IS
    'Adds or changes the SLA/OLA target for kind x priority x service x supplier (NULL = any). Durations left NULL keep their value. p_pauses_when_pending (OLA only; NULL keeps the value, a new target pauses): whether the owner''s OLA resolve clock pauses while the incident is pending; false on an SLA is refused (22023). A change applies to spans that begin after it.';

CREATE OR REPLACE FUNCTION siam.matching_target(
    p_kind text,
    p_priority text,
    p_service text,
    p_supplier text DEFAULT NULL
) RETURNS siam.target
LANGUAGE sql STABLE
AS $$
    -- The most specific target wins as a whole: supplier and service, supplier, service, neither.
    SELECT t.*
    FROM siam.target AS t
    WHERE t.kind = p_kind
      AND t.priority = p_priority
      AND (t.service IS NULL OR t.service = p_service)
      AND (t.supplier IS NULL OR t.supplier = p_supplier)
    ORDER BY (t.supplier IS NOT NULL) DESC, (t.service IS NOT NULL) DESC
    LIMIT 1
$$;
COMMENT ON FUNCTION siam.matching_target(text, text, text, text) IS
    'The target that applies: the most specific one matching kind, priority, service and supplier, taken as a whole.';
