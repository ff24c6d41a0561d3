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
        -- The refusal lists the changes allowed from here (siam.supplier_transition).
        RAISE EXCEPTION 'supplier % cannot go from % to %: %', siam.shown(p_code), v_supplier.status, p_status,
            coalesce((SELECT 'from ' || v_supplier.status::text || ' it can go to '
                             || string_agg(t.to_status::text, ', ' ORDER BY t.to_status::text)
                      FROM siam.supplier_transition AS t
                      WHERE t.from_status = v_supplier.status),
                     v_supplier.status::text || ' is final')
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

CREATE OR REPLACE FUNCTION siam.duration_text(p_value interval) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    -- As the CLI writes durations: 3d4h30m, 90s -> 1m30s; 0s for zero.
    SELECT CASE WHEN s = 0 THEN '0s' ELSE
               concat(CASE WHEN s >= 86400 THEN (s / 86400) || 'd' END,
                      CASE WHEN s % 86400 >= 3600 THEN (s % 86400 / 3600) || 'h' END,
                      CASE WHEN s % 3600 >= 60 THEN (s % 3600 / 60) || 'm' END,
                      CASE WHEN s % 60 > 0 THEN (s % 60) || 's' END) END
    FROM (SELECT extract(epoch FROM p_value)::bigint AS s) AS v
$$;
COMMENT ON FUNCTION siam.duration_text(interval) IS 'A duration as the CLI writes it (4h30m, 3d, 90s -> 1m30s).';

CREATE OR REPLACE FUNCTION siam.check_target_duration(p_value interval, p_what text) RETURNS interval
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    PERFORM siam.check_duration(p_value, p_what);
    IF p_value <= interval '0' THEN
        RAISE EXCEPTION 'invalid % %: a target''s time must be more than zero (to remove it, use siamd target clear)', p_what, siam.duration_text(p_value)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_value;
END
$$;
COMMENT ON FUNCTION siam.check_target_duration(interval, text) IS
    'Refuses a target duration that is not more than zero, not of fixed length, or over 10 years (22023).';

