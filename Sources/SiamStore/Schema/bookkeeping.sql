--
-- siamd's record of its own schema
--
-- Created by `siamd db migrate` (and by schema.sql) before anything else is recorded; kept
-- as it is: a change to these tables is a numbered migration like any other.
--

CREATE TABLE IF NOT EXISTS siam.schema_migration (
    id integer PRIMARY KEY
        CONSTRAINT schema_migration_id_positive CHECK (id > 0),
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT session_user,
    siamd_version text,
    adopted boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE siam.schema_migration IS
    'The numbered migrations applied to this database, one row each (siamd db migrate). siamd refuses a database that lacks one it knows (run siamd db migrate), holds one it does not know (a newer siamd migrated it), or holds one whose checksum differs from the binary''s (the file was edited after it was applied).';
COMMENT ON COLUMN siam.schema_migration.id IS 'The migration''s number, e.g. 2 for migrations/0002_….sql.';
COMMENT ON COLUMN siam.schema_migration.name IS 'Its file name without .sql, e.g. 0002_version2_made_one.';
COMMENT ON COLUMN siam.schema_migration.checksum IS 'FNV-1a 64-bit hash of its text (line endings normalised), in hex.';
COMMENT ON COLUMN siam.schema_migration.applied_at IS 'When it was applied (the server''s clock).';
COMMENT ON COLUMN siam.schema_migration.applied_by IS 'The database role that applied it.';
COMMENT ON COLUMN siam.schema_migration.siamd_version IS 'The siamd that applied it.';
COMMENT ON COLUMN siam.schema_migration.adopted IS 'True for 0001 on a database made before numbered migrations: recorded, not run.';

CREATE TABLE IF NOT EXISTS siam.schema_definition (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE siam.schema_definition IS
    'The definitions files (functions, views, policies, grants) last applied to this database, with their checksums: siamd db migrate re-applies them all when any differs from the binary''s.';
