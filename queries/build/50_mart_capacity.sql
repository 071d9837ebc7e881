-- Coping capacity per community on the as-of date, per resident: supplies against the norm, team
-- members, drills, shelter places within reach (2SFCA) and the readiness checklist.
-- docs/imbalance.md defines every column; the risk index and the imbalance marts read these two
-- tables, so their column names are a contract.

-- One row per community and supply kind: the stock held by the community itself (depots are
-- district-wide and not shared out), the norm for its population, and the shortfall below it.
-- need = norm_per_1000 × population / 1000 (fractional units); ratio = quantity / need, which is
-- the stock per resident in multiples of the norm per resident.
-- Where need is 0 (no residents, or no norm for the item) there is no ratio and no shortfall.
CREATE TABLE mart_capacity_stock AS
WITH rows AS (
    SELECT c.community_code, c.street_code, c.district_code, c.population,
           n.item, n.flood_item, n.norm_per_1000,
           coalesce(s.quantity, 0) AS quantity,
           n.norm_per_1000 * c.population / 1000.0 AS need
    FROM dim_community c
    CROSS JOIN stg_resource_norms n
    LEFT JOIN stg_resource_stocks s
        ON s.holder_kind = 'community' AND s.holder_code = c.community_code AND s.item = n.item
)
SELECT community_code, street_code, district_code, population, item, flood_item, norm_per_1000,
       quantity::INTEGER AS quantity,
       need,
       CASE WHEN need > 0 THEN quantity / need END AS ratio,
       need > 0 AND quantity < need AS below_norm,
       CASE WHEN need > 0 THEN greatest(0.0, need - quantity) END AS shortfall,
       CASE WHEN need > 0 THEN greatest(0.0, need - quantity) / need END AS shortfall_share,
       -- residents the missing stock would cover at the norm: comparable across items
       CASE WHEN need > 0 THEN greatest(0.0, need - quantity) / need * population END
           AS residents_uncovered,
       -- whole units to add to reach the norm: the smallest k with quantity + k ≥ need
       CASE WHEN need > quantity THEN ceil(need - quantity) ELSE 0 END::INTEGER AS units_to_norm
FROM rows
ORDER BY community_code, item;

