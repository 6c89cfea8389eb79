-- Least privilege for the production database (README, "Database roles").
--
--   yantai_owner  owns the schema and every table: the migrations run as it (the one-shot `migrate` service).
--   yantai_app    the web server, the worker and beat: reads and writes rows, owns nothing, so it can neither
--                 ALTER a table nor DISABLE a trigger, has no TRUNCATE, and, not being a superuser, cannot
--                 SET session_replication_role = replica: the audit trail's append-only trigger holds for it.
--
-- Run once, as the superuser, in the application's database (docker compose runs it from
-- /docker-entrypoint-initdb.d on the first start of an empty volume; on an existing one:
--   docker compose exec postgres psql -U postgres -d yantai -f /docker-entrypoint-initdb.d/10-db-roles.sql
-- with DB_OWNER_PASSWORD and DB_APP_PASSWORD in the container's environment). Rerunnable.
\getenv owner_password DB_OWNER_PASSWORD
\getenv app_password DB_APP_PASSWORD

SELECT format('CREATE ROLE yantai_owner LOGIN PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yantai_owner') \gexec
SELECT format('CREATE ROLE yantai_app LOGIN PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'yantai_app') \gexec
ALTER ROLE yantai_owner NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE yantai_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

SELECT format('ALTER DATABASE %I OWNER TO yantai_owner', current_database()) \gexec
ALTER SCHEMA public OWNER TO yantai_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- grants begin (tests/test_db_roles.py runs this block with its own role names)
GRANT USAGE ON SCHEMA public TO yantai_app;
REVOKE CREATE ON SCHEMA public FROM yantai_app;
-- the tables there are already (a database migrated before the roles existed) ...
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO yantai_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO yantai_app;
-- ... and every table the owner's migrations create later: rows only, never TRUNCATE, REFERENCES or TRIGGER
ALTER DEFAULT PRIVILEGES FOR ROLE yantai_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO yantai_app;
ALTER DEFAULT PRIVILEGES FOR ROLE yantai_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO yantai_app;
-- the audit trail: appended and read, never changed (its trigger refuses it too); audit migration 0003
-- revokes the same when it creates the chain on a database whose roles exist already
DO $$ BEGIN
    IF to_regclass('public.audit_auditentry') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON TABLE audit_auditentry FROM yantai_app;
    END IF;
END $$;
-- grants end
