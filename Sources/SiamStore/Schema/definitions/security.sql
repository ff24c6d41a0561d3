--
-- Who sees and does what: supplier roles, row-level security, definer rights, grants
--
-- Applied last: the policies call the helpers above, and the definer loop at the end must
-- see every function (CREATE OR REPLACE resets SECURITY DEFINER and search_path).
--
-- A definitions file (docs/schema.md): `siamd db migrate` re-applies all of them, in order,
-- after the numbered migrations, whenever any of them changed. Everything here is
-- repeatable (CREATE OR REPLACE); a changed signature needs a DROP in a numbered migration.
--

CREATE OR REPLACE FUNCTION siam.caller_supplier() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- Who the calling session acts for, decided once, from its login role (session_user, which
-- SECURITY DEFINER functions do not change) and its role memberships together, failing
-- closed (docs/integration.md, "Who is who"):
--   * a superuser, the owner of schema siam, or a member of siam_admin, siam_daemon or
--     siam_reporting without supplier rights is the integrator: NULL;
--   * a role with supplier rights (a member of siam_supplier, or of a role mapped to a
--     supplier in siam.supplier_role, or mapped itself) that resolves to exactly one
--     supplier, and holds no integrator rights, acts for that supplier: its code;
--   * any other role (supplier rights but no mapping or two, both kinds of rights, or none)
--     may do nothing: 42501, with what to do.
-- SET ROLE does not change session_user: a session acts for whom its login acts for.
DECLARE
    v_role name := session_user;
    v_trusted boolean;
    v_suppliers text[];
    v_supplier_rights boolean;
    v_integrator boolean;
BEGIN
    -- One query (it runs for every statement that row-level security guards). pg_has_role(...,
    -- 'MEMBER'): direct or indirect membership, inherited or not; it is true for superusers of
    -- every role, so they are told apart first.
    SELECT r.rolsuper OR r.oid = (SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname = 'siam'),
           (SELECT array_agg(DISTINCT m.supplier::text ORDER BY m.supplier::text)
            FROM siam.supplier_role AS m
            JOIN pg_catalog.pg_roles AS mapped ON mapped.rolname = m.role_name
            WHERE pg_has_role(r.oid, mapped.oid, 'MEMBER')),
           EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS g
                   WHERE g.rolname = 'siam_supplier' AND pg_has_role(r.oid, g.oid, 'MEMBER')),
           EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS g
                   WHERE g.rolname IN ('siam_admin', 'siam_daemon', 'siam_reporting') AND pg_has_role(r.oid, g.oid, 'MEMBER'))
    INTO v_trusted, v_suppliers, v_supplier_rights, v_integrator
    FROM pg_catalog.pg_roles AS r
    WHERE r.rolname = v_role;
    IF v_trusted THEN
        RETURN NULL;
    END IF;
    v_supplier_rights := v_supplier_rights OR v_suppliers IS NOT NULL;
    IF v_supplier_rights AND v_integrator THEN
        RAISE EXCEPTION 'role "%" holds both the integrator''s and a supplier''s rights: it may do nothing in siamd', v_role
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'give each supplier''s integration a login of its own, in no group but siam_supplier';
    ELSIF v_supplier_rights AND v_suppliers IS NULL THEN
        RAISE EXCEPTION 'role "%" has supplier rights but acts for no supplier: it may do nothing in siamd', v_role
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('map it: siamd supplier grant CODE --role %s (or revoke siam_supplier from it)', v_role);
    ELSIF cardinality(v_suppliers) > 1 THEN
        RAISE EXCEPTION 'role "%" acts for more than one supplier (%): it may do nothing in siamd', v_role, array_to_string(v_suppliers, ', ')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'a supplier''s login must belong to exactly one supplier''s role';
    ELSIF v_supplier_rights THEN
        RETURN v_suppliers[1];
    ELSIF v_integrator THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'role "%" is neither the integrator''s nor a supplier''s: it may do nothing in siamd', v_role
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'grant it siam_admin, siam_daemon or siam_reporting (deploy/roles.sql), or map it to a supplier (siamd supplier grant)';
END
$$;
COMMENT ON FUNCTION siam.caller_supplier() IS
    'The supplier the calling session acts for (by its login role and its memberships), NULL for the integrator (superuser, schema owner, members of siam_admin, siam_daemon, siam_reporting); raises 42501 for any other role, which may do nothing.';

