--
-- siamd: least-privilege group roles
--
-- Run as a superuser (or as the owner of schema siam holding CREATEROLE), after schema.sql,
-- in the siamd database:
--
--     psql -v ON_ERROR_STOP=1 -d siam -f deploy/roles.sql
--
-- It creates four NOLOGIN group roles, lets them connect, and sets their privileges on
-- everything in schema siam with siam.grant_group_roles() (definitions/security.sql). It is
-- idempotent. After a schema upgrade there is no need to run it again: `siamd db migrate`
-- calls siam.grant_group_roles() itself whenever the four roles exist, so what a migration
-- adds is granted too. Each run first revokes what the four roles hold in schema siam and
-- grants it again, in one transaction, so the result is exactly what that function says,
-- whatever was granted by hand before.
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

-- Connecting ---------------------------------------------------------------------------

-- PUBLIC may connect to a new database by default, but hardened clusters often revoke that.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO siam_admin, siam_daemon, siam_reporting, siam_supplier',
                   current_database());
END
$$;

-- Seeing what holds back the event feed (siamd status, siam.feed_holdback): the age and
-- owner of other sessions' transactions are shown only to holders of pg_read_all_stats.
GRANT pg_read_all_stats TO siam_admin, siam_daemon, siam_reporting;

-- A supplier's session left idle inside a transaction holds back the event feed for every
-- integration (and may hold its own rows): end such sessions after a minute. A role's
-- settings apply to the role that logs in, not to members of a group, so this is set on
-- every login role that acts for a supplier: mapped ones, and logins that are members of a
-- mapped role (siamd supplier grant sets it on the roles it maps; run this file again after
-- adding a member login).
DO $$
DECLARE
    v_role name;
BEGIN
    FOR v_role IN
        SELECT DISTINCT login.rolname
        FROM siam.supplier_role AS m
        JOIN pg_catalog.pg_roles AS mapped ON mapped.rolname = m.role_name
        JOIN pg_catalog.pg_roles AS login ON login.rolcanlogin AND NOT login.rolsuper
                                         AND pg_has_role(login.oid, mapped.oid, 'MEMBER')
    LOOP
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', v_role, '60s');
    END LOOP;
END
$$;

-- Rights in schema siam: one function, which `siamd db migrate` also calls after every
-- upgrade (definitions/security.sql says what each role gets, and why).
SELECT siam.grant_group_roles();

COMMIT;
