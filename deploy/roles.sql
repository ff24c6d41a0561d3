--
-- siamd: least-privilege group roles
--
-- Run as a superuser (or as the owner of schema siam holding CREATEROLE), after schema.sql,
-- in the siamd database:
--
--     psql -v ON_ERROR_STOP=1 -d siam -f deploy/roles.sql
--
-- It creates three NOLOGIN group roles and sets their privileges on everything in schema
-- siam. It is idempotent, and meant to be re-run after every schema upgrade: GRANT ... ON ALL
-- TABLES/FUNCTIONS only reaches objects that exist when it runs, and re-running is simpler to
-- reason about than ALTER DEFAULT PRIVILEGES, which depends on who creates the objects.
-- Each run first revokes what the three roles hold in schema siam and grants it again, in one
-- transaction, so the result is exactly what this file says, whatever was granted by hand
-- before (no session ever sees the roles without their rights, since it all commits at once).
--
--   siam_admin      people, through `siamd` CLI commands (or the siam.* functions directly)
--   siam_daemon     `siamd run`
--   siam_reporting  dashboards, reports, integrations that only read (the event feed)
--
-- Log in with roles of your own that are members of these groups, one per person or
-- program: siam.event.db_role records session_user, so shared logins blur the audit trail.
--
--     CREATE ROLE siamd_daemon LOGIN;                 -- then \password siamd_daemon in psql,
--     GRANT siam_daemon TO siamd_daemon;              -- so the password never appears in the
--                                                     -- server log or in shell history
--     CREATE ROLE alice LOGIN;  GRANT siam_admin TO alice;
--     CREATE ROLE powerbi LOGIN; GRANT siam_reporting TO powerbi;
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
            ('siam_reporting', 'siamd: read-only access to every table (reports, dashboards, the event feed).')
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

-- PostgreSQL grants EXECUTE on every new function to PUBLIC. Every role could then call the
-- write functions (siam.service_add, siam.handoff_accept, ...), and since those run with the
-- caller's rights, only missing table privileges would stop them, with a confusing error
-- from deep inside the function. So nobody but the groups below may call anything here.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting;
-- PUBLIC holds nothing on tables, sequences or the schema by default; revoked all the same
-- so that a grant to PUBLIC made by hand cannot outlive a re-run of this file.
REVOKE ALL ON ALL TABLES IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting;
REVOKE ALL ON SCHEMA siam FROM PUBLIC, siam_admin, siam_daemon, siam_reporting;

-- Connecting ---------------------------------------------------------------------------

-- PUBLIC may connect to a new database by default, but hardened clusters often revoke that.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO siam_admin, siam_daemon, siam_reporting',
                   current_database());
END
$$;

GRANT USAGE ON SCHEMA siam TO siam_admin, siam_daemon, siam_reporting;

-- Administrators and the daemon ----------------------------------------------------------
--
-- Both change data only through the siam.* functions, which validate their input and write
-- the matching siam.event row in the same transaction. But the functions are SECURITY
-- INVOKER for now: they run with the caller's rights, so the caller needs the table
-- privileges that the functions use, including the row locks they take (SELECT ... FOR
-- UPDATE needs UPDATE). The price: these roles could also write those tables directly,
-- without an event. Making the write functions SECURITY DEFINER (owned by the schema owner,
-- with a fixed search_path) would let the grants below shrink to EXECUTE and SELECT.
--
-- The daemon gets its rights granted directly rather than by membership in siam_admin. The
-- two sets are equal today but have no reason to stay so (the daemon never adds a calendar;
-- people do not need to update deadlines), and with separate grants either can be narrowed
-- alone, while a right granted to siam_admin by hand does not silently reach the daemon.
-- \dp also shows each role's rights as they are, without following memberships.

GRANT SELECT ON ALL TABLES IN SCHEMA siam TO siam_admin, siam_daemon;

GRANT INSERT, UPDATE ON
    siam.calendar,
    siam.calendar_interval,
    siam.calendar_holiday,
    siam.supplier,
    siam.supplier_service,
    siam.service,
    siam.customer,
    siam.target,
    siam.escalation_rule,
    siam.incident,
    siam.handoff,
    siam.assignment,
    siam.incident_pause,
    siam.escalation,
    siam.complaint,
    siam.external_ref
TO siam_admin, siam_daemon;

-- The audit trail: appended to, never changed.
GRANT INSERT ON siam.event TO siam_admin, siam_daemon;

-- The identity columns use their sequences without a privilege check; this is for code
-- that calls nextval() or currval() itself.
GRANT USAGE ON ALL SEQUENCES IN SCHEMA siam TO siam_admin, siam_daemon;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA siam TO siam_admin, siam_daemon;

-- No DELETE or TRUNCATE for anyone: nothing in siamd deletes rows; the lifecycle of
-- suppliers, incidents, handoffs and escalations is kept by states, which the history needs.

-- Reporting ------------------------------------------------------------------------------

GRANT SELECT ON ALL TABLES IN SCHEMA siam TO siam_reporting;

-- Only the functions that read: business-time arithmetic for SLA reports, the target that
-- applies, and the helpers those call (a function calling another needs EXECUTE on both,
-- since they run as the caller). Named without argument lists on purpose: a new overload
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
    siam.seconds
TO siam_reporting;

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