CREATE OR REPLACE FUNCTION siam.visible_supplier() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- For the row-level security policies: siam.caller_supplier(), except that a role that
    -- may do nothing gets '' (no supplier has that code, so it sees no row) instead of an
    -- error. An error raised per row would tell it which rows exist (a query for an id
    -- that exists fails, one for an id that does not returns nothing); '' tells it nothing.
    -- Its calls to the write functions still get caller_supplier()'s 42501 and hint.
    RETURN siam.caller_supplier();
EXCEPTION WHEN insufficient_privilege THEN
    RETURN '';
END
$$;
COMMENT ON FUNCTION siam.visible_supplier() IS
    'For row-level security: the supplier the session acts for, NULL for the integrator, an empty code (matching no row) for a role that may do nothing.';

CREATE OR REPLACE FUNCTION siam.takes_part(p_incident bigint, p_supplier text) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    -- Owns it, holds or held a part of it, or was offered it. Internal: callable only by the
    -- definer functions (and the integrator), never by a supplier, which could otherwise ask
    -- it about others.
    SELECT EXISTS (SELECT 1 FROM siam.incident WHERE id = p_incident AND owner = p_supplier)
        OR EXISTS (SELECT 1 FROM siam.assignment WHERE incident = p_incident AND supplier = p_supplier)
        OR EXISTS (SELECT 1 FROM siam.handoff WHERE incident = p_incident AND to_supplier = p_supplier)
$$;
COMMENT ON FUNCTION siam.takes_part(bigint, text) IS
    'True when the supplier owns the incident, took part in it, or was offered it. Internal to the definer functions.';

CREATE OR REPLACE FUNCTION siam.caller_takes_part(p_incident bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    -- For the row-level security policies: about the caller only, so it tells a supplier
    -- nothing the policies do not show it anyway.
    SELECT siam.takes_part(p_incident, siam.visible_supplier())
$$;
COMMENT ON FUNCTION siam.caller_takes_part(bigint) IS
    'True when the calling session''s supplier owns the incident, took part in it, or was offered it (row-level security).';

CREATE OR REPLACE FUNCTION siam.caller_may_lock(p_incident bigint, p_supplier text) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    -- A supplier may lock (and so change) an incident's row only while it owns it or has an
    -- open offer on it: one that only rejected it, or let it expire, must not be able to hold
    -- the new owner's work hostage by keeping a transaction open.
    SELECT EXISTS (SELECT 1 FROM siam.incident WHERE id = p_incident AND owner = p_supplier
                   AND state NOT IN ('closed', 'cancelled'))
        OR EXISTS (SELECT 1 FROM siam.handoff WHERE incident = p_incident AND to_supplier = p_supplier
                   AND state = 'offered')
$$;
COMMENT ON FUNCTION siam.caller_may_lock(bigint, text) IS
    'True while the supplier owns the incident (not closed or cancelled) or has an open offer on it: only then may its calls lock the incident''s row. Internal.';

CREATE OR REPLACE FUNCTION siam.require_integrator() RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF siam.caller_supplier() IS NOT NULL THEN
        RAISE EXCEPTION 'only the service integrator may do this'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION siam.supplier_grant(p_supplier text, p_role text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_previous text;
BEGIN
    PERFORM siam.require_integrator();
    PERFORM siam.lock_supplier(p_supplier);
    IF p_role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_role) THEN
        RAISE EXCEPTION 'unknown database role %: create it first (CREATE ROLE ... LOGIN)', siam.shown(p_role)
            USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_role AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role % is a superuser or bypasses row-level security: it cannot act for a supplier', siam.shown(p_role)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT supplier INTO v_previous FROM siam.supplier_role WHERE role_name = p_role FOR UPDATE;
    IF v_previous = p_supplier THEN
        RETURN p_role;
    ELSIF v_previous IS NOT NULL THEN
        RAISE EXCEPTION 'role % acts for supplier % already', siam.shown(p_role), siam.shown(v_previous)
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO siam.supplier_role (role_name, supplier) VALUES (p_role, p_supplier);
    -- Its privileges come from the group role of deploy/roles.sql, when it exists.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'siam_supplier') THEN
        EXECUTE format('GRANT siam_supplier TO %I', p_role);
    END IF;
    -- A session of it left idle in a transaction would hold back everyone's event feed:
    -- ended after a minute (as deploy/roles.sql sets on every mapped role). Best effort: the
    -- schema's owner may lack the right to alter roles, which roles.sql then makes up for.
    BEGIN
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role, '60s');
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'could not set idle_in_transaction_session_timeout on role %: run deploy/roles.sql again', p_role;
    END;
    PERFORM siam.record_event('supplier.role_granted', format('role %s acts for %s', p_role, p_supplier),
        p_supplier => p_supplier, p_data => jsonb_build_object('role', p_role));
    RETURN p_role;