CREATE TABLE mart_capacity_community AS
WITH m AS (SELECT as_of FROM meta_build),
-- Items are capped at 1 before averaging, so a surplus of one item cannot hide a shortage of
-- another; only items with a need (a norm and residents) count.
stock AS (
    SELECT community_code,
           avg(least(1.0, ratio)) AS stock_ratio,
           avg(least(1.0, ratio)) FILTER (WHERE flood_item) AS flood_stock_ratio,
           count(*) FILTER (WHERE below_norm) AS items_below_norm,
           count(*) FILTER (WHERE below_norm AND flood_item) AS flood_items_below_norm
    FROM mart_capacity_stock
    WHERE ratio IS NOT NULL
    GROUP BY ALL
),
teams AS (
    SELECT community_code, count(*) AS teams, sum(members) AS team_members
    FROM stg_teams, m WHERE founded_date <= m.as_of GROUP BY ALL
),
-- The 12 months before the as-of date: as_of − 364 … as_of, 365 days, as in mart_community.
drills AS (
    SELECT community_code,
           count(*) FILTER (WHERE kind = 'drill') AS drills_12m,
           count(*) FILTER (WHERE kind = 'training') AS trainings_12m,
           sum(participants) AS participants_12m
    FROM stg_drills, m
    WHERE held_date > m.as_of - 365 AND held_date <= m.as_of
    GROUP BY ALL
),
-- 2SFCA. Catchment radius by shelter class (national planning standard, zhengzhou-facts.md).
catchment(shelter_class, radius_km) AS (VALUES ('I', 5.0), ('II', 1.0), ('III', 0.5)),
-- Great-circle distances on a sphere of the mean Earth radius, 6371.0088 km; one degree of
-- latitude is then 111.195 km. Only pairs in neighbouring cells are compared: a cell is at least
-- the class radius wide, in latitude and (at the highest latitude present, where a degree of
-- longitude is shortest) in longitude, so any pair within reach lies at most one cell apart.
-- The 1 % margin covers the few parts per million by which the sphere's arcs differ from that.
cells AS (
    SELECT k.shelter_class, k.radius_km,
           1.01 * k.radius_km / (6371.0088 * pi() / 180) AS dlat,
           1.01 * k.radius_km / (6371.0088 * pi() / 180 * cos(radians(b.max_lat))) AS dlon
    FROM catchment k,
         (SELECT greatest((SELECT max(abs(lat)) FROM dim_community),
                          (SELECT max(abs(lat)) FROM stg_shelters)) AS max_lat) b
),
community_cells AS (
    SELECT k.shelter_class, c.community_code, c.population, c.lon, c.lat,
           floor(c.lon / k.dlon)::BIGINT AS cx, floor(c.lat / k.dlat)::BIGINT AS cy
    FROM dim_community c, cells k
),
-- Each shelter is listed in its own cell and the eight around it.
shelter_cells AS (
    SELECT s.shelter_code, s.capacity, s.lon, s.lat, k.shelter_class, k.radius_km,
           floor(s.lon / k.dlon)::BIGINT + dx AS cx, floor(s.lat / k.dlat)::BIGINT + dy AS cy
    FROM stg_shelters s
    JOIN cells k USING (shelter_class),
         (VALUES (-1), (0), (1)) x(dx), (VALUES (-1), (0), (1)) y(dy)
),
candidates AS (
    SELECT s.shelter_code, s.capacity, s.radius_km, c.community_code, c.population,
           2 * 6371.0088 * asin(sqrt(
               pow(sin(radians(c.lat - s.lat) / 2), 2)
               + cos(radians(s.lat)) * cos(radians(c.lat)) * pow(sin(radians(c.lon - s.lon) / 2), 2)
           )) AS distance_km
    FROM shelter_cells s
    JOIN community_cells c USING (shelter_class, cx, cy)
),
reach AS (SELECT * FROM candidates WHERE distance_km <= radius_km),  -- inclusive: d ≤ d₀
-- Step 1, each shelter j: Rⱼ = Sⱼ / (population within its reach).
shelter_ratio AS (
    SELECT shelter_code, any_value(capacity) / sum(population) AS places_per_resident
    FROM reach GROUP BY ALL HAVING sum(population) > 0
),
-- Step 2, each community i: Aᵢ = Σ Rⱼ over the shelters within reach of i.
access AS (
    SELECT r.community_code,
           count(*) AS shelters_in_reach,
           sum(r.capacity) AS shelter_places_in_reach,
           coalesce(sum(j.places_per_resident), 0) AS shelter_access
    FROM reach r
    LEFT JOIN shelter_ratio j USING (shelter_code)
    GROUP BY ALL
)
SELECT c.community_code, c.street_code, c.district_code, c.name_zh, c.population,
       st.stock_ratio,
       st.flood_stock_ratio,
       coalesce(st.items_below_norm, 0)::INTEGER AS items_below_norm,
       coalesce(st.flood_items_below_norm, 0)::INTEGER AS flood_items_below_norm,
       coalesce(t.teams, 0)::INTEGER AS teams,
       coalesce(t.team_members, 0)::INTEGER AS team_members,
       CASE WHEN c.population > 0
            THEN 1000.0 * coalesce(t.team_members, 0) / c.population END AS team_members_per_1000,
       coalesce(d.drills_12m, 0)::INTEGER AS drills_12m,
       coalesce(d.trainings_12m, 0)::INTEGER AS trainings_12m,
       CASE WHEN c.population > 0
            THEN 1000.0 * (coalesce(d.drills_12m, 0) + coalesce(d.trainings_12m, 0)) / c.population
       END AS drills_trainings_12m_per_1000,
       coalesce(d.participants_12m, 0)::INTEGER AS participants_12m,
       CASE WHEN c.population > 0
            THEN 1000.0 * coalesce(d.participants_12m, 0) / c.population
       END AS participants_12m_per_1000,
       coalesce(a.shelters_in_reach, 0)::INTEGER AS shelters_in_reach,
       coalesce(a.shelter_places_in_reach, 0)::BIGINT AS shelter_places_in_reach,
       coalesce(a.shelter_access, 0.0) AS shelter_access,
       (coalesce(r.has_plan::INTEGER, 0) + coalesce(r.has_risk_map::INTEGER, 0)
        + coalesce(r.has_evacuation_routes::INTEGER, 0)
        + coalesce(r.has_vulnerable_list::INTEGER, 0))::INTEGER AS readiness_score,
       m.as_of
FROM dim_community c
CROSS JOIN m
LEFT JOIN stock st USING (community_code)
LEFT JOIN teams t USING (community_code)
LEFT JOIN drills d USING (community_code)
LEFT JOIN access a USING (community_code)
LEFT JOIN stg_readiness r USING (community_code)
ORDER BY c.community_code;
