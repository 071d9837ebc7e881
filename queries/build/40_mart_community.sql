-- One row per community or village on the as-of date: who lives there, its grids, its hazards,
-- its patrols over the last 13 full weeks, and its capacity (people, plans, drills); stock against
-- the norms is in mart_capacity_community (50_mart_capacity.sql).

CREATE TABLE mart_community AS
WITH m AS (
    SELECT as_of, (date_trunc('week', as_of + 1) - INTERVAL 7 DAY)::DATE AS last_week
    FROM meta_build
),
grids AS (
    SELECT community_code,
           count(*) AS grids,
           count(*) FILTER (WHERE grid_type = 'community') AS community_grids,
           count(*) FILTER (WHERE grid_type = 'micro') AS micro_grids,
           count(*) FILTER (WHERE grid_type = 'rural') AS rural_grids,
           count(*) FILTER (WHERE grid_type = 'dedicated') AS dedicated_grids,
           sum(workers) AS grid_workers,
           count(*) FILTER (WHERE has_group) AS grids_with_group,
           count(*) FILTER (WHERE has_squad) AS grids_with_squad,
           -- the "1+5" mechanism: a full-time group in each first-level (community or rural)
           -- grid, a squad in each micro-grid; dedicated grids need neither
           count(*) FILTER (WHERE grid_type IN ('community', 'rural') AND has_group)
               AS first_level_with_group,
           count(*) FILTER (WHERE grid_type = 'micro' AND has_squad) AS micro_with_squad,
           count(*) FILTER (WHERE grid_type <> 'dedicated' AND NOT has_group AND NOT has_squad)
               AS grids_without_team
    FROM dim_grid GROUP BY ALL
),
patrolled AS (
    SELECT g.community_code, count(DISTINCT i.grid_code) AS grids_patrolled_4w
    FROM stg_inspections i
    JOIN dim_grid g USING (grid_code), m
    WHERE i.week_start > m.last_week - INTERVAL 4 WEEK AND i.week_start <= m.last_week
    GROUP BY ALL
),
hazards AS (
    SELECT community_code,
           count(*) FILTER (WHERE is_open) AS open_hazards,
           count(*) FILTER (WHERE is_open AND severity = 'major') AS major_open,
           count(*) FILTER (WHERE is_overdue) AS overdue,
           count(*) FILTER (WHERE found_date > m.as_of - 365) AS found_12m,
           count(*) FILTER (WHERE found_date > m.as_of - 365 AND NOT is_open) AS rectified_12m
    FROM mart_hazard, m GROUP BY ALL
),
patrols AS (
    SELECT g.community_code,
           sum(i.items_checked) AS items_checked_13w,
           sum(i.items_compliant) AS items_compliant_13w
    FROM stg_inspections i
    JOIN dim_grid g USING (grid_code), m
    WHERE i.week_start > m.last_week - INTERVAL 13 WEEK AND i.week_start <= m.last_week
    GROUP BY ALL
),
vulnerable AS (
    SELECT community_code, sum(people) AS vulnerable, sum(with_helper) AS vulnerable_with_helper
    FROM stg_vulnerable_groups GROUP BY ALL
),
drills AS (
    SELECT community_code,
           count(*) FILTER (WHERE kind = 'drill') AS drills_12m,
           count(*) FILTER (WHERE kind = 'training') AS trainings_12m,
           sum(participants) AS participants_12m,
           sum(social_orgs) AS social_org_turnouts_12m,
           count(*) AS events_12m,
           count(*) FILTER (WHERE social_orgs > 0) AS events_with_orgs_12m
    FROM stg_drills, m WHERE held_date > m.as_of - 365 GROUP BY ALL
),
last_drill AS (
    SELECT community_code, max(held_date) AS last_drill FROM stg_drills GROUP BY ALL
),
teams AS (
    SELECT community_code, count(*) AS teams, sum(members) AS team_members
    FROM stg_teams GROUP BY ALL
),
orgs AS (
    SELECT community_code, count(*) AS social_orgs FROM stg_social_orgs GROUP BY ALL
),
shelters AS (
    SELECT community_code, count(*) AS shelters, sum(capacity) AS shelter_places
    FROM stg_shelters GROUP BY ALL
)
SELECT c.community_code, c.street_code, c.district_code, c.name_zh, c.kind,
       c.population, c.households, c.people_65plus, c.lon, c.lat, c.flood_prone, c.hilly,
       coalesce(g.grids, 0)::INTEGER AS grids,
       coalesce(g.community_grids, 0)::INTEGER AS community_grids,
       coalesce(g.micro_grids, 0)::INTEGER AS micro_grids,
       coalesce(g.rural_grids, 0)::INTEGER AS rural_grids,
       coalesce(g.dedicated_grids, 0)::INTEGER AS dedicated_grids,
       coalesce(g.grid_workers, 0)::INTEGER AS grid_workers,
       coalesce(g.grids_with_group, 0)::INTEGER AS grids_with_group,
       coalesce(g.grids_with_squad, 0)::INTEGER AS grids_with_squad,
       coalesce(g.first_level_with_group, 0)::INTEGER AS first_level_with_group,
       coalesce(g.micro_with_squad, 0)::INTEGER AS micro_with_squad,
       coalesce(g.grids_without_team, 0)::INTEGER AS grids_without_team,
       coalesce(pa.grids_patrolled_4w, 0)::INTEGER AS grids_patrolled_4w,
       coalesce(h.open_hazards, 0)::INTEGER AS open_hazards,
       coalesce(h.major_open, 0)::INTEGER AS major_open,
       coalesce(h.overdue, 0)::INTEGER AS overdue,
       coalesce(h.found_12m, 0)::INTEGER AS found_12m,
       coalesce(h.rectified_12m, 0)::INTEGER AS rectified_12m,
       coalesce(p.items_checked_13w, 0)::BIGINT AS items_checked_13w,
       coalesce(p.items_compliant_13w, 0)::BIGINT AS items_compliant_13w,
       coalesce(v.vulnerable, 0)::INTEGER AS vulnerable,
       coalesce(v.vulnerable_with_helper, 0)::INTEGER AS vulnerable_with_helper,
       coalesce(d.drills_12m, 0)::INTEGER AS drills_12m,
       coalesce(d.trainings_12m, 0)::INTEGER AS trainings_12m,
       coalesce(d.participants_12m, 0)::INTEGER AS participants_12m,
       coalesce(d.social_org_turnouts_12m, 0)::INTEGER AS social_org_turnouts_12m,
       coalesce(d.events_12m, 0)::INTEGER AS events_12m,
       coalesce(d.events_with_orgs_12m, 0)::INTEGER AS events_with_orgs_12m,
       ld.last_drill,
       coalesce(t.teams, 0)::INTEGER AS teams,
       coalesce(t.team_members, 0)::INTEGER AS team_members,
       coalesce(o.social_orgs, 0)::INTEGER AS social_orgs,
       coalesce(sh.shelters, 0)::INTEGER AS shelters,
       coalesce(sh.shelter_places, 0)::INTEGER AS shelter_places,
       coalesce(r.has_plan, false) AS has_plan,
       coalesce(r.has_risk_map, false) AS has_risk_map,
       coalesce(r.has_evacuation_routes, false) AS has_evacuation_routes,
       coalesce(r.has_vulnerable_list, false) AS has_vulnerable_list,
       r.last_assessed
FROM dim_community c
LEFT JOIN grids g USING (community_code)
LEFT JOIN patrolled pa USING (community_code)
LEFT JOIN hazards h USING (community_code)
LEFT JOIN patrols p USING (community_code)
LEFT JOIN vulnerable v USING (community_code)
LEFT JOIN drills d USING (community_code)
LEFT JOIN last_drill ld USING (community_code)
LEFT JOIN teams t USING (community_code)
LEFT JOIN orgs o USING (community_code)
LEFT JOIN shelters sh USING (community_code)
LEFT JOIN stg_readiness r USING (community_code)
ORDER BY c.community_code;
