-- Places and weeks every mart hangs on.

CREATE TABLE dim_district AS
SELECT district_code, name_zh, name_en, kind, terrain, population, area_km2, boundary_geojson
FROM stg_districts;

CREATE TABLE dim_street AS
SELECT s.street_code, s.district_code, s.name_zh, s.kind,
       coalesce(sum(c.population), 0)::INTEGER AS population
FROM stg_streets s
LEFT JOIN stg_communities c USING (street_code)
GROUP BY ALL;

CREATE TABLE dim_community AS
SELECT c.* EXCLUDE (_row), s.district_code
FROM stg_communities c
JOIN stg_streets s USING (street_code);

CREATE TABLE dim_grid AS
SELECT g.* EXCLUDE (_row), c.street_code, c.district_code,
       -- a grid has no name in the data: it is called by the last four digits of its code
       '网格' || right(g.grid_code, 4) AS name_zh, 'Grid ' || right(g.grid_code, 4) AS name_en
FROM stg_grids g
JOIN dim_community c USING (community_code);

-- Whole ISO weeks (Monday to Sunday), from the first week with any record to the last week
-- that has ended by the as-of date: a week still under way is never shown as if complete.
CREATE TABLE dim_week AS
WITH bounds AS (
    SELECT least((SELECT min(week_start) FROM stg_inspections),
                 (SELECT date_trunc('week', min(found_date)) FROM stg_hazards))::DATE AS first_week,
           (date_trunc('week', as_of + 1) - INTERVAL 7 DAY)::DATE AS last_week
    FROM meta_build
)
SELECT w::DATE AS week_start,
       (w + INTERVAL 6 DAY)::DATE AS week_end,
       isoyear(w)::INTEGER AS iso_year,
       weekofyear(w)::INTEGER AS iso_week
FROM bounds, range(first_week, last_week + INTERVAL 1 DAY, INTERVAL 7 DAY) AS r(w);