END
$$;
COMMENT ON FUNCTION siam.supplier_grant(text, text) IS
    'Maps a login role to a supplier: sessions of that role see and change only that supplier''s work (and get the group role siam_supplier when it exists).';

CREATE OR REPLACE FUNCTION siam.supplier_revoke(p_role text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_supplier text;
BEGIN
    -- Ends a mapping, also one whose role was renamed or dropped since (a role created later
    -- under the old name would otherwise act for that supplier).
    PERFORM siam.require_integrator();
    PERFORM siam.check_text(p_role, 'role', 'name');
    DELETE FROM siam.supplier_role WHERE role_name = p_role RETURNING supplier INTO v_supplier;
    IF v_supplier IS NULL THEN
        RAISE EXCEPTION 'role % acts for no supplier', siam.shown(p_role) USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_role)
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'siam_supplier') THEN
        EXECUTE format('REVOKE siam_supplier FROM %I', p_role);
    END IF;
    PERFORM siam.record_event('supplier.role_revoked', format('role %s no longer acts for %s', p_role, v_supplier),
        p_supplier => v_supplier, p_data => jsonb_build_object('role', p_role));
    RETURN v_supplier;
END
$$;
COMMENT ON FUNCTION siam.supplier_revoke(text) IS
    'Ends a login role''s mapping to its supplier (also of a role renamed or dropped since), takes siam_supplier from it when it exists, and returns the supplier. Integrator only.';
DROP POLICY IF EXISTS incident_visible ON siam.incident;
CREATE POLICY incident_visible ON siam.incident
    USING ((SELECT siam.visible_supplier()) IS NULL OR siam.caller_takes_part(id))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS handoff_visible ON siam.handoff;
CREATE POLICY handoff_visible ON siam.handoff
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR to_supplier = (SELECT siam.visible_supplier()) OR from_supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS assignment_visible ON siam.assignment;
CREATE POLICY assignment_visible ON siam.assignment
    USING ((SELECT siam.visible_supplier()) IS NULL OR supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS external_ref_visible ON siam.external_ref;
CREATE POLICY external_ref_visible ON siam.external_ref
    USING ((SELECT siam.visible_supplier()) IS NULL OR supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS event_visible ON siam.event;
CREATE POLICY event_visible ON siam.event
    USING ((SELECT siam.visible_supplier()) IS NULL OR supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS escalation_visible ON siam.escalation;
CREATE POLICY escalation_visible ON siam.escalation
    USING ((SELECT siam.visible_supplier()) IS NULL OR supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS incident_pause_visible ON siam.incident_pause;
CREATE POLICY incident_pause_visible ON siam.incident_pause
    USING ((SELECT siam.visible_supplier()) IS NULL OR siam.caller_takes_part(incident))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS complaint_visible ON siam.complaint;
CREATE POLICY complaint_visible ON siam.complaint
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.incident AS i WHERE i.id = incident AND i.owner = (SELECT siam.visible_supplier())))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS feedback_visible ON siam.feedback;
CREATE POLICY feedback_visible ON siam.feedback
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.incident AS i WHERE i.id = incident AND i.owner = (SELECT siam.visible_supplier())))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS supplier_visible ON siam.supplier;
CREATE POLICY supplier_visible ON siam.supplier
    USING ((SELECT siam.visible_supplier()) IS NULL OR code = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS supplier_service_visible ON siam.supplier_service;
CREATE POLICY supplier_service_visible ON siam.supplier_service
    USING ((SELECT siam.visible_supplier()) IS NULL OR supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS target_visible ON siam.target;
CREATE POLICY target_visible ON siam.target
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR ((SELECT siam.visible_supplier()) <> ''
               AND kind = 'ola' AND (supplier IS NULL OR supplier = (SELECT siam.visible_supplier()))))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS scope_dispute_visible ON siam.scope_dispute;
CREATE POLICY scope_dispute_visible ON siam.scope_dispute
    -- A supplier sees the disputes it raised: those about its own rejections.
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.handoff AS h
                      WHERE h.id = scope_dispute.handoff AND h.to_supplier = (SELECT siam.visible_supplier())))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS supplier_role_visible ON siam.supplier_role;
