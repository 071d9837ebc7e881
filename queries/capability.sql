-- Emergency capability per place on the as-of date (the article's "1+5" grid mechanism, teams,
-- drills, social organisations, readiness and vulnerable people): one row per unit and one for
-- the city, or, for a unit, one per street and one for the unit itself (is_total marks the row of
-- the whole, listed first).
--   $district  '' for the city's units, or a unit's code for its streets
-- Grids: a full-time emergency group (专职应急小组) belongs in each first-level grid (community
-- and rural grids), an emergency squad (应急小队) in each micro-grid; dedicated grids need
-- neither. Drills and trainings count the 365 days up to the as-of date; residents_reached_share
-- is participants (person-times) over residents, a rate of reach that may pass 100%.
-- Reads mart_community only (one row per community), so it costs the same at any scale.
-- example: {"district": ""}
-- example: {"district": "410183"}
WITH places AS (
    SELECT district_code AS place_code, name_zh, name_en, false AS is_total
    FROM dim_district WHERE $district = ''
    UNION ALL
    SELECT '410100', '郑州市', 'Zhengzhou', true WHERE $district = ''
    UNION ALL
    SELECT street_code, name_zh, name_zh, false FROM dim_street WHERE district_code = $district
    UNION ALL
    SELECT district_code, name_zh, name_en, true FROM dim_district WHERE district_code = $district
),
-- Every community counts towards its own place and towards the whole (the city, or the unit).
rows AS (
    SELECT CASE WHEN $district = '' THEN district_code ELSE street_code END AS place_code, *
    FROM mart_community WHERE $district = '' OR district_code = $district
    UNION ALL
    SELECT CASE WHEN $district = '' THEN '410100' ELSE district_code END, *
    FROM mart_community WHERE $district = '' OR district_code = $district
),
sums AS (
    SELECT place_code,
           count(*) AS communities, sum(population) AS population,
           sum(grids) AS grids,
           sum(community_grids + rural_grids) AS first_level_grids,
           sum(first_level_with_group) AS first_level_with_group,
           sum(micro_grids) AS micro_grids, sum(micro_with_squad) AS micro_with_squad,
           sum(grids_without_team) AS grids_without_team,
           sum(grid_workers) AS grid_workers, sum(grids_patrolled_4w) AS grids_patrolled_4w,
           sum(teams) AS teams, sum(team_members) AS team_members,
           sum(drills_12m) AS drills_12m, sum(trainings_12m) AS trainings_12m,
           sum(participants_12m) AS participants_12m,
           sum(events_12m) AS events_12m, sum(events_with_orgs_12m) AS events_with_orgs_12m,
           sum(social_org_turnouts_12m) AS social_org_turnouts_12m,
           sum(social_orgs) AS social_orgs,
           count(*) FILTER (WHERE has_plan) AS with_plan,
           count(*) FILTER (WHERE has_risk_map) AS with_risk_map,
           count(*) FILTER (WHERE has_evacuation_routes) AS with_evacuation_routes,
           count(*) FILTER (WHERE has_vulnerable_list) AS with_vulnerable_list,
           count(*) FILTER (WHERE has_plan AND has_risk_map AND has_evacuation_routes
                            AND has_vulnerable_list) AS with_all_four,
           sum(vulnerable) AS vulnerable, sum(vulnerable_with_helper) AS vulnerable_with_helper
    FROM rows GROUP BY place_code
)
SELECT p.place_code, p.name_zh, p.name_en, p.is_total, m.as_of,
       coalesce(s.communities, 0)::INTEGER AS communities,
       coalesce(s.population, 0)::BIGINT AS population,
       coalesce(s.grids, 0)::INTEGER AS grids,
       coalesce(s.first_level_grids, 0)::INTEGER AS first_level_grids,
       coalesce(s.first_level_with_group, 0)::INTEGER AS first_level_with_group,
       s.first_level_with_group / nullif(s.first_level_grids, 0) AS group_share,
       coalesce(s.micro_grids, 0)::INTEGER AS micro_grids,
       coalesce(s.micro_with_squad, 0)::INTEGER AS micro_with_squad,
       s.micro_with_squad / nullif(s.micro_grids, 0) AS squad_share,
       coalesce(s.grids_without_team, 0)::INTEGER AS grids_without_team,
       coalesce(s.grid_workers, 0)::INTEGER AS grid_workers,
       s.grid_workers / nullif(s.grids, 0) AS workers_per_grid,
       coalesce(s.grids_patrolled_4w, 0)::INTEGER AS grids_patrolled_4w,
       s.grids_patrolled_4w / nullif(s.grids, 0) AS patrolled_4w_share,
       coalesce(s.teams, 0)::INTEGER AS teams,
       coalesce(s.team_members, 0)::INTEGER AS team_members,
       10000.0 * s.teams / nullif(s.population, 0) AS teams_per_10k,
       10000.0 * s.team_members / nullif(s.population, 0) AS members_per_10k,
       coalesce(s.drills_12m, 0)::INTEGER AS drills_12m,
       coalesce(s.trainings_12m, 0)::INTEGER AS trainings_12m,
       coalesce(s.participants_12m, 0)::INTEGER AS participants_12m,
       s.participants_12m / nullif(s.population, 0) AS residents_reached_share,
       coalesce(s.events_with_orgs_12m, 0)::INTEGER AS events_with_orgs_12m,
       s.events_with_orgs_12m / nullif(s.events_12m, 0) AS events_with_orgs_share,
       coalesce(s.social_org_turnouts_12m, 0)::INTEGER AS social_org_turnouts_12m,
       coalesce(s.social_orgs, 0)::INTEGER AS social_orgs,
       s.with_plan / nullif(s.communities, 0) AS plan_share,
       s.with_risk_map / nullif(s.communities, 0) AS risk_map_share,
       s.with_evacuation_routes / nullif(s.communities, 0) AS evacuation_routes_share,
       s.with_vulnerable_list / nullif(s.communities, 0) AS vulnerable_list_share,
       coalesce(s.with_all_four, 0)::INTEGER AS with_all_four,
       s.with_all_four / nullif(s.communities, 0) AS all_four_share,
       coalesce(s.vulnerable, 0)::INTEGER AS vulnerable,
       coalesce(s.vulnerable_with_helper, 0)::INTEGER AS vulnerable_with_helper,
       s.vulnerable_with_helper / nullif(s.vulnerable, 0) AS helper_share
FROM places p
CROSS JOIN meta_build m
LEFT JOIN sums s USING (place_code)
ORDER BY p.is_total DESC, p.place_code;