CREATE OR REPLACE FUNCTION siam.target_scope_text(p_kind text, p_priority text, p_service text, p_supplier text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT concat(upper(p_kind), ' ', p_priority,
                  CASE WHEN p_service IS NOT NULL THEN ' of service ' || p_service END,
                  CASE WHEN p_supplier IS NOT NULL THEN concat(CASE WHEN p_service IS NOT NULL THEN ',' END, ' for supplier ', p_supplier) END)
$$;
COMMENT ON FUNCTION siam.target_scope_text(text, text, text, text) IS 'A target''s scope in words: OLA P1 of service network, for supplier acme.';

CREATE OR REPLACE FUNCTION siam.matching_target(
    p_kind text,
    p_priority text,
    p_service text,
    p_supplier text DEFAULT NULL
) RETURNS siam.target
LANGUAGE sql STABLE
AS $$
    -- THE rule of which target applies (docs/schema.md), per field: each of calendar, accept,
    -- acknowledge, resolve and pauses_when_pending comes from the most specific matching
    -- target that sets it (supplier and service, then supplier, then service, then neither);
    -- pauses_when_pending that none sets is true. id, service and supplier are those of the
    -- most specific matching target; updated_at the latest of those that match. No row when
    -- none matches.
    SELECT (array_agg(m.id ORDER BY m.specificity DESC))[1],
           p_kind,
           p_priority,
           (array_agg(m.service ORDER BY m.specificity DESC))[1],
           (array_agg(m.supplier ORDER BY m.specificity DESC))[1],
           (array_agg(m.calendar ORDER BY m.specificity DESC) FILTER (WHERE m.calendar IS NOT NULL))[1],
           (array_agg(m.accept_within ORDER BY m.specificity DESC) FILTER (WHERE m.accept_within IS NOT NULL))[1],
           (array_agg(m.acknowledge_within ORDER BY m.specificity DESC) FILTER (WHERE m.acknowledge_within IS NOT NULL))[1],
           (array_agg(m.resolve_within ORDER BY m.specificity DESC) FILTER (WHERE m.resolve_within IS NOT NULL))[1],
           max(m.updated_at),
           coalesce((array_agg(m.pauses_when_pending ORDER BY m.specificity DESC)
                         FILTER (WHERE m.pauses_when_pending IS NOT NULL))[1], true)
    FROM (
        SELECT t.*, 2 * (t.supplier IS NOT NULL)::integer + (t.service IS NOT NULL)::integer AS specificity
        FROM siam.target AS t
        WHERE t.kind = p_kind
          AND t.priority = p_priority
          AND (t.service IS NULL OR t.service = p_service)
          AND (t.supplier IS NULL OR t.supplier = p_supplier)
    ) AS m
    HAVING count(*) > 0
$$;
COMMENT ON FUNCTION siam.matching_target(text, text, text, text) IS
    'The target that applies to kind, priority, service and supplier, inherited per field: each of calendar, accept, acknowledge, resolve and pauses_when_pending from the most specific matching target that sets it (supplier and service, supplier, service, neither); id is the most specific one''s. NULL when none matches.';

CREATE OR REPLACE FUNCTION siam.require_acknowledge_within_resolve(
    p_kind text, p_priority text, p_service text, p_supplier text
) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v record;
BEGIN
    -- Every scope the targets of this kind and priority can combine to, under the one that
    -- changed (service NULL: any other service): the applied acknowledge time is at most the
    -- applied resolve time (both count on one calendar).
    SELECT sv.service, su.supplier, e.acknowledge_within, e.resolve_within INTO v
    FROM (SELECT DISTINCT service FROM siam.target WHERE kind = p_kind AND priority = p_priority AND service IS NOT NULL
          UNION ALL SELECT NULL) AS sv
    CROSS JOIN (SELECT DISTINCT supplier FROM siam.target WHERE kind = p_kind AND priority = p_priority AND supplier IS NOT NULL
                UNION ALL SELECT NULL) AS su
    CROSS JOIN LATERAL siam.matching_target(p_kind, p_priority, sv.service, su.supplier) AS e
    WHERE (p_service IS NULL OR sv.service = p_service)
      AND (p_supplier IS NULL OR su.supplier = p_supplier)
      AND e.acknowledge_within > e.resolve_within
    ORDER BY sv.service NULLS FIRST, su.supplier NULLS FIRST
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'acknowledge time % would be longer than resolve time % (%): acknowledge must be at most resolve',
            siam.duration_text(v.acknowledge_within), siam.duration_text(v.resolve_within),
            siam.target_scope_text(p_kind, p_priority, v.service, v.supplier)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION siam.require_acknowledge_within_resolve(text, text, text, text) IS
    'Refuses (22023) when, under the given scope, an applied acknowledge time would be longer than the applied resolve time.';

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
    PERFORM siam.require_integrator();
    IF p_kind IS NULL OR p_kind NOT IN ('sla', 'ola') THEN
        RAISE EXCEPTION 'invalid target kind %: use sla or ola', siam.shown(p_kind)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_priority(p_priority);
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.require_exists('siam.supplier', p_supplier, 'supplier');
    PERFORM siam.require_exists('siam.calendar', p_calendar, 'calendar');
    PERFORM siam.check_target_duration(p_accept, 'accept time');
    PERFORM siam.check_target_duration(p_acknowledge, 'acknowledge time');
    PERFORM siam.check_target_duration(p_resolve, 'resolve time');
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
    IF p_calendar IS NULL AND p_accept IS NULL AND p_acknowledge IS NULL AND p_resolve IS NULL
       AND p_pauses_when_pending IS NULL THEN
        RAISE EXCEPTION 'nothing to set: give an accept, acknowledge or resolve time, a calendar or the pause setting'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v_before FROM siam.target
    WHERE kind = p_kind AND priority = p_priority
      AND service IS NOT DISTINCT FROM p_service AND supplier IS NOT DISTINCT FROM p_supplier
    FOR UPDATE;
    -- Setting a target changes only what is given; what is left out keeps its value (a new
    -- target leaves it to the less specific ones: siam.matching_target).
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
                p_accept, p_acknowledge, p_resolve, p_pauses_when_pending)
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
    PERFORM siam.require_acknowledge_within_resolve(p_kind, p_priority, p_service, p_supplier);
    SELECT * INTO v_after FROM siam.target WHERE id = v_id;
    IF v_before.id IS NOT NULL
       AND (v_before.calendar, v_before.accept_within, v_before.acknowledge_within, v_before.resolve_within,
            v_before.pauses_when_pending)
           IS NOT DISTINCT FROM (v_after.calendar, v_after.accept_within, v_after.acknowledge_within, v_after.resolve_within,
                                 v_after.pauses_when_pending) THEN
        RETURN v_id;  -- nothing changed, nothing to record
    END IF;
    PERFORM siam.record_event('target.set',
        format('%s target %s', siam.target_scope_text(p_kind, p_priority, p_service, p_supplier),
               CASE WHEN v_before.id IS NULL THEN 'added' ELSE 'changed' END),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('target', v_id, 'pauses_when_pending', v_after.pauses_when_pending,
                                     'before', to_jsonb(v_before), 'after', to_jsonb(v_after)));
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION siam.target_set(text, text, text, text, text, interval, interval, interval, boolean) IS
    'Adds or changes the SLA/OLA target for kind x priority x service x supplier (NULL = any). Durations must be more than zero; left NULL they keep their value (a new target inherits them from less specific ones: siam.matching_target). Refuses (22023) an applied acknowledge time longer than the applied resolve time under this scope. p_pauses_when_pending (OLA only; NULL keeps the value, a new target inherits it): whether the owner''s OLA resolve clock pauses while the incident is pending; false on an SLA is refused (22023). A change applies to clocks that start after it.';