CREATE POLICY supplier_role_visible ON siam.supplier_role
    -- Its own mapping, and those of the roles it is a member of (a second login IN ROLE a
    -- mapped role sees what it acts for).
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
                      WHERE r.rolname = role_name AND pg_has_role(session_user, r.oid, 'MEMBER')))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
-- Notifications (0006): a supplier sees its own receivers, their routes, notifications and
-- attempts; never a secret (column privileges, in siam.grant_group_roles below).
DROP POLICY IF EXISTS receiver_visible ON siam.receiver;
CREATE POLICY receiver_visible ON siam.receiver
    USING ((SELECT siam.visible_supplier()) IS NULL OR supplier = (SELECT siam.visible_supplier()))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS notification_route_visible ON siam.notification_route;
CREATE POLICY notification_route_visible ON siam.notification_route
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.receiver AS r
                      WHERE r.id = notification_route.receiver AND r.supplier = (SELECT siam.visible_supplier())))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS notification_visible ON siam.notification;
CREATE POLICY notification_visible ON siam.notification
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.receiver AS r
                      WHERE r.id = notification.receiver AND r.supplier = (SELECT siam.visible_supplier())))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
DROP POLICY IF EXISTS notification_attempt_visible ON siam.notification_attempt;
CREATE POLICY notification_attempt_visible ON siam.notification_attempt
    USING ((SELECT siam.visible_supplier()) IS NULL
           OR EXISTS (SELECT 1 FROM siam.notification AS n JOIN siam.receiver AS r ON r.id = n.receiver
                      WHERE n.id = notification_attempt.notification AND r.supplier = (SELECT siam.visible_supplier())))
    WITH CHECK ((SELECT siam.visible_supplier()) IS NULL);
-- Functions run with their owner's rights (so that callers need no table privileges), a
-- fixed search_path (so that no caller can shadow what they use) and a bounded lock wait (so
-- that a session holding a row makes the others fail fast with 55P03, not hang). Who may
-- call which is granted by siam.grant_group_roles() below; nobody may by default, PUBLIC
-- included.
DO $do$
DECLARE
    v_function regprocedure;
BEGIN
    FOR v_function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'siam'::regnamespace
          AND p.prokind = 'f'
          AND p.proname NOT IN ('require_integrator', 'incident_by_ref', 'events_after', 'events_latest', 'feed_horizon',
                                'clock', 'current_actor', 'is_time_zone', 'is_exact_interval', 'is_ascending',
                                'seconds', 'takes_part', 'grant_group_roles', 'feed_holdback',
                                -- Reports read with the caller's rights: row-level security applies.
                                'owner_at', 'check_period', 'sla_outcomes', 'ola_outcomes', 'scorecard',
                                'sla_compliance', 'sla_breaches', 'disputes',
                                -- Called per event by the notification trigger: kept inlinable.
                                'notifiable_kinds', 'concerns_party')
          AND p.prorettype <> 'trigger'::regtype
    LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = %L',
                       v_function, '5s');
    END LOOP;
END
$do$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA siam FROM PUBLIC;

