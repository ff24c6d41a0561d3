--
-- siamd: least-privilege group roles
--
-- Run as a superuser (or as the owner of schema siam holding CREATEROLE), after schema.sql,
-- in the siamd database:
--
--     psql -v ON_ERROR_STOP=1 -d siam -f deploy/roles.sql
--
-- It creates four NOLOGIN group roles and sets their privileges on everything in schema
-- siam. It is idempotent, and meant to be re-run after every schema upgrade: GRANT ... ON ALL
-- TABLES/FUNCTIONS only reaches objects that exist when it runs, and re-running is simpler to
-- reason about than ALTER DEFAULT PRIVILEGES, which depends on who creates the objects.
-- Each run first revokes what the four roles hold in schema siam and grants it again, in one
-- transaction, so the result is exactly what this file says, whatever was granted by hand
-- before (no session ever sees the roles without their rights, since it all commits at once).
--
--   siam_admin      people, through `siamd` CLI commands (or the siam.* functions directly)
--   siam_daemon     `siamd run`
--   siam_reporting  dashboards, reports, integrations that only read (the event feed)
--   siam_supplier   each supplier's own integration: one login role per supplier, mapped to
--                   it with `siamd supplier grant CODE --role NAME` (which also grants this
--                   group); row-level security shows it only that supplier's work
--
-- Log in with roles of your own that are members of these groups, one per person or
-- program: siam.event.db_role records session_user, so shared logins blur the audit trail.
--
--     CREATE ROLE siamd_daemon LOGIN;                 -- then \password siamd_daemon in psql,
--     GRANT siam_daemon TO siamd_daemon;              -- so the password never appears in the
--                                                     -- server log or in shell history
--     CREATE ROLE alice LOGIN;  GRANT siam_admin TO alice;
--     CREATE ROLE powerbi LOGIN; GRANT siam_reporting TO powerbi;
--     CREATE ROLE acme_sync LOGIN; -- then: siamd supplier grant acme --role acme_sync
--
-- Members inherit the group's rights (INHERIT is the default), so no SET ROLE is needed.
--

\set ON_ERROR_STOP 1

BEGIN;

-- Roles --------------------------------------------------------------------------------

DO $$
DECLARE
    v_role record;
BEGIN
    FOR v_role IN
        SELECT * FROM (VALUES
            ('siam_admin', 'siamd: people administering suppliers, services, calendars, targets, incidents, handoffs and escalations, through the siam.* functions.'),
            ('siam_daemon', 'siamd: the daemon, siamd run.'),
            ('siam_reporting', 'siamd: read-only access to every table (reports, dashboards, the event feed).'),
            ('siam_supplier', 'siamd: a supplier''s integration; row-level security limits it to that supplier''s work.')
        ) AS r (name, description)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = v_role.name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', v_role.name);
        ELSIF (SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = v_role.name) THEN
            -- Not changed behind the operator's back: someone may be logged in with it.
            RAISE WARNING 'role % can log in; it is meant as a NOLOGIN group role (ALTER ROLE % NOLOGIN)',
                v_role.name, v_role.name;
        END IF;
        EXECUTE format('COMMENT ON ROLE %I IS %L', v_role.name, v_role.description);
    END LOOP;
END
$$;

-- Start from nothing ---------------------------------------------------------------------

-- PostgreSQL grants EXECUTE on every new function to PUBLIC; schema.sql revokes that. Run
-- again here so that a grant made by hand cannot outlive a re-run of this file; the three
-- helpers that row-level security policies call stay open to everyone.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;
GRANT EXECUTE ON FUNCTION siam.caller_supplier(), siam.supplier_of(name), siam.takes_part(bigint, text) TO PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;
REVOKE ALL ON SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting, siam_supplier;

-- Connecting ---------------------------------------------------------------------------

-- PUBLIC may connect to a new database by default, but hardened clusters often revoke that.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO siam_admin, siam_daemon, siam_reporting, siam_supplier',
                   current_database());
END
$$;

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

-- No INSERT, UPDATE, DELETE or TRUNCATE for anyone: nothing in siamd deletes rows; the
-- lifecycle of suppliers, incidents, handoffs and escalations is kept by states.

-- Reporting ------------------------------------------------------------------------------

GRANT SELECT ON ALL TABLES IN SCHEMA siam TO siam_reporting;

-- Only the functions that read. Named without argument lists on purpose: a new overload
-- then fails this GRANT loudly instead of being left out or let in unnoticed.
GRANT EXECUTE ON FUNCTION
    siam.clock,
    siam.current_actor,
    siam.business_deadline,
    siam.business_elapsed,
    siam.matching_target,
    siam.incident_pauses,
    siam.is_holiday,
    siam.open_segments,
    siam.is_time_zone,
    siam.is_exact_interval,
    siam.is_ascending,
    siam.seconds,
    siam.events_after,
    siam.incident_by_ref,
    siam.owner_at,
    siam.check_period,
    siam.sla_outcomes,
    siam.ola_outcomes,
    siam.scorecard,
    siam.sla_compliance,
    siam.sla_breaches
TO siam_reporting;

-- Suppliers' integrations ------------------------------------------------------------------
--
-- Row-level security (schema.sql) shows a supplier's role only the incidents it owns, takes
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
    siam.external_ref,
    siam.escalation,
    siam.event,
    siam.complaint,
    siam.feedback,
    siam.supplier,
    siam.supplier_service,
    siam.target,
    siam.service,
    siam.calendar,
    siam.calendar_interval,
    siam.calendar_holiday,
    siam.incident_transition,
    siam.supplier_transition,
    siam.schema_version
TO siam_supplier;

GRANT EXECUTE ON FUNCTION
    siam.handoff_accept,
    siam.handoff_reject,
    siam.incident_set_state,
    siam.external_ref_attach,
    siam.incident_by_ref,
    siam.escalation_ack,
    siam.events_after,
    siam.clock,
    siam.current_actor,
    siam.business_deadline,
    siam.business_elapsed
TO siam_supplier;

-- The event log is append-only ---------------------------------------------------------

-- Nobody but its owner holds UPDATE, DELETE or TRUNCATE on siam.event, whoever granted it
-- to whom before this ran (the trigger event_append_only refuses them even for the owner;
-- this keeps the refusal a permission error for everyone else, and keeps \dp honest).
DO $$
DECLARE
    v_grantee text;
BEGIN
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
$$;

COMMIT;
