-- What the served warehouse was built from, for the footer of every page.
-- example: {}
SELECT as_of, built_at, source, scale
FROM meta_build;