-- The group roles' rights -----------------------------------------------------------------
--
-- deploy/roles.sql creates the four NOLOGIN group roles and calls this; `siamd db migrate`
-- calls it again after the definitions whenever the roles exist, so that every table or
-- function a migration adds is granted as this says, without anyone re-running roles.sql.
-- It first revokes what the four roles hold in schema siam and grants it again, so the
-- result is exactly what this says, whatever was granted by hand before (no session sees
-- the roles without their rights: it all happens in the caller's transaction).

CREATE OR REPLACE FUNCTION siam.grant_group_roles() RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_grantee text;
BEGIN
    -- Start from nothing ---------------------------------------------------------------------

    -- PostgreSQL grants EXECUTE on every new function to PUBLIC; this file revokes that
    -- above. Again here, so that a grant made by hand cannot outlive a run of this function.
    -- The helpers that the row-level security policies call are granted to the four
    -- roles below, never to PUBLIC: they tell the caller about itself only.
    REVOKE ALL ON ALL FUNCTIONS IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;
    GRANT EXECUTE ON FUNCTION siam.caller_supplier(), siam.visible_supplier(), siam.caller_takes_part(bigint)
        TO siam_admin, siam_daemon, siam_reporting, siam_supplier;
    REVOKE ALL ON ALL TABLES IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;
    REVOKE ALL ON SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;

    GRANT USAGE ON SCHEMA siam TO siam_admin, siam_daemon, siam_reporting, siam_supplier;

    -- Administrators and the daemon ----------------------------------------------------------
    --
    -- Both change data only through the siam.* functions. Those run with their owner's rights
    -- (SECURITY DEFINER, fixed search_path), validate their input and write the matching
    -- siam.event row in the same transaction; so these roles need EXECUTE and SELECT, and no
    -- table may be written by anyone directly. (The daemon's row locks, too, are taken inside
    -- definer functions: siam.incidents_claim_due, siam.supplier_loads.)
    --
    -- The daemon gets its rights granted directly rather than by membership in siam_admin, so
    -- that either set can be narrowed alone.

    GRANT SELECT ON ALL TABLES IN SCHEMA siam TO siam_admin, siam_daemon;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA siam TO siam_admin, siam_daemon;

    -- No INSERT, UPDATE, DELETE or TRUNCATE for anyone: the lifecycle of suppliers, incidents,
    -- handoffs and escalations is kept by states; the only rows deleted are settings, by their
    -- functions with an event each (siam.target_delete and the like).
    -- Receivers' secrets are the daemon's alone (it signs with them): the others read every
    -- column of siam.receiver but the secret, and list receivers through siam.receivers. The
    -- claim, which returns the secrets, and the record of an attempt are the daemon's too.
    REVOKE SELECT ON siam.receiver FROM siam_admin;
    GRANT SELECT (id, name, party, supplier, kind, url, has_secret, format, email, calendar,
                  created_at, created_by, removed_at) ON siam.receiver TO siam_admin;
    REVOKE EXECUTE ON FUNCTION siam.notifications_claim, siam.notification_record FROM siam_admin;

    -- No INSERT, UPDATE, DELETE or TRUNCATE for anyone: nothing in siamd deletes rows; the
    -- lifecycle of suppliers, incidents, handoffs and escalations is kept by states.

    -- Reporting ------------------------------------------------------------------------------

    GRANT SELECT ON ALL TABLES IN SCHEMA siam TO siam_reporting;
    REVOKE SELECT ON siam.receiver FROM siam_reporting;
    GRANT SELECT (id, name, party, supplier, kind, url, has_secret, format, email, calendar,
                  created_at, created_by, removed_at) ON siam.receiver TO siam_reporting;

    -- Only the functions that read. Named without argument lists on purpose: a new overload
    -- then fails this GRANT loudly instead of being left out or let in unnoticed.
    GRANT EXECUTE ON FUNCTION
        siam.clock,
        siam.current_actor,
        siam.shown,
        siam.check_text,
        siam.text_limit,
        siam.is_blank,
        siam.business_deadline,
        siam.business_elapsed,
        siam.matching_target,
        siam.target_check,
        siam.duration_text,
        siam.incident_pauses,
        siam.is_holiday,
        siam.open_segments,
        siam.is_time_zone,
        siam.is_exact_interval,
        siam.is_ascending,
        siam.seconds,
        siam.events_after,
        siam.events_latest,
        siam.feed_horizon,
        siam.feed_holdback,
        siam.incident_by_ref,
        siam.owner_at,
        siam.check_period,
        siam.sla_outcomes,
        siam.ola_outcomes,
        siam.scorecard,
        siam.sla_compliance,
        siam.sla_breaches,
        siam.disputes
    TO siam_reporting;

    -- Suppliers' integrations ------------------------------------------------------------------
    --
    -- Row-level security (definitions/security.sql) shows a supplier's role only the incidents it owns, takes
    -- part in or was offered, the handoffs to or from it, its own ticket numbers, escalations,
    -- events and OLA targets, and no other supplier. The functions it may call check, under the
    -- row lock, that the row is its own: it accepts or rejects only what is offered to it,
    -- changes the state only of what it owns; rows it cannot see are "unknown" to it (P0002),
    -- rows it sees but may not change are refused (42501).

    GRANT SELECT ON
        siam.incident,
        siam.incident_pause,
        siam.handoff,
        siam.assignment,
        siam.bounce,
        siam.external_ref,
        siam.escalation,
        siam.event,
        siam.complaint,
        siam.feedback,
        siam.scope_dispute,
        siam.supplier,
        siam.supplier_service,
        siam.target,
        siam.service,
        siam.calendar,
        siam.calendar_interval,
        siam.calendar_holiday,
        siam.incident_transition,
        siam.supplier_transition,
        siam.schema_version,
        siam.schema_migration,
        siam.schema_definition,
        siam.supplier_role,
        siam.receivers,
        siam.routes,
        siam.notifications,
        siam.notification_route,
        siam.notification,
        siam.notification_attempt
    TO siam_supplier;
    GRANT SELECT (id, name, party, supplier, kind, url, has_secret, format, email, calendar,
                  created_at, created_by, removed_at) ON siam.receiver TO siam_supplier;

    GRANT EXECUTE ON FUNCTION
        siam.handoff_accept,
        siam.handoff_reject,
        siam.incident_set_state,
        siam.incident_hand_back,
        siam.external_ref_attach,
        siam.incident_by_ref,
        siam.escalation_ack,
        siam.receiver_add,
        siam.receiver_remove,
        siam.route_add,
        siam.route_remove,
        siam.notification_retry,
        siam.events_after,
        siam.events_latest,
        siam.feed_horizon,
        siam.clock,
        siam.current_actor,
        siam.shown,
        siam.check_text,
        siam.text_limit,
        siam.is_blank,
        siam.business_deadline,
        siam.business_elapsed
    TO siam_supplier;

    -- The event log is append-only ---------------------------------------------------------

    -- Nobody but its owner holds UPDATE, DELETE or TRUNCATE on siam.event, whoever granted it
    -- to whom before this ran (the trigger event_append_only refuses them even for the owner;
    -- this keeps the refusal a permission error for everyone else, and keeps \dp honest).
    FOR v_grantee IN
            SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                 ELSE quote_ident(r.rolname) END
            FROM pg_catalog.pg_class AS c
            CROSS JOIN LATERAL aclexplode(c.relacl) AS a
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.grantee
            WHERE c.oid = 'siam.event'::regclass
              AND a.grantee <> c.relowner
              AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON siam.event FROM %s', v_grantee);
        END LOOP;
END
$fn$;
COMMENT ON FUNCTION siam.grant_group_roles() IS
    'Grants the group roles siam_admin, siam_daemon, siam_reporting and siam_supplier exactly their rights in schema siam (deploy/roles.sql; siamd db migrate calls it again when they exist). Run by the schema''s owner.';

-- Applied by every migrate; a database without the group roles (psql users who did not run
-- deploy/roles.sql) is left as it is.
SELECT siam.grant_group_roles()
WHERE (SELECT count(*) FROM pg_catalog.pg_roles
       WHERE rolname IN ('siam_admin', 'siam_daemon', 'siam_reporting', 'siam_supplier')) = 4;

REVOKE ALL ON FUNCTION siam.grant_group_roles() FROM PUBLIC;
