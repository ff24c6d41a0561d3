--
-- Migration 0003: supplier identity that fails closed, and no oracles
--
-- A supplier's session was recognised by its exact login name only; any other role with
-- supplier rights was treated as the integrator. siam.caller_supplier() (definitions/
-- security.sql) now decides from the login role and its memberships together, and refuses
-- any role that does not resolve to the integrator or to exactly one supplier.
--
-- This drops two functions whose replacements the definitions files create:
--   * siam.supplier_of(name), which anyone could call to map any role to its supplier;
--   * siam.check_name(text, text, integer), replaced by siam.check_text (one blank rule and
--     one length limit per kind of text).
-- It changes no table and no row.
--

DROP FUNCTION IF EXISTS siam.supplier_of(name);
DROP FUNCTION IF EXISTS siam.check_name(text, text, integer);
