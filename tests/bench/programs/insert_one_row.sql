BEGIN;
INSERT INTO bench_insert_ceiling (email, created_at)
  VALUES ('bench-' || :client_id || '-' || random() || '@example.org', now());
COMMIT;
