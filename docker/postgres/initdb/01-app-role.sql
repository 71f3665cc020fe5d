-- The role the API and the worker connect as. It does not own the schema: `migrate`
-- (run as the owner) grants it what it needs and withholds UPDATE/DELETE on the audit log.
CREATE ROLE kaikaku_app LOGIN PASSWORD 'kaikaku_app';
