-- Vulnerable people (弱势群体) by type on the as-of date, and how many have an assigned helper
-- (结对帮扶), for the city or one unit. Every type is listed, zeros included.
--   $district  a unit's code, or '' for the whole city
-- Counts only: the raw table holds no person, one row per community and type.
-- example: {"district": ""}
WITH types AS (SELECT DISTINCT group_type FROM stg_vulnerable_groups),
counted AS (
    SELECT v.group_type, sum(v.people) AS people, sum(v.with_helper) AS with_helper,
           count(DISTINCT v.community_code) FILTER (WHERE v.people > v.with_helper)
               AS communities_short
    FROM stg_vulnerable_groups v
    JOIN dim_community c USING (community_code)
    WHERE $district = '' OR c.district_code = $district
    GROUP BY v.group_type
)
SELECT t.group_type,
       coalesce(n.people, 0)::INTEGER AS people,
       coalesce(n.with_helper, 0)::INTEGER AS with_helper,
       (coalesce(n.people, 0) - coalesce(n.with_helper, 0))::INTEGER AS without_helper,
       n.with_helper / nullif(n.people, 0) AS helper_share,
       coalesce(n.communities_short, 0)::INTEGER AS communities_short
FROM types t
LEFT JOIN counted n USING (group_type)
ORDER BY people DESC, t.group_type;