CREATE OR REPLACE FUNCTION siam.lock_target(p_kind text, p_priority text, p_service text, p_supplier text) RETURNS siam.target
LANGUAGE plpgsql
AS $$
DECLARE
    v_target siam.target;
BEGIN
    PERFORM siam.require_integrator();
    IF p_kind IS NULL OR p_kind NOT IN ('sla', 'ola') THEN
        RAISE EXCEPTION 'invalid target kind %: use sla or ola', siam.shown(p_kind)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.check_priority(p_priority);
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.require_exists('siam.supplier', p_supplier, 'supplier');
    SELECT * INTO v_target FROM siam.target
    WHERE kind = p_kind AND priority = p_priority
      AND service IS NOT DISTINCT FROM p_service AND supplier IS NOT DISTINCT FROM p_supplier
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no % target', siam.target_scope_text(p_kind, p_priority, p_service, p_supplier)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN v_target;
END
$$;
COMMENT ON FUNCTION siam.lock_target(text, text, text, text) IS
    'Locks and returns the target of exactly this scope; refuses an unknown one (P0002).';

CREATE OR REPLACE FUNCTION siam.target_clear(
    p_kind text,
    p_priority text,
    p_service text,
    p_supplier text,
    p_fields text[]
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_before siam.target;
    v_after siam.target;
    v_field text;
BEGIN
    v_before := siam.lock_target(p_kind, p_priority, p_service, p_supplier);
    IF p_fields IS NULL OR cardinality(p_fields) = 0 THEN
        RAISE EXCEPTION 'nothing to clear: name accept, acknowledge, resolve, calendar or pauses_when_pending'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    FOREACH v_field IN ARRAY p_fields LOOP
        IF v_field IS NULL OR v_field NOT IN ('accept', 'acknowledge', 'resolve', 'calendar', 'pauses_when_pending') THEN
            RAISE EXCEPTION 'invalid target field %: use accept, acknowledge, resolve, calendar or pauses_when_pending', siam.shown(v_field)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF (v_field = 'accept' AND v_before.accept_within IS NULL)
           OR (v_field = 'acknowledge' AND v_before.acknowledge_within IS NULL)
           OR (v_field = 'resolve' AND v_before.resolve_within IS NULL)
           OR (v_field = 'calendar' AND v_before.calendar IS NULL)
           OR (v_field = 'pauses_when_pending' AND v_before.pauses_when_pending IS NULL) THEN
            RAISE EXCEPTION '% target % sets no % (it inherits it already)',
                siam.target_scope_text(p_kind, p_priority, p_service, p_supplier), v_before.id, v_field
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END LOOP;
    IF (v_before.accept_within IS NULL OR 'accept' = ANY (p_fields))
       AND (v_before.acknowledge_within IS NULL OR 'acknowledge' = ANY (p_fields))
       AND (v_before.resolve_within IS NULL OR 'resolve' = ANY (p_fields)) THEN
        RAISE EXCEPTION '% target % would have no time left: delete it instead (siamd target delete)',
            siam.target_scope_text(p_kind, p_priority, p_service, p_supplier), v_before.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE siam.target SET
        accept_within = CASE WHEN 'accept' = ANY (p_fields) THEN NULL ELSE accept_within END,
        acknowledge_within = CASE WHEN 'acknowledge' = ANY (p_fields) THEN NULL ELSE acknowledge_within END,
        resolve_within = CASE WHEN 'resolve' = ANY (p_fields) THEN NULL ELSE resolve_within END,
        calendar = CASE WHEN 'calendar' = ANY (p_fields) THEN NULL ELSE calendar END,
        pauses_when_pending = CASE WHEN 'pauses_when_pending' = ANY (p_fields) THEN NULL ELSE pauses_when_pending END,
        updated_at = siam.clock()
    WHERE id = v_before.id
    RETURNING * INTO v_after;
    PERFORM siam.require_acknowledge_within_resolve(p_kind, p_priority, p_service, p_supplier);
    PERFORM siam.record_event('target.cleared',
        format('%s target: %s cleared (now inherited)', siam.target_scope_text(p_kind, p_priority, p_service, p_supplier),
               array_to_string(ARRAY(SELECT DISTINCT f FROM unnest(p_fields) AS f ORDER BY f), ', ')),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('target', v_before.id, 'cleared', to_jsonb(p_fields),
                                     'before', to_jsonb(v_before), 'after', to_jsonb(v_after)));
    RETURN v_before.id;
END
$$;
COMMENT ON FUNCTION siam.target_clear(text, text, text, text, text[]) IS
    'Removes some fields of a target (accept, acknowledge, resolve, calendar, pauses_when_pending), which it then inherits from less specific targets. Refuses an unknown target (P0002), a field it does not set or clearing its last time (55000: delete it instead), and an applied acknowledge longer than resolve (22023). Clocks already running keep their due instants.';

CREATE OR REPLACE FUNCTION siam.target_delete(
    p_kind text,
    p_priority text,
    p_service text DEFAULT NULL,
    p_supplier text DEFAULT NULL
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_before siam.target;
BEGIN
    v_before := siam.lock_target(p_kind, p_priority, p_service, p_supplier);
    DELETE FROM siam.target WHERE id = v_before.id;
    PERFORM siam.require_acknowledge_within_resolve(p_kind, p_priority, p_service, p_supplier);
    PERFORM siam.record_event('target.deleted',
        format('%s target deleted', siam.target_scope_text(p_kind, p_priority, p_service, p_supplier)),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('target', v_before.id, 'before', to_jsonb(v_before)));
    RETURN v_before.id;
END
$$;
COMMENT ON FUNCTION siam.target_delete(text, text, text, text) IS
    'Deletes the target of exactly this scope: its incidents fall back to less specific targets (for clocks that start afterwards). Refuses an unknown target (P0002) and a deletion after which an applied acknowledge time would be longer than the resolve time (22023).';

CREATE OR REPLACE FUNCTION siam.target_check(
    p_priority text DEFAULT NULL,
    p_service text DEFAULT NULL,
    p_supplier text DEFAULT NULL
) RETURNS TABLE (priority text, service text, supplier text, problem text, message text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v record;
    v_from timestamptz := date_trunc('minute', siam.clock());
    v_start timestamptz;
    v_accept_due timestamptz;
    v_ola_resolve_due timestamptz;
    v_sla_ack_due timestamptz;
    v_sla_resolve_due timestamptz;
    v_calendar_note text;
    v_starts timestamptz[];
BEGIN
    IF p_priority IS NOT NULL THEN
        PERFORM siam.check_priority(p_priority);
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    PERFORM siam.require_exists('siam.supplier', p_supplier, 'supplier');
    -- For each priority and each service a supplier serves: the OLA that applies to the
    -- supplier against the SLA that applies to the service (siam.matching_target), the
    -- OLA's calendar being its own, else the supplier's. The supplier's worst case is to
    -- accept at the accept deadline and resolve at the resolve deadline from then.
    FOR v IN
        SELECT p.priority, ss.service, ss.supplier, o.accept_within, o.resolve_within,
               coalesce(o.calendar, s.calendar) AS ola_calendar, o.calendar IS NULL AS ola_on_supplier_calendar,
               sla.acknowledge_within AS sla_acknowledge, sla.resolve_within AS sla_resolve, sla.calendar AS sla_calendar
        FROM unnest(ARRAY['P1', 'P2', 'P3', 'P4']) AS p (priority)
        CROSS JOIN siam.supplier_service AS ss
        JOIN siam.supplier AS s ON s.code = ss.supplier
        CROSS JOIN LATERAL siam.matching_target('ola', p.priority, ss.service, ss.supplier) AS o
        CROSS JOIN LATERAL siam.matching_target('sla', p.priority, ss.service) AS sla
        WHERE (p_priority IS NULL OR p.priority = p_priority)
          AND (p_service IS NULL OR ss.service = p_service)
          AND (p_supplier IS NULL OR ss.supplier = p_supplier)
          AND s.status IN ('onboarding', 'active', 'suspended')
        ORDER BY p.priority, ss.service, ss.supplier
    LOOP
        priority := v.priority;
        service := v.service;
        supplier := v.supplier;
        IF v.ola_calendar IS NOT DISTINCT FROM v.sla_calendar THEN
            -- One calendar: the durations compare as they are.
            IF v.accept_within > v.sla_acknowledge THEN
                problem := 'ola_longer_than_sla';
                message := format('OLA accept %s is longer than the SLA acknowledge %s', siam.duration_text(v.accept_within),
                                  siam.duration_text(v.sla_acknowledge));
                RETURN NEXT;
            END IF;
            IF coalesce(v.accept_within, interval '0') + v.resolve_within > v.sla_resolve THEN
                problem := 'ola_longer_than_sla';
                message := format('OLA %s is longer than the SLA resolve %s',
                                  CASE WHEN v.accept_within IS NULL THEN 'resolve ' || siam.duration_text(v.resolve_within)
                                       ELSE format('accept %s + resolve %s', siam.duration_text(v.accept_within), siam.duration_text(v.resolve_within)) END,
                                  siam.duration_text(v.sla_resolve));
                RETURN NEXT;
            END IF;
            CONTINUE;
        END IF;
        -- Two calendars: try an offer now and at each instant of the coming week where the gap
        -- between the deadlines can widen (the OLA's calendar closes, the SLA's opens); the
        -- first one whose OLA deadline falls after the SLA's is reported.
        SELECT array_agg(DISTINCT x ORDER BY x) INTO v_starts
        FROM (SELECT v_from AS x
              UNION ALL SELECT upper(g) FROM siam.open_segments(v.ola_calendar, v_from, v_from + interval '7 days', '{}') AS g
              WHERE v.ola_calendar IS NOT NULL AND upper(g) < v_from + interval '7 days'
              UNION ALL SELECT lower(g) FROM siam.open_segments(v.sla_calendar, v_from, v_from + interval '7 days', '{}') AS g
              WHERE v.sla_calendar IS NOT NULL) AS c;
        v_calendar_note := format('on %s%s', coalesce('calendar ' || v.ola_calendar, '24x7'),
                                  CASE WHEN v.ola_on_supplier_calendar THEN ' (the supplier''s: the OLA names no calendar)' ELSE '' END);
        IF v.accept_within IS NOT NULL AND v.sla_acknowledge IS NOT NULL THEN
            FOREACH v_start IN ARRAY v_starts LOOP
                v_accept_due := siam.business_deadline(v.ola_calendar, v_start, v.accept_within);
                v_sla_ack_due := siam.business_deadline(v.sla_calendar, v_start, v.sla_acknowledge);
                IF v_accept_due > v_sla_ack_due THEN
                    problem := 'ola_calendar_leaves_sla_uncovered';
                    message := format('OLA accept %s %s: offered at %s it is due %s, after the SLA acknowledge due %s',
                                      siam.duration_text(v.accept_within), v_calendar_note,
                                      to_char(v_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                                      to_char(v_accept_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                                      to_char(v_sla_ack_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'));
                    RETURN NEXT;
                    EXIT;
                END IF;
            END LOOP;
        END IF;
        IF v.resolve_within IS NOT NULL AND v.sla_resolve IS NOT NULL THEN
            FOREACH v_start IN ARRAY v_starts LOOP
                v_accept_due := siam.business_deadline(v.ola_calendar, v_start, coalesce(v.accept_within, interval '0'));
                v_ola_resolve_due := siam.business_deadline(v.ola_calendar, v_accept_due, v.resolve_within);
                v_sla_resolve_due := siam.business_deadline(v.sla_calendar, v_start, v.sla_resolve);
                IF v_ola_resolve_due > v_sla_resolve_due THEN
                    problem := 'ola_calendar_leaves_sla_uncovered';
                    message := format('OLA resolve %s %s: offered at %s it can be due %s, after the SLA resolve due %s',
                                      siam.duration_text(v.resolve_within), v_calendar_note,
                                      to_char(v_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                                      to_char(v_ola_resolve_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                                      to_char(v_sla_resolve_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'));
                    RETURN NEXT;
                    EXIT;
                END IF;
            END LOOP;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION siam.target_check(text, text, text) IS
    'Warnings about the targets as they apply (siam.matching_target), per priority and service a supplier serves (optionally only these): an OLA longer than the SLA it serves on one calendar (accept against acknowledge; accept + resolve against resolve), and an OLA on another calendar (its own, else the supplier''s) whose deadline can fall after the SLA''s, tried for an offer now and at each closing of the OLA''s calendar and opening of the SLA''s in the coming week. Changes nothing; an unknown service or supplier is refused (P0002).';

-- Changing suppliers ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION siam.supplier_set(
    p_code text,
    p_name text DEFAULT NULL,
    p_capacity integer DEFAULT NULL,
    p_calendar text DEFAULT NULL,
    p_unlimited boolean DEFAULT false,
    p_no_calendar boolean DEFAULT false
) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_before siam.supplier;
    v_after siam.supplier;
BEGIN
    PERFORM siam.require_integrator();
    v_before := siam.lock_supplier(p_code);
    IF p_name IS NULL AND p_capacity IS NULL AND p_calendar IS NULL AND NOT coalesce(p_unlimited, false)
       AND NOT coalesce(p_no_calendar, false) THEN
        RAISE EXCEPTION 'nothing to change: give a name, a capacity (or unlimited) or a calendar (or none)'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_name IS NOT NULL THEN
        PERFORM siam.check_text(p_name, 'supplier name', 'name');
    END IF;
    IF p_capacity IS NOT NULL AND p_unlimited THEN
        RAISE EXCEPTION 'give a capacity or unlimited, not both' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_capacity IS NOT NULL AND p_capacity < 1 THEN
        RAISE EXCEPTION 'invalid capacity %: use a whole number of at least 1, or unlimited', p_capacity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_calendar IS NOT NULL AND p_no_calendar THEN
        RAISE EXCEPTION 'give a calendar or none, not both' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM siam.require_exists('siam.calendar', p_calendar, 'calendar');
    UPDATE siam.supplier SET
        name = coalesce(p_name, name),
        capacity = CASE WHEN p_unlimited THEN NULL ELSE coalesce(p_capacity, capacity) END,
        calendar = CASE WHEN p_no_calendar THEN NULL ELSE coalesce(p_calendar, calendar) END,
        updated_at = siam.clock()
    WHERE code = p_code
    RETURNING * INTO v_after;
    IF (v_before.name, v_before.capacity, v_before.calendar) IS NOT DISTINCT FROM (v_after.name, v_after.capacity, v_after.calendar) THEN
        RAISE EXCEPTION 'supplier % has these settings already: nothing to change', siam.shown(p_code)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- More room may let waiting work go to it.
    IF v_after.capacity IS NULL OR v_after.capacity > coalesce(v_before.capacity, 0) THEN
        UPDATE siam.incident SET next_check_at = siam.clock()
        WHERE state = 'new' AND NOT on_hold
          AND service IN (SELECT service FROM siam.supplier_service WHERE supplier = p_code);
    END IF;
    PERFORM siam.record_event('supplier.changed',
        concat_ws(', ',
            CASE WHEN v_before.name IS DISTINCT FROM v_after.name THEN format('name %s -> %s', v_before.name, v_after.name) END,
            CASE WHEN v_before.capacity IS DISTINCT FROM v_after.capacity
                 THEN format('capacity %s -> %s', coalesce(v_before.capacity::text, 'unlimited'), coalesce(v_after.capacity::text, 'unlimited')) END,
            CASE WHEN v_before.calendar IS DISTINCT FROM v_after.calendar
                 THEN format('calendar %s -> %s', coalesce(v_before.calendar, '24x7'), coalesce(v_after.calendar, '24x7')) END),
        p_supplier => p_code,
        p_data => jsonb_build_object(
            'before', jsonb_build_object('name', v_before.name, 'capacity', v_before.capacity, 'calendar', v_before.calendar),
            'after', jsonb_build_object('name', v_after.name, 'capacity', v_after.capacity, 'calendar', v_after.calendar)));
    RETURN p_code;
END
$$;
COMMENT ON FUNCTION siam.supplier_set(text, text, integer, text, boolean, boolean) IS
    'Changes a supplier''s name, capacity (p_unlimited: none) or calendar (p_no_calendar: 24x7); NULL keeps the value. A new calendar applies to OLA clocks that start afterwards. Refuses a change that changes nothing (55000). Integrator only.';

CREATE OR REPLACE FUNCTION siam.supplier_unserve(p_supplier text, p_service text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_rank smallint;
BEGIN
    PERFORM siam.require_integrator();
    PERFORM siam.lock_supplier(p_supplier);
    IF p_service IS NULL THEN
        RAISE EXCEPTION 'service is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM siam.require_exists('siam.service', p_service, 'service');
    DELETE FROM siam.supplier_service WHERE supplier = p_supplier AND service = p_service
    RETURNING rank INTO v_rank;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'supplier % does not serve %', siam.shown(p_supplier), siam.shown(p_service)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM siam.record_event('supplier.unserved',
        format('no longer serves %s (was rank %s)', p_service, v_rank),
        p_supplier => p_supplier,
        p_data => jsonb_build_object('service', p_service, 'previous_rank', v_rank));
    RETURN p_service;
END
$$;
COMMENT ON FUNCTION siam.supplier_unserve(text, text) IS
    'Records that a supplier no longer serves a service: no new offers of it go to the supplier; its open offers and the work it holds stay. Integrator only.';
