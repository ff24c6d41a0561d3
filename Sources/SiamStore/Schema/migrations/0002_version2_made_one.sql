--
-- Migration 0002: "version 2" made one schema
--
-- Before numbered migrations, commits changed the schema without changing its version, so a
-- database made early in version 2 lacks what later ones have. This brings any of them to
-- the baseline: it adds what is missing, and drops what definitions/ then creates again in
-- its later form (siam.owner_at where it still returns text; siam.daemon_status where it
-- still lacks connected_at: re-run deploy/roles.sql afterwards to grant it again, as after
-- every upgrade). It rewrites no data.
-- On a database made by migration 0001 it changes nothing but the version mark.
--
-- It also sets siam.schema_version to 3: siamd binaries from before numbered migrations
-- work only on version 2, so they refuse this database instead of running on it.
--

ALTER TABLE siam.daemon ADD COLUMN IF NOT EXISTS connected_at timestamptz NOT NULL DEFAULT siam.clock();
COMMENT ON COLUMN siam.daemon.connected_at IS 'When it last registered: at start, and again after each reconnect.';

CREATE INDEX IF NOT EXISTS assignment_owner_spans ON siam.assignment (incident, started_at) WHERE role = 'owner';

DO $$
BEGIN
    -- Returning one text, not a set of rows (RETURNS TABLE (supplier text) is SETOF text).
    IF (SELECT prorettype = 'text'::regtype AND NOT proretset FROM pg_catalog.pg_proc
        WHERE oid = to_regprocedure('siam.owner_at(bigint, timestamptz)')) THEN
        DROP FUNCTION siam.owner_at(bigint, timestamptz);
    END IF;
    IF to_regclass('siam.daemon_status') IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                       WHERE attrelid = 'siam.daemon_status'::regclass AND attname = 'connected_at') THEN
            DROP VIEW siam.daemon_status;
        END IF;
    END IF;
END
$$;

UPDATE siam.schema_version SET version = 3, applied_at = now();
COMMENT ON TABLE siam.schema_version IS
    'Kept for siamd binaries from before numbered migrations, which work only on version 2 and so refuse this database (3). siamd itself reads siam.schema_migration.';
